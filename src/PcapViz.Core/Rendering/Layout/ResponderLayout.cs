namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// The layout for incident response. Internal hosts sit in the middle, one force-directed cluster per subnet (/24,
/// /64; at layer 2 per OUI), the clusters packed like components. External hosts sit on a ring around them, in
/// arcs by country, then AS, heaviest first within each, with a gap between countries, so "everything that went to
/// one country" is one arc and an edge to an odd place stands out by where it ends. Overlaps left by the ring
/// (crowded arcs) are removed at the end. Deterministic, like <see cref="NetworkLayout"/>.
/// </summary>
internal static class ResponderLayout
{
    /// <summary>Room between the middle block and the ring, and the gap between countries on it, in drawing units.</summary>
    private const double RingGap = 90;
    private const double CountryGap = 40;

    /// <param name="cluster">Per node: the key of its cluster (a subnet), or null for a node that goes on the ring.</param>
    /// <param name="ringOrder">Per node on the ring: the sort key that places it (country, AS, weight).</param>
    public static LayoutResult Run(LayoutGraph graph, string?[] cluster, (string Country, long Asn, long Weight)[] ringOrder, CancellationToken cancellation, Action<double>? progress = null)
    {
        int n = graph.Count;
        var x = new double[n];
        var y = new double[n];
        if (n == 0)
            return new LayoutResult(x, y, 2 * NetworkLayout.Margin, 2 * NetworkLayout.Margin);

        // The middle: one part per cluster, laid out on the edges inside it.
        var clusters = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var clusterOrder = new List<string>();
        var ring = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (cluster[i] is not { } key)
            {
                ring.Add(i);
                continue;
            }
            if (!clusters.TryGetValue(key, out var members))
            {
                clusters[key] = members = [];
                clusterOrder.Add(key);
            }
            members.Add(i);
        }
        var parts = clusterOrder.Select(k => clusters[k].ToArray()).ToArray();
        var edgesWithin = NetworkLayout.EdgesWithin(graph, parts);
        var subgraphs = parts.Select((members, c) =>
        {
            var sub = new LayoutGraph(members.Length);
            for (int local = 0; local < members.Length; local++)
                sub.SetBox(local, graph.HalfWidth[members[local]], graph.Above[members[local]], graph.Below[members[local]]);
            foreach (var (a, b) in edgesWithin[c])
                sub.AddEdge(a, b);
            return sub;
        }).ToArray();
        // Each subnet is laid out as a graph of its own (its parts packed tight), then the subnets are packed.
        var boxes = new List<ComponentPacker.Box>(parts.Length);
        long done = 0;
        for (int c = 0; c < parts.Length; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            var result = NetworkLayout.Run(subgraphs[c], cancellation);
            for (int local = 0; local < parts[c].Length; local++)
            {
                x[parts[c][local]] = result.X[local];
                y[parts[c][local]] = result.Y[local];
            }
            boxes.Add(new ComponentPacker.Box(parts[c], 0, 0, result.Width, result.Height));
            done += parts[c].Length;
            progress?.Invoke(0.8 * done / n);
        }
        var (middleWidth, middleHeight) = boxes.Count == 0 ? (0.0, 0.0) : ComponentPacker.Pack(boxes, x, y, NetworkLayout.Margin);
        double cx = middleWidth / 2, cy = middleHeight / 2;

        // The ring: arcs by country, as long as their nodes' boxes need.
        if (ring.Count > 0)
        {
            var ordered = ring.OrderBy(i => ringOrder[i].Country, StringComparer.Ordinal).ThenBy(i => ringOrder[i].Asn)
                .ThenByDescending(i => ringOrder[i].Weight).ThenBy(i => i).ToArray();
            var arc = new double[ordered.Length];
            var gapBefore = new double[ordered.Length];
            double circumference = 0;
            for (int k = 0; k < ordered.Length; k++)
            {
                int i = ordered[k];
                arc[k] = Math.Max(2 * graph.HalfWidth[i], graph.Above[i] + graph.Below[i]) + NetworkLayout.Padding;
                bool newCountry = k > 0 && !string.Equals(ringOrder[i].Country, ringOrder[ordered[k - 1]].Country, StringComparison.Ordinal);
                gapBefore[k] = newCountry ? CountryGap : 0;
                circumference += arc[k] + gapBefore[k];
            }
            double middleRadius = Math.Sqrt(middleWidth * middleWidth + middleHeight * middleHeight) / 2;
            double radius = Math.Max(middleRadius + RingGap, circumference / (2 * Math.PI));
            // Ellipse wider than tall, as screens are; still long enough for every arc.
            double rx = radius * 1.25, ry = radius * 0.85;
            double perimeter = Math.PI * (3 * (rx + ry) - Math.Sqrt((3 * rx + ry) * (rx + 3 * ry)));
            if (perimeter < circumference)
            {
                double grow = circumference / perimeter;
                rx *= grow;
                ry *= grow;
            }
            if (ry < middleRadius + RingGap)
            {
                double grow = (middleRadius + RingGap) / ry;
                rx *= grow;
                ry *= grow;
            }
            double total = 0;
            for (int k = 0; k < ordered.Length; k++)
            {
                int i = ordered[k];
                total += gapBefore[k] + arc[k] / 2;
                // From the top, clockwise.
                double angle = -Math.PI / 2 + 2 * Math.PI * total / Math.Max(circumference, 1e-9);
                x[i] = cx + rx * Math.Cos(angle);
                y[i] = cy + ry * Math.Sin(angle);
                total += arc[k] / 2;
            }
        }
        cancellation.ThrowIfCancellationRequested();
        OverlapRemoval.Run(x, y, graph.HalfWidth, graph.Above, graph.Below, NetworkLayout.Padding, cancellation);
        progress?.Invoke(1);
        return NetworkLayout.Normalize(graph, x, y);
    }
}
