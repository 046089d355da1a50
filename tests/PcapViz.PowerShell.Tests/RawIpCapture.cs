using System.Buffers.Binary;
using System.Net;

namespace PcapViz.PowerShell.Tests;

/// <summary>Captures of bare IP packets (LINKTYPE_RAW), one UDP datagram per (source, destination, port), for tests that pick their own addresses.</summary>
internal static class RawIpCapture
{
    private const uint LinkTypeRaw = 101;

    public static void Write(string path, IEnumerable<(string Source, string Destination, ushort Port)> datagrams) =>
        PcapFile.Write(path, LinkTypeRaw, datagrams.Select(d => Udp(IPAddress.Parse(d.Source), IPAddress.Parse(d.Destination), d.Port)));

    private static byte[] Udp(IPAddress source, IPAddress destination, ushort port)
    {
        var udp = new byte[8 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        var from = source.GetAddressBytes();
        var to = destination.GetAddressBytes();
        if (from.Length != to.Length)
            throw new ArgumentException("Both ends must be IPv4 or both IPv6.");
        if (from.Length == 4)
        {
            var packet = new byte[20 + udp.Length];
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            packet[8] = 64;
            packet[9] = 17;
            from.CopyTo(packet, 12);
            to.CopyTo(packet, 16);
            udp.CopyTo(packet, 20);
            return packet;
        }
        var v6 = new byte[40 + udp.Length];
        v6[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(v6.AsSpan(4), (ushort)udp.Length);
        v6[6] = 17;
        v6[7] = 64;
        from.CopyTo(v6, 8);
        to.CopyTo(v6, 24);
        udp.CopyTo(v6, 40);
        return v6;
    }
}
