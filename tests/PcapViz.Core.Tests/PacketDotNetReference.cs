using System.Buffers.Binary;
using System.Net.Sockets;
using PacketDotNet;

using PcapViz.Core.Decoding;

namespace PcapViz.Core.Tests;

/// <summary>
/// The independent reference decoder of the tests: PacketDotNet parses a packet, and this takes from it the facts
/// our fast path takes (MACs, VLAN, addresses, protocol, ports, flags), so the two can be compared. It is not part
/// of the module: every link type PacketDotNet 1.4.8 parses is on the fast path, so an import path through it
/// could decode nothing (checked by <see cref="PacketDotNetReferenceTests"/>).
/// </summary>
internal static class PacketDotNetReference
{
    public static void Decode(int linkType, ReadOnlySpan<byte> data, ref DecodedPacket p)
    {
        p.Reset();
        // LINKTYPE_PPP may, and LINKTYPE_PPP_HDLC does, start with RFC 1662 framing (address 0xFF, control 0x03)
        // before the protocol; PacketDotNet's PPP parser wants the protocol first, and has no parser for 50 at all.
        if (linkType is LinkType.Ppp or LinkType.PppHdlc && data.Length >= 2 && data[0] == 0xFF && data[1] == 0x03)
        {
            data = data[2..];
            linkType = LinkType.Ppp;
        }
        if (linkType is < 0 or > ushort.MaxValue || !Enum.IsDefined((LinkLayers)linkType))
        {
            p.Status = DecodeStatus.UnsupportedLinkType;
            return;
        }
        Packet parsed;
        try
        {
            parsed = Packet.ParsePacket((LinkLayers)linkType, data.ToArray());
        }
        catch (NotImplementedException)
        {
            // PacketDotNet names many link types it has no parser for.
            p.Status = DecodeStatus.UnsupportedLinkType;
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            p.Status = DecodeStatus.Malformed;
            return;
        }
        Describe(parsed, ref p);
    }

    /// <summary>Fills <paramref name="p"/> from a PacketDotNet packet tree; tests use it as the independent reference.</summary>
    public static void Describe(Packet parsed, ref DecodedPacket p)
    {
        try
        {
            if (parsed.Extract<EthernetPacket>() is { } ethernet)
            {
                p.SourceMac = ToMac(ethernet.SourceHardwareAddress.GetAddressBytes());
                p.DestinationMac = ToMac(ethernet.DestinationHardwareAddress.GetAddressBytes());
                p.Flags |= PacketFlags.HasMacs;
                p.EtherType = (ushort)ethernet.Type;
            }
            if (parsed.Extract<Ieee8021QPacket>() is { } vlan)
            {
                p.Vlan = (ushort)(vlan.VlanIdentifier & 0x0FFF);
                p.Flags |= PacketFlags.HasVlan;
            }
            if (parsed.Extract<ArpPacket>() is not null)
                p.EtherType = EtherType.Arp;
            if (parsed.Extract<IPPacket>() is not { } ip)
                return;
            var source = ip.SourceAddress.GetAddressBytes();
            var destination = ip.DestinationAddress.GetAddressBytes();
            if (ip.SourceAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                p.IpVersion = 4;
                p.EtherType = EtherType.Ipv4;
                p.SourceLow = BinaryPrimitives.ReadUInt32BigEndian(source);
                p.DestinationLow = BinaryPrimitives.ReadUInt32BigEndian(destination);
                if (ip is IPv4Packet v4 && v4.FragmentOffset != 0)
                    p.Flags |= PacketFlags.Fragment;
            }
            else
            {
                p.IpVersion = 6;
                p.EtherType = EtherType.Ipv6;
                p.SourceHigh = BinaryPrimitives.ReadUInt64BigEndian(source);
                p.SourceLow = BinaryPrimitives.ReadUInt64BigEndian(source.AsSpan(8));
                p.DestinationHigh = BinaryPrimitives.ReadUInt64BigEndian(destination);
                p.DestinationLow = BinaryPrimitives.ReadUInt64BigEndian(destination.AsSpan(8));
            }
            p.Flags |= PacketFlags.HasIp;
            p.Protocol = (byte)ip.Protocol;
            if ((p.Flags & PacketFlags.Fragment) != 0)
                return;
            if (ip.PayloadPacket is TcpPacket tcp)
            {
                p.SourcePort = tcp.SourcePort;
                p.DestinationPort = tcp.DestinationPort;
                p.TcpFlags = (byte)tcp.Flags;
                p.Flags |= PacketFlags.HasPorts;
                p.Protocol = 6;
            }
            else if (ip.PayloadPacket is UdpPacket udp)
            {
                p.SourcePort = udp.SourcePort;
                p.DestinationPort = udp.DestinationPort;
                p.Flags |= PacketFlags.HasPorts;
                p.Protocol = 17;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            p.Status = DecodeStatus.Malformed;
        }
    }

    private static ulong ToMac(byte[] bytes)
    {
        ulong value = 0;
        for (int i = 0; i < Math.Min(6, bytes.Length); i++)
            value = (value << 8) | bytes[i];
        return value;
    }
}
