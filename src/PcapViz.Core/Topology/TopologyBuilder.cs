using System.Net;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Geo;

namespace PcapViz.Core.Topology;

/// <summary>Sums flows into the directed graph of one layer. Cost grows with flows, never with packets.</summary>
public static class TopologyBuilder
{
    private const int MaxMacsPerNode = 8;

    public static PcapTopology Build(TopologyInput input, TopologyOptions options, CancellationToken cancellation = default)
    {
        if (options.Layer is < 2 or > 4)
            throw new ArgumentOutOfRangeException(nameof(options), options.Layer, "The layer must be 2, 3 or 4.");
        var filter = new FlowFilter(options);
        var edges = new Dictionary<(NodeKey Source, NodeKey Destination), EdgeAccumulator>();
        var macs = new Dictionary<NodeKey, HashSet<ulong>>();
        long visited = 0;
        foreach (var (key, counters) in input.Flows)
        {
            if (++visited % 65536 == 0)
                cancellation.ThrowIfCancellationRequested();
            if (!NodeKey.TryEndpoints(key, options.Layer, out var source, out var destination) || !filter.Keeps(key, counters))
                continue;
            ref var edge = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(edges, (source, destination), out bool existed);
            if (!existed)
                edge = new EdgeAccumulator();
            edge!.Add(key, counters);
            if (options.Layer > 2 && key.HasMacs)
            {
                Remember(macs, source, key.SourceMac);
                Remember(macs, destination, key.DestinationMac);
            }
        }
        return Assemble(input, options, edges, macs, cancellation);
    }

    private static void Remember(Dictionary<NodeKey, HashSet<ulong>> macs, NodeKey node, ulong mac)
    {
        if (!macs.TryGetValue(node, out var set))
            macs[node] = set = [];
        if (set.Count < MaxMacsPerNode)
            set.Add(mac);
    }

    private static PcapTopology Assemble(TopologyInput input, TopologyOptions options, Dictionary<(NodeKey Source, NodeKey Destination), EdgeAccumulator> edges,
        Dictionary<NodeKey, HashSet<ulong>> macs, CancellationToken cancellation)
    {
        var nodes = new Dictionary<NodeKey, NodeAccumulator>();
        NodeAccumulator Node(NodeKey key)
        {
            if (!nodes.TryGetValue(key, out var node))
                nodes[key] = node = new NodeAccumulator(key.Format());
            return node;
        }
        var edgeObjects = new List<PcapEdge>(edges.Count);
        long packets = 0, bytes = 0;
        foreach (var ((source, destination), edge) in edges)
        {
            var from = Node(source);
            var to = Node(destination);
            from.OutDegree++;
            from.PacketsSent += edge.Packets;
            from.BytesSent += edge.Bytes;
            to.InDegree++;
            to.PacketsReceived += edge.Packets;
            to.BytesReceived += edge.Bytes;
            packets += edge.Packets;
            bytes += edge.Bytes;
            edgeObjects.Add(new PcapEdge
            {
                Source = from.Id,
                Destination = to.Id,
                Packets = edge.Packets,
                Bytes = edge.Bytes,
                FirstSeen = Timestamps.FromUnixNanoseconds(edge.FirstNs),
                LastSeen = Timestamps.FromUnixNanoseconds(edge.LastNs),
                Protocols = edge.Protocols.ToArray(),
            });
        }
        cancellation.ThrowIfCancellationRequested();
        edgeObjects.Sort((a, b) => b.Bytes != a.Bytes ? b.Bytes.CompareTo(a.Bytes) : string.CompareOrdinal(a.Source + " " + a.Destination, b.Source + " " + b.Destination));
        var nodeObjects = nodes.Select(pair => Describe(pair.Key, pair.Value, input, options, macs)).ToList();
        nodeObjects.Sort((a, b) => (b.BytesSent + b.BytesReceived) != (a.BytesSent + a.BytesReceived)
            ? (b.BytesSent + b.BytesReceived).CompareTo(a.BytesSent + a.BytesReceived)
            : string.CompareOrdinal(a.Id, b.Id));
        return new PcapTopology
        {
            Layer = options.Layer,
            Nodes = nodeObjects.ToArray(),
            Edges = edgeObjects.ToArray(),
            Captures = input.Captures.ToArray(),
            Packets = packets,
            Bytes = bytes,
        };
    }

    private static PcapNode Describe(NodeKey key, NodeAccumulator node, TopologyInput input, TopologyOptions options, Dictionary<NodeKey, HashSet<ulong>> macs)
    {
        IPAddress? ip = key.Layer == 2 ? null : FlowKey.ToAddress(key.IpVersion, key.High, key.Low);
        bool isInternal = ip is null ? IsGroupMac(key.Low) : AddressClass.IsInternal(ip);
        GeoInfo? geo = ip is not null && !isInternal ? options.Geo?.Lookup(ip) : null;
        var names = new List<string>();
        foreach (var name in ip is null ? input.NamesForMac(key.Low) : input.NamesFor(ip))
        {
            if (!names.Contains(name.Name))
                names.Add(name.Name);
        }
        if (ip is not null && options.ResolveName is { } resolve)
        {
            foreach (var name in resolve(ip))
            {
                if (!names.Contains(name))
                    names.Add(name);
            }
        }
        var seenMacs = macs.TryGetValue(key, out var set) ? set.Order().Select(NodeIds.Mac).ToArray() : [];
        return new PcapNode
        {
            Id = node.Id,
            Address = ip?.ToString() ?? node.Id,
            Port = key.Layer == 4 ? key.Port : null,
            Mac = key.Layer == 2 ? [node.Id] : seenMacs,
            IsInternal = isInternal,
            Country = geo?.CountryCode,
            CountryName = geo?.CountryName,
            City = geo?.City,
            Asn = geo?.Asn,
            AsOrganization = geo?.AsOrganization,
            HostNames = names.ToArray(),
            InDegree = node.InDegree,
            OutDegree = node.OutDegree,
            PacketsSent = node.PacketsSent,
            PacketsReceived = node.PacketsReceived,
            BytesSent = node.BytesSent,
            BytesReceived = node.BytesReceived,
        };
    }

    /// <summary>Broadcast and multicast link addresses have the group bit set in their first octet.</summary>
    private static bool IsGroupMac(ulong mac) => ((mac >> 40) & 1) != 0;

    /// <summary>The protocols a flow carries, as the filters and edge labels name them.</summary>
    public static IEnumerable<string> ProtocolsOf(in FlowKey key)
    {
        if (!key.HasIp)
            return [EtherType.Name(key.EtherType)];
        var transport = WellKnownPorts.ProtocolName(key.Protocol);
        var application = key.HasPorts ? WellKnownPorts.Guess(key.Protocol, key.SourcePort, key.DestinationPort) : null;
        return application is null ? [transport] : [transport, application];
    }

    private sealed class EdgeAccumulator
    {
        public long Packets;
        public long Bytes;
        public long FirstNs = long.MaxValue;
        public long LastNs = long.MinValue;
        public readonly List<string> Protocols = new(2);

        public void Add(in FlowKey key, in FlowCounters counters)
        {
            Packets += counters.Packets;
            Bytes += counters.Bytes;
            FirstNs = Math.Min(FirstNs, counters.FirstNs);
            LastNs = Math.Max(LastNs, counters.LastNs);
            foreach (var protocol in ProtocolsOf(key))
            {
                if (!Protocols.Contains(protocol))
                    Protocols.Add(protocol);
            }
        }
    }

    private sealed class NodeAccumulator(string id)
    {
        public string Id { get; } = id;
        public int InDegree;
        public int OutDegree;
        public long PacketsSent;
        public long PacketsReceived;
        public long BytesSent;
        public long BytesReceived;
    }

    private sealed class FlowFilter(TopologyOptions options)
    {
        private readonly HashSet<string>? _protocols = options.Protocols is { Count: > 0 } p ? new HashSet<string>(p, StringComparer.OrdinalIgnoreCase) : null;
        private readonly HashSet<string>? _excluded = options.ExcludedProtocols is { Count: > 0 } e ? new HashSet<string>(e, StringComparer.OrdinalIgnoreCase) : null;
        private readonly long _afterNs = options.After is { } a ? (a - DateTimeOffset.UnixEpoch).Ticks * 100 : long.MinValue;
        private readonly long _beforeNs = options.Before is { } b ? (b - DateTimeOffset.UnixEpoch).Ticks * 100 : long.MaxValue;

        public bool Keeps(in FlowKey key, in FlowCounters counters)
        {
            if (counters.LastNs < _afterNs || counters.FirstNs > _beforeNs)
                return false;
            if (options.Ports is { Count: > 0 } ports && !(key.HasPorts && (ports.Contains(key.SourcePort) || ports.Contains(key.DestinationPort))))
                return false;
            if (options.Addresses is { Count: > 0 } networks)
            {
                if (!key.HasIp)
                    return false;
                bool any = false;
                foreach (var network in networks)
                {
                    if (network.Contains(key.IpVersion, key.SourceHigh, key.SourceLow) || network.Contains(key.IpVersion, key.DestinationHigh, key.DestinationLow))
                    {
                        any = true;
                        break;
                    }
                }
                if (!any)
                    return false;
            }
            if (_protocols is null && _excluded is null)
                return true;
            var names = ProtocolsOf(key);
            if (_protocols is not null && !names.Any(_protocols.Contains))
                return false;
            return _excluded is null || !names.Any(_excluded.Contains);
        }
    }
}

/// <summary>A node of one layer in numbers: a MAC, an IP, or an IP and port. Formatted once per node, not per flow.</summary>
internal readonly record struct NodeKey(byte Layer, byte IpVersion, ulong High, ulong Low, ushort Port)
{
    public static bool TryEndpoints(in FlowKey key, int layer, out NodeKey source, out NodeKey destination)
    {
        switch (layer)
        {
            case 2 when key.HasMacs:
                source = new NodeKey(2, 0, 0, key.SourceMac, 0);
                destination = new NodeKey(2, 0, 0, key.DestinationMac, 0);
                return true;
            case 3 when key.HasIp:
                source = new NodeKey(3, key.IpVersion, key.SourceHigh, key.SourceLow, 0);
                destination = new NodeKey(3, key.IpVersion, key.DestinationHigh, key.DestinationLow, 0);
                return true;
            case 4 when NodeIds.HasLayer4(key):
                source = new NodeKey(4, key.IpVersion, key.SourceHigh, key.SourceLow, key.SourcePort);
                destination = new NodeKey(4, key.IpVersion, key.DestinationHigh, key.DestinationLow, key.DestinationPort);
                return true;
            default:
                source = destination = default;
                return false;
        }
    }

    public string Format() => Layer switch
    {
        2 => NodeIds.Mac(Low),
        3 => FlowKey.ToAddress(IpVersion, High, Low).ToString(),
        _ => NodeIds.Endpoint(FlowKey.ToAddress(IpVersion, High, Low).ToString(), IpVersion, Port),
    };
}
