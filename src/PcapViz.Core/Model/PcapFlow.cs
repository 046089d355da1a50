using System.Net;
using PcapViz.Core.Decoding;

namespace PcapViz;

/// <summary>One conversation, in the spirit of a Zeek conn.log row; Sent and Received are from the source's point of view.</summary>
public sealed class PcapFlow
{
    public required string Protocol { get; init; }
    public IPAddress? SourceAddress { get; init; }
    public int? SourcePort { get; init; }
    public IPAddress? DestinationAddress { get; init; }
    public int? DestinationPort { get; init; }
    public string? SourceMac { get; init; }
    public string? DestinationMac { get; init; }
    public int? Vlan { get; init; }
    public long Packets => SentPackets + ReceivedPackets;
    public long Bytes => SentBytes + ReceivedBytes;
    public long SentPackets { get; init; }
    public long SentBytes { get; init; }
    public long ReceivedPackets { get; init; }
    public long ReceivedBytes { get; init; }
    /// <summary>Transport payload bytes each way: a source that sends far more than it receives is uploading.</summary>
    public long SentPayloadBytes { get; init; }
    public long ReceivedPayloadBytes { get; init; }
    public DateTimeOffset FirstSeen { get; init; }
    public DateTimeOffset LastSeen { get; init; }
    public TimeSpan Duration => LastSeen - FirstSeen;
    public TcpFlags TcpFlags { get; init; }
    /// <summary>The application: what the first payload bytes identify (TLS, HTTP, SSH, DNS, ...), else the well-known port's guess.</summary>
    public string? Application { get; init; }
    /// <summary>"Payload" when the payload identified the application, "Port" when only the port suggests it.</summary>
    public string? ApplicationSource { get; init; }
    /// <summary>The capture file the conversation came from.</summary>
    public required string Capture { get; init; }
    /// <summary>The IP protocol number, or null for a frame without IP (ARP, STP, ...).</summary>
    public int? IpProtocol { get; init; }
    /// <summary>The network protocol under every link-layer wrapper (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, ...).</summary>
    public int EtherType { get; init; }

    public override string ToString()
    {
        string Side(IPAddress? address, int? port, string? mac) =>
            address is null ? mac ?? "?" : port is null ? address.ToString() : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
        return $"{Protocol} {Side(SourceAddress, SourcePort, SourceMac)} -> {Side(DestinationAddress, DestinationPort, DestinationMac)}";
    }
}
