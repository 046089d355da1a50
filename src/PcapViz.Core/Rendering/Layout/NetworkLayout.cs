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

    /// <summary>Components below this size are laid out in parallel with each other (larger ones parallelise inside).</summary>
    private const int SmallComponent = 200;

    public static LayoutResult Run(LayoutGraph graph, CancellationToken cancellation, Action<double>? progress = null)
    {
        int n = graph.Count;
        var x = new double[n];
        var y = new double[n];
        if (n == 0)
            return new LayoutResult(x, y, 2 * Margin, 2 * Margin);

        var components = Components(graph);
        var edgesOf = EdgesWithin(graph, components);

        // Big components one at a time (each runs its force sums in parallel, and reports progress on this thread);
        // the small ones, thousands at layer 4, side by side on the thread pool. Each writes only its own nodes'
        // positions and its own box, so the result does not depend on the threads.
        var boxes = new ComponentPacker.Box[components.Count];
        long done = 0;
        int firstSmall = components.FindIndex(c => c.Length < SmallComponent);
        if (firstSmall < 0)
            firstSmall = components.Count;
        for (int c = 0; c < firstSmall; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            int m = components[c].Length;
            long before = done;
            boxes[c] = Place(graph, components[c], edgesOf[c], x, y, cancellation,
                progress is not null ? f => progress((before + f * m) / n) : null);
            done += m;
            progress?.Invoke((double)done / n);
        }
        Parallel.For(firstSmall, components.Count, new ParallelOptions { CancellationToken = cancellation },
            c => boxes[c] = Place(graph, components[c], edgesOf[c], x, y, cancellation));
        progress?.Invoke(1);

        var (width, height) = ComponentPacker.Pack(boxes, x, y, Margin);
        return new LayoutResult(x, y, width, height);
    }

    /// <summary>
    /// For each part (disjoint sets of nodes), the edges with both ends in it, numbered by position in the part; an
    /// edge between two parts is in none.
    /// </summary>
    internal static List<(int A, int B)>[] EdgesWithin(LayoutGraph graph, IReadOnlyList<int[]> parts)
    {
        var partOf = new int[graph.Count];
        var localIndex = new int[graph.Count];
        Array.Fill(partOf, -1);
        for (int p = 0; p < parts.Count; p++)
        {
            for (int local = 0; local < parts[p].Length; local++)
            {
                partOf[parts[p][local]] = p;
                localIndex[parts[p][local]] = local;
            }
        }
        var edges = new List<(int A, int B)>[parts.Count];
        for (int p = 0; p < edges.Length; p++)
            edges[p] = [];
        foreach (var (a, b) in graph.Edges)
        {
            if (partOf[a] >= 0 && partOf[a] == partOf[b])
                edges[partOf[a]].Add((localIndex[a], localIndex[b]));
        }
        return edges;
    }

    /// <summary>
    /// Lays out one part of the graph (a component, a subnet) force-directed and free of overlaps, writes its anchors
    /// into <paramref name="x"/> and <paramref name="y"/>, and returns the box around it for packing.
    /// </summary>
    /// <param name="localEdges">Edges between members, numbered by position in <paramref name="members"/>.</param>
    internal static ComponentPacker.Box Place(LayoutGraph graph, int[] members, IReadOnlyList<(int A, int B)> localEdges, double[] x, double[] y,
        CancellationToken cancellation, Action<double>? progress = null)
    {
        int m = members.Length;
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
        if (StarCentre(m, localEdges) is { } hub)
            PlaceStar(hub, size, lx, ly);
        else
            ForceDirectedLayout.Run(size, localEdges, lx, ly, Seed(members), cancellation, progress);
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
        return new ComponentPacker.Box(members, minX, minY, maxX - minX, maxY - minY);
    }

    /// <summary>
    /// The hub of a star (one node joined to each of the others, and no other edge), or null. Stars are most of a
    /// layer-4 graph's components (a server port and its clients' ephemeral ports): placed in closed form, a
    /// 100,000-endpoint export spends its time on the graph's real structure instead of thousands of tiny
    /// force simulations.
    /// </summary>
    private static int? StarCentre(int m, IReadOnlyList<(int A, int B)> edges)
    {
        if (m < 3 || edges.Count != m - 1)
            return null;
        var (a, b) = edges[0];
        foreach (var candidate in new[] { a, b })
        {
            bool all = true;
            foreach (var (u, v) in edges)
            {
                if (u != candidate && v != candidate)
                {
                    all = false;
                    break;
                }
            }
            if (all)
                return candidate;
        }
        return null;
    }

    /// <summary>The hub in the middle, the leaves round it in as many rings as they need, in member order.</summary>
    private static void PlaceStar(int hub, double[] size, double[] x, double[] y)
    {
        int m = size.Length;
        double leafSize = 0;
        for (int i = 0; i < m; i++)
        {
            if (i != hub)
                leafSize = Math.Max(leafSize, size[i]);
        }
        double spacing = 2 * leafSize + Padding;
        double radius = size[hub] + leafSize + 2 * Padding;
        x[hub] = y[hub] = 0;
        int placed = 0, leaves = m - 1, leaf = 0;
        while (placed < leaves)
        {
            int capacity = Math.Max(6, (int)(2 * Math.PI * radius / spacing));
            int inRing = Math.Min(capacity, leaves - placed);
            // Alternate rings start half a step round, so leaves of neighbouring rings do not line up.
            double offset = (placed == 0 ? 0 : 0.5) * 2 * Math.PI / inRing;
            for (int k = 0; k < inRing; k++, leaf++)
            {
                if (leaf == hub)
                    leaf++;
                double angle = -Math.PI / 2 + offset + 2 * Math.PI * k / inRing;
                x[leaf] = radius * Math.Cos(angle);
                y[leaf] = radius * Math.Sin(angle);
            }
            placed += inRing;
            radius += spacing;
        }
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
