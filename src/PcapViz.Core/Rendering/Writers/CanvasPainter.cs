using System.Globalization;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Paints a <see cref="GraphDrawing"/> onto any <see cref="IGraphCanvas"/>, so the SVG and the PNG are the same picture.
/// The page has the title and a summary line at the top, the graph below with the legend to its right, and the
/// attributions in small print at the bottom. Edges are lines (curved apart where both directions exist) with
/// arrowheads; node labels go below their node, or above, right or left when that spot is taken; an edge label whose
/// spot is taken by other text or a node is left out of the picture (it stays in the edge's tooltip).
/// </summary>
internal sealed class CanvasPainter
{
    private const double EdgeLineSpacing = 1.25;
    private const double MaxNodeLabelLines = 6;
    private const int MaxLabelChars = Layout.DrawingStyle.MaxLabelChars;
    private const int MaxLegendEntries = 40;
    private const int MaxFindingRows = 30;
    private const int MaxFindingChars = 64;
    private const int CancellationStride = 512;

    private static readonly CanvasColor TitleColor = new(0x22, 0x22, 0x22);
    private static readonly CanvasColor SubtitleColor = new(0x66, 0x66, 0x66);
    private static readonly CanvasColor LabelColor = new(0x1f, 0x1f, 0x1f);
    private static readonly CanvasColor DetailColor = new(0x55, 0x55, 0x55);
    private static readonly CanvasColor EdgeLabelColor = new(0x40, 0x40, 0x40);
    private static readonly CanvasColor Halo = new(255, 255, 255, 230);
    private static readonly CanvasColor LabelBackground = new(255, 255, 255, 215);
    private static readonly CanvasColor LegendBorder = new(0xbb, 0xbb, 0xbb);
    internal static readonly CanvasColor DefaultNodeFill = new(0x9e, 0xc5, 0xe8);
    internal static readonly CanvasColor DefaultNodeStroke = new(0x3b, 0x6e, 0x9c);
    internal static readonly CanvasColor DefaultEdge = new(0x99, 0x99, 0x99);

    private readonly GraphDrawing drawing;
    private readonly List<PlacedNode> nodes = [];
    private readonly List<PlacedEdge> edges = [];
    private readonly string title;
    private readonly string summary;
    private readonly List<string> legendLabels = [];
    private readonly List<CanvasColor> legendColors = [];
    private readonly List<string> attributions = [];
    private readonly double graphTop;
    private readonly double offsetX;
    private readonly double offsetY;
    private readonly double graphWidth;
    private readonly double graphHeight;
    private readonly double legendX;
    private readonly double legendWidth;
    private readonly double legendHeight;
    private readonly List<FindingRow> findingRows = [];
    private readonly double findingsTop;
    private readonly double findingsWidth;
    private readonly double findingsHeight;

    /// <summary>
    /// How much larger than at scale 1 the title, legend, attributions and margins are drawn: 1 up to a 3000-unit graph,
    /// then growing with it, so they stay readable when a PNG of a big graph is scaled down.
    /// </summary>
    private readonly double k;

    public CanvasPainter(GraphDrawing drawing, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        this.drawing = drawing;

        PlaceNodes(cancellation);
        PlaceEdges(cancellation);
        PlaceLabels(cancellation);

        var bounds = Bounds.Empty;
        foreach (var node in nodes)
        {
            bounds = bounds.Union(Rect.AroundCircle(node.Center, node.Radius));
            if (node.LabelBox is { } box)
            {
                bounds = bounds.Union(box);
            }
        }

        foreach (var edge in edges)
        {
            bounds = bounds.Union(edge.Extent);
            if (edge.LabelBox is { } box)
            {
                bounds = bounds.Union(box);
            }
        }

        if (bounds.IsEmpty)
        {
            bounds = new Bounds(0, 0, 240, 120);
        }

        graphWidth = Math.Max(bounds.MaxX - bounds.MinX, 200);
        graphHeight = Math.Max(bounds.MaxY - bounds.MinY, 100);
        k = Math.Clamp(Math.Max(graphWidth, graphHeight) / 3000, Math.Max(1, Finite(drawing.FontSize, 11) / 11), 8);

        foreach (var entry in drawing.Legend.Take(MaxLegendEntries))
        {
            legendLabels.Add(CanvasText.CleanLine(entry.Label, MaxLabelChars));
            legendColors.Add(CanvasColor.Parse(entry.Color, CanvasColor.Gray));
        }

        if (drawing.Legend.Count > MaxLegendEntries)
        {
            legendLabels.Add(string.Create(CultureInfo.InvariantCulture, $"and {drawing.Legend.Count - MaxLegendEntries} more"));
            legendColors.Add(CanvasColor.White.WithAlpha(0));
        }

        legendWidth = legendLabels.Count == 0
            ? 0
            : (32 * k) + Math.Max(legendLabels.Max(label => CanvasText.Width(label, LegendSize)), CanvasText.Width("Legend", LegendSize, bold: true) - (22 * k)) + (12 * k);
        legendHeight = legendLabels.Count == 0 ? 0 : (10 * k) + (LegendSize * 1.6) + (legendLabels.Count * LegendSize * 1.6) + (6 * k);

        foreach (var finding in drawing.Findings.Take(MaxFindingRows))
        {
            var f = finding.Finding;
            var heading = string.Create(CultureInfo.InvariantCulture, $"#{finding.Number} {f.Severity} {CanvasText.CleanLine(f.Kind, 40)} ({f.Score:0.00})");
            var note = finding.NotDrawn is not null ? "not drawn: " + finding.NotDrawn : finding.OnGroup ? "drawn on the group it was folded into" : null;
            findingRows.Add(new FindingRow(
                CanvasColor.Parse(finding.Color, CanvasColor.Gray).WithAlpha(finding.NotDrawn is null ? (byte)255 : (byte)90),
                CanvasText.CleanLine(heading, MaxFindingChars),
                CanvasText.CleanLine(finding.Between, MaxFindingChars),
                note is null ? null : CanvasText.CleanLine(note, MaxFindingChars),
                CanvasText.CleanLine(f.Reason, 400)));
        }

        if (drawing.Findings.Count > MaxFindingRows)
        {
            findingRows.Add(new FindingRow(CanvasColor.White.WithAlpha(0), string.Create(CultureInfo.InvariantCulture, $"and {drawing.Findings.Count - MaxFindingRows} more"), "", null, ""));
        }

        graphTop = Margin + TitleSize + (8 * k) + SubtitleSize + (18 * k);
        findingsTop = graphTop + (legendHeight > 0 ? legendHeight + (16 * k) : 0);
        findingsWidth = findingRows.Count == 0
            ? 0
            : (32 * k) + findingRows.Max(row => Math.Max(CanvasText.Width(row.Heading, LegendSize, bold: true), Math.Max(CanvasText.Width(row.Between, DetailSize), row.Note is null ? 0 : CanvasText.Width(row.Note, DetailSize)))) + (12 * k);
        findingsHeight = findingRows.Count == 0 ? 0 : (10 * k) + (LegendSize * 1.6) + findingRows.Sum(RowHeight) + (6 * k);

        foreach (var attribution in drawing.Attributions)
        {
            attributions.Add(CanvasText.CleanLine(attribution, 200));
        }

        summary = Summary(drawing);
        if (HiddenNodeLabels > 0)
        {
            summary += string.Create(CultureInfo.InvariantCulture, $"; {HiddenNodeLabels:N0} crowded {(HiddenNodeLabels == 1 ? "label" : "labels")} left out");
        }
        offsetX = Margin - bounds.MinX;
        offsetY = graphTop - bounds.MinY;
        var sideWidth = Math.Max(legendWidth, findingsWidth);
        legendX = Margin + graphWidth + (sideWidth > 0 ? 28 * k : 0);

        var contentWidth = legendX + sideWidth + Margin;
        var textWidth = Math.Max(
            CanvasText.Width(summary, SubtitleSize),
            attributions.Count == 0 ? 0 : attributions.Max(line => CanvasText.Width(line, AttributionSize)));
        var titleRoom = Math.Max(contentWidth - (2 * Margin), Math.Max(textWidth, 640 * k));
        title = CanvasText.Fit(CanvasText.CleanLine(drawing.Title, 400), TitleSize, titleRoom, bold: true);

        Width = Math.Ceiling(Math.Max(contentWidth, Math.Max(CanvasText.Width(title, TitleSize, bold: true), textWidth) + (2 * Margin)));
        var bottom = graphTop + Math.Max(graphHeight, findingRows.Count > 0 ? findingsTop - graphTop + findingsHeight : legendHeight);
        Height = Math.Ceiling(bottom + (attributions.Count > 0 ? (20 * k) + (attributions.Count * AttributionSize * 1.4) : 0) + Margin);
    }

    private double Margin => 24 * k;
    private double TitleSize => 18 * k;
    private double SubtitleSize => 11.5 * k;
    private double LegendSize => 11.5 * k;
    private double AttributionSize => 10 * k;
    private double DetailSize => 10.5 * k;

    private double RowHeight(FindingRow row) => (LegendSize * 1.5) + (DetailSize * 1.35 * (row.Note is null ? 1 : 2)) + (4 * k);

    // Node labels follow the metrics the layout reserved room for (GraphDrawing.FontSize, LineHeight, LabelGap).
    private double NodeLabelSize => drawing.FontSize;
    private double NodeDetailSize => drawing.FontSize * 10 / 11;
    private double NodeLineHeight => drawing.LineHeight;
    private double LabelGap => drawing.LabelGap;
    private double EdgeLabelSize => drawing.EdgeFontSize;

    /// <summary>The page width in drawing units, title, legend and margins included.</summary>
    public double Width { get; }

    public double Height { get; }

    /// <summary>How many edge labels did not fit without covering other text or a node, and were left out.</summary>
    public int HiddenEdgeLabels => edges.Count(edge => edge.LabelLines.Length > 0 && edge.LabelBox is null);

    /// <summary>How many node labels did not fit even as the address alone, and were left out.</summary>
    public int HiddenNodeLabels => nodes.Count(node => node.Lines.Length > 0 && node.LabelBox is null);

    public void Paint(IGraphCanvas canvas, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        canvas.Begin(Width, Height, CanvasColor.White, title);

        canvas.BeginGroup("title", null);
        canvas.DrawText(new CanvasPoint(Margin, Margin + TitleSize), title, TitleSize, TextAnchor.Start, TitleColor, bold: true, halo: null);
        canvas.DrawText(new CanvasPoint(Margin, Margin + TitleSize + (8 * k) + SubtitleSize), summary, SubtitleSize, TextAnchor.Start, SubtitleColor, bold: false, halo: null);
        canvas.EndGroup();

        canvas.BeginGroup("edges", null);
        for (var i = 0; i < edges.Count; i++)
        {
            Checkpoint(i, cancellation);
            if (edges[i].Source.Findings.Count == 0)
            {
                PaintEdge(canvas, edges[i]);
            }
        }

        // A finding's edges go on top of the rest, so no grey line hides them.
        for (var i = 0; i < edges.Count; i++)
        {
            Checkpoint(i, cancellation);
            if (edges[i].Source.Findings.Count > 0)
            {
                PaintEdge(canvas, edges[i]);
            }
        }

        canvas.EndGroup();

        canvas.BeginGroup("nodes", null);
        for (var i = 0; i < nodes.Count; i++)
        {
            Checkpoint(i, cancellation);
            var node = nodes[i];
            var inFinding = node.Source.Findings.Count > 0;
            canvas.BeginGroup(inFinding ? "node finding" : node.Source.KeyHost is null ? "node" : "node key-host",
                canvas.ShowsTooltips ? CanvasDetails.Tooltip(CanvasDetails.ForNode(node.Source, drawing)) : null);
            canvas.DrawCircle(Shift(node.Center), node.Radius, node.Fill, node.Stroke, inFinding ? 3 : node.IsGroup ? 1.6 : 1.3, dashed: node.IsGroup);
            if (node.Source.KeyHost is not null)
            {
                // A second ring, as Graphviz's peripheries=2: the key hosts the user asked to see.
                canvas.DrawCircle(Shift(node.Center), node.Radius + 3, CanvasColor.White.WithAlpha(0), new CanvasColor(0x22, 0x22, 0x22), 1.2, dashed: false);
            }

            canvas.EndGroup();
        }

        canvas.EndGroup();

        canvas.BeginGroup("labels", null);
        for (var i = 0; i < edges.Count; i++)
        {
            Checkpoint(i, cancellation);
            PaintEdgeLabel(canvas, edges[i]);
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            Checkpoint(i, cancellation);
            PaintNodeLabel(canvas, nodes[i]);
        }

        canvas.EndGroup();

        if (nodes.Count == 0)
        {
            canvas.DrawText(new CanvasPoint(Margin + (graphWidth / 2), graphTop + (graphHeight / 2)), "No traffic to draw", 14 * k, TextAnchor.Middle, SubtitleColor, bold: false, halo: null);
        }

        PaintLegend(canvas);
        PaintFindings(canvas);
        PaintAttributions(canvas);
        canvas.End();
    }

    private static void Checkpoint(int index, CancellationToken cancellation)
    {
        if (index % CancellationStride == 0)
        {
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>"12 nodes, 30 edges; 400 light nodes folded into 9 groups; 1,200 light edges (3.4 MB) not drawn; 2 findings".</summary>
    internal static string Summary(GraphDrawing drawing)
    {
        int nodeCount = drawing.Nodes.Count, edgeCount = drawing.Edges.Count, folded = drawing.FoldedNodes;
        var text = string.Create(CultureInfo.InvariantCulture, $"{nodeCount:N0} {(nodeCount == 1 ? "node" : "nodes")}, {edgeCount:N0} {(edgeCount == 1 ? "edge" : "edges")}");
        if (folded > 0)
        {
            int groups = drawing.Nodes.Count(node => node.Node is null);
            text += string.Create(CultureInfo.InvariantCulture, $"; {folded:N0} light {(folded == 1 ? "node" : "nodes")} folded into {groups:N0} {(groups == 1 ? "group" : "groups")}");
        }

        if (drawing.HiddenEdges > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; {drawing.HiddenEdges:N0} light {(drawing.HiddenEdges == 1 ? "edge" : "edges")} ({Units.Bytes(drawing.HiddenEdgeBytes)}) not drawn");
        }

        if (drawing.Findings.Count > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; {drawing.Findings.Count:N0} {(drawing.Findings.Count == 1 ? "finding" : "findings")}");
        }

        return text;
    }

    private static double Finite(double value, double fallback = 0) => double.IsFinite(value) ? value : fallback;

    private CanvasPoint Shift(CanvasPoint point) => new(point.X + offsetX, point.Y + offsetY);

    private void PlaceNodes(CancellationToken cancellation)
    {
        foreach (var drawn in drawing.Nodes)
        {
            Checkpoint(nodes.Count, cancellation);
            var lines = drawn.LabelLines
                .Take((int)MaxNodeLabelLines)
                .Select(line => CanvasText.CleanLine(line, MaxLabelChars))
                .Where(line => line.Length > 0)
                .ToArray();
            nodes.Add(new PlacedNode(
                drawn,
                new CanvasPoint(Finite(drawn.X), Finite(drawn.Y)),
                Math.Clamp(Finite(drawn.Radius, 6), 1.5, 500),
                CanvasColor.Parse(drawn.FillColor, DefaultNodeFill),
                CanvasColor.Parse(drawn.StrokeColor, DefaultNodeStroke),
                lines,
                drawn.Node is null));
        }
    }

    private void PlaceEdges(CancellationToken cancellation)
    {
        var byId = new Dictionary<string, PlacedNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byId.TryAdd(node.Source.Id, node);
        }

        var pairs = new HashSet<(string, string)>();
        foreach (var edge in drawing.Edges)
        {
            pairs.Add((edge.Source, edge.Destination));
        }

        // Lines get lighter as they get more numerous, so a dense hub reads as a fan rather than a grey blot.
        var edgeOpacity = drawing.Edges.Count <= 50 ? 0.85 : Math.Max(0.45, 0.85 - (0.1 * Math.Log2(drawing.Edges.Count / 50.0)));
        foreach (var drawn in drawing.Edges)
        {
            Checkpoint(edges.Count, cancellation);
            if (!byId.TryGetValue(drawn.Source, out var from) || !byId.TryGetValue(drawn.Destination, out var to))
            {
                continue;
            }

            var width = Math.Clamp(Finite(drawn.Width, 1), 0.4, 24);
            var color = CanvasColor.Parse(drawn.Color, DefaultEdge);
            if (drawn.Findings.Count == 0)
            {
                color = color.WithAlpha((byte)Math.Round(color.A * edgeOpacity));
            }
            var labelLines = drawn.Label is null
                ? []
                : drawn.Label.Split('\n').Take(3).Select(line => CanvasText.CleanLine(line, MaxLabelChars)).Where(line => line.Length > 0).ToArray();
            var arrowLength = Math.Min(6 + (1.6 * width), 18);
            var arrowHalf = Math.Min(3 + (0.9 * width), 10);

            PlacedEdge placed;
            if (ReferenceEquals(from, to))
            {
                placed = Loop(drawn, from, width, color, labelLines, arrowLength, arrowHalf);
            }
            else
            {
                var between = to.Center - from.Center;
                var length = between.Length;
                var room = length - from.Radius - to.Radius;
                if (room <= 1)
                {
                    // The nodes touch or overlap: no line to draw, but the edge keeps its tooltip and label.
                    var middle = (from.Center + to.Center) * 0.5;
                    placed = new PlacedEdge(drawn, middle, middle, middle, [], width, color, labelLines, middle, Rect.AroundCircle(middle, 0));
                }
                else
                {
                    var scale = Math.Min(1, room / (arrowLength * 2.5));
                    arrowLength *= scale;
                    arrowHalf *= scale;
                    var bend = pairs.Contains((drawn.Destination, drawn.Source)) ? Math.Min(0.2 * length, 60) : 0;
                    var normal = new CanvasPoint(-between.Y / length, between.X / length);
                    var control = ((from.Center + to.Center) * 0.5) + (normal * bend);
                    var start = from.Center + ((control - from.Center).Unit() * from.Radius);
                    var direction = (to.Center - control).Unit();
                    var tip = to.Center - (direction * to.Radius);
                    var arrowBase = tip - (direction * arrowLength);
                    var side = new CanvasPoint(-direction.Y, direction.X) * arrowHalf;
                    if (bend == 0)
                    {
                        control = (start + arrowBase) * 0.5;
                    }

                    var labelAt = (start * 0.25) + (control * 0.5) + (tip * 0.25);
                    var extent = Rect.Of(start, tip).Union(Rect.Of(labelAt, labelAt));
                    placed = new PlacedEdge(drawn, start, control, arrowBase, [tip, arrowBase + side, arrowBase - side], width, color, labelLines, labelAt, extent);
                }
            }

            edges.Add(placed);
        }
    }

    private PlacedEdge Loop(DrawnEdge drawn, PlacedNode node, double width, CanvasColor color, string[] labelLines, double arrowLength, double arrowHalf)
    {
        var center = node.Center;
        var r = node.Radius;
        var start = center + (new CanvasPoint(-Math.Sqrt(0.5), -Math.Sqrt(0.5)) * r);
        var tip = center + (new CanvasPoint(Math.Sqrt(0.5), -Math.Sqrt(0.5)) * r);
        var control = center + new CanvasPoint(0, -(r + 56));
        var direction = (tip - control).Unit();
        var arrowBase = tip - (direction * arrowLength);
        var side = new CanvasPoint(-direction.Y, direction.X) * arrowHalf;
        // The label sits just above the loop, not over it.
        var labelHeight = (labelLines.Length * EdgeLabelSize * EdgeLineSpacing) + 2;
        var labelAt = (start * 0.25) + (control * 0.5) + (tip * 0.25) - new CanvasPoint(0, (labelHeight / 2) + 3);
        var extent = Rect.Of(start, tip).Union(Rect.Of(labelAt, labelAt));
        return new PlacedEdge(drawn, start, control, arrowBase, [tip, arrowBase + side, arrowBase - side], width, color, labelLines, labelAt, extent);
    }

    private void PlaceLabels(CancellationToken cancellation)
    {
        var taken = new RectIndex();
        foreach (var node in nodes)
        {
            taken.Add(Rect.AroundCircle(node.Center, node.Radius));
        }

        // A finding's hosts label first, then its edges, then the other nodes (biggest first), then the other edges
        // (heaviest first): where room is short, what the findings say is what stays.
        var nodeOrder = Enumerable.Range(0, nodes.Count).OrderByDescending(i => nodes[i].Radius).ThenBy(i => i).ToArray();
        var edgeOrder = Enumerable.Range(0, edges.Count).OrderByDescending(i => edges[i].Source.Bytes).ThenBy(i => i).ToArray();
        var step = 0;
        foreach (var i in nodeOrder.Where(i => nodes[i].Source.Findings.Count > 0))
        {
            Checkpoint(step++, cancellation);
            PlaceNodeLabel(nodes[i], taken);
        }

        foreach (var i in edgeOrder.Where(i => edges[i].Source.Findings.Count > 0))
        {
            Checkpoint(step++, cancellation);
            PlaceEdgeLabel(edges[i], taken);
        }

        foreach (var i in nodeOrder.Where(i => nodes[i].Source.Findings.Count == 0))
        {
            Checkpoint(step++, cancellation);
            PlaceNodeLabel(nodes[i], taken);
        }

        foreach (var i in edgeOrder.Where(i => edges[i].Source.Findings.Count == 0))
        {
            Checkpoint(step++, cancellation);
            PlaceEdgeLabel(edges[i], taken);
        }
    }

    private void PlaceNodeLabel(PlacedNode node, RectIndex taken)
    {
        if (node.Lines.Length == 0)
        {
            return;
        }

        // The whole label where it fits, else the address alone, else none: overlapping text helps nobody
        // (the SVG tooltip still has it all).
        var own = Rect.AroundCircle(node.Center, node.Radius);
        foreach (var lines in node.Lines.Length > 1 ? new[] { node.Lines, node.Lines[..1] } : [node.Lines])
        {
            var free = Candidates(node, lines).Where(candidate => !taken.Overlaps(candidate, except: own)).Take(1).ToArray();
            if (free.Length == 1)
            {
                node.ShownLines = lines;
                node.LabelBox = free[0];
                taken.Add(free[0]);
                return;
            }
        }
    }

    /// <summary>On the line, else just beside it on either side (short edges have no room between their nodes); an edge label that would cover a node or other text is left out.</summary>
    private void PlaceEdgeLabel(PlacedEdge edge, RectIndex taken)
    {
        if (edge.LabelLines.Length == 0)
        {
            return;
        }

        var width = edge.LabelLines.Max(line => CanvasText.Width(line, EdgeLabelSize)) + 4;
        var height = (edge.LabelLines.Length * EdgeLabelSize * EdgeLineSpacing) + 2;
        var along = (edge.End - edge.Start).Unit();
        var normal = along == default ? new CanvasPoint(0, -1) : new CanvasPoint(-along.Y, along.X);
        var step = (Math.Abs(normal.X) * width / 2) + (Math.Abs(normal.Y) * height / 2) + 3;
        foreach (var shift in new[] { 0, step, -step, 2 * step, -2 * step })
        {
            var at = edge.LabelAt + (normal * shift);
            var box = new Rect(at.X - (width / 2), at.Y - (height / 2), width, height);
            if (!taken.Overlaps(box, except: null))
            {
                edge.LabelBox = box;
                taken.Add(box);
                return;
            }
        }
    }

    private Rect[] Candidates(PlacedNode node, string[] lines)
    {
        var width = lines.Select((line, i) => CanvasText.Width(line, i == 0 ? NodeLabelSize : NodeDetailSize)).Max();
        var height = lines.Length * NodeLineHeight;
        var (x, y, r) = (node.Center.X, node.Center.Y, node.Radius);
        return
        [
            new(x - (width / 2), y + r + LabelGap, width, height),
            new(x - (width / 2), y - r - LabelGap - height, width, height),
            new(x + r + LabelGap + 2, y - (height / 2), width, height),
            new(x - r - LabelGap - 2 - width, y - (height / 2), width, height),
        ];
    }

    private void PaintEdge(IGraphCanvas canvas, PlacedEdge edge)
    {
        canvas.BeginGroup(edge.Source.Findings.Count > 0 ? "edge finding" : "edge", canvas.ShowsTooltips ? CanvasDetails.Tooltip(CanvasDetails.ForEdge(edge.Source, drawing)) : null);
        if (edge.Arrow.Length > 0)
        {
            canvas.DrawCurve(Shift(edge.Start), Shift(edge.Control), Shift(edge.End), edge.Width, edge.Color);
            canvas.FillPolygon(edge.Arrow.Select(Shift).ToArray(), edge.Color);
        }

        canvas.EndGroup();
    }

    private void PaintEdgeLabel(IGraphCanvas canvas, PlacedEdge edge)
    {
        if (edge.LabelBox is not { } box)
        {
            return;
        }

        var x = box.X + offsetX;
        var y = box.Y + offsetY;
        canvas.DrawRect(x, y, box.Width, box.Height, 2, LabelBackground, null, 0);
        for (var i = 0; i < edge.LabelLines.Length; i++)
        {
            var lineHeight = EdgeLabelSize * EdgeLineSpacing;
            var baseline = y + 1 + (lineHeight * i) + (lineHeight / 2) + (0.365 * EdgeLabelSize);
            canvas.DrawText(new CanvasPoint(x + (box.Width / 2), baseline), edge.LabelLines[i], EdgeLabelSize, TextAnchor.Middle, EdgeLabelColor, bold: false, halo: null);
        }
    }

    private void PaintNodeLabel(IGraphCanvas canvas, PlacedNode node)
    {
        if (node.LabelBox is not { } box)
        {
            return;
        }

        var anchor = TextAnchor.Middle;
        var x = box.X + offsetX + (box.Width / 2);
        if (box.X >= node.Center.X + node.Radius)
        {
            anchor = TextAnchor.Start;
            x = box.X + offsetX;
        }
        else if (box.X + box.Width <= node.Center.X - node.Radius)
        {
            anchor = TextAnchor.End;
            x = box.X + offsetX + box.Width;
        }

        for (var i = 0; i < node.ShownLines.Length; i++)
        {
            // Each line centred in its LineHeight slot of the box the layout reserved.
            var size = i == 0 ? NodeLabelSize : NodeDetailSize;
            var baseline = box.Y + offsetY + (i * NodeLineHeight) + (NodeLineHeight / 2) + (0.365 * size);
            canvas.DrawText(new CanvasPoint(x, baseline), node.ShownLines[i], size, anchor, i == 0 ? LabelColor : DetailColor, bold: false, halo: Halo);
        }
    }

    private void PaintLegend(IGraphCanvas canvas)
    {
        if (legendLabels.Count == 0)
        {
            return;
        }

        canvas.BeginGroup("legend", null);
        canvas.DrawRect(legendX, graphTop, legendWidth, legendHeight, 4 * k, CanvasColor.White, LegendBorder, k);
        var rowHeight = LegendSize * 1.6;
        canvas.DrawText(new CanvasPoint(legendX + (10 * k), graphTop + (10 * k) + LegendSize), "Legend", LegendSize, TextAnchor.Start, TitleColor, bold: true, halo: null);
        for (var i = 0; i < legendLabels.Count; i++)
        {
            var rowTop = graphTop + (10 * k) + rowHeight + (i * rowHeight);
            if (legendColors[i].A > 0)
            {
                canvas.DrawCircle(new CanvasPoint(legendX + (17 * k), rowTop + (rowHeight / 2)), 6 * k, legendColors[i], new CanvasColor(0x55, 0x55, 0x55), 0.8 * k, dashed: false);
            }

            canvas.DrawText(new CanvasPoint(legendX + (32 * k), rowTop + (rowHeight / 2) + (LegendSize * 0.36)), legendLabels[i], LegendSize, TextAnchor.Start, LabelColor, bold: false, halo: null);
        }

        canvas.EndGroup();
    }

    /// <summary>The findings panel, below the legend beside the graph (never over it): number, severity, kind, hosts.</summary>
    private void PaintFindings(IGraphCanvas canvas)
    {
        if (findingRows.Count == 0)
        {
            return;
        }

        canvas.BeginGroup("findings", null);
        canvas.DrawRect(legendX, findingsTop, findingsWidth, findingsHeight, 4 * k, CanvasColor.White, LegendBorder, k);
        canvas.DrawText(new CanvasPoint(legendX + (10 * k), findingsTop + (10 * k) + LegendSize), "Findings", LegendSize, TextAnchor.Start, TitleColor, bold: true, halo: null);
        var top = findingsTop + (10 * k) + (LegendSize * 1.6);
        foreach (var row in findingRows)
        {
            canvas.BeginGroup("finding", canvas.ShowsTooltips && row.Reason.Length > 0 ? row.Reason : null);
            var baseline = top + (LegendSize * 1.1);
            if (row.Color.A > 0)
            {
                canvas.DrawCircle(new CanvasPoint(legendX + (17 * k), baseline - (LegendSize * 0.36)), 6 * k, row.Color, new CanvasColor(0x55, 0x55, 0x55), 0.8 * k, dashed: false);
            }

            canvas.DrawText(new CanvasPoint(legendX + (32 * k), baseline), row.Heading, LegendSize, TextAnchor.Start, LabelColor, bold: true, halo: null);
            if (row.Between.Length > 0)
            {
                baseline += DetailSize * 1.35;
                canvas.DrawText(new CanvasPoint(legendX + (32 * k), baseline), row.Between, DetailSize, TextAnchor.Start, DetailColor, bold: false, halo: null);
            }

            if (row.Note is not null)
            {
                baseline += DetailSize * 1.35;
                canvas.DrawText(new CanvasPoint(legendX + (32 * k), baseline), row.Note, DetailSize, TextAnchor.Start, SubtitleColor, bold: false, halo: null);
            }

            canvas.EndGroup();
            top += RowHeight(row);
        }

        canvas.EndGroup();
    }

    private sealed record FindingRow(CanvasColor Color, string Heading, string Between, string? Note, string Reason);

    private void PaintAttributions(IGraphCanvas canvas)
    {
        if (attributions.Count == 0)
        {
            return;
        }

        canvas.BeginGroup("attributions", null);
        var y = Height - Margin - ((attributions.Count - 1) * AttributionSize * 1.4);
        foreach (var line in attributions)
        {
            canvas.DrawText(new CanvasPoint(Margin, y), line, AttributionSize, TextAnchor.Start, SubtitleColor, bold: false, halo: null);
            y += AttributionSize * 1.4;
        }

        canvas.EndGroup();
    }

    private sealed class PlacedNode(DrawnNode source, CanvasPoint center, double radius, CanvasColor fill, CanvasColor stroke, string[] lines, bool isGroup)
    {
        public DrawnNode Source { get; } = source;
        public CanvasPoint Center { get; } = center;
        public double Radius { get; } = radius;
        public CanvasColor Fill { get; } = fill;
        public CanvasColor Stroke { get; } = stroke;
        public string[] Lines { get; } = lines;
        public bool IsGroup { get; } = isGroup;
        /// <summary>The label lines drawn: all, the first alone, or none where there was no room.</summary>
        public string[] ShownLines { get; set; } = [];
        public Rect? LabelBox { get; set; }
    }

    private sealed class PlacedEdge(
        DrawnEdge source, CanvasPoint start, CanvasPoint control, CanvasPoint end, CanvasPoint[] arrow,
        double width, CanvasColor color, string[] labelLines, CanvasPoint labelAt, Rect extent)
    {
        public DrawnEdge Source { get; } = source;
        public CanvasPoint Start { get; } = start;
        public CanvasPoint Control { get; } = control;
        /// <summary>Where the line ends: the base of the arrowhead.</summary>
        public CanvasPoint End { get; } = end;
        public CanvasPoint[] Arrow { get; } = arrow;
        public double Width { get; } = width;
        public CanvasColor Color { get; } = color;
        public string[] LabelLines { get; } = labelLines;
        public CanvasPoint LabelAt { get; } = labelAt;
        public Rect Extent { get; } = extent;
        public Rect? LabelBox { get; set; }
    }

    private readonly record struct Rect(double X, double Y, double Width, double Height)
    {
        public double Right => X + Width;
        public double Bottom => Y + Height;

        public static Rect AroundCircle(CanvasPoint center, double radius) => new(center.X - radius, center.Y - radius, 2 * radius, 2 * radius);

        public static Rect Of(CanvasPoint a, CanvasPoint b) =>
            new(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Abs(a.X - b.X), Math.Abs(a.Y - b.Y));

        public Rect Union(Rect other)
        {
            var x = Math.Min(X, other.X);
            var y = Math.Min(Y, other.Y);
            return new Rect(x, y, Math.Max(Right, other.Right) - x, Math.Max(Bottom, other.Bottom) - y);
        }

        public bool Intersects(Rect other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;
    }

    private readonly record struct Bounds(double MinX, double MinY, double MaxX, double MaxY)
    {
        public static readonly Bounds Empty = new(double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity);

        public bool IsEmpty => MinX > MaxX;

        public Bounds Union(Rect rect) =>
            new(Math.Min(MinX, rect.X), Math.Min(MinY, rect.Y), Math.Max(MaxX, rect.Right), Math.Max(MaxY, rect.Bottom));
    }

    /// <summary>Rectangles bucketed on a grid, so placing thousands of labels stays linear.</summary>
    private sealed class RectIndex
    {
        private const double Cell = 64;
        private readonly Dictionary<(long, long), List<Rect>> cells = [];

        public void Add(Rect rect)
        {
            foreach (var key in Keys(rect))
            {
                if (!cells.TryGetValue(key, out var list))
                {
                    cells[key] = list = [];
                }

                list.Add(rect);
            }
        }

        public bool Overlaps(Rect rect, Rect? except)
        {
            foreach (var key in Keys(rect))
            {
                if (cells.TryGetValue(key, out var list))
                {
                    foreach (var other in list)
                    {
                        if (other != except && other.Intersects(rect))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static IEnumerable<(long, long)> Keys(Rect rect)
        {
            var x0 = (long)Math.Floor(rect.X / Cell);
            var x1 = (long)Math.Floor(rect.Right / Cell);
            var y0 = (long)Math.Floor(rect.Y / Cell);
            var y1 = (long)Math.Floor(rect.Bottom / Cell);
            if ((x1 - x0 + 1) * (y1 - y0 + 1) > 4096)
            {
                // A huge rectangle (a giant node): index it coarsely by its corners and centre only.
                yield return (x0, y0);
                yield return (x1, y1);
                yield return ((x0 + x1) / 2, (y0 + y1) / 2);
                yield break;
            }

            for (var x = x0; x <= x1; x++)
            {
                for (var y = y0; y <= y1; y++)
                {
                    yield return (x, y);
                }
            }
        }
    }
}
