using System.Buffers.Binary;

namespace PcapViz.Core.Decoding;

/// <summary>
/// Tunnels and mirror sessions: the packet inside replaces the outer one in every field, and the outermost headers
/// are kept in <see cref="DecodedPacket.Outer"/>, so each packet counts once in its inner and once in its outer flow.
/// </summary>
/// <remarks>
/// A tunnel whose inner packet cannot be read (too short, not IP where IP must be, an Ethernet frame cut inside its
/// header) is not opened: the packet stays what its outer headers say, as it was before tunnels were decoded.
/// UDP tunnels are recognised by port the way Wireshark's UDP dissector picks a dissector: the lower port first, then
/// the higher one when the lower names no service of its own.
/// </remarks>
public static partial class PacketDecoder
{
    private static class UdpTunnelPorts
    {
        public const ushort Vxlan = 4789;
        /// <summary>The port Linux's VXLAN driver used before IANA assigned 4789, still its default for flannel and others.</summary>
        public const ushort VxlanLinux = 8472;
        public const ushort Geneve = 6081;
        public const ushort Teredo = 3544;
    }

    private static class GreFields
    {
        public const int FlagsAndVersion = 0;
        public const int ProtocolType = 2;
        public const int FixedLength = 4;
        public const ushort Checksum = 0x8000;
        public const ushort Routing = 0x4000;
        public const ushort Key = 0x2000;
        public const ushort Sequence = 0x1000;
        /// <summary>The acknowledgement number of enhanced GRE (PPTP).</summary>
        public const ushort Acknowledgement = 0x0080;
        public const ushort VersionMask = 0x0007;
        public const ushort TransparentEthernetBridging = 0x6558;
        public const ushort ErspanTypeII = 0x88BE;
        public const ushort ErspanTypeIII = 0x22EB;
        public const int ErspanIIHeader = 8;
        public const int ErspanIIIHeader = 12;
        public const int ErspanIIIPlatformSubheader = 8;
    }

    private static class VxlanFields
    {
        public const int Length = 8;
    }

    private static class GeneveFields
    {
        public const int FixedLength = 8;
    }

    /// <summary>IP protocols 4, 41 and 47 carry tunnels; anything else is a transport payload.</summary>
    private static void DecapsulateIp(ReadOnlySpan<byte> data, int start, int end, ref DecodedPacket p)
    {
        switch (p.Protocol)
        {
            case 4:
                Open(data[..end], start, TunnelKind.IpInIp, 0, false, EtherType.Ipv4, bridged: false, ref p);
                break;
            case 41:
                Open(data[..end], start, TunnelKind.Ipv6InIp, 0, false, EtherType.Ipv6, bridged: false, ref p);
                break;
            case 47:
                DecapsulateGre(data[..end], start, ref p);
                break;
        }
    }

    private static void DecapsulateGre(ReadOnlySpan<byte> data, int start, ref DecodedPacket p)
    {
        if (data.Length - start < GreFields.FixedLength)
            return;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start + GreFields.FlagsAndVersion, 2));
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start + GreFields.ProtocolType, 2));
        int version = flags & GreFields.VersionMask;
        // Source routing is obsolete (RFC 2784 removed it); its variable entries are not walked.
        if ((flags & GreFields.Routing) != 0 || version > 1)
            return;
        int position = start + GreFields.FixedLength;
        if ((flags & GreFields.Checksum) != 0)
            position += 4;
        bool hasKey = (flags & GreFields.Key) != 0;
        int keyAt = position;
        if (hasKey)
            position += 4;
        bool hasSequence = (flags & GreFields.Sequence) != 0;
        if (hasSequence)
            position += 4;
        if (version == 1 && (flags & GreFields.Acknowledgement) != 0)
            position += 4;
        if (position > data.Length)
            return;
        uint key = hasKey ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(keyAt, 4)) : 0;

        if (version == 1)
        {
            // Enhanced GRE carries PPP only, and its key field is payload length and call id.
            if (type == EtherType.Ppp && hasKey)
                DecapsulatePptp(data, position, key & 0xFFFF, ref p);
            return;
        }
        switch (type)
        {
            case GreFields.TransparentEthernetBridging:
                Open(data, position, TunnelKind.GreEthernet, key, hasKey, 0, bridged: true, ref p);
                return;
            case GreFields.ErspanTypeII when !hasSequence:
                // Type I has no sequence number and no header of its own: the mirrored frame follows GRE.
                Open(data, position, TunnelKind.ErspanI, 0, false, 0, bridged: true, ref p);
                return;
            case GreFields.ErspanTypeII:
                if (data.Length - position < GreFields.ErspanIIHeader || data[position] >> 4 != 1)
                    return;
                Open(data, position + GreFields.ErspanIIHeader, TunnelKind.ErspanII, ErspanSession(data, position), true, 0, bridged: true, ref p);
                return;
            case GreFields.ErspanTypeIII:
                if (data.Length - position < GreFields.ErspanIIIHeader || data[position] >> 4 != 2)
                    return;
                // The frame type (bits 1-5 of byte 10) 0 is Ethernet; the O bit (byte 11's lowest) adds a platform subheader.
                if ((data[position + 10] >> 1 & 0x1F) != 0)
                    return;
                int frame = position + GreFields.ErspanIIIHeader + ((data[position + 11] & 1) != 0 ? GreFields.ErspanIIIPlatformSubheader : 0);
                Open(data, frame, TunnelKind.ErspanIII, ErspanSession(data, position), true, 0, bridged: true, ref p);
                return;
            case EtherType.Ipv4 or EtherType.Ipv6 or EtherType.Mpls or EtherType.MplsMulticast:
                Open(data, position, TunnelKind.Gre, key, hasKey, type, bridged: false, ref p);
                return;
        }
    }

    /// <summary>The 10-bit session id in the low bits of an ERSPAN header's second 16-bit word.</summary>
    private static uint ErspanSession(ReadOnlySpan<byte> data, int header) =>
        (uint)(BinaryPrimitives.ReadUInt16BigEndian(data.Slice(header + 2, 2)) & 0x03FF);

    /// <summary>PPP in enhanced GRE: address and control (0xFF 0x03) may be left out, and so may the protocol's high byte.</summary>
    private static void DecapsulatePptp(ReadOnlySpan<byte> data, int position, uint callId, ref DecodedPacket p)
    {
        if (data.Length - position >= 2 && data[position] == 0xFF && data[position + 1] == 0x03)
            position += 2;
        if (data.Length - position < 1)
            return;
        int protocol;
        if ((data[position] & 1) != 0)
            protocol = data[position++];
        else
        {
            if (data.Length - position < 2)
                return;
            protocol = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position, 2));
            position += 2;
        }
        ushort type = PppEtherType(protocol);
        if (type is EtherType.Ipv4 or EtherType.Ipv6)
            Open(data, position, TunnelKind.Pptp, callId, true, type, bridged: false, ref p);
    }

    /// <summary>VXLAN, Geneve and Teredo, found by port; the UDP payload starts at <paramref name="start"/>.</summary>
    private static void DecapsulateUdp(ReadOnlySpan<byte> data, int start, int end, ref DecodedPacket p)
    {
        ushort low = Math.Min(p.SourcePort, p.DestinationPort), high = Math.Max(p.SourcePort, p.DestinationPort);
        ushort port = IsTunnelPort(low) ? low : IsTunnelPort(high) && !Flows.WellKnownPorts.IsServiceUdpPort(low) ? high : (ushort)0;
        if (port == 0)
            return;
        data = data[..end];
        int left = data.Length - start;
        switch (port)
        {
            case UdpTunnelPorts.Vxlan or UdpTunnelPorts.VxlanLinux:
                // Wireshark reads VXLAN whatever its flags say; so do we, and an unreadable inner frame still keeps the outer view.
                if (left < VxlanFields.Length)
                    return;
                uint vni = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(start + 4, 4)) >> 8;
                Open(data, start + VxlanFields.Length, TunnelKind.Vxlan, vni, true, 0, bridged: true, ref p);
                return;
            case UdpTunnelPorts.Geneve:
                if (left < GeneveFields.FixedLength || data[start] >> 6 != 0)
                    return;
                int header = GeneveFields.FixedLength + (data[start] & 0x3F) * 4;
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(start + 2, 2));
                uint id = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(start + 4, 4)) >> 8;
                if (left < header)
                    return;
                if (type == GreFields.TransparentEthernetBridging)
                    Open(data, start + header, TunnelKind.Geneve, id, true, 0, bridged: true, ref p);
                else if (type is EtherType.Ipv4 or EtherType.Ipv6)
                    Open(data, start + header, TunnelKind.Geneve, id, true, type, bridged: false, ref p);
                return;
            case UdpTunnelPorts.Teredo:
                DecapsulateTeredo(data, start, ref p);
                return;
        }
    }

    private static bool IsTunnelPort(ushort port) =>
        port is UdpTunnelPorts.Vxlan or UdpTunnelPorts.VxlanLinux or UdpTunnelPorts.Geneve or UdpTunnelPorts.Teredo;

    /// <summary>
    /// Teredo (RFC 4380): an authentication indicator (type 1) and an origin indication (type 0) may precede the IPv6
    /// packet. What follows must be an IPv6 header whose length fits, or the datagram is plain UDP.
    /// </summary>
    private static void DecapsulateTeredo(ReadOnlySpan<byte> data, int position, ref DecodedPacket p)
    {
        if (data.Length - position >= 4 && data[position] == 0 && data[position + 1] == 1)
        {
            int idLength = data[position + 2], authLength = data[position + 3];
            position += 4 + idLength + authLength + 8 + 1;
        }
        if (data.Length - position >= 8 && data[position] == 0 && data[position + 1] == 0)
            position += 8;
        if (data.Length - position < 40 || data[position] >> 4 != 6)
            return;
        int payload = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 4, 2));
        if (payload > data.Length - position - 40)
            return;
        Open(data, position, TunnelKind.Teredo, 0, false, EtherType.Ipv6, bridged: false, ref p);
    }

    /// <summary>
    /// Reads the packet inside a tunnel in place of the outer one. A bridged tunnel carries a whole Ethernet frame, whose
    /// link addresses and tag replace the outer frame's; an IP tunnel keeps the frame's link addresses, as tshark's last
    /// eth.src does. When the inside cannot be read the packet is left exactly as the outer headers decoded it.
    /// </summary>
    private static void Open(ReadOnlySpan<byte> data, int offset, TunnelKind kind, uint id, bool hasId, ushort etherType, bool bridged, ref DecodedPacket p)
    {
        if (p.TunnelDepth >= TunnelKinds.MaxDepth || offset > data.Length)
            return;
        var outer = p;
        if (p.TunnelDepth == 0)
            p.Outer = OuterHeaders.Of(p);
        if (p.TunnelDepth < sizeof(uint))
            p.TunnelKinds |= (uint)kind << (8 * p.TunnelDepth);
        p.TunnelDepth++;
        if (hasId && !p.HasTunnelId)
        {
            p.TunnelId = id;
            p.HasTunnelId = true;
        }
        p.Status = DecodeStatus.Decoded;
        p.IpVersion = 0;
        p.Protocol = 0;
        p.SourceHigh = p.SourceLow = p.DestinationHigh = p.DestinationLow = 0;
        p.SourcePort = p.DestinationPort = 0;
        p.TcpFlags = 0;
        p.PayloadOffset = p.PayloadLength = p.WirePayloadLength = 0;
        p.Flags &= PacketFlags.HasMacs | PacketFlags.HasVlan;
        if (bridged)
        {
            p.Flags = PacketFlags.None;
            p.SourceMac = p.DestinationMac = 0;
            p.Vlan = 0;
            DecodeEthernet(data, offset, ref p, 0);
        }
        else
            DecodeEtherPayload(data, offset, etherType, ref p, 0);
        bool readable = p.Has(PacketFlags.HasIp) || (bridged && p.Has(PacketFlags.HasMacs));
        if (!readable)
            p = outer;
    }
}
