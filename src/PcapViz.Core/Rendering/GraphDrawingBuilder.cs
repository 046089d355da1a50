using System.Globalization;
using PcapViz.Core.Geo;
using PcapViz.Core.Rendering.Layout;
using PcapViz.Core.Topology;

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

        if (options.MaxEdges < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEdges, "MaxEdges must be 0 (every edge) or more.");
        if (options.MarkKeyHosts < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MarkKeyHosts, "MarkKeyHosts must be 0 or more.");

        progress?.Report(new DrawingProgress("Grouping nodes", 0));
        var nodes = DistinctNodes(topology.Nodes ?? []);
        var topologyEdges = (topology.Edges ?? []).Where(e => e is not null).ToArray();
        var marks = FindingMarks.Find(options.Findings ?? [], topology.Layer, nodes, topologyEdges);
        var sizeOf = SizeValues(topology, nodes, options.SizeBy, cancellation);
        var keyHosts = KeyHostMarks(nodes, sizeOf, options.SizeBy, options.MarkKeyHosts);
        var (items, folded) = NodeFolding.Fold(nodes, topology.Layer, options.MaxNodes, Pinned(marks, keyHosts, options.MaxNodes));
        cancellation.ThrowIfCancellationRequested();

        var indexOfNode = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].Node is { } node)
                indexOfNode[node.Id] = i;
            foreach (var member in items[i].Members)
                indexOfNode[member.Id] = i;
        }
        var allGroups = GroupEdges(topologyEdges, indexOfNode);
        var drawnFindings = MarkFindings(marks, items, indexOfNode, allGroups, out var nodeFindings);
        var (edgeGroups, hiddenEdges, hiddenBytes) = Thin(allGroups, options.MaxEdges);
        bool anyDrawnFinding = drawnFindings.Any(f => f.NotDrawn is null);

        // Style: colours, sizes, labels.
        // A special-purpose block with no country ("Documentation (RFC 5737)") takes a colour of its own, as a country does.
        var countryColors = DrawingStyle.CountryColors(items.Where(i => !i.IsInternal).Select(PlaceKey).OfType<string>());
        var sizeValue = items.Select(item => ItemSize(item, sizeOf, options.SizeBy)).ToArray();
        double maxSize = sizeValue.Length == 0 ? 0 : sizeValue.Max();
        long maxTraffic = items.Count == 0 ? 0 : items.Max(i => i.Traffic);
        // The metrics GraphDrawing gives its writers, from the same constants.
        const double fontSize = DrawingStyle.FontSize, lineHeight = fontSize * DrawingStyle.LineHeightEm, labelGap = fontSize * DrawingStyle.LabelGapEm;
        var labels = new IReadOnlyList<string>[items.Count];
        var radius = new double[items.Count];
        var fill = new string[items.Count];
        var stroke = new string[items.Count];
        var keyMark = new KeyHostMark?[items.Count];
        var layoutGraph = new LayoutGraph(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var lines = new List<string>(item.IsGroup ? GroupLabel(item) : NodeLabel(item.Node!, topology.Layer));
            if (item.Node is { } node && keyHosts.TryGetValue(node.Id, out var mark))
            {
                keyMark[i] = mark;
                lines.Add("key host #" + mark.Rank.ToString(CultureInfo.InvariantCulture) + " (" + DrawingStyle.MeasureName(options.SizeBy) + ")");
            }
            // A finding with no edge in the picture is named on its host.
            foreach (int f in nodeFindings[i])
            {
                if (drawnFindings[f].Edges == 0)
                    lines.Add(drawnFindings[f].Tag);
            }
            labels[i] = lines;
            radius[i] = options.SizeBy == NodeSizeMeasure.Traffic
                ? DrawingStyle.Radius(item.Traffic, maxTraffic)
                : DrawingStyle.Radius(sizeValue[i], maxSize);
            fill[i] = FillColor(item, topology.Layer, countryColors);
            stroke[i] = item.IsGroup ? "#333333" : DrawingStyle.Darker(fill[i]);
            if (nodeFindings[i].Count > 0)
            {
                stroke[i] = drawnFindings[nodeFindings[i][0]].Color;
            }
            else if (anyDrawnFinding)
            {
                fill[i] = DrawingStyle.Faded(fill[i]);
                stroke[i] = DrawingStyle.Faded(stroke[i]);
            }
            double labelWidth = labels[i].Count == 0 ? 0 : labels[i].Max(TextMeasure.Width) * fontSize;
            layoutGraph.SetBox(i, Math.Max(radius[i], labelWidth / 2), radius[i], radius[i] + labelGap + labels[i].Count * lineHeight);
        }
        foreach (var group in edgeGroups)
            layoutGraph.AddEdge(group.Source, group.Destination);

        // Layout.
        var activity = $"Laying out {items.Count.ToString("N0", CultureInfo.InvariantCulture)} nodes";
        progress?.Report(new DrawingProgress(activity, 5));
        int lastPercent = -1;
        void Report(double fraction)
        {
            int percent = 5 + (int)(fraction * 90);
            if (percent == lastPercent)
                return;
            lastPercent = percent;
            progress!.Report(new DrawingProgress(activity, percent));
        }
        LayoutResult layout;
        if (options.LayoutEngine == LayoutEngine.Graphviz)
        {
            var (gx, gy) = GraphvizLayout.Run(layoutGraph, options.GraphvizLayout, cancellation);
            OverlapRemoval.Run(gx, gy, layoutGraph.HalfWidth, layoutGraph.Above, layoutGraph.Below, NetworkLayout.Padding, cancellation);
            layout = NetworkLayout.Normalize(layoutGraph, gx, gy);
        }
        else if (options.Layout == GraphLayout.Responder)
        {
            var cluster = items.Select(item => NodeFolding.ClusterOf(item, topology.Layer)).ToArray();
            var ringOrder = items.Select(item => (item.Country ?? (item.Range is null ? "~" : "~" + item.Range), item.Node?.Asn ?? long.MaxValue, item.Traffic)).ToArray();
            layout = ResponderLayout.Run(layoutGraph, cluster, ringOrder, cancellation, progress is null ? null : Report);
        }
        else
        {
            layout = NetworkLayout.Run(layoutGraph, cancellation, progress is null ? null : Report);
        }
        cancellation.ThrowIfCancellationRequested();

        var drawnNodes = new DrawnNode[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            drawnNodes[i] = new DrawnNode(item.Id, labels[i], Math.Round(layout.X[i], 2), Math.Round(layout.Y[i], 2), radius[i], fill[i],
                stroke[i], item.Node, item.IsGroup ? item.Members.Count : 0)
            {
                Members = item.IsGroup ? item.Members.ToArray() : [],
                Findings = nodeFindings[i],
                KeyHost = keyMark[i],
                SizeValue = sizeValue[i],
            };
        }

        long maxBytes = edgeGroups.Count == 0 ? 0 : edgeGroups.Max(e => e.Bytes);
        var heavy = options.Layout == GraphLayout.Responder ? HeavyEdges(edgeGroups) : null;
        var drawnEdges = edgeGroups.Select(e =>
        {
            var label = EdgeLabel(e.Bytes, e.Packets, e.Protocols, options.EdgeLabel);
            string color = DrawingStyle.EdgeColor;
            double width = DrawingStyle.EdgeWidth(e.Bytes, maxBytes);
            if (e.Findings.Count > 0)
            {
                color = drawnFindings[e.Findings[0]].Color;
                width = Math.Max(width, DrawingStyle.FindingEdgeWidth);
                var tags = string.Join(", ", e.Findings.Take(3).Select(f => drawnFindings[f].Tag)) + (e.Findings.Count > 3 ? ", +" + (e.Findings.Count - 3).ToString(CultureInfo.InvariantCulture) : "");
                label = label is null ? tags : tags + "\n" + label;
            }
            else if (heavy is not null && !heavy.Contains(e))
            {
                color = DrawingStyle.LightEdgeColor;
                width = DrawingStyle.MinEdgeWidth;
                label = null;
            }
            else if (anyDrawnFinding)
            {
                color = DrawingStyle.Faded(color);
            }
            return new DrawnEdge(items[e.Source].Id, items[e.Destination].Id, width, color, label, e.Packets, e.Bytes, e.Protocols, e.Edges)
            {
                Findings = e.Findings,
            };
        }).ToArray();

        progress?.Report(new DrawingProgress("Done", 100));
        return new GraphDrawing
        {
            Title = options.Title ?? Title(topology),
            Layer = topology.Layer,
            Nodes = drawnNodes,
            Edges = drawnEdges,
            Legend = Legend(items, topology.Layer, countryColors, drawnFindings, keyHosts.Count, options.SizeBy),
            Width = Math.Ceiling(layout.Width),
            Height = Math.Ceiling(layout.Height),
            Attributions = options.Attributions?.ToArray()
                ?? (items.Any(i => i.Country is not null || i.Members.Any(m => !string.IsNullOrEmpty(m.Country))) ? [GeoLocator.DbIpAttribution] : []),
            FoldedNodes = folded,
            FontSize = DrawingStyle.FontSize,
            EdgeFontSize = DrawingStyle.EdgeFontSize,
            Findings = drawnFindings,
            HiddenEdges = hiddenEdges,
            HiddenEdgeBytes = hiddenBytes,
            SizeBy = options.SizeBy.ToString(),
        };
    }

    /// <summary>Per node id, the value its size follows: bytes sent and received, or the key-host score.</summary>
    private static Dictionary<string, double> SizeValues(PcapTopology topology, List<PcapNode> nodes, NodeSizeMeasure measure, CancellationToken cancellation)
    {
        if (measure == NodeSizeMeasure.Traffic)
            return nodes.ToDictionary(n => n.Id, n => (double)NodeFolding.Traffic(n), StringComparer.Ordinal);
        var by = measure switch
        {
            NodeSizeMeasure.Degree => KeyHostRanking.Degree,
            NodeSizeMeasure.PageRank => KeyHostRanking.PageRank,
            NodeSizeMeasure.CoreNumber => KeyHostRanking.CoreNumber,
            _ => KeyHostRanking.Betweenness,
        };
        var ranked = KeyHosts.Rank(topology, new KeyHostOptions { By = by }, cancellation);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var host in ranked)
            values.TryAdd(host.Host, host.Score);
        return values;
    }

    /// <summary>The top hosts by the size measure, ties by id.</summary>
    private static Dictionary<string, KeyHostMark> KeyHostMarks(List<PcapNode> nodes, Dictionary<string, double> sizeOf, NodeSizeMeasure measure, int count)
    {
        var marks = new Dictionary<string, KeyHostMark>(StringComparer.Ordinal);
        if (count == 0)
            return marks;
        var top = nodes.Select(n => (n.Id, Value: sizeOf.GetValueOrDefault(n.Id)))
            .OrderByDescending(t => t.Value).ThenBy(t => t.Id, StringComparer.Ordinal).Take(count);
        int rank = 0;
        foreach (var (id, value) in top)
            marks[id] = new KeyHostMark(++rank, measure.ToString(), value);
        return marks;
    }

    /// <summary>
    /// The nodes kept out of folding: those of the findings (highest score first), then the marked key hosts, up to
    /// half the drawing's nodes so folding still has room to work.
    /// </summary>
    private static HashSet<string>? Pinned(FindingMarks marks, Dictionary<string, KeyHostMark> keyHosts, int maxNodes)
    {
        if (maxNodes <= 0 || (marks.Findings.Length == 0 && keyHosts.Count == 0))
            return null;
        int room = Math.Max(1, maxNodes / 2);
        var pinned = new HashSet<string>(StringComparer.Ordinal);
        for (int f = 0; f < marks.Findings.Length && pinned.Count < room; f++)
        {
            foreach (var (edge, _) in marks.Edges[f].OrderByDescending(e => e.Edge.Bytes).Take(room))
            {
                pinned.Add(edge.Source);
                pinned.Add(edge.Destination);
            }
            foreach (var (id, _) in marks.OrphanNodes[f].Take(room))
                pinned.Add(id);
        }
        foreach (var (id, _) in keyHosts.OrderBy(k => k.Value.Rank))
        {
            if (pinned.Count >= room)
                break;
            pinned.Add(id);
        }
        return pinned;
    }

    /// <summary>
    /// Numbers the findings, gives each its colour, and puts its index on the drawn edges that carry its conversation
    /// and on their ends (or, with no edge, on its hosts' nodes); a finding with nothing here is kept with the reason.
    /// </summary>
    private static DrawnFinding[] MarkFindings(FindingMarks marks, List<DrawItem> items, Dictionary<string, int> indexOfNode, List<EdgeGroup> groups,
        out List<int>[] nodeFindings)
    {
        var nodeLists = new List<int>[items.Count];
        for (int i = 0; i < nodeLists.Length; i++)
            nodeLists[i] = [];
        nodeFindings = nodeLists;
        var groupOf = new Dictionary<(int, int), EdgeGroup>();
        foreach (var group in groups)
            groupOf[(group.Source, group.Destination)] = group;
        var result = new DrawnFinding[marks.Findings.Length];
        for (int f = 0; f < result.Length; f++)
        {
            var finding = marks.Findings[f];
            var color = DrawingStyle.SeverityColor(finding.Severity);
            var onNodes = new SortedSet<int>();
            var onGroups = new HashSet<EdgeGroup>();
            int? source = null, destination = null;
            foreach (var (edge, forward) in marks.Edges[f])
            {
                int a = indexOfNode[edge.Source], b = indexOfNode[edge.Destination];
                if (onGroups.Add(groupOf[(a, b)]))
                    groupOf[(a, b)].Findings.Add(f);
                onNodes.Add(a);
                onNodes.Add(b);
                source ??= forward ? a : b;
                destination ??= forward ? b : a;
            }
            if (marks.Edges[f].Count == 0)
            {
                foreach (var (id, isSource) in marks.OrphanNodes[f])
                {
                    int i = indexOfNode[id];
                    onNodes.Add(i);
                    if (isSource)
                        source ??= i;
                    else
                        destination ??= i;
                }
            }
            foreach (int i in onNodes)
                nodeLists[i].Add(f);
            result[f] = new DrawnFinding(f + 1, finding, color, source is { } s ? items[s].Id : null, destination is { } d ? items[d].Id : null, onGroups.Count)
            {
                NotDrawn = marks.NotDrawn[f],
                OnGroup = onNodes.Any(i => items[i].IsGroup),
            };
        }
        return result;
    }

    /// <summary>Above <paramref name="maxEdges"/>, the heaviest edges and every edge of a finding; the rest counted.</summary>
    private static (List<EdgeGroup> Kept, int Hidden, long HiddenBytes) Thin(List<EdgeGroup> groups, int maxEdges)
    {
        if (maxEdges == 0 || groups.Count <= maxEdges)
            return (groups, 0, 0);
        var kept = new List<EdgeGroup>(maxEdges);
        int hidden = 0;
        long hiddenBytes = 0;
        int room = Math.Max(0, maxEdges - groups.Count(g => g.Findings.Count > 0));
        // Groups come heaviest first.
        foreach (var group in groups)
        {
            if (group.Findings.Count > 0 || room-- > 0)
            {
                kept.Add(group);
                continue;
            }
            hidden += group.Edges.Count;
            hiddenBytes += group.Bytes;
        }
        return (kept, hidden, hiddenBytes);
    }

    /// <summary>
    /// The edges the responder layout draws at full weight: the 15 heaviest, and any with at least a tenth of the
    /// heaviest's bytes. The rest are drawn thin, light and unlabelled, so a knot of small flows does not hide what
    /// matters (their figures stay in the tooltip).
    /// </summary>
    private static HashSet<EdgeGroup> HeavyEdges(List<EdgeGroup> groups)
    {
        const int alwaysHeavy = 15;
        const double shareOfHeaviest = 0.1;
        long heaviest = groups.Count == 0 ? 0 : groups.Max(g => g.Bytes);
        return groups.Where((g, i) => i < alwaysHeavy || g.Bytes >= heaviest * shareOfHeaviest).ToHashSet();
    }

    /// <summary>A node's size value; a group's is its members' total (their largest, for core numbers).</summary>
    private static double ItemSize(DrawItem item, Dictionary<string, double> sizeOf, NodeSizeMeasure measure)
    {
        if (item.Node is { } node)
            return sizeOf.GetValueOrDefault(node.Id);
        var values = item.Members.Select(m => sizeOf.GetValueOrDefault(m.Id));
        return measure == NodeSizeMeasure.CoreNumber ? values.DefaultIfEmpty().Max() : values.Sum();
    }

    /// <summary>"Layer 3 — a.pcap, b.pcap" (file names only; "and N more" past three).</summary>
    public static string Title(PcapTopology topology)
    {
        var names = (topology.Captures ?? TextList.Empty).Select(Path.GetFileName).Where(n => !string.IsNullOrEmpty(n)).ToArray();
        var layer = "Layer " + topology.Layer.ToString(CultureInfo.InvariantCulture);
        if (names.Length == 0)
            return layer;
        var list = names.Length <= 3 ? string.Join(", ", names) : string.Join(", ", names.Take(3)) + " and " + (names.Length - 3).ToString(CultureInfo.InvariantCulture) + " more";
        return layer + " " + Dash + " " + list;
    }

    /// <summary>
    /// Address (the node's id), then its first host name, then "(City, Country)" or "(Country)" where known, or the
    /// special-purpose block the address is in, "(Private)", "(Documentation (RFC 5737))".
    /// </summary>
    internal static IReadOnlyList<string> NodeLabel(PcapNode node, int layer)
    {
        var lines = new List<string>(3) { TextMeasure.Shorten(node.Id, DrawingStyle.MaxLabelChars) };
        var host = (node.HostNames ?? TextList.Empty).FirstOrDefault(h => !string.IsNullOrWhiteSpace(h));
        if (host is not null)
            lines.Add(TextMeasure.Shorten(host, DrawingStyle.MaxLabelChars));
        var country = !string.IsNullOrEmpty(node.CountryName) ? node.CountryName
            : !string.IsNullOrEmpty(node.Country) ? node.Country
            : NodeFolding.RangeOf(node, layer)?.Label;
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

    private static string? EdgeLabel(long bytes, long packets, IReadOnlyList<string> protocols, EdgeLabelMode mode) => mode switch
    {
        EdgeLabelMode.None => null,
        EdgeLabelMode.Exact => bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes" + (protocols.Count == 0 ? "" : " (" + DrawingStyle.ProtocolList(protocols) + ")")
            + "\n" + packets.ToString("N0", CultureInfo.InvariantCulture) + (packets == 1 ? " packet" : " packets"),
        EdgeLabelMode.Bytes => Units.Bytes(bytes),
        EdgeLabelMode.Protocols => DrawingStyle.ProtocolList(protocols),
        _ => protocols.Count == 0 ? Units.Bytes(bytes) : Units.Bytes(bytes) + " (" + DrawingStyle.ProtocolList(protocols) + ")",
    };

    private static string FillColor(DrawItem item, int layer, Dictionary<string, string> countryColors)
    {
        if (layer == 2)
            return item.IsInternal ? DrawingStyle.GroupMacColor : DrawingStyle.UnicastMacColor;
        if (item.IsInternal)
            return DrawingStyle.InternalColor;
        return PlaceKey(item) is { } key && countryColors.TryGetValue(key, out var color) ? color : DrawingStyle.UnknownCountryColor;
    }

    /// <summary>What an external item is coloured by: its country code, else its special-purpose block's name.</summary>
    private static string? PlaceKey(DrawItem item) => item.Country ?? item.Range;

    private static IReadOnlyList<LegendEntry> Legend(List<DrawItem> items, int layer, Dictionary<string, string> countryColors, DrawnFinding[] findings,
        int keyHosts, NodeSizeMeasure sizeBy)
    {
        var legend = new List<LegendEntry>();
        if (keyHosts > 0)
            legend.Add(new LegendEntry("#ffffff", "Double ring: top " + keyHosts.ToString(CultureInfo.InvariantCulture) + " by " + DrawingStyle.MeasureName(sizeBy)));
        foreach (var severity in PcapFinding.Severities)
        {
            if (findings.Any(f => f.NotDrawn is null && f.Finding.Severity == severity))
                legend.Add(new LegendEntry(DrawingStyle.SeverityColor(severity), severity + " finding"));
        }
        if (layer == 2)
        {
            if (items.Any(i => !i.IsInternal))
                legend.Add(new LegendEntry(DrawingStyle.UnicastMacColor, "Unicast MAC"));
            if (items.Any(i => i.IsInternal))
                legend.Add(new LegendEntry(DrawingStyle.GroupMacColor, "Broadcast or multicast MAC"));
            return legend;
        }
        if (items.Any(i => i.IsInternal))
            legend.Add(new LegendEntry(DrawingStyle.InternalColor, InternalLegend(items, layer)));
        var countries = items.Where(i => !i.IsInternal && i.Country is not null)
            .GroupBy(i => i.Country!, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Traffic: g.Sum(i => i.Traffic), Name: CountryName(g)))
            .OrderByDescending(c => c.Traffic).ThenBy(c => c.Code, StringComparer.Ordinal);
        foreach (var (code, _, name) in countries)
            legend.Add(new LegendEntry(countryColors[code], name is null ? code : $"{name} ({code})"));
        var ranges = items.Where(i => !i.IsInternal && i.Country is null && i.Range is not null)
            .GroupBy(i => i.Range!, StringComparer.Ordinal)
            .Select(g => (Label: g.Key, Traffic: g.Sum(i => i.Traffic)))
            .OrderByDescending(r => r.Traffic).ThenBy(r => r.Label, StringComparer.Ordinal);
        foreach (var (label, _) in ranges)
            legend.Add(new LegendEntry(countryColors[label], label));
        if (items.Any(i => !i.IsInternal && i.Country is null && i.Range is null))
            legend.Add(new LegendEntry(DrawingStyle.UnknownCountryColor, "External, country unknown"));
        return legend;
    }

    /// <summary>
    /// Internal hosts share one colour, so their legend entry names the blocks drawn, heaviest first:
    /// "Internal: Private, Link-local, Multicast".
    /// </summary>
    private static string InternalLegend(List<DrawItem> items, int layer)
    {
        var traffic = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => i.IsInternal))
        {
            foreach (var node in item.Node is { } single ? [single] : item.Members)
            {
                if (NodeFolding.RangeOf(node, layer) is { IsInternal: true } range)
                    traffic[range.Label] = traffic.GetValueOrDefault(range.Label) + NodeFolding.Traffic(node);
            }
        }
        return traffic.Count == 0
            ? "Internal address"
            : "Internal: " + string.Join(", ", traffic.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key));
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
        /// <summary>Indexes of the findings this edge shows.</summary>
        public List<int> Findings { get; } = [];
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
            foreach (var protocol in edge.Protocols ?? TextList.Empty)
            {
                if (!group.Protocols.Contains(protocol))
                    group.Protocols.Add(protocol);
            }
            group.Edges.Add(edge);
        }
        return groups.Values.OrderByDescending(g => g.Bytes).ThenBy(g => g.Source).ThenBy(g => g.Destination).ToList();
    }
}
