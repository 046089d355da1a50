using System.Buffers.Binary;
using System.Net;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;

namespace PcapViz.Core.Tests;

/// <summary>
/// Hand-built frames, header by header, for decoder tests. Lengths and checksums are what a careful sender would
/// write (checksums are left zero: the decoder does not read them).
/// </summary>
public static class Frames
{
    /// <summary>
    /// A tunnelled packet as it reads with no tunnel opened: its outermost headers, with the packet's own status
    /// (a packet cut short is cut short whichever header the cut falls in).
    /// </summary>
    public static DecodedPacket Outermost(in DecodedPacket p)
    {
        var o = p.Outer;
        return new DecodedPacket
        {
            Status = p.Status, Flags = o.Flags, SourceMac = o.SourceMac, DestinationMac = o.DestinationMac,
            Vlan = o.Vlan, EtherType = o.EtherType, IpVersion = o.IpVersion, Protocol = o.Protocol, SourceHigh = o.SourceHigh,
            SourceLow = o.SourceLow, DestinationHigh = o.DestinationHigh, DestinationLow = o.DestinationLow,
            SourcePort = o.SourcePort, DestinationPort = o.DestinationPort,
        };
    }

    public const ulong MacA = 0x00_11_22_33_44_55;
    public const ulong MacB = 0x66_77_88_99_AA_BB;
    public const ulong MacC = 0x02_00_00_00_00_0C;
    public const ulong MacD = 0x02_00_00_00_00_0D;

    public static byte[] Cat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    public static byte[] Mac(ulong mac)
    {
        var bytes = new byte[6];
        for (int i = 0; i < 6; i++)
            bytes[i] = (byte)(mac >> (40 - 8 * i));
        return bytes;
    }

    public static byte[] Be16(int value) => [(byte)(value >> 8), (byte)value];

    public static byte[] Be32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Le16(int value) => [(byte)value, (byte)(value >> 8)];

    public static byte[] Le32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    // ---- Link layer ----

    public static byte[] EthernetHeader(ulong destination, ulong source, ushort type) => Cat(Mac(destination), Mac(source), Be16(type));

    public static byte[] Ethernet(ushort type, byte[] payload, ulong destination = MacB, ulong source = MacA) =>
        Cat(EthernetHeader(destination, source, type), payload);

    /// <summary>The four bytes after a VLAN TPID: priority/DEI/VLAN id, then the next EtherType.</summary>
    public static byte[] VlanTag(int vlanId, ushort next, int priority = 0) => Cat(Be16((priority << 13) | vlanId), Be16(next));

    public static byte[] MplsLabel(int label, bool bottom, byte ttl = 64) =>
        Be32((uint)(label << 12) | (bottom ? 0x100u : 0u) | ttl);

    /// <summary>PPPoE session header (version 1, type 1, code 0) and the PPP protocol number.</summary>
    public static byte[] PppoeSession(ushort pppProtocol, int pppPayloadLength, ushort sessionId = 0x1234) =>
        Cat([0x11, 0x00], Be16(sessionId), Be16(pppPayloadLength + 2), Be16(pppProtocol));

    /// <summary>802.2 LLC with a SNAP header (RFC 1042: OUI 0) naming an EtherType.</summary>
    public static byte[] LlcSnap(ushort type, int oui = 0) =>
        Cat([0xAA, 0xAA, 0x03, (byte)(oui >> 16), (byte)(oui >> 8), (byte)oui], Be16(type));

    /// <summary>An 802.3 frame: the type field is the length of what follows.</summary>
    public static byte[] Ieee8023(byte[] llcPayload, ulong destination = MacB, ulong source = MacA) =>
        Cat(Mac(destination), Mac(source), Be16(llcPayload.Length), llcPayload);

    public static byte[] Sll(ushort protocol, byte[] payload, ulong source = MacA, ushort hardware = 1, ushort packetType = 0) =>
        Cat(Be16(packetType), Be16(hardware), Be16(6), Mac(source), [0, 0], Be16(protocol), payload);

    public static byte[] Sll2(ushort protocol, byte[] payload, ulong source = MacA, ushort hardware = 1, byte packetType = 4) =>
        Cat(Be16(protocol), [0, 0], Be32(2), Be16(hardware), [packetType, 6], Mac(source), [0, 0], payload);

    /// <summary>BSD loopback: the address family as a 32-bit integer in the writing host's byte order.</summary>
    public static byte[] Null(uint family, bool bigEndianHost, byte[] payload) =>
        Cat(bigEndianHost ? Be32(family) : Le32(family), payload);

    /// <summary>A minimal radiotap header (version 0, no fields present).</summary>
    public static byte[] Radiotap(byte[] frame, int extraLength = 0) =>
        Cat([0, 0], Le16(8 + extraLength), Le32(0), new byte[extraLength], frame);

    /// <summary>PPI with one 802.11-common field; <paramref name="dlt"/> names the link type of the frame that follows.</summary>
    public static byte[] Ppi(int dlt, byte[] frame)
    {
        var field = Cat(Le16(2), Le16(20), new byte[20]);
        return Cat([0, 0], Le16(8 + field.Length), Le32((uint)dlt), field, frame);
    }

    /// <summary>
    /// An 802.11 data frame (frame control type 2): addresses in the order they sit in the header; a fourth address
    /// when both ToDS and FromDS are set; QoS control when <paramref name="qos"/>.
    /// </summary>
    public static byte[] Ieee80211Data(bool toDs, bool fromDs, ulong address1, ulong address2, ulong address3, byte[] body,
        ulong? address4 = null, bool qos = false, bool isProtected = false)
    {
        byte subtype = (byte)(qos ? 8 : 0);
        byte control0 = (byte)((subtype << 4) | (2 << 2));
        byte control1 = (byte)((toDs ? 1 : 0) | (fromDs ? 2 : 0) | (isProtected ? 0x40 : 0));
        var header = Cat([control0, control1, 0x2C, 0x00], Mac(address1), Mac(address2), Mac(address3), [0x10, 0x00]);
        if (toDs && fromDs)
            header = Cat(header, Mac(address4 ?? 0));
        if (qos)
            header = Cat(header, [0x00, 0x00]);
        return Cat(header, body);
    }

    public static byte[] Ieee80211Beacon(ulong bssid) =>
        Cat([0x80, 0x00, 0x00, 0x00], Mac(0xFFFF_FFFF_FFFF), Mac(bssid), Mac(bssid), [0x00, 0x00], new byte[12]);

    public static byte[] Arp(ulong senderMac, string senderIp, string targetIp) =>
        Cat(Be16(1), Be16(EtherType.Ipv4), [6, 4], Be16(1), Mac(senderMac), IPAddress.Parse(senderIp).GetAddressBytes(),
            Mac(0), IPAddress.Parse(targetIp).GetAddressBytes());

    // ---- Network layer ----

    /// <summary>
    /// An IPv4 packet. <paramref name="fragmentOffset"/> is in 8-byte units; <paramref name="options"/> must be a
    /// multiple of 4 bytes long.
    /// </summary>
    public static byte[] Ipv4(string source, string destination, byte protocol, byte[] payload, byte[]? options = null,
        int fragmentOffset = 0, bool moreFragments = false, int? totalLength = null, int? ihl = null)
    {
        options ??= [];
        int headerLength = 20 + options.Length;
        var header = new byte[20];
        header[0] = (byte)(0x40 | (ihl ?? headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(totalLength ?? headerLength + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | fragmentOffset));
        header[8] = 64;
        header[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(header, 16);
        return Cat(header, options, payload);
    }

    public static byte[] Ipv6(string source, string destination, byte nextHeader, byte[] payload, int? payloadLength = null)
    {
        var header = new byte[40];
        header[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)(payloadLength ?? payload.Length));
        header[6] = nextHeader;
        header[7] = 64;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(header, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(header, 24);
        return Cat(header, payload);
    }

    /// <summary>A hop-by-hop, routing or destination-options header of 8 * (1 + <paramref name="extraUnits"/>) bytes.</summary>
    public static byte[] Ipv6Extension(byte next, int extraUnits = 0)
    {
        var header = new byte[8 * (1 + extraUnits)];
        header[0] = next;
        header[1] = (byte)extraUnits;
        // PadN filling the header's option space keeps it well-formed for hop-by-hop and destination options.
        header[2] = 1;
        header[3] = (byte)(header.Length - 4);
        return header;
    }

    /// <summary>A type-0-free routing header (type 4, segment routing) with no segments left.</summary>
    public static byte[] Ipv6Routing(byte next)
    {
        var header = new byte[8];
        header[0] = next;
        header[1] = 0;
        header[2] = 4;
        header[3] = 0;
        return header;
    }

    /// <summary>The IPv6 fragment header; <paramref name="offset"/> in 8-byte units.</summary>
    public static byte[] Ipv6Fragment(byte next, int offset, bool more, uint identification = 0xABCD) =>
        Cat([next, 0], Be16((offset << 3) | (more ? 1 : 0)), Be32(identification));

    /// <summary>An IPsec authentication header with a 12-byte ICV (payload length 4 in 32-bit words minus 2).</summary>
    public static byte[] Ah(byte next) => Cat([next, 4, 0, 0], Be32(0x1000), Be32(1), new byte[12]);

    /// <summary>A plain GRE header (no checksum, key or sequence) carrying <paramref name="protocolType"/>.</summary>
    public static byte[] Gre(ushort protocolType, byte[] payload) => Cat([0, 0], Be16(protocolType), payload);

    // ---- Transport layer ----

    public static byte[] Tcp(ushort sourcePort, ushort destinationPort, byte flags = (byte)TcpFlags.SYN, byte[]? payload = null)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 1000);
        header[12] = 5 << 4;
        header[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 65535);
        return Cat(header, payload ?? []);
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[]? payload = null)
    {
        payload ??= [];
        return Cat(Be16(sourcePort), Be16(destinationPort), Be16(8 + payload.Length), [0, 0], payload);
    }

    /// <summary>A VXLAN header (VNI 42) in front of an inner Ethernet frame.</summary>
    public static byte[] Vxlan(byte[] innerFrame) => Cat([0x08, 0, 0, 0], [0, 0, 42, 0], innerFrame);

    public static byte[] Payload(int length, byte fill = 0x5A)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        return bytes;
    }

    // ---- Reading results ----

    public static DecodedPacket Decode(int linkType, byte[] frame)
    {
        DecodedPacket decoded = default;
        PacketDecoder.Decode(linkType, frame, ref decoded);
        return decoded;
    }

    public static string Source(in DecodedPacket p) => FlowKey.ToAddress(p.IpVersion, p.SourceHigh, p.SourceLow).ToString();

    public static string Destination(in DecodedPacket p) => FlowKey.ToAddress(p.IpVersion, p.DestinationHigh, p.DestinationLow).ToString();
}
