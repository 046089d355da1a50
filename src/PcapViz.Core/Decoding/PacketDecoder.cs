using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapViz.Core.Decoding;

/// <summary>
/// The zero-allocation fast path: reads link, network and transport headers straight from the captured bytes.
/// It attributes tunnelled traffic to the outermost IP header and never reads past what was captured.
/// </summary>
public static class PacketDecoder
{
    private const int MaxNesting = 8;

    /// <summary>Decodes one packet of a link type the fast path knows (see <see cref="LinkType.IsFastPath"/>).</summary>
    public static void Decode(int linkType, ReadOnlySpan<byte> data, ref DecodedPacket packet)
    {
        packet.Reset();
        DecodeLink(linkType, data, 0, ref packet, 0);
    }

    private static void DecodeLink(int linkType, ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        switch (linkType)
        {
            case LinkType.Ethernet:
                DecodeEthernet(data, offset, ref p, depth);
                break;
            case LinkType.Raw or LinkType.RawBsd12 or LinkType.RawOpenBsd14:
                DecodeIpByVersion(data, offset, ref p);
                break;
            case LinkType.Ipv4:
                DecodeIpv4(data, offset, ref p);
                break;
            case LinkType.Ipv6:
                DecodeIpv6(data, offset, ref p);
                break;
            case LinkType.Null or LinkType.Loop:
                DecodeLoopback(data, offset, ref p, linkType == LinkType.Loop, depth);
                break;
            case LinkType.LinuxSll:
                DecodeLinuxSll(data, offset, ref p, depth);
                break;
            case LinkType.LinuxSll2:
                DecodeLinuxSll2(data, offset, ref p, depth);
                break;
            case LinkType.Ieee80211:
                Decode80211(data, offset, ref p, depth);
                break;
            case LinkType.Ieee80211Radiotap:
                DecodeRadiotap(data, offset, ref p, depth);
                break;
            case LinkType.Ppi:
                DecodePpi(data, offset, ref p, depth);
                break;
            default:
                p.Status = DecodeStatus.UnsupportedLinkType;
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadMac(ReadOnlySpan<byte> data, int offset) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset, 2)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 2, 4));

    private static void DecodeEthernet(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 14)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        p.DestinationMac = ReadMac(data, offset);
        p.SourceMac = ReadMac(data, offset + 6);
        p.Flags |= PacketFlags.HasMacs;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 12, 2));
        DecodeEtherPayload(data, offset + 14, type, ref p, depth);
    }

    /// <summary>Peels VLAN tags, LLC/SNAP, MPLS labels (and an Ethernet pseudowire) and PPPoE until a network protocol appears.</summary>
    private static void DecodeEtherPayload(ReadOnlySpan<byte> data, int offset, ushort type, ref DecodedPacket p, int depth)
    {
        for (int layers = 0; layers < 32; layers++)
        {
            int left = data.Length - offset;
            switch (type)
            {
                case EtherType.Vlan or EtherType.QinQ or EtherType.QinQLegacy or EtherType.QinQLegacy2:
                    if (left < 4)
                        { Malformed(ref p, type); return; }
                    if (!p.Has(PacketFlags.HasVlan))
                    {
                        p.Vlan = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset, 2)) & 0x0FFF);
                        p.Flags |= PacketFlags.HasVlan;
                    }
                    type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 2, 2));
                    offset += 4;
                    continue;
                case < 0x0600:
                    if (left < 3)
                        { Malformed(ref p, 0); return; }
                    byte dsap = data[offset], ssap = data[offset + 1], control = data[offset + 2];
                    if (dsap == 0xAA && ssap == 0xAA && control == 0x03)
                    {
                        if (left < 8)
                            { Malformed(ref p, EtherType.SnapVendor); return; }
                        int oui = (data[offset + 3] << 16) | (data[offset + 4] << 8) | data[offset + 5];
                        ushort pid = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 6, 2));
                        // OUI 0 is RFC 1042 encapsulation and 0x0000F8 is 802.1H bridge tunnel: both carry an EtherType.
                        if (oui is 0 or 0xF8)
                        {
                            type = pid;
                            offset += 8;
                            continue;
                        }
                        p.EtherType = EtherType.SnapVendor;
                        return;
                    }
                    p.EtherType = dsap == 0xFF && ssap == 0xFF ? (ushort)0x00E0 : dsap;
                    return;
                case EtherType.Mpls or EtherType.MplsMulticast:
                    bool bottom = false;
                    while (!bottom)
                    {
                        if (data.Length - offset < 4)
                            { Malformed(ref p, EtherType.Mpls); return; }
                        bottom = (data[offset + 2] & 1) != 0;
                        offset += 4;
                    }
                    if (data.Length - offset < 1)
                        { Malformed(ref p, EtherType.Mpls); return; }
                    int nibble = data[offset] >> 4;
                    if (nibble == 4)
                        type = EtherType.Ipv4;
                    else if (nibble == 6)
                        type = EtherType.Ipv6;
                    else if (nibble == 0 && depth < MaxNesting && data.Length - offset >= 4 + 14)
                    {
                        // Ethernet pseudowire behind its control word: the outer link addresses stay the frame's.
                        type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 4 + 12, 2));
                        offset += 4 + 14;
                        depth++;
                    }
                    else
                    {
                        p.EtherType = EtherType.Mpls;
                        return;
                    }
                    continue;
                case EtherType.PppoeSession:
                    if (left < 8)
                        { Malformed(ref p, EtherType.PppoeSession); return; }
                    ushort ppp = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 6, 2));
                    offset += 8;
                    if (ppp == 0x0021)
                        type = EtherType.Ipv4;
                    else if (ppp == 0x0057)
                        type = EtherType.Ipv6;
                    else
                    {
                        p.EtherType = EtherType.PppoeSession;
                        return;
                    }
                    continue;
                case EtherType.Ipv4:
                    DecodeIpv4(data, offset, ref p);
                    return;
                case EtherType.Ipv6:
                    DecodeIpv6(data, offset, ref p);
                    return;
                default:
                    p.EtherType = type;
                    return;
            }
        }
        p.Status = DecodeStatus.Malformed;
    }

    private static void Malformed(ref DecodedPacket p, ushort etherType)
    {
        p.EtherType = etherType;
        p.Status = DecodeStatus.Malformed;
    }

    private static void DecodeIpByVersion(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        if (data.Length - offset < 1)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        switch (data[offset] >> 4)
        {
            case 4:
                DecodeIpv4(data, offset, ref p);
                break;
            case 6:
                DecodeIpv6(data, offset, ref p);
                break;
            default:
                p.Status = DecodeStatus.Malformed;
                break;
        }
    }

    private static void DecodeIpv4(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        p.EtherType = EtherType.Ipv4;
        int left = data.Length - offset;
        if (left < 20 || data[offset] >> 4 != 4)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int headerLength = (data[offset] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 2, 2));
        // A zero total length is what TSO-offloading NICs leave behind; Wireshark then trusts the capture.
        if (totalLength == 0)
            totalLength = left;
        if (headerLength < 20 || totalLength < headerLength)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        p.IpVersion = 4;
        p.Flags |= PacketFlags.HasIp;
        p.Protocol = data[offset + 9];
        p.SourceLow = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 12, 4));
        p.DestinationLow = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 16, 4));
        if ((BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 6, 2)) & 0x1FFF) != 0)
        {
            p.Flags |= PacketFlags.Fragment;
            return;
        }
        if (left < headerLength)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeTransport(data, offset + headerLength, offset + Math.Min(totalLength, left), ref p);
    }

    private static void DecodeIpv6(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        p.EtherType = EtherType.Ipv6;
        int left = data.Length - offset;
        if (left < 40 || data[offset] >> 4 != 6)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 4, 2));
        byte next = data[offset + 6];
        p.IpVersion = 6;
        p.Flags |= PacketFlags.HasIp;
        p.SourceHigh = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(offset + 8, 8));
        p.SourceLow = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(offset + 16, 8));
        p.DestinationHigh = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(offset + 24, 8));
        p.DestinationLow = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(offset + 32, 8));
        // A zero payload length means a jumbogram; the capture bounds it.
        int end = payloadLength == 0 ? data.Length : Math.Min(offset + 40 + payloadLength, data.Length);
        int position = offset + 40;
        for (int headers = 0; headers < 16; headers++)
        {
            switch (next)
            {
                case 0 or 43 or 60 or 135 or 139 or 140 or 253 or 254:
                    if (end - position < 2)
                    {
                        p.Protocol = next;
                        p.Status = DecodeStatus.Malformed;
                        return;
                    }
                    byte following = data[position];
                    position += (data[position + 1] + 1) * 8;
                    next = following;
                    continue;
                case 44:
                    if (end - position < 8)
                    {
                        p.Protocol = next;
                        p.Status = DecodeStatus.Malformed;
                        return;
                    }
                    next = data[position];
                    int fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 2, 2)) >> 3;
                    position += 8;
                    if (fragmentOffset != 0)
                    {
                        p.Protocol = next;
                        p.Flags |= PacketFlags.Fragment;
                        return;
                    }
                    continue;
            }
            break;
        }
        p.Protocol = next;
        if (position > end)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeTransport(data, position, end, ref p);
    }

    private static void DecodeTransport(ReadOnlySpan<byte> data, int start, int end, ref DecodedPacket p)
    {
        int length = end - start;
        switch (p.Protocol)
        {
            case 6:
                if (length < 4)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start, 2));
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start + 2, 2));
                p.Flags |= PacketFlags.HasPorts;
                if (length < 20)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.TcpFlags = data[start + 13];
                int dataOffset = (data[start + 12] >> 4) * 4;
                if (dataOffset < 20 || dataOffset > length)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.PayloadOffset = start + dataOffset;
                p.PayloadLength = length - dataOffset;
                return;
            case 17:
                if (length < 4)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start, 2));
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start + 2, 2));
                p.Flags |= PacketFlags.HasPorts;
                if (length < 8)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.PayloadOffset = start + 8;
                p.PayloadLength = length - 8;
                return;
            default:
                p.PayloadOffset = start;
                p.PayloadLength = Math.Max(0, length);
                return;
        }
    }

    private static void DecodeLoopback(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, bool networkOrder, int depth)
    {
        if (data.Length - offset < 4)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        uint family;
        if (networkOrder)
        {
            family = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4));
        }
        else
        {
            // The family is in the writing host's byte order, which the file does not record; Wireshark's rule:
            // a value with high bits set is either a 16-bit big-endian AF_ value (IRIX) or byte-swapped.
            family = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
            if ((family & 0xFFFF0000) != 0)
                family = (family & 0xFF000000) == 0 && (family & 0x00FF0000) < 0x00060000 ? family >> 16 : BinaryPrimitives.ReverseEndianness(family);
            // Some writers put an EtherType here instead of an address family.
            if (family > 1500)
            {
                DecodeEtherPayload(data, offset + 4, (ushort)family, ref p, depth);
                return;
            }
        }
        switch (family)
        {
            case 2:
                DecodeIpv4(data, offset + 4, ref p);
                break;
            case 10 or 24 or 28 or 30:
                DecodeIpv6(data, offset + 4, ref p);
                break;
            default:
                p.EtherType = 0;
                break;
        }
    }

    private static void DecodeLinuxSll(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 16)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        // Cooked captures name the sender's link address only; with no destination it cannot key a layer-2
        // conversation (nor pair with its reverse), so it stays out of the flow.
        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 14, 2));
        DecodeCookedPayload(data, offset + 16, protocol, ref p, depth);
    }

    private static void DecodeLinuxSll2(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 20)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset, 2));
        DecodeCookedPayload(data, offset + 20, protocol, ref p, depth);
    }

    private static void DecodeCookedPayload(ReadOnlySpan<byte> data, int offset, ushort protocol, ref DecodedPacket p, int depth)
    {
        // Cooked captures use a few small numbers of their own in place of an EtherType.
        switch (protocol)
        {
            case 0x0001:
                p.EtherType = 0x00E0;
                return;
            case 0x0004:
                DecodeEtherPayload(data, offset, 0, ref p, depth);
                return;
            default:
                DecodeEtherPayload(data, offset, protocol, ref p, depth);
                return;
        }
    }

    private static void DecodeRadiotap(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 8)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset + 2, 2));
        if (length < 8 || length > data.Length - offset)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        Decode80211(data, offset + length, ref p, depth);
    }

    private static void DecodePpi(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 8 || depth >= MaxNesting)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset + 2, 2));
        int inner = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4, 4));
        if (length < 8 || length > data.Length - offset)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeLink(inner, data, offset + length, ref p, depth + 1);
    }

    private static void Decode80211(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        int left = data.Length - offset;
        if (left < 10)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        byte control0 = data[offset], control1 = data[offset + 1];
        int frameType = (control0 >> 2) & 3;
        int subtype = control0 >> 4;
        bool toDs = (control1 & 0x01) != 0, fromDs = (control1 & 0x02) != 0;
        switch (frameType)
        {
            case 0:
                p.EtherType = EtherType.Ieee80211Management;
                if (left < 24)
                {
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                p.DestinationMac = ReadMac(data, offset + 4);
                p.SourceMac = ReadMac(data, offset + 10);
                p.Flags |= PacketFlags.HasMacs;
                return;
            case 1:
                p.EtherType = EtherType.Ieee80211Control;
                // Only RTS, PS-Poll, CF-End and the block-ack frames name a transmitter; ACK and CTS name a receiver alone.
                if (subtype is 8 or 9 or 10 or 11 or 14 or 15 && left >= 16)
                {
                    p.DestinationMac = ReadMac(data, offset + 4);
                    p.SourceMac = ReadMac(data, offset + 10);
                    p.Flags |= PacketFlags.HasMacs;
                }
                return;
            case 2:
                bool qos = (subtype & 0x08) != 0;
                int headerLength = 24 + (toDs && fromDs ? 6 : 0) + (qos ? 2 : 0) + (qos && (control1 & 0x80) != 0 ? 4 : 0);
                if (left < headerLength)
                {
                    p.EtherType = EtherType.Ieee80211ProtectedData;
                    p.Status = DecodeStatus.Malformed;
                    return;
                }
                ulong address1 = ReadMac(data, offset + 4), address2 = ReadMac(data, offset + 10), address3 = ReadMac(data, offset + 16);
                p.DestinationMac = toDs ? address3 : address1;
                p.SourceMac = fromDs ? (toDs ? ReadMac(data, offset + 24) : address3) : address2;
                p.Flags |= PacketFlags.HasMacs;
                bool noData = (subtype & 0x04) != 0;
                bool isProtected = (control1 & 0x40) != 0;
                if (noData || isProtected)
                {
                    p.EtherType = EtherType.Ieee80211ProtectedData;
                    return;
                }
                DecodeEtherPayload(data, offset + headerLength, 0, ref p, depth);
                return;
            default:
                p.EtherType = EtherType.Ieee80211Management;
                return;
        }
    }
}
