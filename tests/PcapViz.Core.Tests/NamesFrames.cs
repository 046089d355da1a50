using System.Buffers.Binary;
using System.Net;
using System.Text;
using PcapViz.Core.Decoding;
using PcapViz.Core.Names;

using static PcapViz.Core.Tests.Frames;

namespace PcapViz.Core.Tests;

/// <summary>
/// Hand-built frames for the host-name tests: Ethernet, IPv4/IPv6, UDP/TCP, and the DNS, TLS, HTTP and DHCP
/// payloads inside them, each written field by field as a sender would.
/// </summary>
internal static class NamesFrames
{
    // The Ethernet, IP and transport headers come from Frames; this class adds the name-bearing payloads.
    private const byte PushAck = (byte)(TcpFlags.PSH | TcpFlags.ACK);

    /// <summary>An Ethernet frame carrying UDP over IPv4 or IPv6 (chosen by the address syntax).</summary>
    public static byte[] UdpFrame(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload) =>
        source.Contains(':')
            ? Ethernet(0x86DD, Ipv6(source, destination, 17, Udp(sourcePort, destinationPort, payload)))
            : Ethernet(0x0800, Ipv4(source, destination, 17, Udp(sourcePort, destinationPort, payload)));

    public static byte[] TcpFrame(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload) =>
        source.Contains(':')
            ? Ethernet(0x86DD, Ipv6(source, destination, 6, Tcp(sourcePort, destinationPort, PushAck, payload)))
            : Ethernet(0x0800, Ipv4(source, destination, 6, Tcp(sourcePort, destinationPort, PushAck, payload)));

    public static DecodedPacket Decode(byte[] frame) => Frames.Decode(LinkType.Ethernet, frame);

    public static void Observe(this HostNameCollector collector, byte[] frame)
    {
        var decoded = Decode(frame);
        collector.Observe(frame, decoded);
    }

    public static string[] Names(this HostNameCollector collector, string address) =>
        collector.NamesFor(IPAddress.Parse(address)).Select(n => n.Name).ToArray();

    // DNS

    /// <summary>A name as uncompressed labels; each label is given as raw bytes so tests can write any byte.</summary>
    public static byte[] DnsName(params byte[][] labels) => Cat([.. labels.Select(l => Cat([(byte)l.Length], l)), [0]]);

    public static byte[] DnsName(string dotted) =>
        dotted.Length == 0 ? [0] : DnsName(dotted.Split('.').Select(Encoding.ASCII.GetBytes).ToArray());

    public static byte[] Pointer(int offset) => [(byte)(0xC0 | (offset >> 8)), (byte)offset];

    public static byte[] DnsHeader(bool response, int questions, int answers, int authority = 0, int additional = 0, int opcode = 0) =>
        Cat(Be16(0x1234), Be16((response ? 0x8180 : 0x0100) | (opcode << 11)), Be16(questions), Be16(answers), Be16(authority), Be16(additional));

    public static byte[] Question(byte[] name, int type = 1) => Cat(name, Be16(type), Be16(1));

    public static byte[] Record(byte[] name, int type, byte[] data, int @class = 1) =>
        Cat(name, Be16(type), Be16(@class), Be32(300), Be16(data.Length), data);

    public static byte[] A(byte[] name, string address) => Record(name, 1, IPAddress.Parse(address).GetAddressBytes());

    public static byte[] Aaaa(byte[] name, string address) => Record(name, 28, IPAddress.Parse(address).GetAddressBytes());

    public static byte[] Cname(byte[] name, byte[] target) => Record(name, 5, target);

    /// <summary>A standard response: the question, then the given answer records.</summary>
    public static byte[] DnsResponse(string question, params byte[][] answers) =>
        Cat([DnsHeader(true, 1, answers.Length), Question(DnsName(question)), .. answers]);

    public static byte[] DnsQuery(params string[] names) =>
        Cat([DnsHeader(false, names.Length, 0), .. names.Select(n => Question(DnsName(n)))]);

    // TLS

    /// <summary>A TLS 1.2-style ClientHello with an SNI extension between two other extensions.</summary>
    public static byte[] ClientHello(params byte[][] serverNames)
    {
        var entries = Cat(serverNames.Select(n => Cat([0], Be16(n.Length), n)).ToArray());
        var sni = Cat(Be16(0), Be16(entries.Length + 2), Be16(entries.Length), entries);
        var ecPoints = Cat(Be16(11), Be16(2), [1, 0]);
        var alpn = Cat(Be16(16), Be16(5), Be16(3), [2], "h2"u8.ToArray());
        var extensions = Cat(ecPoints, sni, alpn);
        var body = Cat([3, 3], new byte[32], [32], new byte[32], Be16(4), [0x13, 0x01, 0xC0, 0x2F], [1, 0], Be16(extensions.Length), extensions);
        var handshake = Cat([1, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length], body);
        return Cat([0x16, 3, 1], Be16(handshake.Length), handshake);
    }

    public static byte[] ClientHello(string serverName) => ClientHello(Encoding.ASCII.GetBytes(serverName));

    // DHCP

    public static byte[] Option(byte code, byte[] value) => Cat([code, (byte)value.Length], value);

    public static byte[] Dhcp(byte op, string clientAddress, string yourAddress, ulong hardware, byte[] options, byte[]? file = null)
    {
        var fixedPart = new byte[236];
        fixedPart[0] = op;
        fixedPart[1] = 1;
        fixedPart[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart.AsSpan(4), 0xCAFEBABE);
        IPAddress.Parse(clientAddress).GetAddressBytes().CopyTo(fixedPart, 12);
        IPAddress.Parse(yourAddress).GetAddressBytes().CopyTo(fixedPart, 16);
        Mac(hardware).CopyTo(fixedPart, 28);
        file?.CopyTo(fixedPart, 108);
        return Cat(fixedPart, Be32(0x63825363), options, [255]);
    }

    public static byte[] DhcpFrame(byte[] dhcp, bool fromClient = true) =>
        fromClient
            ? UdpFrame("0.0.0.0", "255.255.255.255", 68, 67, dhcp)
            : UdpFrame("192.168.1.1", "255.255.255.255", 67, 68, dhcp);
}
