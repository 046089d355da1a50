using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;

namespace PcapViz.Core.Topology;

/// <summary>
/// Everything one graph is summed from: the flow tables of any number of captures, used in place (no copy), plus
/// conversations given one by one. Sums are associative, so the order of inputs never changes a figure.
/// </summary>
public sealed class TopologyInput
{
    private readonly List<FlowTable> _tables = [];
    private readonly List<HostNameCollector> _names = [];
    private readonly List<string> _captures = [];
    private FlowTable? _conversations;

    public IReadOnlyList<string> Captures => _captures;

    public IReadOnlyList<HostNameCollector> Names => _names;

    /// <param name="view">Whether tunnelled packets count in the conversations inside (the default) or between the tunnel endpoints.</param>
    public void AddCapture(PcapCapture capture, TunnelView view = TunnelView.Inner)
    {
        _tables.Add(capture.GetFlowTable(view));
        _names.Add(capture.GetHostNames());
        AddCaptureName(capture.FullName);
    }

    /// <summary>A conversation splits back into its two directions; per-direction first and last times become the conversation's.</summary>
    public void AddFlow(PcapFlow flow)
    {
        if (_conversations is null)
        {
            _conversations = new FlowTable();
            _tables.Add(_conversations);
        }
        var key = KeyOf(flow);
        long first = Timestamps.ToUnixNanoseconds(flow.FirstSeen);
        long last = Timestamps.ToUnixNanoseconds(flow.LastSeen);
        // What the payload identified travels as the flow's Application; the graph labels its edges the same way.
        var payload = flow.ApplicationSource == "Payload" ? PayloadProtocols.FromName(flow.Application) : PayloadProtocol.NotSeen;
        byte tcpFlags = TcpFlagsText.Parse(flow.TcpFlags);
        if (flow.SentPackets > 0)
            _conversations.GetOrAdd(key).Merge(Counters(flow.SentPackets, flow.SentBytes, flow.SentPayloadBytes, first, last, tcpFlags, payload));
        if (flow.ReceivedPackets > 0)
            _conversations.GetOrAdd(key.Reversed()).Merge(Counters(flow.ReceivedPackets, flow.ReceivedBytes, flow.ReceivedPayloadBytes, first, last, tcpFlags, payload));
        AddCaptureName(flow.Capture);
    }

    private void AddCaptureName(string path)
    {
        if (!_captures.Contains(path))
            _captures.Add(path);
    }

    public IEnumerable<KeyValuePair<FlowKey, FlowCounters>> Flows => _tables.SelectMany(t => t.Entries);

    /// <summary>The flow tables themselves, for passes that walk them without copying entries.</summary>
    public IReadOnlyList<FlowTable> Tables => _tables;

    public IEnumerable<HostName> NamesFor(IPAddress address) => _names.SelectMany(n => n.NamesFor(address));

    public IEnumerable<HostName> NamesForMac(ulong mac) => _names.SelectMany(n => n.NamesForMac(mac));

    private static FlowCounters Counters(long packets, long bytes, long payload, long first, long last, byte tcpFlags, PayloadProtocol protocol) => new()
    {
        Payload = protocol,
        Packets = packets,
        Bytes = bytes,
        PayloadBytes = payload,
        FirstNs = first,
        LastNs = last,
        TcpFlags = tcpFlags,
        FirstTcpFlags = tcpFlags,
    };

    public static FlowKey KeyOf(PcapFlow flow)
    {
        var flags = PacketFlags.None;
        ulong sourceMac = 0, destinationMac = 0;
        if (flow.SourceMac is not null && flow.DestinationMac is not null && TryParseMac(flow.SourceMac, out sourceMac) && TryParseMac(flow.DestinationMac, out destinationMac))
            flags |= PacketFlags.HasMacs;
        if (flow.Vlan is not null)
            flags |= PacketFlags.HasVlan;
        byte version = 0;
        ulong sourceHigh = 0, sourceLow = 0, destinationHigh = 0, destinationLow = 0;
        if (IPAddress.TryParse(flow.SourceAddress, out var source) && IPAddress.TryParse(flow.DestinationAddress, out var destination))
        {
            flags |= PacketFlags.HasIp;
            version = source.AddressFamily == AddressFamily.InterNetwork ? (byte)4 : (byte)6;
            (sourceHigh, sourceLow) = Split(source);
            (destinationHigh, destinationLow) = Split(destination);
        }
        if (flow.SourcePort is not null && flow.DestinationPort is not null)
            flags |= PacketFlags.HasPorts;
        return new FlowKey(sourceMac, destinationMac, (ushort)(flow.Vlan ?? 0), (ushort)flow.EtherType, version,
            sourceHigh, sourceLow, destinationHigh, destinationLow, (byte)(flow.IpProtocol ?? 0),
            (ushort)(flow.SourcePort ?? 0), (ushort)(flow.DestinationPort ?? 0), flags);
    }

    private static (ulong High, ulong Low) Split(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4
            ? (0, BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)));
    }

    public static bool TryParseMac(string text, out ulong mac)
    {
        mac = 0;
        var parts = text.Split(':', '-');
        if (parts.Length != 6)
            return false;
        foreach (var part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var octet))
                return false;
            mac = (mac << 8) | octet;
        }
        return true;
    }
}
