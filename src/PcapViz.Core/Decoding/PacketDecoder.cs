using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapViz.Core.Decoding;

/// <summary>
/// The zero-allocation fast path: reads link, network and transport headers straight from the captured bytes.
/// It opens tunnels and mirror sessions (PacketDecoder.Tunnels.cs) down to the innermost packet, keeping the outermost
/// headers beside it, and never reads past what was captured.
/// </summary>
public static partial class PacketDecoder
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
            case LinkType.Ppp or LinkType.PppHdlc:
                DecodePpp(data, offset, ref p, depth);
                break;
            case LinkType.CiscoHdlc:
                DecodeCiscoHdlc(data, offset, ref p, depth);
                break;
            case LinkType.PppEther:
                DecodeEtherPayload(data, offset, EtherType.PppoeSession, ref p, depth);
                break;
            case LinkType.AtmRfc1483:
                DecodeEtherPayload(data, offset, 0, ref p, depth);
                break;
            case LinkType.SunAtm:
                DecodeSunAtm(data, offset, ref p, depth);
                break;
            case LinkType.TokenRing:
                DecodeTokenRing(data, offset, ref p, depth);
                break;
            case LinkType.Enc:
                DecodeEnc(data, offset, ref p);
                break;
            case LinkType.Prism or LinkType.Avs:
                DecodeWlanCaptureHeader(data, offset, ref p, depth);
                break;
            case LinkType.PkTap:
                DecodePkTap(data, offset, ref p, depth);
                break;
            case LinkType.Fddi:
                DecodeFddi(data, offset, ref p, depth);
                break;
            case LinkType.PfLog:
                DecodePfLog(data, offset, ref p);
                break;
            case LinkType.IpNet:
                DecodeIpNet(data, offset, ref p);
                break;
            case LinkType.NfLog:
                DecodeNfLog(data, offset, ref p);
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
                case EtherType.Vlan or EtherType.QinQ or EtherType.QinQLegacy:
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
                case EtherType.VnTag or EtherType.RTag or EtherType.ETag or EtherType.CiscoMetaData or EtherType.BackboneServiceTag:
                    // The customer header behind a backbone tag is not the frame's: its outer link addresses stay.
                    int tagLength = type switch { EtherType.VnTag or EtherType.RTag => 4, EtherType.BackboneServiceTag => 16, _ => 6 };
                    if (left < tagLength + 2)
                        { Malformed(ref p, type); return; }
                    type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + tagLength, 2));
                    offset += tagLength + 2;
                    continue;
                case > EtherType.MaxLength and < 0x0600:
                    p.EtherType = 0;
                    return;
                case <= EtherType.MaxLength or EtherType.JumboLlc:
                    // An 802.3 length bounds the frame: what follows it is padding (the 0 of 802.11 and cooked LLC is no length).
                    if (type is > 0 and <= EtherType.MaxLength && type < left)
                    {
                        data = data[..(offset + type)];
                        left = type;
                    }
                    if (left < 3)
                        { Malformed(ref p, 0); return; }
                    byte dsap = data[offset], ssap = data[offset + 1], control = data[offset + 2];
                    if (dsap == 0x06 && ssap == 0x06 && control == 0x03)
                    {
                        // IP straight on LLC (RFC 948's SAP 6), without SNAP.
                        offset += 3;
                        type = EtherType.Ipv4;
                        continue;
                    }
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
                    int sessionLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 4, 2));
                    if (sessionLength < 2)
                        { Malformed(ref p, EtherType.PppoeSession); return; }
                    if (sessionLength < left - 6)
                        data = data[..(offset + 6 + sessionLength)];
                    ushort ppp = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 6, 2));
                    offset += 8;
                    type = PppEtherType(ppp);
                    if (type == EtherType.Ppp)
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
        // Addresses from a header cut short (inside its options, say) are not trusted, as Wireshark does not.
        if (headerLength < 20 || totalLength < headerLength || left < headerLength)
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
        DecodeTransport(data, offset + headerLength, offset + Math.Min(totalLength, left), offset + totalLength, ref p);
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
        // A zero payload length means a jumbogram, whose length a hop-by-hop option carries; the capture bounds it.
        // Without hop-by-hop options (as segmentation offload leaves it), the header claims no payload at all.
        int end = payloadLength == 0 ? (next == 0 ? data.Length : offset + 40) : Math.Min(offset + 40 + payloadLength, data.Length);
        int position = offset + 40;
        // Hop-by-hop, routing and destination options only: mobility, HIP and shim6 headers end the chain, as in Wireshark.
        for (int headers = 0; headers < 64; headers++)
        {
            switch (next)
            {
                case 0 or 43 or 60:
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
        DecodeTransport(data, position, end, payloadLength == 0 ? end : offset + 40 + payloadLength, ref p);
    }

    /// <param name="declaredEnd">Where the IP header says the packet ends, past <paramref name="end"/> when a snap length cut it.</param>
    private static void DecodeTransport(ReadOnlySpan<byte> data, int start, int end, int declaredEnd, ref DecodedPacket p)
    {
        int length = end - start;
        int declared = Math.Max(length, declaredEnd - start);
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
                p.WirePayloadLength = declared - dataOffset;
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
                p.WirePayloadLength = declared - 8;
                DecapsulateUdp(data, start + 8, end, ref p);
                return;
            default:
                p.PayloadOffset = start;
                p.PayloadLength = Math.Max(0, length);
                p.WirePayloadLength = Math.Max(0, declared);
                DecapsulateIp(data, start, end, ref p);
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
            // BSD, FreeBSD and Darwin values; Linux's 10 never appears here, and Wireshark does not read it as IPv6.
            case 24 or 28 or 30:
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
            case < 0x0600:
                p.EtherType = 0;
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
        Decode80211(data, offset + length, ref p, depth, RadiotapDataPad(data.Slice(offset, length)));
    }

    /// <summary>
    /// Whether the radiotap Flags field says the 802.11 header is padded to a multiple of four bytes (as Atheros
    /// drivers write it): Flags is the second field, after the 8-byte TSFT, past every extended presence word.
    /// </summary>
    private static bool RadiotapDataPad(ReadOnlySpan<byte> header)
    {
        uint present = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(4, 4));
        int position = 8;
        for (uint word = present; (word & 0x8000_0000) != 0; position += 4)
        {
            if (header.Length < position + 4)
                return false;
            word = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(position, 4));
        }
        if ((present & 0b10) == 0)
            return false;
        if ((present & 0b01) != 0)
            position = ((position + 7) & ~7) + 8;
        return header.Length > position && (header[position] & 0x20) != 0;
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

    private static void Decode80211(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth, bool dataPad = false)
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
                int qosControl = 24 + (toDs && fromDs ? 6 : 0);
                int headerLength = qosControl + (qos ? 2 : 0) + (qos && (control1 & 0x80) != 0 ? 4 : 0);
                // An aggregate (A-MSDU) starts with a subframe header: its own addresses and length, then LLC.
                bool aggregate = qos && left > qosControl && (data[offset + qosControl] & 0x80) != 0;
                if (dataPad)
                    headerLength = (headerLength + 3) & ~3;
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
                DecodeEtherPayload(data, offset + headerLength + (aggregate ? 14 : 0), 0, ref p, depth);
                return;
            default:
                p.EtherType = EtherType.Ieee80211Management;
                return;
        }
    }

    /// <summary>The EtherType a PPP protocol number carries, or <see cref="EtherType.Ppp"/> for PPP's own protocols.</summary>
    private static ushort PppEtherType(int protocol) => protocol switch
    {
        0x0021 => EtherType.Ipv4,
        0x0057 => EtherType.Ipv6,
        0x0281 => EtherType.Mpls,
        0x0283 => EtherType.MplsMulticast,
        _ => EtherType.Ppp,
    };

    /// <summary>
    /// PPP with or without its HDLC address and control bytes (ff 03), with a one- or two-byte protocol (an odd first
    /// byte is a compressed one); links that are Cisco HDLC under a PPP link type start with 0x0f or 0x8f.
    /// </summary>
    private static void DecodePpp(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        int left = data.Length - offset;
        if (left < 2)
        {
            Malformed(ref p, EtherType.Ppp);
            return;
        }
        if (data[offset] is 0x0F or 0x8F)
        {
            DecodeCiscoHdlc(data, offset, ref p, depth);
            return;
        }
        // An all-stations address (0xff, with its control byte) is HDLC framing, whatever the control byte says.
        if (data[offset] == 0xFF)
        {
            offset += 2;
            left -= 2;
        }
        if (left < 1)
        {
            Malformed(ref p, EtherType.Ppp);
            return;
        }
        int protocol;
        if ((data[offset] & 1) != 0)
        {
            protocol = data[offset];
            offset += 1;
        }
        else
        {
            if (left < 2)
            {
                Malformed(ref p, EtherType.Ppp);
                return;
            }
            protocol = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset, 2));
            offset += 2;
        }
        ushort type = PppEtherType(protocol);
        if (type == EtherType.Ppp)
        {
            p.EtherType = EtherType.Ppp;
            return;
        }
        DecodeEtherPayload(data, offset, type, ref p, depth);
    }

    /// <summary>Cisco HDLC: address, control, then an EtherType.</summary>
    private static void DecodeCiscoHdlc(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 4)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeEtherPayload(data, offset + 4, BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 2, 2)), ref p, depth);
    }

    /// <summary>
    /// FDDI: frame control and two addresses, then LLC. The addresses stay out of the flow: FDDI is no Ethernet, and its
    /// on-the-wire bit order differs.
    /// </summary>
    private static void DecodeFddi(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 13 + 3)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeEtherPayload(data, offset + 13, 0, ref p, depth);
    }

    /// <summary>OpenBSD's pf log: a header of the length its first byte gives (padded to four bytes), then IP.</summary>
    private static void DecodePfLog(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        if (data.Length - offset < 2)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int headerLength = (data[offset] + 3) & ~3;
        byte family = data[offset + 1];
        if (headerLength < 4 || data.Length - offset < headerLength)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeIpByFamily(data, offset + headerLength, family, ipv6: family is 24 or 28 or 30, ref p);
    }

    /// <summary>Solaris IPNET: a 24-byte header whose second byte is the address family (Solaris AF_INET6 is 26).</summary>
    private static void DecodeIpNet(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        if (data.Length - offset < 24)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        byte family = data[offset + 1];
        DecodeIpByFamily(data, offset + 24, family, ipv6: family == 26, ref p);
    }

    /// <summary>AF_INET is 2 everywhere; which AF_INET6 a header may hold depends on the system that wrote it.</summary>
    private static void DecodeIpByFamily(ReadOnlySpan<byte> data, int offset, int family, bool ipv6, ref DecodedPacket p)
    {
        if (family == 2)
            DecodeIpv4(data, offset, ref p);
        else if (ipv6)
            DecodeIpv6(data, offset, ref p);
        else
            p.EtherType = 0;
    }

    /// <summary>
    /// Linux NFLOG: a 4-byte header, then type-length-value attributes in the writing host's byte order, each padded
    /// to four bytes; attribute 9 is the packet itself, from its network header on. The file does not say the host's
    /// byte order: the one under which the attributes chain up to the packet is it.
    /// </summary>
    private static void DecodeNfLog(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        if (data.Length - offset < 4)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        if (!TryNfLogPayload(data, offset + 4, bigEndian: false, out int start, out int end)
            && !TryNfLogPayload(data, offset + 4, bigEndian: true, out start, out end))
        {
            p.EtherType = 0;
            return;
        }
        byte family = data[offset];
        if (family is 2 or 10)
            DecodeIpByFamily(data[..end], start, family, ipv6: true, ref p);
        else
            DecodeIpByVersion(data[..end], start, ref p);
    }

    private static bool TryNfLogPayload(ReadOnlySpan<byte> data, int position, bool bigEndian, out int start, out int end)
    {
        const int PayloadAttribute = 9;
        while (data.Length - position >= 4)
        {
            var header = data.Slice(position, 4);
            int length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header) : BinaryPrimitives.ReadUInt16LittleEndian(header);
            int type = (bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[2..])) & 0x7FFF;
            if (length < 4 || length > data.Length - position)
                break;
            if (type == PayloadAttribute)
            {
                (start, end) = (position + 4, position + length);
                return true;
            }
            position += (length + 3) & ~3;
        }
        start = end = 0;
        return false;
    }

    /// <summary>SunATM: flags, VPI and VCI, then LLC.</summary>
    private static void DecodeSunAtm(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 4)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeEtherPayload(data, offset + 4, 0, ref p, depth);
    }

    /// <summary>OpenBSD's view of IPsec traffic: address family, SPI and flags, then the IP packet.</summary>
    private static void DecodeEnc(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p)
    {
        if (data.Length - offset < 12)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeIpByVersion(data, offset + 12, ref p);
    }

    /// <summary>Token Ring: access and frame control, two addresses, source routing when the source's top bit says so, then LLC.</summary>
    private static void DecodeTokenRing(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 14)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        int routing = (data[offset + 8] & 0x80) != 0 && data.Length - offset > 14 ? data[offset + 14] & 0x1F : 0;
        if (data.Length - offset < 14 + routing)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeEtherPayload(data, offset + 14 + routing, 0, ref p, depth);
    }

    /// <summary>
    /// 802.11 behind a Prism or AVS capture header. Either link type may hold either header: AVS begins with its
    /// magic number and gives its length big-endian, Prism gives its length little-endian.
    /// </summary>
    private static void DecodeWlanCaptureHeader(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        if (data.Length - offset < 8)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        bool avs = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4)) is 0x8021_1001 or 0x8021_1002;
        uint length = avs ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 4, 4)) : BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4, 4));
        if (length < 8 || length > data.Length - offset)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        Decode80211(data, offset + (int)length, ref p, depth);
    }

    /// <summary>
    /// Apple's PKTAP: a header (108 bytes or more, as its first field gives) naming the link type of the packet after
    /// it; only records of type 1 carry a packet.
    /// </summary>
    private static void DecodePkTap(ReadOnlySpan<byte> data, int offset, ref DecodedPacket p, int depth)
    {
        const int MinimumHeader = 108;
        if (data.Length - offset < MinimumHeader || depth >= MaxNesting)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
        uint recordType = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4, 4));
        int inner = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 8, 4));
        if (recordType != 1)
        {
            p.EtherType = 0;
            return;
        }
        if (length < MinimumHeader || length > data.Length - offset)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        DecodeLink(inner, data, offset + (int)length, ref p, depth + 1);
    }
}
