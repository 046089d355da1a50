using System.Globalization;
using PcapViz.Core.Geo;
using PcapViz.Core.Rendering.Layout;

namespace PcapViz.Core.Rendering;

/// <summary>How far <see cref="GraphDrawingBuilder.Build(PcapTopology, DrawingOptions, IProgress{DrawingProgress}?, CancellationToken)"/> has got.</summary>
public readonly record struct DrawingProgress(string Activity, int PercentComplete);

/// <summary>
/// Turns a topology into a <see cref="GraphDrawing"/>: folds the lightest nodes into groups above
/// <see cref="DrawingOptions.MaxNodes"/>, writes labels, picks colours and sizes, and lays the graph out (our own
/// force-directed layout, or Graphviz). The same topology and options always give the same drawing.
/// </summary>
public static class GraphDrawingBuilder
{
    private const string Dash = "\u2014";

    public static GraphDrawing Build(PcapTopology topology, DrawingOptions options, CancellationToken cancellation = default) =>
        Build(topology, options, progress: null, cancellation);

    /// <exception cref="ArgumentException">An edge names a node the topology does not have, or the options are out of range.</exception>
    /// <exception cref="GraphvizNotFoundException">Graphviz layout was asked for and is not installed.</exception>
    /// <exception cref="GraphvizException">Graphviz failed.</exception>
    public static GraphDrawing Build(PcapTopology topology, DrawingOptions options, IProgress<DrawingProgress>? progress, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxNodes < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxNodes, "MaxNodes must be 0 (no folding) or more.");
        if (options.LayoutEngine == LayoutEngine.Graphviz && !GraphvizLayout.Programs.Contains(options.GraphvizLayout))
            throw new ArgumentException($"GraphvizLayout must be one of {string.Join(", ", GraphvizLayout.Programs)}, not '{options.GraphvizLayout}'.", nameof(options));

        progress?.Report(new DrawingProgress("Grouping nodes", 0));
        var nodes = DistinctNodes(topology.Nodes ?? []);
        var (items, folded) = NodeFolding.Fold(nodes, topology.Layer, options.MaxNodes);
        cancellation.ThrowIfCancellationRequested();

        var indexOfNode = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].Node is { } node)
                indexOfNode[node.Id] = i;
            foreach (var member in items[i].Members)
                indexOfNode[member.Id] = i;
        }
        var edgeGroups = GroupEdges(topology.Edges ?? [], indexOfNode);

        // Style: colours, sizes, labels.
        var countryColors = DrawingStyle.CountryColors(items.Where(i => !i.IsInternal && i.Country is not null).Select(i => i.Country!));
        long maxTraffic = items.Count == 0 ? 0 : items.Max(i => i.Traffic);
        // The same metrics GraphDrawing gives its writers: FontSize, LineHeight = 1.25 em, LabelGap = 0.25 em.
        const double fontSize = DrawingStyle.FontSize, lineHeight = fontSize * 1.25, labelGap = fontSize * 0.25;
        var labels = new IReadOnlyList<string>[items.Count];
        var radius = new double[items.Count];
        var fill = new string[items.Count];
        var layoutGraph = new LayoutGraph(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            labels[i] = item.IsGroup ? GroupLabel(item) : NodeLabel(item.Node!);
            radius[i] = DrawingStyle.Radius(item.Traffic, maxTraffic);
            fill[i] = FillColor(item, topology.Layer, countryColors);
            double labelWidth = labels[i].Count == 0 ? 0 : labels[i].Max(TextMeasure.Width) * fontSize;
            layoutGraph.SetBox(i, Math.Max(radius[i], labelWidth / 2), radius[i], radius[i] + labelGap + labels[i].Count * lineHeight);
        }
        foreach (var group in edgeGroups)
            layoutGraph.AddEdge(group.Source, group.Destination);

        // Layout.
        var activity = $"Laying out {items.Count.ToString("N0", CultureInfo.InvariantCulture)} nodes";
        progress?.Report(new DrawingProgress(activity, 5));
        LayoutResult layout;
        if (options.LayoutEngine == LayoutEngine.Graphviz)
        {
            var (gx, gy) = GraphvizLayout.Run(layoutGraph, options.GraphvizLayout, cancellation);
            OverlapRemoval.Run(gx, gy, layoutGraph.HalfWidth, layoutGraph.Above, layoutGraph.Below, NetworkLayout.Padding, cancellation);
            layout = NetworkLayout.Normalize(layoutGraph, gx, gy);
        }
        else
        {
            int lastPercent = -1;
            void Report(double fraction)
            {
                int percent = 5 + (int)(fraction * 90);
                if (percent == lastPercent)
                    return;
                lastPercent = percent;
                progress!.Report(new DrawingProgress(activity, percent));
            }
            layout = NetworkLayout.Run(layoutGraph, cancellation, progress is null ? null : Report);
        }
        cancellation.ThrowIfCancellationRequested();

        var drawnNodes = new DrawnNode[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            drawnNodes[i] = new DrawnNode(item.Id, labels[i], Math.Round(layout.X[i], 2), Math.Round(layout.Y[i], 2), radius[i], fill[i],
                item.IsGroup ? "#333333" : DrawingStyle.Darker(fill[i]), item.Node, item.IsGroup ? item.Members.Count : 0)
            {
                Members = item.IsGroup ? item.Members.ToArray() : [],
            };
        }

        long maxBytes = edgeGroups.Count == 0 ? 0 : edgeGroups.Max(e => e.Bytes);
        var drawnEdges = edgeGroups.Select(e => new DrawnEdge(items[e.Source].Id, items[e.Destination].Id, DrawingStyle.EdgeWidth(e.Bytes, maxBytes),
            DrawingStyle.EdgeColor, EdgeLabel(e.Bytes, e.Protocols, options.EdgeLabel), e.Packets, e.Bytes, e.Protocols, e.Edges)).ToArray();

        progress?.Report(new DrawingProgress("Done", 100));
        return new GraphDrawing
        {
            Title = options.Title ?? Title(topology),
            Layer = topology.Layer,
            Nodes = drawnNodes,
            Edges = drawnEdges,
            Legend = Legend(items, topology.Layer, countryColors),
            Width = Math.Ceiling(layout.Width),
            Height = Math.Ceiling(layout.Height),
            Attributions = options.Attributions?.ToArray()
                ?? (items.Any(i => i.Country is not null || i.Members.Any(m => !string.IsNullOrEmpty(m.Country))) ? [GeoLocator.DbIpAttribution] : []),
            FoldedNodes = folded,
            FontSize = DrawingStyle.FontSize,
            EdgeFontSize = DrawingStyle.EdgeFontSize,
        };
    }

    /// <summary>"Layer 3 — a.pcap, b.pcap" (file names only; "and N more" past three).</summary>
    public static string Title(PcapTopology topology)
    {
        var names = (topology.Captures ?? []).Select(Path.GetFileName).Where(n => !string.IsNullOrEmpty(n)).ToArray();
        var layer = "Layer " + topology.Layer.ToString(CultureInfo.InvariantCulture);
        if (names.Length == 0)
            return layer;
        var list = names.Length <= 3 ? string.Join(", ", names) : string.Join(", ", names.Take(3)) + " and " + (names.Length - 3).ToString(CultureInfo.InvariantCulture) + " more";
        return layer + " " + Dash + " " + list;
    }

    /// <summary>Address (the node's id), then its first host name, then "(City, Country)" or "(Country)" where known.</summary>
    internal static IReadOnlyList<string> NodeLabel(PcapNode node)
    {
        var lines = new List<string>(3) { TextMeasure.Shorten(node.Id, DrawingStyle.MaxLabelChars) };
        var host = (node.HostNames ?? []).FirstOrDefault(h => !string.IsNullOrWhiteSpace(h));
        if (host is not null)
            lines.Add(TextMeasure.Shorten(host, DrawingStyle.MaxLabelChars));
        var country = !string.IsNullOrEmpty(node.CountryName) ? node.CountryName : node.Country;
        if (!string.IsNullOrEmpty(country))
            lines.Add(TextMeasure.Shorten(string.IsNullOrEmpty(node.City) ? $"({country})" : $"({node.City}, {country})", DrawingStyle.MaxLabelChars));
        return lines;
    }

    private static IReadOnlyList<string> GroupLabel(DrawItem group)
    {
        var lines = new List<string>(3) { TextMeasure.Shorten(group.GroupTitle ?? group.Id, DrawingStyle.MaxLabelChars) };
        if (group.GroupDetail is not null)
            lines.Add(group.GroupDetail);
        lines.Add(group.Members.Count.ToString("N0", CultureInfo.InvariantCulture) + " " + group.GroupNoun);
        return lines;
    }

    private static string? EdgeLabel(long bytes, IReadOnlyList<string> protocols, EdgeLabelMode mode) => mode switch
    {
        EdgeLabelMode.None => null,
        EdgeLabelMode.Bytes => DrawingStyle.HumanBytes(bytes),
        EdgeLabelMode.Protocols => DrawingStyle.ProtocolList(protocols),
        _ => protocols.Count == 0 ? DrawingStyle.HumanBytes(bytes) : DrawingStyle.HumanBytes(bytes) + " (" + DrawingStyle.ProtocolList(protocols) + ")",
    };

    private static string FillColor(DrawItem item, int layer, Dictionary<string, string> countryColors)
    {
        if (layer == 2)
            return item.IsInternal ? DrawingStyle.GroupMacColor : DrawingStyle.UnicastMacColor;
        if (item.IsInternal)
            return DrawingStyle.InternalColor;
        return item.Country is not null && countryColors.TryGetValue(item.Country, out var color) ? color : DrawingStyle.UnknownCountryColor;
    }

    private static IReadOnlyList<LegendEntry> Legend(List<DrawItem> items, int layer, Dictionary<string, string> countryColors)
    {
        var legend = new List<LegendEntry>();
        if (layer == 2)
        {
            if (items.Any(i => !i.IsInternal))
                legend.Add(new LegendEntry(DrawingStyle.UnicastMacColor, "Unicast MAC"));
            if (items.Any(i => i.IsInternal))
                legend.Add(new LegendEntry(DrawingStyle.GroupMacColor, "Broadcast or multicast MAC"));
            return legend;
        }
        if (items.Any(i => i.IsInternal))
            legend.Add(new LegendEntry(DrawingStyle.InternalColor, "Internal address"));
        var countries = items.Where(i => !i.IsInternal && i.Country is not null)
            .GroupBy(i => i.Country!, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Traffic: g.Sum(i => i.Traffic), Name: CountryName(g)))
            .OrderByDescending(c => c.Traffic).ThenBy(c => c.Code, StringComparer.Ordinal);
        foreach (var (code, _, name) in countries)
            legend.Add(new LegendEntry(countryColors[code], name is null ? code : $"{name} ({code})"));
        if (items.Any(i => !i.IsInternal && i.Country is null))
            legend.Add(new LegendEntry(DrawingStyle.UnknownCountryColor, "External, country unknown"));
        return legend;
    }

    private static string? CountryName(IEnumerable<DrawItem> items)
    {
        foreach (var item in items)
        {
            var node = item.Node ?? item.Members.FirstOrDefault();
            if (!string.IsNullOrEmpty(node?.CountryName))
                return node.CountryName;
        }
        return CountryNames.EnglishName(items.First().Country);
    }

    private static List<PcapNode> DistinctNodes(IEnumerable<PcapNode> nodes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<PcapNode>();
        foreach (var node in nodes)
        {
            if (node is not null && seen.Add(node.Id))
                list.Add(node);
        }
        return list;
    }

    private sealed class EdgeGroup(int source, int destination)
    {
        public int Source { get; } = source;
        public int Destination { get; } = destination;
        public long Packets { get; set; }
        public long Bytes { get; set; }
        public List<string> Protocols { get; } = [];
        public List<PcapEdge> Edges { get; } = [];
    }

    /// <summary>Sums topology edges between the same two drawn nodes: exact totals, protocols in order of first appearance.</summary>
    private static List<EdgeGroup> GroupEdges(IEnumerable<PcapEdge> edges, Dictionary<string, int> indexOfNode)
    {
        var groups = new Dictionary<(int, int), EdgeGroup>();
        var ordered = edges.Where(e => e is not null)
            .OrderByDescending(e => e.Bytes).ThenBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Destination, StringComparer.Ordinal);
        foreach (var edge in ordered)
        {
            if (!indexOfNode.TryGetValue(edge.Source, out int source))
                throw new ArgumentException($"The edge {edge.Source} -> {edge.Destination} starts at a node the topology does not have.", nameof(edges));
            if (!indexOfNode.TryGetValue(edge.Destination, out int destination))
                throw new ArgumentException($"The edge {edge.Source} -> {edge.Destination} ends at a node the topology does not have.", nameof(edges));
            if (!groups.TryGetValue((source, destination), out var group))
                groups[(source, destination)] = group = new EdgeGroup(source, destination);
            group.Packets += edge.Packets;
            group.Bytes += edge.Bytes;
            foreach (var protocol in edge.Protocols ?? [])
            {
                if (!group.Protocols.Contains(protocol))
                    group.Protocols.Add(protocol);
            }
            group.Edges.Add(edge);
        }
        return groups.Values.OrderByDescending(g => g.Bytes).ThenBy(g => g.Source).ThenBy(g => g.Destination).ToList();
    }
}
