namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Our default layout: each connected component is laid out force-directed, freed of box overlaps, and the components
/// are packed side by side, biggest first (<see cref="ComponentPacker"/>). Deterministic: the same graph gives the same
/// positions.
/// </summary>
internal static class NetworkLayout
{
    /// <summary>Space kept between any two node boxes.</summary>
    public const double Padding = 6;

    /// <summary>Space kept between packed components and around the whole drawing.</summary>
    public const double Margin = 24;

    public static LayoutResult Run(LayoutGraph graph, CancellationToken cancellation, Action<double>? progress = null)
    {
        int n = graph.Count;
        var x = new double[n];
        var y = new double[n];
        if (n == 0)
            return new LayoutResult(x, y, 2 * Margin, 2 * Margin);

        var components = Components(graph);
        var componentOf = new int[n];
        var localIndex = new int[n];
        for (int c = 0; c < components.Count; c++)
        {
            for (int local = 0; local < components[c].Length; local++)
            {
                componentOf[components[c][local]] = c;
                localIndex[components[c][local]] = local;
            }
        }
        var edgesOf = new List<(int A, int B)>?[components.Count];
        foreach (var (a, b) in graph.Edges)
            (edgesOf[componentOf[a]] ??= []).Add((localIndex[a], localIndex[b]));

        var boxes = new List<ComponentPacker.Box>(components.Count);
        long done = 0;
        for (int c = 0; c < components.Count; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            var members = components[c];
            int m = members.Length;
            IReadOnlyList<(int A, int B)> localEdges = edgesOf[c] ?? [];
            var hw = new double[m];
            var above = new double[m];
            var below = new double[m];
            var size = new double[m];
            for (int local = 0; local < m; local++)
            {
                int g = members[local];
                hw[local] = graph.HalfWidth[g];
                above[local] = graph.Above[g];
                below[local] = graph.Below[g];
                size[local] = Math.Sqrt(hw[local] * hw[local] + Math.Pow((above[local] + below[local]) / 2, 2));
            }
            var lx = new double[m];
            var ly = new double[m];
            long before = done;
            ForceDirectedLayout.Run(size, localEdges, lx, ly, Seed(members), cancellation,
                m >= 200 && progress is not null ? f => progress((before + f * m) / n) : null);
            OverlapRemoval.Run(lx, ly, hw, above, below, Padding, cancellation);
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            for (int local = 0; local < m; local++)
            {
                minX = Math.Min(minX, lx[local] - hw[local]);
                maxX = Math.Max(maxX, lx[local] + hw[local]);
                minY = Math.Min(minY, ly[local] - above[local]);
                maxY = Math.Max(maxY, ly[local] + below[local]);
                x[members[local]] = lx[local];
                y[members[local]] = ly[local];
            }
            boxes.Add(new ComponentPacker.Box(members, minX, minY, maxX - minX, maxY - minY));
            done += m;
            progress?.Invoke((double)done / n);
        }

        var (width, height) = ComponentPacker.Pack(boxes, x, y, Margin);
        return new LayoutResult(x, y, width, height);
    }

    /// <summary>Moves every box inside [Margin, Width - Margin] x [Margin, Height - Margin] and reports the extent.</summary>
    public static LayoutResult Normalize(LayoutGraph graph, double[] x, double[] y)
    {
        int n = graph.Count;
        if (n == 0)
            return new LayoutResult(x, y, 2 * Margin, 2 * Margin);
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, x[i] - graph.HalfWidth[i]);
            maxX = Math.Max(maxX, x[i] + graph.HalfWidth[i]);
            minY = Math.Min(minY, y[i] - graph.Above[i]);
            maxY = Math.Max(maxY, y[i] + graph.Below[i]);
        }
        for (int i = 0; i < n; i++)
        {
            x[i] += Margin - minX;
            y[i] += Margin - minY;
        }
        return new LayoutResult(x, y, maxX - minX + 2 * Margin, maxY - minY + 2 * Margin);
    }

    /// <summary>Connected components, biggest first, ties by their first node, members in node order.</summary>
    internal static List<int[]> Components(LayoutGraph graph)
    {
        int n = graph.Count;
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int v)
        {
            while (parent[v] != v)
            {
                parent[v] = parent[parent[v]];
                v = parent[v];
            }
            return v;
        }
        foreach (var (a, b) in graph.Edges)
        {
            int ra = Find(a), rb = Find(b);
            if (ra != rb)
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var groups = new Dictionary<int, List<int>>();
        var roots = new List<int>();
        for (int i = 0; i < n; i++)
        {
            int r = Find(i);
            if (!groups.TryGetValue(r, out var list))
            {
                groups[r] = list = [];
                roots.Add(r);
            }
            list.Add(i);
        }
        return roots.Select(r => groups[r].ToArray())
            .OrderByDescending(c => c.Length)
            .ThenBy(c => c[0])
            .ToList();
    }

    private static ulong Seed(int[] members)
    {
        ulong h = 0xCBF29CE484222325UL;
        h = (h ^ (ulong)members.Length) * 0x100000001B3UL;
        h = (h ^ (ulong)members[0]) * 0x100000001B3UL;
        return h;
    }
}
