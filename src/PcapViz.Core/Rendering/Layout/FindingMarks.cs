namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Finds the topology nodes and edges behind each finding. A finding names hosts as topology nodes do (NodeIds): its
/// Source is an address; its Destination an address, or an endpoint (address:port, [v6]:port) where the port
/// matters. At layer 3 an endpoint counts by its address; at layer 4 a bare address stands for all its endpoints.
/// The edges of a finding are the conversation between the two, in both directions.
/// </summary>
internal sealed class FindingMarks
{
    private FindingMarks(PcapFinding[] findings, List<(PcapEdge Edge, bool Forward)>[] edges, List<(string Id, bool IsSource)>[] orphanNodes, string?[] notDrawn)
    {
        Findings = findings;
        Edges = edges;
        OrphanNodes = orphanNodes;
        NotDrawn = notDrawn;
    }

    /// <summary>The findings in score order, as numbered in the drawing.</summary>
    public PcapFinding[] Findings { get; }

    /// <summary>Per finding: the topology edges of its conversation, Forward where the edge runs from the finding's source.</summary>
    public List<(PcapEdge Edge, bool Forward)>[] Edges { get; }

    /// <summary>Per finding with no edge here: the nodes of its hosts that the topology has (a DNS client, a lone end), and which end each is.</summary>
    public List<(string Id, bool IsSource)>[] OrphanNodes { get; }

    /// <summary>Per finding: why nothing of it is in this topology, or null.</summary>
    public string?[] NotDrawn { get; }

    public static FindingMarks Find(IReadOnlyList<PcapFinding> given, int layer, IReadOnlyList<PcapNode> nodes, IEnumerable<PcapEdge> topologyEdges)
    {
        var findings = given.Where(f => f is not null).Distinct().Order().ToArray();
        var edges = new List<(PcapEdge, bool)>[findings.Length];
        var orphans = new List<(string, bool)>[findings.Length];
        var notDrawn = new string?[findings.Length];
        for (int i = 0; i < findings.Length; i++)
        {
            edges[i] = [];
            orphans[i] = [];
        }
        if (findings.Length == 0)
            return new FindingMarks(findings, edges, orphans, notDrawn);
        if (layer == 2)
        {
            Array.Fill(notDrawn, "layer 2 draws MAC addresses and findings name IP hosts: draw layer 3 or 4");
            return new FindingMarks(findings, edges, orphans, notDrawn);
        }

        var byId = new Dictionary<string, PcapNode>(StringComparer.Ordinal);
        var byAddress = new Dictionary<string, List<PcapNode>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byId.TryAdd(node.Id, node);
            if (!byAddress.TryGetValue(node.Address, out var list))
                byAddress[node.Address] = list = [];
            list.Add(node);
        }

        var targets = new Target[findings.Length];
        var bySource = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < findings.Length; i++)
        {
            var f = findings[i];
            var (host, hasPort) = f.Destination is null ? (null, false) : HostOf(f.Destination);
            targets[i] = new Target(f.Source, host, layer == 4 && hasPort ? f.Destination : null);
            if (!bySource.TryGetValue(f.Source, out var list))
                bySource[f.Source] = list = [];
            list.Add(i);
        }

        foreach (var edge in topologyEdges)
        {
            if (edge is null || !byId.TryGetValue(edge.Source, out var from) || !byId.TryGetValue(edge.Destination, out var to))
                continue;
            Match(edge, from, to, forward: true);
            if (!string.Equals(from.Address, to.Address, StringComparison.Ordinal))
                Match(edge, to, from, forward: false);
        }

        void Match(PcapEdge edge, PcapNode sourceSide, PcapNode otherSide, bool forward)
        {
            if (!bySource.TryGetValue(sourceSide.Address, out var candidates))
                return;
            foreach (int i in candidates)
            {
                if (targets[i].Matches(otherSide))
                    edges[i].Add((edge, forward));
            }
        }

        for (int i = 0; i < findings.Length; i++)
        {
            if (edges[i].Count > 0)
                continue;
            var t = targets[i];
            if (byAddress.TryGetValue(t.Source, out var sources))
                orphans[i].AddRange(sources.Select(n => (n.Id, true)));
            if (t.Endpoint is not null && byId.ContainsKey(t.Endpoint))
                orphans[i].Add((t.Endpoint, false));
            else if (t.DestinationHost is not null && byAddress.TryGetValue(t.DestinationHost, out var destinations))
                orphans[i].AddRange(destinations.Select(n => (n.Id, false)));
            if (orphans[i].Count == 0)
                notDrawn[i] = "neither of its hosts is in this topology";
        }
        return new FindingMarks(findings, edges, orphans, notDrawn);
    }

    /// <summary>The address of "a.b.c.d", "a.b.c.d:p", "[v6]:p" or a bare IPv6 address, and whether a port was given.</summary>
    internal static (string Host, bool HasPort) HostOf(string destination)
    {
        if (destination.StartsWith('['))
        {
            int close = destination.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? (destination[1..close], close + 1 < destination.Length) : (destination, false);
        }
        int colon = destination.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && destination.IndexOf(':', colon + 1) < 0 ? (destination[..colon], true) : (destination, false);
    }

    private readonly record struct Target(string Source, string? DestinationHost, string? Endpoint)
    {
        public bool Matches(PcapNode node) =>
            Endpoint is not null
                ? string.Equals(node.Id, Endpoint, StringComparison.Ordinal)
                : DestinationHost is not null && string.Equals(node.Address, DestinationHost, StringComparison.Ordinal);
    }
}
