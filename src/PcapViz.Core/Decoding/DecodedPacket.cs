namespace PcapViz.Core.Decoding;

public enum DecodeStatus : byte
{
    /// <summary>The link layer was understood (the packet may still carry no IP).</summary>
    Decoded,
    /// <summary>No decoder knows this link type; the packet is counted, not attributed.</summary>
    UnsupportedLinkType,
    /// <summary>The packet is shorter than its own headers claim.</summary>
    Malformed,
}

[Flags]
public enum PacketFlags : byte
{
    None = 0,
    HasMacs = 1,
    HasIp = 2,
    /// <summary>TCP or UDP ports read from a header directly on the outermost IP header.</summary>
    HasPorts = 4,
    /// <summary>A non-first IP fragment: its transport header is in another packet.</summary>
    Fragment = 8,
    HasVlan = 16,
}

/// <summary>What one packet says about who talks to whom, filled in place with no allocation.</summary>
public struct DecodedPacket
{
    public DecodeStatus Status;
    public PacketFlags Flags;
    public ulong SourceMac;
    public ulong DestinationMac;
    public ushort Vlan;
    /// <summary>The network protocol found under every link-layer wrapper (VLAN, MPLS, PPPoE, LLC/SNAP).</summary>
    public ushort EtherType;
    /// <summary>4 or 6 when <see cref="PacketFlags.HasIp"/>.</summary>
    public byte IpVersion;
    /// <summary>The transport protocol after IPv6 extension headers.</summary>
    public byte Protocol;
    public ulong SourceHigh, SourceLow, DestinationHigh, DestinationLow;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte TcpFlags;
    /// <summary>Where the transport payload starts in the packet data, and how long it is (bounded by what was captured).</summary>
    public int PayloadOffset;
    public int PayloadLength;
    /// <summary>The transport payload's length as the IP header declares it: what was sent, though a snap length kept less.</summary>
    public int WirePayloadLength;

    /// <summary>
    /// How many tunnels the packet came through (0: none). Every field above then describes the innermost packet, and
    /// <see cref="Outer"/> the outermost one, as it would read with no tunnel decoded.
    /// </summary>
    public byte TunnelDepth;
    /// <summary>The tunnels' kinds, outermost in the lowest byte (see <see cref="TunnelKinds"/>).</summary>
    public uint TunnelKinds;
    /// <summary>The VNI, GRE key, ERSPAN session or PPTP call of the outermost tunnel that names one, when <see cref="HasTunnelId"/>.</summary>
    public uint TunnelId;
    public bool HasTunnelId;
    public OuterHeaders Outer;

    public readonly bool Has(PacketFlags flag) => (Flags & flag) != 0;

    public void Reset()
    {
        this = default;
    }
}

/// <summary>The outermost headers of a tunnelled packet: what its flow key would be with no tunnel decoded.</summary>
public struct OuterHeaders
{
    public PacketFlags Flags;
    public ulong SourceMac;
    public ulong DestinationMac;
    public ushort Vlan;
    public ushort EtherType;
    public byte IpVersion;
    public byte Protocol;
    public ulong SourceHigh, SourceLow, DestinationHigh, DestinationLow;
    public ushort SourcePort;
    public ushort DestinationPort;
    public int WirePayloadLength;

    internal static OuterHeaders Of(in DecodedPacket p) => new()
    {
        Flags = p.Flags,
        SourceMac = p.SourceMac,
        DestinationMac = p.DestinationMac,
        Vlan = p.Vlan,
        EtherType = p.EtherType,
        IpVersion = p.IpVersion,
        Protocol = p.Protocol,
        SourceHigh = p.SourceHigh,
        SourceLow = p.SourceLow,
        DestinationHigh = p.DestinationHigh,
        DestinationLow = p.DestinationLow,
        SourcePort = p.SourcePort,
        DestinationPort = p.DestinationPort,
        WirePayloadLength = p.WirePayloadLength,
    };
}
