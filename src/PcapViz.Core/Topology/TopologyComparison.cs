namespace PcapViz.Core.Topology;

/// <summary>
/// What changed between a baseline topology and a later one, in Compare-Object's terms: "&lt;=" only in the
/// reference, "=&gt;" only in the difference, "&lt;&gt;" on both sides with packets or bytes changed by the factor or
/// more, "==" unchanged (when asked for).
/// </summary>
public static class TopologyComparison
{
    public const string ReferenceOnly = "<=", DifferenceOnly = "=>", Changed = "<>", Equal = "==";

    /// <exception cref="ArgumentException">The topologies are of different layers.</exception>
    public static List<PcapTopologyDifference> Compare(PcapTopology reference, PcapTopology difference, double factor, bool includeEqual)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(difference);
        if (reference.Layer != difference.Layer)
            throw new ArgumentException($"A layer-{reference.Layer} topology cannot be compared with a layer-{difference.Layer} one: build both at the same layer.");
        if (factor < 1)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor is 1 or more.");
        var results = new List<PcapTopologyDifference>();
        var before = reference.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = difference.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (id, node) in before)
        {
            after.TryGetValue(id, out var now);
            Add(results, "Node", id, null, null, node.PacketsSent + node.PacketsReceived, node.BytesSent + node.BytesReceived,
                now is null ? null : now.PacketsSent + now.PacketsReceived, now is null ? null : now.BytesSent + now.BytesReceived, factor, includeEqual, node.IsInternal);
        }
        foreach (var (id, node) in after)
        {
            if (!before.ContainsKey(id))
                Add(results, "Node", id, null, null, null, null, node.PacketsSent + node.PacketsReceived, node.BytesSent + node.BytesReceived, factor, includeEqual, node.IsInternal);
        }
        var edgesBefore = reference.Edges.GroupBy(e => (e.Source, e.Destination)).ToDictionary(g => g.Key, g => g.First());
        var edgesAfter = difference.Edges.GroupBy(e => (e.Source, e.Destination)).ToDictionary(g => g.Key, g => g.First());
        foreach (var (key, edge) in edgesBefore)
        {
            edgesAfter.TryGetValue(key, out var now);
            Add(results, "Edge", $"{key.Source} -> {key.Destination}", key.Source, key.Destination, edge.Packets, edge.Bytes, now?.Packets, now?.Bytes, factor, includeEqual, null);
        }
        foreach (var (key, edge) in edgesAfter)
        {
            if (!edgesBefore.ContainsKey(key))
                Add(results, "Edge", $"{key.Source} -> {key.Destination}", key.Source, key.Destination, null, null, edge.Packets, edge.Bytes, factor, includeEqual, null);
        }
        return results;
    }

    private static void Add(List<PcapTopologyDifference> results, string kind, string id, string? source, string? destination,
        long? packetsBefore, long? bytesBefore, long? packetsAfter, long? bytesAfter, double factor, bool includeEqual, bool? isInternal)
    {
        string side;
        double? change = null;
        if (packetsAfter is null)
            side = ReferenceOnly;
        else if (packetsBefore is null)
            side = DifferenceOnly;
        else
        {
            change = Factor(bytesBefore!.Value, bytesAfter!.Value);
            double packetChange = Factor(packetsBefore.Value, packetsAfter.Value);
            side = Math.Max(Math.Max(change.Value, 1 / change.Value), Math.Max(packetChange, 1 / packetChange)) >= factor ? Changed : Equal;
            if (side == Equal && !includeEqual)
                return;
        }
        results.Add(new PcapTopologyDifference
        {
            Kind = kind,
            Id = id,
            Source = source,
            Destination = destination,
            SideIndicator = side,
            IsInternal = isInternal,
            ReferencePackets = packetsBefore,
            ReferenceBytes = bytesBefore,
            DifferencePackets = packetsAfter,
            DifferenceBytes = bytesAfter,
            BytesFactor = change is { } c ? Math.Round(c, 3) : null,
        });
    }

    /// <summary>After over before, with a count of zero taken as one so the factor stays finite.</summary>
    private static double Factor(long before, long after) => Math.Max(1, after) / (double)Math.Max(1, before);
}
