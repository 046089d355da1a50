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
        var edges = new ChunkedHashTable<EdgeKey, EdgeAccumulator>(1024);
        long visited = 0;
        foreach (var table in input.Tables)
        {
            for (int i = 0; i < table.Count; i++)
            {
                if (++visited % 65536 == 0)
                    cancellation.ThrowIfCancellationRequested();
                ref readonly var key = ref table.KeyAt(i);
                ref readonly var counters = ref table.CountersAt(i);
                if (!NodeKey.TryEndpoints(key, options.Layer, out var source, out var destination) || !filter.Keeps(key, counters))
                    continue;
                edges.GetOrAdd(new EdgeKey(source, destination), out _).Add(key, counters, rememberMacs: options.Layer > 2);
            }
        }
        return Assemble(input, options, edges, cancellation);
    }

    private static PcapTopology Assemble(TopologyInput input, TopologyOptions options, ChunkedHashTable<EdgeKey, EdgeAccumulator> edges, CancellationToken cancellation)
    {
        var macs = new Dictionary<NodeKey, HashSet<ulong>>();
        void Remember(NodeKey node, ulong mac)
        {
            if (!macs.TryGetValue(node, out var set))
                macs[node] = set = [];
            if (set.Count < MaxMacsPerNode)
                set.Add(mac);
        }
        var nodes = new Dictionary<NodeKey, NodeAccumulator>();
        NodeAccumulator Node(NodeKey key)
        {
            if (!nodes.TryGetValue(key, out var node))
                nodes[key] = node = new NodeAccumulator(key.Format());
            return node;
        }
        var edgeObjects = new List<PcapEdge>(edges.Count);
        long packets = 0, bytes = 0;
        for (int e = 0; e < edges.Count; e++)
        {
            var pair = edges.KeyAt(e);
            ref readonly var edge = ref edges.ValueAt(e);
            var from = Node(pair.Source);
            var to = Node(pair.Destination);
            from.OutDegree++;
            from.PacketsSent += edge.Packets;
            from.BytesSent += edge.Bytes;
            to.InDegree++;
            to.PacketsReceived += edge.Packets;
            to.BytesReceived += edge.Bytes;
            packets += edge.Packets;
            bytes += edge.Bytes;
            foreach (var (sourceMac, destinationMac) in edge.MacPairs())
            {
                Remember(pair.Source, sourceMac);
                Remember(pair.Destination, destinationMac);
            }
            edgeObjects.Add(new PcapEdge
            {
                Source = from.Id,
                Destination = to.Id,
                Packets = edge.Packets,
                Bytes = edge.Bytes,
                FirstSeen = Timestamps.FromUnixNanoseconds(edge.FirstNs),
                LastSeen = Timestamps.FromUnixNanoseconds(edge.LastNs),
                Protocols = edge.Protocols(),
            });
        }
        cancellation.ThrowIfCancellationRequested();
        edgeObjects.Sort((a, b) =>
        {
            int order = b.Bytes.CompareTo(a.Bytes);
            if (order == 0)
                order = string.CompareOrdinal(a.Source, b.Source);
            return order != 0 ? order : string.CompareOrdinal(a.Destination, b.Destination);
        });
        var facts = new Dictionary<NodeKey, HostFacts>();
        var nodeObjects = new List<PcapNode>(nodes.Count);
        foreach (var (key, node) in nodes)
        {
            var host = key with { Port = 0 };
            if (!facts.TryGetValue(host, out var known))
                facts[host] = known = FactsOf(host, input, options);
            nodeObjects.Add(Describe(key, node, known, macs));
        }
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
            Attributions = options.Geo is { } geo && nodeObjects.Any(n => n.Country is not null) ? geo.Attributions.ToArray() : [],
        };
    }

    /// <summary>What a node's address says, whatever its port: looked up once per address, shared by its layer-4 endpoints.</summary>
    private sealed record HostFacts(string Address, bool IsInternal, GeoInfo? Geo, string[] HostNames);

    private static HostFacts FactsOf(NodeKey key, TopologyInput input, TopologyOptions options)
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
        return new HostFacts(ip?.ToString() ?? NodeIds.Mac(key.Low), isInternal, geo, names.ToArray());
    }

    private static PcapNode Describe(NodeKey key, NodeAccumulator node, HostFacts facts, Dictionary<NodeKey, HashSet<ulong>> macs)
    {
        var seenMacs = macs.TryGetValue(key, out var set) ? set.Order().Select(NodeIds.Mac).ToArray() : [];
        var geo = facts.Geo;
        return new PcapNode
        {
            Id = node.Id,
            Address = facts.Address,
            Port = key.Layer == 4 ? key.Port : null,
            Mac = key.Layer == 2 ? [node.Id] : seenMacs,
            IsInternal = facts.IsInternal,
            Country = geo?.CountryCode,
            CountryName = geo?.CountryName,
            City = geo?.City,
            Asn = geo?.Asn,
            AsOrganization = geo?.AsOrganization,
            HostNames = facts.HostNames,
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

    /// <summary>
    /// The protocols a flow carries, as the filters and edge labels name them: the network protocol for frames without
    /// IP, else the transport protocol and, where a well-known port names one, the application.
    /// </summary>
    public static (string Primary, string? Application) ProtocolsOf(in FlowKey key)
    {
        if (!key.HasIp)
            return (EtherType.Name(key.EtherType), null);
        var application = key.HasPorts ? WellKnownPorts.Guess(key.Protocol, key.SourcePort, key.DestinationPort) : null;
        return (WellKnownPorts.ProtocolName(key.Protocol), application);
    }

    /// <summary>
    /// Sums for one edge, kept inline in the edge table: no allocation per edge or flow. Protocol names and MAC pairs are
    /// few per edge, so a handful of inline slots hold them, with a list only for the rare edge that has more.
    /// </summary>
    private struct EdgeAccumulator
    {
        private const int InlineProtocols = 4;
        public long Packets;
        public long Bytes;
        private long _firstNs, _lastNs;
        private string? _protocol0, _protocol1, _protocol2, _protocol3;
        private List<string>? _moreProtocols;
        private ulong _sourceMac0, _destinationMac0, _sourceMac1, _destinationMac1;
        private byte _macPairs;
        private List<(ulong, ulong)>? _moreMacPairs;

        public readonly long FirstNs => _firstNs;
        public readonly long LastNs => _lastNs;

        public void Add(in FlowKey key, in FlowCounters counters, bool rememberMacs)
        {
            if (Packets == 0)
            {
                _firstNs = counters.FirstNs;
                _lastNs = counters.LastNs;
            }
            else
            {
                _firstNs = Math.Min(_firstNs, counters.FirstNs);
                _lastNs = Math.Max(_lastNs, counters.LastNs);
            }
            Packets += counters.Packets;
            Bytes += counters.Bytes;
            var (primary, application) = ProtocolsOf(key);
            AddProtocol(primary);
            if (application is not null)
                AddProtocol(application);
            if (rememberMacs && key.HasMacs)
                AddMacPair(key.SourceMac, key.DestinationMac);
        }

        private void AddProtocol(string name)
        {
            // Names come from fixed tables, so the same name is usually the same instance: compare references first.
            if (ReferenceEquals(name, _protocol0) || ReferenceEquals(name, _protocol1) || ReferenceEquals(name, _protocol2) || ReferenceEquals(name, _protocol3))
                return;
            if (name == _protocol0 || name == _protocol1 || name == _protocol2 || name == _protocol3)
                return;
            if (_protocol0 is null)
                _protocol0 = name;
            else if (_protocol1 is null)
                _protocol1 = name;
            else if (_protocol2 is null)
                _protocol2 = name;
            else if (_protocol3 is null)
                _protocol3 = name;
            else if (!(_moreProtocols ??= []).Contains(name))
                _moreProtocols.Add(name);
        }

        private void AddMacPair(ulong source, ulong destination)
        {
            if ((_macPairs > 0 && _sourceMac0 == source && _destinationMac0 == destination)
                || (_macPairs > 1 && _sourceMac1 == source && _destinationMac1 == destination))
                return;
            switch (_macPairs)
            {
                case 0:
                    (_sourceMac0, _destinationMac0, _macPairs) = (source, destination, 1);
                    return;
                case 1:
                    (_sourceMac1, _destinationMac1, _macPairs) = (source, destination, 2);
                    return;
                default:
                    _moreMacPairs ??= [];
                    if (_moreMacPairs.Count < MaxMacsPerNode && !_moreMacPairs.Contains((source, destination)))
                        _moreMacPairs.Add((source, destination));
                    return;
            }
        }

        public readonly string[] Protocols()
        {
            int inline = _protocol0 is null ? 0 : _protocol1 is null ? 1 : _protocol2 is null ? 2 : _protocol3 is null ? 3 : InlineProtocols;
            var names = new string[inline + (_moreProtocols?.Count ?? 0)];
            if (inline > 0)
                names[0] = _protocol0!;
            if (inline > 1)
                names[1] = _protocol1!;
            if (inline > 2)
                names[2] = _protocol2!;
            if (inline > 3)
                names[3] = _protocol3!;
            _moreProtocols?.CopyTo(names, inline);
            return names;
        }

        public readonly IEnumerable<(ulong Source, ulong Destination)> MacPairs()
        {
            if (_macPairs > 0)
                yield return (_sourceMac0, _destinationMac0);
            if (_macPairs > 1)
                yield return (_sourceMac1, _destinationMac1);
            if (_moreMacPairs is not null)
            {
                foreach (var pair in _moreMacPairs)
                    yield return pair;
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
            var (primary, application) = ProtocolsOf(key);
            bool Carries(HashSet<string> set) => set.Contains(primary) || (application is not null && set.Contains(application));
            if (_protocols is not null && !Carries(_protocols))
                return false;
            return _excluded is null || !Carries(_excluded);
        }
    }
}

/// <summary>A node of one layer in numbers: a MAC, an IP, or an IP and port. Formatted once per node, not per flow.</summary>
internal readonly record struct NodeKey(byte Layer, byte IpVersion, ulong High, ulong Low, ushort Port)
{
    // Hand-written: the generated record members go through EqualityComparer for each field, on the hottest path of a build.
    public bool Equals(NodeKey other) => Low == other.Low && High == other.High && Port == other.Port && IpVersion == other.IpVersion && Layer == other.Layer;

    public override int GetHashCode()
    {
        ulong h = (Low * 0x9E3779B97F4A7C15UL) ^ (High * 0xC2B2AE3D27D4EB4FUL) ^ (((ulong)Port << 16 | (ulong)IpVersion << 8 | Layer) * 0x165667B19E3779F9UL);
        return (int)(h ^ (h >> 32));
    }

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

/// <summary>An ordered pair of nodes: one directed edge.</summary>
internal readonly struct EdgeKey(NodeKey source, NodeKey destination) : IEquatable<EdgeKey>
{
    public NodeKey Source { get; } = source;
    public NodeKey Destination { get; } = destination;

    public bool Equals(EdgeKey other) => Source.Equals(other.Source) && Destination.Equals(other.Destination);

    public override bool Equals(object? obj) => obj is EdgeKey other && Equals(other);

    public override int GetHashCode() => Source.GetHashCode() * -1640531535 ^ Destination.GetHashCode();
}
