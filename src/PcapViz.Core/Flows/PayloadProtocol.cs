using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapViz.Core.Flows;

/// <summary>What the first payload bytes of a flow say it carries, whatever its ports.</summary>
public enum PayloadProtocol : byte
{
    /// <summary>No payload has been examined.</summary>
    NotSeen = 0,
    /// <summary>Payload that no recogniser knows and that does not look random (text, structured binary).</summary>
    Unrecognized = 1,
    /// <summary>Payload that no recogniser knows and that looks random: encrypted or compressed.</summary>
    HighEntropy = 2,
    // Identified protocols: every value from here on.
    Tls = 16,
    Http,
    Ssh,
    Dns,
    Smb,
    Rdp,
    Quic,
    Ntp,
    /// <summary>An FTP or SMTP server's "220" greeting, or a client's EHLO/HELO.</summary>
    MailOrFtp,
    Pop3,
    Imap,
}

/// <summary>
/// Recognises protocols from a packet's first <see cref="HeadLength"/> payload bytes, as the import carries them for
/// every packet: TLS records (and SSLv2 hellos), HTTP requests and status lines, SSH banners, DNS headers, SMB over
/// NetBIOS, RDP's TPKT/X.224, QUIC long headers, NTP, and the greetings of FTP, SMTP, POP3 and IMAP.
/// </summary>
public static class PayloadProtocols
{
    /// <summary>Bytes of each packet's payload the import hands to the flow counter.</summary>
    public const int HeadLength = 16;

    public static bool IsIdentified(PayloadProtocol protocol) => protocol >= PayloadProtocol.Tls;

    /// <summary>The more telling of two findings for one flow: an identified protocol (the first one), else random over not random.</summary>
    public static PayloadProtocol Stronger(PayloadProtocol first, PayloadProtocol second) =>
        IsIdentified(first) ? first : IsIdentified(second) ? second : (PayloadProtocol)Math.Max((byte)first, (byte)second);

    public static string Name(PayloadProtocol protocol) => protocol switch
    {
        PayloadProtocol.Tls => "TLS",
        PayloadProtocol.Http => "HTTP",
        PayloadProtocol.Ssh => "SSH",
        PayloadProtocol.Dns => "DNS",
        PayloadProtocol.Smb => "SMB",
        PayloadProtocol.Rdp => "RDP",
        PayloadProtocol.Quic => "QUIC",
        PayloadProtocol.Ntp => "NTP",
        PayloadProtocol.MailOrFtp => "SMTP/FTP",
        PayloadProtocol.Pop3 => "POP3",
        PayloadProtocol.Imap => "IMAP",
        PayloadProtocol.HighEntropy => "encrypted or random data",
        PayloadProtocol.Unrecognized => "unrecognised data",
        _ => "no payload",
    };

    /// <summary>The identified protocol <see cref="Name"/> gives this name (or an application of that name), else NotSeen.</summary>
    public static PayloadProtocol FromName(string? name) => name switch
    {
        "TLS" => PayloadProtocol.Tls,
        "HTTP" => PayloadProtocol.Http,
        "SSH" => PayloadProtocol.Ssh,
        "DNS" => PayloadProtocol.Dns,
        "SMB" => PayloadProtocol.Smb,
        "RDP" => PayloadProtocol.Rdp,
        "QUIC" => PayloadProtocol.Quic,
        "NTP" => PayloadProtocol.Ntp,
        "SMTP/FTP" or "SMTP" or "FTP" => PayloadProtocol.MailOrFtp,
        "POP3" => PayloadProtocol.Pop3,
        "IMAP" => PayloadProtocol.Imap,
        _ => PayloadProtocol.NotSeen,
    };

    /// <summary>The protocol a well-known port promises, where a recogniser can check it; NotSeen elsewhere.</summary>
    public static PayloadProtocol ExpectedOn(byte ipProtocol, ushort port) => (ipProtocol, port) switch
    {
        (6, 443 or 8443 or 853 or 993 or 995 or 465 or 636 or 5986) => PayloadProtocol.Tls,
        (6, 80 or 8080 or 8000 or 3128) => PayloadProtocol.Http,
        (6, 22) => PayloadProtocol.Ssh,
        (6 or 17, 53) => PayloadProtocol.Dns,
        (6, 445 or 139) => PayloadProtocol.Smb,
        (6, 3389) => PayloadProtocol.Rdp,
        (17, 443) => PayloadProtocol.Quic,
        (17, 123) => PayloadProtocol.Ntp,
        (6, 25 or 587 or 21) => PayloadProtocol.MailOrFtp,
        (6, 110) => PayloadProtocol.Pop3,
        (6, 143) => PayloadProtocol.Imap,
        _ => PayloadProtocol.NotSeen,
    };

    /// <param name="head">Up to <see cref="HeadLength"/> first bytes of the payload.</param>
    /// <param name="payloadLength">The whole payload's length as captured.</param>
    public static PayloadProtocol Identify(ReadOnlySpan<byte> head, int payloadLength, byte ipProtocol)
    {
        if (head.IsEmpty)
            return PayloadProtocol.NotSeen;
        if (ipProtocol == 6)
        {
            if (IsTls(head))
                return PayloadProtocol.Tls;
            if (StartsWithHttp(head))
                return PayloadProtocol.Http;
            if (head.StartsWith("SSH-"u8))
                return PayloadProtocol.Ssh;
            if (IsSmb(head))
                return PayloadProtocol.Smb;
            if (IsRdp(head))
                return PayloadProtocol.Rdp;
            if (head.StartsWith("220 "u8) || head.StartsWith("220-"u8) || head.StartsWith("EHLO "u8) || head.StartsWith("HELO "u8) || head.StartsWith("USER "u8))
                return PayloadProtocol.MailOrFtp;
            if (head.StartsWith("+OK"u8))
                return PayloadProtocol.Pop3;
            if (head.StartsWith("* OK"u8))
                return PayloadProtocol.Imap;
            // DNS over TCP: a two-byte length that matches the segment, then a DNS header.
            if (head.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(head) == payloadLength - 2 && IsDnsHeader(head[2..]))
                return PayloadProtocol.Dns;
        }
        else if (ipProtocol == 17)
        {
            // Datagram protocols only: TLS, HTTP and SSH need a stream.
            if (IsQuicLongHeader(head))
                return PayloadProtocol.Quic;
            if (payloadLength is 48 or 68 or 72 or 120 && IsNtp(head))
                return PayloadProtocol.Ntp;
            if (payloadLength >= 17 && IsDnsHeader(head))
                return PayloadProtocol.Dns;
        }
        return LooksRandom(head) ? PayloadProtocol.HighEntropy : PayloadProtocol.Unrecognized;
    }

    private static bool IsTls(ReadOnlySpan<byte> b)
    {
        // A record: content type 20-23 (change cipher spec, alert, handshake, application data), version 3.0 to 3.4.
        if (b.Length >= 5 && b[0] is >= 0x14 and <= 0x17 && b[1] == 3 && b[2] <= 4)
            return true;
        // An SSLv2-framed ClientHello, as old clients send: a two-byte length with the top bit set, message type 1,
        // then version 2.0 or 3.0 to 3.4.
        return b.Length >= 5 && (b[0] & 0x80) != 0 && b[2] == 1 && ((b[3] == 0 && b[4] == 2) || (b[3] == 3 && b[4] <= 4));
    }

    private static bool StartsWithHttp(ReadOnlySpan<byte> b) =>
        b.StartsWith("GET "u8) || b.StartsWith("POST "u8) || b.StartsWith("HEAD "u8) || b.StartsWith("PUT "u8)
        || b.StartsWith("DELETE "u8) || b.StartsWith("OPTIONS "u8) || b.StartsWith("CONNECT "u8) || b.StartsWith("PATCH "u8)
        || b.StartsWith("TRACE "u8) || b.StartsWith("HTTP/1."u8) || b.StartsWith("HTTP/2"u8) || b.StartsWith("PRI * HTTP/2"u8);

    /// <summary>A NetBIOS session message (or session request) carrying SMB1, SMB2/3 or an SMB3 transform header.</summary>
    private static bool IsSmb(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[0] == 0 && b[5] == (byte)'S' && b[6] == (byte)'M' && b[7] == (byte)'B' && b[4] is 0xFF or 0xFE or 0xFD)
            return true;
        // Port 139 starts with a session request (0x81) or its answers (0x82 positive, 0x83 negative).
        return b.Length >= 4 && b[0] is 0x81 or 0x82 or 0x83 && b[1] == 0;
    }

    /// <summary>TPKT version 3, then an X.224 connection request, confirm or data TPDU.</summary>
    private static bool IsRdp(ReadOnlySpan<byte> b) =>
        b.Length >= 6 && b[0] == 3 && b[1] == 0 && BinaryPrimitives.ReadUInt16BigEndian(b[2..]) >= 7 && (b[5] & 0xF0) is 0xE0 or 0xD0 or 0xF0;

    /// <summary>A long header (form and fixed bits set) with version 1, 2, a draft, or 0 (version negotiation).</summary>
    private static bool IsQuicLongHeader(ReadOnlySpan<byte> b)
    {
        if (b.Length < 6 || (b[0] & 0xC0) != 0xC0)
            return false;
        uint version = BinaryPrimitives.ReadUInt32BigEndian(b[1..]);
        return version is 0 or 1 or 0x6B3343CF || (version & 0xFFFFFF00) == 0xFF000000;
    }

    /// <summary>Version 1 to 4, mode 1 to 5 (symmetric, client, server, broadcast), stratum 0 to 16.</summary>
    private static bool IsNtp(ReadOnlySpan<byte> b)
    {
        int version = (b[0] >> 3) & 7, mode = b[0] & 7;
        return version is >= 1 and <= 4 && mode is >= 1 and <= 5 && b.Length >= 2 && b[1] <= 16;
    }

    /// <summary>A plausible DNS header: standard query, notify or update; one question (as every resolver sends); counts in reason; Z clear.</summary>
    private static bool IsDnsHeader(ReadOnlySpan<byte> b)
    {
        if (b.Length < 12)
            return false;
        int opcode = (b[2] >> 3) & 0xF;
        return opcode is 0 or 4 or 5 && (b[3] & 0x40) == 0
            && BinaryPrimitives.ReadUInt16BigEndian(b[4..]) == 1
            && BinaryPrimitives.ReadUInt16BigEndian(b[6..]) <= 64
            && BinaryPrimitives.ReadUInt16BigEndian(b[8..]) <= 64
            && BinaryPrimitives.ReadUInt16BigEndian(b[10..]) <= 64;
    }

    /// <summary>
    /// Random bytes: at least seven in eight distinct, and at least a quarter outside printable ASCII. Sixteen random
    /// bytes are 15.5 distinct on average and ten of them unprintable; text, headers and padding fail one test or both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LooksRandom(ReadOnlySpan<byte> b)
    {
        if (b.Length < 8)
            return false;
        Span<ulong> seen = stackalloc ulong[4];
        seen.Clear();
        int distinct = 0, unprintable = 0;
        foreach (byte value in b)
        {
            ref ulong word = ref seen[value >> 6];
            ulong bit = 1UL << (value & 63);
            if ((word & bit) == 0)
            {
                word |= bit;
                distinct++;
            }
            if (value is < 0x20 or >= 0x7F)
                unprintable++;
        }
        return distinct * 8 >= b.Length * 7 && unprintable * 4 >= b.Length;
    }
}
