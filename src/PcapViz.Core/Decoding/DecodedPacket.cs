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

    public readonly bool Has(PacketFlags flag) => (Flags & flag) != 0;

    public void Reset()
    {
        this = default;
    }
}
