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
        var extras = new EdgeExtras();
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
                edges.GetOrAdd(new EdgeKey(source, destination), out _).Add(key, counters, options.Layer > 2, extras);
            }
        }
        return Assemble(input, options, edges, extras, cancellation);
    }

    private static PcapTopology Assemble(TopologyInput input, TopologyOptions options, ChunkedHashTable<EdgeKey, EdgeAccumulator> edges,
        EdgeExtras extras, CancellationToken cancellation)
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
        // Heaviest first; ties by the nodes' numbers, so the order depends neither on input order nor on strings.
        var order = new int[edges.Count];
        var lighter = new long[edges.Count];
        for (int e = 0; e < order.Length; e++)
        {
            order[e] = e;
            lighter[e] = -edges.ValueAt(e).Bytes;
        }
        // A primitive sort by bytes does most of the work; only runs of equal bytes need the node comparison.
        Array.Sort(lighter, order);
        var byNodes = new ByNodes(edges);
        for (int start = 0, end; start < order.Length; start = end)
        {
            for (end = start + 1; end < order.Length && lighter[end] == lighter[start]; end++)
            {
            }
            if (end - start > 1)
                Array.Sort(order, start, end - start, byNodes);
        }
        cancellation.ThrowIfCancellationRequested();
        var edgeObjects = new PcapEdge[edges.Count];
        var macPairs = new List<(ulong Source, ulong Destination)>();
        long packets = 0, bytes = 0;
        for (int position = 0; position < order.Length; position++)
        {
            int e = order[position];
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
            edge.CopyMacPairs(extras, macPairs);
            foreach (var (sourceMac, destinationMac) in macPairs)
            {
                Remember(pair.Source, sourceMac);
                Remember(pair.Destination, destinationMac);
            }
            edgeObjects[position] = new PcapEdge
            {
                Source = from.Id,
                Destination = to.Id,
                Packets = edge.Packets,
                Bytes = edge.Bytes,
                FirstSeen = Timestamps.FromUnixNanoseconds(edge.FirstNs),
                LastSeen = Timestamps.FromUnixNanoseconds(edge.LastNs),
                Protocols = edge.Protocols(extras),
            };
        }
        cancellation.ThrowIfCancellationRequested();
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
            Edges = edgeObjects,
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
    /// Sums for one edge, kept inline in the edge table with no references, so the garbage collector never scans the
    /// table and no flow allocates. Protocols are small numbers into <see cref="EdgeExtras"/>; the rare edge with more
    /// protocols or MAC pairs than fit inline keeps the rest there.
    /// </summary>
    private struct EdgeAccumulator
    {
        private const int InlineProtocols = 8;
        public long Packets;
        public long Bytes;
        private long _firstNs, _lastNs;
        /// <summary>Up to eight protocol numbers, one per byte, 0 marking an empty slot.</summary>
        private ulong _protocols;
        private ulong _sourceMac0, _destinationMac0, _sourceMac1, _destinationMac1;
        private byte _macPairs;
        /// <summary>1 + the index of this edge's overflow in <see cref="EdgeExtras"/>, or 0.</summary>
        private int _overflow;

        public readonly long FirstNs => _firstNs;
        public readonly long LastNs => _lastNs;

        public void Add(in FlowKey key, in FlowCounters counters, bool rememberMacs, EdgeExtras extras)
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
            AddProtocol(extras.Number(primary), extras);
            if (application is not null)
                AddProtocol(extras.Number(application), extras);
            if (rememberMacs && key.HasMacs)
                AddMacPair(key.SourceMac, key.DestinationMac, extras);
        }

        private void AddProtocol(byte number, EdgeExtras extras)
        {
            for (int slot = 0; slot < InlineProtocols; slot++)
            {
                byte held = (byte)(_protocols >> (8 * slot));
                if (held == number)
                    return;
                if (held == 0)
                {
                    _protocols |= (ulong)number << (8 * slot);
                    return;
                }
            }
            var more = extras.Overflow(ref _overflow).Protocols;
            if (!more.Contains(number))
                more.Add(number);
        }

        private void AddMacPair(ulong source, ulong destination, EdgeExtras extras)
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
                    var more = extras.Overflow(ref _overflow).MacPairs;
                    if (more.Count < MaxMacsPerNode && !more.Contains((source, destination)))
                        more.Add((source, destination));
                    return;
            }
        }

        public readonly string[] Protocols(EdgeExtras extras)
        {
            int inline = 0;
            while (inline < InlineProtocols && (byte)(_protocols >> (8 * inline)) != 0)
                inline++;
            var more = _overflow == 0 ? null : extras.OverflowAt(_overflow).Protocols;
            var names = new string[inline + (more?.Count ?? 0)];
            for (int slot = 0; slot < inline; slot++)
                names[slot] = extras.Name((byte)(_protocols >> (8 * slot)));
            for (int i = 0; i < (more?.Count ?? 0); i++)
                names[inline + i] = extras.Name(more![i]);
            return names;
        }

        /// <summary>Replaces the contents of <paramref name="pairs"/> with this edge's MAC pairs.</summary>
        public readonly void CopyMacPairs(EdgeExtras extras, List<(ulong Source, ulong Destination)> pairs)
        {
            pairs.Clear();
            if (_macPairs > 0)
                pairs.Add((_sourceMac0, _destinationMac0));
            if (_macPairs > 1)
                pairs.Add((_sourceMac1, _destinationMac1));
            if (_overflow != 0)
                pairs.AddRange(extras.OverflowAt(_overflow).MacPairs);
        }
    }

    /// <summary>What edges share or rarely need: protocol names by number, and per-edge overflow lists.</summary>
    private sealed class EdgeExtras
    {
        private readonly Dictionary<string, byte> _numbers = new(StringComparer.Ordinal);
        // Names come from fixed tables, so nearly every lookup finds the very same string instance: hash the reference.
        private readonly Dictionary<string, byte> _byReference = new(ReferenceEqualityComparer.Instance);
        private readonly List<string> _names = [""];
        private readonly List<EdgeOverflow> _overflows = [];

        /// <summary>The protocol's number; names come from fixed tables, so there are far fewer than 255 of them.</summary>
        public byte Number(string name)
        {
            if (_byReference.TryGetValue(name, out var number))
                return number;
            if (_numbers.TryGetValue(name, out number))
            {
                _byReference[name] = number;
                return number;
            }
            if (_names.Count > byte.MaxValue)
                throw new InvalidOperationException("More than 255 protocol names in one topology.");
            number = (byte)_names.Count;
            _names.Add(name);
            _numbers[name] = number;
            _byReference[name] = number;
            return number;
        }

        public string Name(byte number) => _names[number];

        public EdgeOverflow Overflow(ref int slot)
        {
            if (slot == 0)
            {
                _overflows.Add(new EdgeOverflow());
                slot = _overflows.Count;
            }
            return _overflows[slot - 1];
        }

        public EdgeOverflow OverflowAt(int slot) => _overflows[slot - 1];
    }

    private sealed class EdgeOverflow
    {
        public List<byte> Protocols { get; } = [];
        public List<(ulong Source, ulong Destination)> MacPairs { get; } = [];
    }

    private sealed class ByNodes(ChunkedHashTable<EdgeKey, EdgeAccumulator> edges) : IComparer<int>
    {
        public int Compare(int x, int y) => edges.KeyAt(x).CompareTo(edges.KeyAt(y));
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
internal readonly record struct NodeKey(byte Layer, byte IpVersion, ulong High, ulong Low, ushort Port) : IComparable<NodeKey>
{
    public int CompareTo(NodeKey other)
    {
        int order = IpVersion.CompareTo(other.IpVersion);
        if (order == 0)
            order = High.CompareTo(other.High);
        if (order == 0)
            order = Low.CompareTo(other.Low);
        return order != 0 ? order : Port.CompareTo(other.Port);
    }

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
internal readonly struct EdgeKey(NodeKey source, NodeKey destination) : IEquatable<EdgeKey>, IComparable<EdgeKey>
{
    public int CompareTo(EdgeKey other)
    {
        int order = Source.CompareTo(other.Source);
        return order != 0 ? order : Destination.CompareTo(other.Destination);
    }

    public NodeKey Source { get; } = source;
    public NodeKey Destination { get; } = destination;

    public bool Equals(EdgeKey other) => Source.Equals(other.Source) && Destination.Equals(other.Destination);

    public override bool Equals(object? obj) => obj is EdgeKey other && Equals(other);

    public override int GetHashCode() => Source.GetHashCode() * -1640531535 ^ Destination.GetHashCode();
}
