namespace PcapViz;

/// <summary>One conversation, in the spirit of a Zeek conn.log row; Sent and Received are from the source's point of view.</summary>
/// <remarks>
/// Every property is text, a number or a time, so a flow is whole in ConvertTo-Json, Export-Csv, Export-Clixml and
/// remoting without converters: addresses as their text (what Zeek writes), enum-like facts as names, the duration in
/// seconds (Zeek's conn.log duration).
/// </remarks>
public sealed class PcapFlow
{
    public required string Protocol { get; init; }
    /// <summary>The IP address as text (IPv6 in its compressed form), or null for a frame without IP.</summary>
    public string? SourceAddress { get; init; }
    public int? SourcePort { get; init; }
    public string? DestinationAddress { get; init; }
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
    /// <summary>From the first packet to the last, in seconds.</summary>
    public double DurationSeconds => (LastSeen - FirstSeen).TotalSeconds;
    /// <summary>Every TCP flag seen either way, named as tcpdump does ("SYN, ACK, FIN"); null without TCP.</summary>
    public string? TcpFlags { get; init; }
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
    /// <summary>
    /// The tunnel or mirror session that carried the conversation, outermost first ("VXLAN", "ERSPAN-II",
    /// "GRE > VXLAN"); null for traffic in no tunnel. The addresses and ports above are the innermost packet's.
    /// </summary>
    public string? Tunnel { get; init; }
    /// <summary>The tunnel's outer source address, as the tunnel's first packet went.</summary>
    public string? TunnelSource { get; init; }
    public string? TunnelDestination { get; init; }
    /// <summary>The VXLAN or Geneve VNI, GRE key, ERSPAN session or PPTP call id of the outermost tunnel that has one.</summary>
    public long? TunnelId { get; init; }

    public override string ToString()
    {
        string Side(string? address, int? port, string? mac) =>
            address is null ? mac ?? "?" : port is null ? address : address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";
        return $"{Protocol} {Side(SourceAddress, SourcePort, SourceMac)} -> {Side(DestinationAddress, DestinationPort, DestinationMac)}";
    }
}
