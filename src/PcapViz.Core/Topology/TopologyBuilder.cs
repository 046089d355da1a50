using System.Net;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Geo;

namespace PcapViz.Core.Topology;

/// <summary>Sums flows into the directed graph of one layer. Cost grows with flows, never with packets.</summary>
public static class TopologyBuilder
{
    private const int MaxMacsPerNode = 8;
    /// <summary>Flows named ahead of being added; divides 65,536, where cancellation is checked.</summary>
    private const int LookAhead = 16;

    private readonly record struct PendingFlow(int Flow, NodePair Pair, int Hash);

    public static PcapTopology Build(TopologyInput input, TopologyOptions options, CancellationToken cancellation = default)
    {
        if (options.Layer is < 2 or > 4)
            throw new ArgumentOutOfRangeException(nameof(options), options.Layer, "The layer must be 2, 3 or 4.");
        var filter = new FlowFilter(options);
        var sums = new GraphSums(options.Layer);
        Span<PendingFlow> pending = stackalloc PendingFlow[LookAhead];
        foreach (var table in input.Tables)
        {
            for (int start = 0; start < table.Count; start += LookAhead)
            {
                if (start % 65536 == 0)
                    cancellation.ThrowIfCancellationRequested();
                // Edge lookups in a table of a million edges are cache misses: name a run of edges first, ask for their
                // slots, then their entries, and only then add, so the misses of the run overlap.
                int end = Math.Min(start + LookAhead, table.Count), count = 0;
                for (int i = start; i < end; i++)
                {
                    ref readonly var key = ref table.KeyAt(i);
                    if (!NodeKey.TryEndpoints(key, options.Layer, out var source, out var destination) || !filter.Keeps(key, table.CountersAt(i)))
                        continue;
                    var pair = sums.Pair(source, destination);
                    int hash = pair.GetHashCode();
                    sums.Edges.PrefetchSlot(hash);
                    pending[count++] = new PendingFlow(i, pair, hash);
                }
                for (int p = 0; p < count; p++)
                    sums.Edges.PrefetchEntry(pending[p].Hash);
                for (int p = 0; p < count; p++)
                    sums.Add(table.KeyAt(pending[p].Flow), table.CountersAt(pending[p].Flow), pending[p].Pair, pending[p].Hash);
            }
        }
        cancellation.ThrowIfCancellationRequested();
        return Assemble(input, options, sums, cancellation);
    }

    private static PcapTopology Assemble(TopologyInput input, TopologyOptions options, GraphSums sums, CancellationToken cancellation)
    {
        var nodes = sums.Nodes;
        var edges = sums.Edges;
        long packets = 0, bytes = 0;
        for (int e = 0; e < edges.Count; e++)
        {
            var pair = edges.KeyAt(e);
            ref readonly var edge = ref edges.ValueAt(e);
            ref var from = ref nodes.ValueAt(pair.Source);
            from.OutDegree++;
            from.PacketsSent += edge.Packets;
            from.BytesSent += edge.Bytes;
            ref var to = ref nodes.ValueAt(pair.Destination);
            to.InDegree++;
            to.PacketsReceived += edge.Packets;
            to.BytesReceived += edge.Bytes;
            packets += edge.Packets;
            bytes += edge.Bytes;
        }

        // Ranks in address order break ties everywhere, so no order depends on the input's order or on strings.
        // Sorted by address, a host's layer-4 endpoints are neighbours: what its address says is worked out once.
        var byAddress = new NodeKey[nodes.Count];
        var nodeAtRank = new int[nodes.Count];
        for (int n = 0; n < byAddress.Length; n++)
        {
            byAddress[n] = nodes.KeyAt(n);
            nodeAtRank[n] = n;
        }
        Array.Sort(byAddress, nodeAtRank);
        cancellation.ThrowIfCancellationRequested();
        var resolved = options.ResolveNames is { } resolve ? resolve(HostAddresses(byAddress), cancellation) : null;
        var rank = new int[nodes.Count];
        var ids = new string[nodes.Count];
        var nodeObjects = new PcapNode[nodes.Count];
        var nodeOrder = new RankedByBytes[nodes.Count];
        var macTexts = new MacTexts();
        HostFacts? facts = null;
        NodeKey factsHost = default;
        for (int r = 0; r < byAddress.Length; r++)
        {
            int n = nodeAtRank[r];
            rank[n] = r;
            var key = byAddress[r];
            var host = key with { Port = 0 };
            if (facts is null || !host.Equals(factsHost))
            {
                facts = FactsOf(host, input, options, resolved);
                factsHost = host;
            }
            ref readonly var node = ref nodes.ValueAt(n);
            ids[n] = key.Layer == 4 ? NodeIds.Endpoint(facts.Address, key.IpVersion, key.Port) : facts.Address;
            nodeObjects[n] = Describe(key, ids[n], node, facts, key.Layer == 2 ? new TextList([ids[n]]) : macTexts.Of(node, sums));
            nodeOrder[n] = new RankedByBytes(node.BytesSent + node.BytesReceived, r, n);
        }
        cancellation.ThrowIfCancellationRequested();

        var edgeOrder = new RankedByBytes[edges.Count];
        for (int e = 0; e < edgeOrder.Length; e++)
        {
            var pair = edges.KeyAt(e);
            edgeOrder[e] = new RankedByBytes(edges.ValueAt(e).Bytes, (long)rank[pair.Source] << 32 | (uint)rank[pair.Destination], e);
        }
        Array.Sort(edgeOrder);
        cancellation.ThrowIfCancellationRequested();
        var protocolLists = new ProtocolLists(sums);
        var edgeObjects = new PcapEdge[edgeOrder.Length];
        for (int position = 0; position < edgeOrder.Length; position++)
        {
            int e = edgeOrder[position].Index;
            var pair = edges.KeyAt(e);
            ref readonly var edge = ref edges.ValueAt(e);
            edgeObjects[position] = new PcapEdge
            {
                Source = ids[pair.Source],
                Destination = ids[pair.Destination],
                Packets = edge.Packets,
                Bytes = edge.Bytes,
                FirstSeen = Timestamps.FromUnixNanoseconds(edge.FirstNs),
                LastSeen = Timestamps.FromUnixNanoseconds(edge.LastNs),
                Protocols = protocolLists.Of(edge),
            };
        }
        cancellation.ThrowIfCancellationRequested();

        Array.Sort(nodeOrder);
        var sortedNodes = new PcapNode[nodeObjects.Length];
        for (int position = 0; position < nodeOrder.Length; position++)
            sortedNodes[position] = nodeObjects[nodeOrder[position].Index];
        return new PcapTopology
        {
            Layer = options.Layer,
            Nodes = sortedNodes,
            Edges = edgeObjects,
            Captures = new TextList(input.Captures.ToArray()),
            Packets = packets,
            Bytes = bytes,
            Attributions = options.Geo is { } geo && sortedNodes.Any(n => n.Country is not null) ? new TextList(geo.Attributions.ToArray()) : TextList.Empty,
        };
    }

    /// <summary>Heaviest first, then by rank (address order): a plain value sort, no comparer calls.</summary>
    private readonly record struct RankedByBytes(long Bytes, long Rank, int Index) : IComparable<RankedByBytes>
    {
        public int CompareTo(RankedByBytes other)
        {
            int order = other.Bytes.CompareTo(Bytes);
            return order != 0 ? order : Rank.CompareTo(other.Rank);
        }
    }

    /// <summary>What a node's address says, whatever its port: looked up once per address, shared by its layer-4 endpoints.</summary>
    private sealed record HostFacts(string Address, bool IsInternal, GeoInfo? Geo, AddressRange? Range, TextList HostNames);

    /// <summary>Each unicast IP host once (a host's endpoints are neighbours in address order): what reverse DNS is asked about.</summary>
    private static List<IPAddress> HostAddresses(NodeKey[] byAddress)
    {
        var addresses = new List<IPAddress>();
        NodeKey last = default;
        foreach (var key in byAddress)
        {
            var host = key with { Port = 0 };
            if (key.Layer == 2 || host.Equals(last) || AddressClass.IsGroup(key.IpVersion, key.High, key.Low))
                continue;
            last = host;
            addresses.Add(FlowKey.ToAddress(key.IpVersion, key.High, key.Low));
        }
        return addresses;
    }

    private static HostFacts FactsOf(NodeKey key, TopologyInput input, TopologyOptions options, IReadOnlyDictionary<IPAddress, IReadOnlyList<string>>? resolved)
    {
        IPAddress? ip = key.Layer == 2 ? null : FlowKey.ToAddress(key.IpVersion, key.High, key.Low);
        var range = ip is null ? null : AddressClass.RangeOf(ip);
        bool isInternal = ip is null ? IsGroupMac(key.Low) : range?.IsInternal == true;
        GeoInfo? geo = ip is not null && range is null ? options.Geo?.Lookup(ip) : null;
        var names = new List<string>();
        foreach (var name in ip is null ? input.NamesForMac(key.Low) : input.NamesFor(ip))
        {
            if (!names.Contains(name.Name))
                names.Add(name.Name);
        }
        if (ip is not null && resolved is not null && resolved.TryGetValue(ip, out var found))
        {
            foreach (var name in found)
            {
                if (!names.Contains(name))
                    names.Add(name);
            }
        }
        return new HostFacts(ip is null ? NodeIds.Mac(key.Low) : NodeIds.Address(key.IpVersion, key.High, key.Low), isInternal, geo, range, names.Count == 0 ? TextList.Empty : new TextList(names.ToArray()));
    }

    private static PcapNode Describe(NodeKey key, string id, in NodeSums node, HostFacts facts, TextList macs)
    {
        var geo = facts.Geo;
        return new PcapNode
        {
            Id = id,
            Address = facts.Address,
            Port = key.Layer == 4 ? key.Port : null,
            Mac = macs,
            IsInternal = facts.IsInternal,
            Country = geo?.CountryCode,
            // A special-purpose address has no country; its block's name ("Documentation (RFC 5737)") stands there instead.
            CountryName = geo?.CountryName ?? facts.Range?.Label,
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
    /// The graph while flows are summed: nodes and edges as plain values in tables with no references, so millions of
    /// them cost the garbage collector nothing and no flow allocates. An edge is a pair of node numbers.
    /// </summary>
    private sealed class GraphSums(int layer)
    {
        public ChunkedHashTable<NodeKey, NodeSums> Nodes { get; } = new(1024);
        public ChunkedHashTable<NodePair, EdgeSums> Edges { get; } = new(1024);
        public ProtocolNumbers Protocols { get; } = new();
        /// <summary>Protocol numbers past the 64 an edge holds in its mask, for the rare graph with that many.</summary>
        public List<HashSet<int>> ProtocolOverflow { get; } = [];
        /// <summary>Link addresses past the two a node holds inline (a host behind several routers, say).</summary>
        public List<HashSet<ulong>> MacOverflow { get; } = [];
        private readonly bool _rememberMacs = layer > 2;

        public NodePair Pair(in NodeKey source, in NodeKey destination) => new(NodeIndex(source), NodeIndex(destination));

        public void Add(in FlowKey key, in FlowCounters counters, NodePair pair, int hash)
        {
            ref var edge = ref Edges.GetOrAdd(pair, hash, out _);
            edge.Add(counters);
            AddProtocol(ref edge, Protocols.Primary(key));
            int application = Protocols.Application(key, counters.Payload);
            if (application != 0)
                AddProtocol(ref edge, application);
            if (_rememberMacs && key.HasMacs)
            {
                AddMac(ref Nodes.ValueAt(pair.Source), key.SourceMac);
                AddMac(ref Nodes.ValueAt(pair.Destination), key.DestinationMac);
            }
        }

        private int NodeIndex(in NodeKey node) => Nodes.GetOrAddIndex(node, node.GetHashCode(), out _);

        private void AddProtocol(ref EdgeSums edge, int number)
        {
            if (number < 64)
            {
                edge.ProtocolMask |= 1UL << number;
                return;
            }
            if (edge.ProtocolOverflow == 0)
            {
                ProtocolOverflow.Add([]);
                edge.ProtocolOverflow = ProtocolOverflow.Count;
            }
            ProtocolOverflow[edge.ProtocolOverflow - 1].Add(number);
        }

        private void AddMac(ref NodeSums node, ulong mac)
        {
            if ((node.MacCount > 0 && node.Mac0 == mac) || (node.MacCount > 1 && node.Mac1 == mac))
                return;
            switch (node.MacCount)
            {
                case 0:
                    (node.Mac0, node.MacCount) = (mac, 1);
                    return;
                case 1:
                    (node.Mac1, node.MacCount) = (mac, 2);
                    return;
                default:
                    if (node.MacOverflow == 0)
                    {
                        MacOverflow.Add([]);
                        node.MacOverflow = MacOverflow.Count;
                    }
                    var more = MacOverflow[node.MacOverflow - 1];
                    if (more.Count < MaxMacsPerNode - 2)
                        more.Add(mac);
                    return;
            }
        }
    }

    private struct NodeSums
    {
        public int InDegree;
        public int OutDegree;
        public long PacketsSent;
        public long PacketsReceived;
        public long BytesSent;
        public long BytesReceived;
        public ulong Mac0;
        public ulong Mac1;
        public byte MacCount;
        /// <summary>1 + the index of this node's further link addresses in <see cref="GraphSums.MacOverflow"/>, or 0.</summary>
        public int MacOverflow;
    }

    private struct EdgeSums
    {
        public long Packets;
        public long Bytes;
        public long FirstNs;
        public long LastNs;
        /// <summary>Bit n: the edge carries protocol number n (of <see cref="ProtocolNumbers"/>).</summary>
        public ulong ProtocolMask;
        /// <summary>1 + the index of this edge's protocol numbers from 64 up in <see cref="GraphSums.ProtocolOverflow"/>, or 0.</summary>
        public int ProtocolOverflow;

        public void Add(in FlowCounters counters)
        {
            if (Packets == 0)
            {
                FirstNs = counters.FirstNs;
                LastNs = counters.LastNs;
            }
            else
            {
                FirstNs = Math.Min(FirstNs, counters.FirstNs);
                LastNs = Math.Max(LastNs, counters.LastNs);
            }
            Packets += counters.Packets;
            Bytes += counters.Bytes;
        }
    }

    /// <summary>
    /// Protocol names numbered from 1 in the order the graph first meets them, found by array index rather than by
    /// hashing a string per flow. A name met twice (an EtherType and an IP protocol both called IPv6) keeps one number.
    /// </summary>
    private sealed class ProtocolNumbers
    {
        private readonly int[] _byIpProtocol = new int[256];
        private readonly Dictionary<ushort, int> _byEtherType = [];
        private readonly int[] _byApplication = new int[WellKnownPorts.ApplicationCount + 1];
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
        private readonly List<string> _names = [""];
        private readonly List<bool> _isApplication = [false];

        public int Count => _names.Count;

        public string Name(int number) => _names[number];

        public bool IsApplication(int number) => _isApplication[number];

        public int Primary(in FlowKey key)
        {
            if (!key.HasIp)
            {
                if (!_byEtherType.TryGetValue(key.EtherType, out int number))
                    _byEtherType[key.EtherType] = number = Register(EtherType.Name(key.EtherType), isApplication: false);
                return number;
            }
            ref int byProtocol = ref _byIpProtocol[key.Protocol];
            if (byProtocol == 0)
                byProtocol = Register(ProtocolNames.IpProtocol(key.Protocol), isApplication: false);
            return byProtocol;
        }

        /// <summary>The number of the application the flow's payload identifies, or its well-known port names, or 0.</summary>
        public int Application(in FlowKey key, PayloadProtocol payload)
        {
            if (!key.HasIp || !key.HasPorts)
                return 0;
            int application = WellKnownPorts.Application(key, payload);
            if (application == 0)
                return 0;
            ref int number = ref _byApplication[application];
            if (number == 0)
                number = Register(WellKnownPorts.ApplicationName(application), isApplication: true);
            return number;
        }

        private int Register(string name, bool isApplication)
        {
            if (_byName.TryGetValue(name, out int number))
                return number;
            number = _names.Count;
            _names.Add(name);
            _isApplication.Add(isApplication);
            _byName[name] = number;
            return number;
        }
    }

    /// <summary>
    /// Edges' protocol names: network and transport protocols first, then applications, each in the order the graph met
    /// them. Edges with the same protocols share one array, as nodes with the same link address share one.
    /// </summary>
    private sealed class ProtocolLists(GraphSums sums)
    {
        private readonly Dictionary<ulong, TextList> _byMask = [];

        public TextList Of(in EdgeSums edge)
        {
            if (edge.ProtocolOverflow == 0 && _byMask.TryGetValue(edge.ProtocolMask, out var shared))
                return shared;
            var numbers = new List<int>();
            for (ulong mask = edge.ProtocolMask; mask != 0; mask &= mask - 1)
                numbers.Add(System.Numerics.BitOperations.TrailingZeroCount(mask));
            if (edge.ProtocolOverflow != 0)
                numbers.AddRange(sums.ProtocolOverflow[edge.ProtocolOverflow - 1].Order());
            var names = new TextList(numbers.Where(n => !sums.Protocols.IsApplication(n))
                .Concat(numbers.Where(sums.Protocols.IsApplication))
                .Select(sums.Protocols.Name)
                .ToArray());
            if (edge.ProtocolOverflow == 0)
                _byMask[edge.ProtocolMask] = names;
            return names;
        }
    }

    /// <summary>Link addresses as text, each formatted once; a node with a single one shares its array with the others.</summary>
    private sealed class MacTexts
    {
        private readonly Dictionary<ulong, TextList> _single = [];

        public TextList Of(in NodeSums node, GraphSums sums)
        {
            if (node.MacCount == 0)
                return TextList.Empty;
            if (node.MacCount == 1)
                return Single(node.Mac0);
            var macs = new List<ulong> { node.Mac0, node.Mac1 };
            if (node.MacOverflow != 0)
                macs.AddRange(sums.MacOverflow[node.MacOverflow - 1]);
            macs.Sort();
            return new TextList(macs.Select(mac => Single(mac)[0]).ToArray());
        }

        private TextList Single(ulong mac)
        {
            if (!_single.TryGetValue(mac, out var text))
                _single[mac] = text = new TextList([NodeIds.Mac(mac)]);
            return text;
        }
    }

    private sealed class FlowFilter(TopologyOptions options)
    {
        private readonly HashSet<string>? _protocols = options.Protocols is { Count: > 0 } p ? new HashSet<string>(p, StringComparer.OrdinalIgnoreCase) : null;
        private readonly HashSet<string>? _excluded = options.ExcludedProtocols is { Count: > 0 } e ? new HashSet<string>(e, StringComparer.OrdinalIgnoreCase) : null;
        private readonly long _afterNs = options.After is { } a ? Timestamps.ToUnixNanoseconds(a) : long.MinValue;
        private readonly long _beforeNs = options.Before is { } b ? Timestamps.ToUnixNanoseconds(b) : long.MaxValue;

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
            var (primary, application) = ProtocolNames.Of(key, counters.Payload);
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

    public override int GetHashCode() => KeyedHash.Of(Low, High, (ulong)Port << 16 | (ulong)IpVersion << 8 | Layer);

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
}

/// <summary>One directed edge as the numbers of its two nodes in a build's node table.</summary>
internal readonly record struct NodePair(int Source, int Destination)
{
    public bool Equals(NodePair other) => Source == other.Source && Destination == other.Destination;

    public override int GetHashCode() => KeyedHash.Finish(KeyedHash.Add(KeyedHash.Seed, (ulong)(uint)Source << 32 | (uint)Destination));
}
