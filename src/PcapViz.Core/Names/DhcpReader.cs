using System.Buffers.Binary;

namespace PcapViz.Core.Names;

/// <summary>
/// Reads the host name option (12) of a DHCP message (RFC 2131/2132) and ties it to the client's address (ciaddr, else
/// the requested address of option 50, else yiaddr) and to its hardware address (chaddr, when it is a 6-byte Ethernet address).
/// </summary>
internal static class DhcpReader
{
    private const int FixedLength = 236;
    private const uint MagicCookie = 0x63825363;
    private const byte Pad = 0, HostNameOption = 12, RequestedAddress = 50, Overload = 52, MessageType = 53, End = 255;
    private const byte Decline = 4;

    public static void Read(ReadOnlySpan<byte> payload, HostNameCollector sink)
    {
        if (payload.Length < FixedLength + 4 || payload[0] is not (1 or 2)
            || BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(FixedLength, 4)) != MagicCookie)
            return;
        var found = default(Options);
        Scan(payload, FixedLength + 4, payload.Length, ref found);
        // Option 52 moves more options into the file (1), sname (2) or both (3) fields, read in that order.
        byte overload = found.Overload;
        if ((overload & 1) != 0)
            Scan(payload, 108, 236, ref found);
        if ((overload & 2) != 0)
            Scan(payload, 44, 108, ref found);
        if (found.NameLength == 0)
            return;

        // The name as written, with the NUL padding some clients add taken off.
        var name = payload.Slice(found.NameOffset, found.NameLength).TrimEnd((byte)0);
        if (name.IsEmpty)
            return;
        Span<char> text = stackalloc char[HostNameCollector.MaxNameChars];
        var written = text[..NameText.Write(name, text, lowerCase: false)];

        uint client = BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(12, 4));
        uint your = BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(16, 4));
        uint address = client != 0 ? client : found.Requested != 0 ? found.Requested : your;
        // A DHCPDECLINE names the address the client refused because another host holds it.
        if (address is not (0 or 0xFFFFFFFF) && found.Type != Decline)
            sink.AddName(AddressKey.V4(address), written, NameSource.Dhcp);
        if (payload[1] == 1 && payload[2] == 6)
        {
            ulong mac = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(28, 2)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(30, 4));
            if (mac != 0)
                sink.AddMacName(mac, written, NameSource.Dhcp);
        }
    }

    private struct Options
    {
        /// <summary>Where the host name lies in the whole DHCP payload.</summary>
        public int NameOffset, NameLength;
        public uint Requested;
        public byte Type, Overload;
    }

    /// <summary>Reads the options in <c>payload[start..end]</c>; offsets found are offsets in the whole payload.</summary>
    private static void Scan(ReadOnlySpan<byte> payload, int start, int end, ref Options found)
    {
        var options = payload[..end];
        int position = start;
        while (position < options.Length)
        {
            byte code = options[position];
            if (code == End)
                return;
            if (code == Pad)
            {
                position++;
                continue;
            }
            if (position + 1 >= options.Length)
                return;
            int length = options[position + 1];
            int value = position + 2;
            if (length > options.Length - value)
                return;
            switch (code)
            {
                case HostNameOption when found.NameLength == 0 && length > 0:
                    found.NameOffset = value;
                    found.NameLength = length;
                    break;
                case RequestedAddress when length == 4 && found.Requested == 0:
                    found.Requested = BinaryPrimitives.ReadUInt32BigEndian(options.Slice(value, 4));
                    break;
                case MessageType when length == 1:
                    found.Type = options[value];
                    break;
                case Overload when length == 1:
                    found.Overload = options[value];
                    break;
            }
            position = value + length;
        }
    }
}
