using System.Net;
using System.Runtime.CompilerServices;
using PcapViz.Core.Decoding;

namespace PcapViz.Core.Flows;

/// <summary>
/// Identity of a unidirectional flow: link addresses, VLAN, network protocol, IP addresses, transport protocol and ports.
/// Every layer-2, -3 and -4 figure is a sum over flows grouped by a part of this key.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly ulong SourceMac;
    public readonly ulong DestinationMac;
    public readonly ulong SourceHigh;
    public readonly ulong SourceLow;
    public readonly ulong DestinationHigh;
    public readonly ulong DestinationLow;
    public readonly ushort SourcePort;
    public readonly ushort DestinationPort;
    public readonly ushort Vlan;
    public readonly ushort EtherType;
    public readonly byte IpVersion;
    public readonly byte Protocol;
    public readonly PacketFlags Flags;
    /// <summary>
    /// The tunnel that carried the flow: its number in the capture's <see cref="TunnelTable"/> (from 1), or 0 for
    /// traffic in no tunnel. Both directions of a conversation carry the same number.
    /// </summary>
    public readonly uint Tunnel;

    public FlowKey(ulong sourceMac, ulong destinationMac, ushort vlan, ushort etherType, byte ipVersion,
        ulong sourceHigh, ulong sourceLow, ulong destinationHigh, ulong destinationLow,
        byte protocol, ushort sourcePort, ushort destinationPort, PacketFlags flags, uint tunnel = 0)
    {
        Tunnel = tunnel;
        SourceMac = sourceMac;
        DestinationMac = destinationMac;
        Vlan = vlan;
        EtherType = etherType;
        IpVersion = ipVersion;
        SourceHigh = sourceHigh;
        SourceLow = sourceLow;
        DestinationHigh = destinationHigh;
        DestinationLow = destinationLow;
        Protocol = protocol;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Flags = flags;
    }

    private const PacketFlags Keyed = PacketFlags.HasMacs | PacketFlags.HasIp | PacketFlags.HasPorts | PacketFlags.HasVlan;

    /// <summary>The key of a decoded packet (its innermost packet, in a tunnel); fragments and ports-less packets keep what they carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FlowKey From(in DecodedPacket p, uint tunnel = 0) =>
        new(p.SourceMac, p.DestinationMac, p.Vlan, p.EtherType, p.IpVersion,
            p.SourceHigh, p.SourceLow, p.DestinationHigh, p.DestinationLow,
            p.Protocol, p.SourcePort, p.DestinationPort, p.Flags & Keyed, tunnel);

    /// <summary>The key of a tunnelled packet's outermost headers: its flow as it would be with no tunnel opened.</summary>
    public static FlowKey Outer(in OuterHeaders o) =>
        new(o.SourceMac, o.DestinationMac, o.Vlan, o.EtherType, o.IpVersion,
            o.SourceHigh, o.SourceLow, o.DestinationHigh, o.DestinationLow,
            o.Protocol, o.SourcePort, o.DestinationPort, o.Flags & Keyed);

    public bool HasMacs => (Flags & PacketFlags.HasMacs) != 0;
    public bool HasIp => (Flags & PacketFlags.HasIp) != 0;
    public bool HasPorts => (Flags & PacketFlags.HasPorts) != 0;
    public bool HasVlan => (Flags & PacketFlags.HasVlan) != 0;

    /// <summary>The same conversation seen from the other end.</summary>
    public FlowKey Reversed() => new(DestinationMac, SourceMac, Vlan, EtherType, IpVersion,
        DestinationHigh, DestinationLow, SourceHigh, SourceLow, Protocol, DestinationPort, SourcePort, Flags, Tunnel);

    public IPAddress? SourceAddress => HasIp ? ToAddress(IpVersion, SourceHigh, SourceLow) : null;
    public IPAddress? DestinationAddress => HasIp ? ToAddress(IpVersion, DestinationHigh, DestinationLow) : null;

    public static IPAddress ToAddress(byte version, ulong high, ulong low)
    {
        if (version == 4)
        {
            Span<byte> v4 = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)low);
            return new IPAddress(v4);
        }
        Span<byte> v6 = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(v6, high);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(v6[8..], low);
        return new IPAddress(v6);
    }

    public bool Equals(FlowKey other) =>
        SourceLow == other.SourceLow && DestinationLow == other.DestinationLow
        && SourcePort == other.SourcePort && DestinationPort == other.DestinationPort
        && SourceMac == other.SourceMac && DestinationMac == other.DestinationMac
        && SourceHigh == other.SourceHigh && DestinationHigh == other.DestinationHigh
        && Vlan == other.Vlan && EtherType == other.EtherType && IpVersion == other.IpVersion
        && Protocol == other.Protocol && Flags == other.Flags && Tunnel == other.Tunnel;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode()
    {
        // Two chains (source side, destination side) run in parallel; each packs fields without loss (link addresses
        // are 48 bits wide).
        ulong source = KeyedHash.Add(KeyedHash.Add(KeyedHash.Add(KeyedHash.Seed, SourceLow), SourceHigh),
            SourceMac | (ulong)IpVersion << 48 | (ulong)Protocol << 56);
        ulong destination = KeyedHash.Add(KeyedHash.Add(KeyedHash.Add(KeyedHash.SecondSeed, DestinationLow), DestinationHigh),
            DestinationMac | (ulong)Flags << 48);
        ulong ports = (ulong)SourcePort << 48 | (ulong)DestinationPort << 32 | (ulong)Vlan << 16 | EtherType;
        ulong hash = KeyedHash.Add(KeyedHash.Add(source, destination), ports);
        // Traffic in no tunnel, nearly all of it, pays nothing for the field.
        if (Tunnel != 0)
            hash = KeyedHash.Add(hash, Tunnel);
        return KeyedHash.Finish(hash);
    }

    public static bool operator ==(FlowKey left, FlowKey right) => left.Equals(right);
    public static bool operator !=(FlowKey left, FlowKey right) => !left.Equals(right);
}
