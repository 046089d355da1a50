namespace PcapViz.Core.Rendering;

/// <summary>
/// A topology laid out and styled, ready for any writer: positions, sizes, colours and label text are decided once here,
/// so SVG, PNG, DOT, GraphML, JSON and HTML all show the same picture. Label text is raw capture data: every writer
/// escapes it for its own format.
/// </summary>
public sealed class GraphDrawing
{
    public required string Title { get; init; }
    public required int Layer { get; init; }
    public required IReadOnlyList<DrawnNode> Nodes { get; init; }
    public required IReadOnlyList<DrawnEdge> Edges { get; init; }
    public required IReadOnlyList<LegendEntry> Legend { get; init; }
    /// <summary>The extent of the layout in drawing units (pixels at scale 1); positions lie inside it.</summary>
    public required double Width { get; init; }
    public required double Height { get; init; }
    /// <summary>Credits every picture must carry, e.g. "IP Geolocation by DB-IP".</summary>
    public required IReadOnlyList<string> Attributions { get; init; }
    /// <summary>How many of the topology's nodes were folded into group nodes (0 when none were).</summary>
    public int FoldedNodes { get; init; }

    /// <summary>
    /// The findings given to the drawing, in score order, each with the drawn nodes and edges that show it or the
    /// reason it is not drawn. Nodes and edges name them by index in <see cref="DrawnNode.Findings"/> and
    /// <see cref="DrawnEdge.Findings"/>.
    /// </summary>
    public IReadOnlyList<DrawnFinding> Findings { get; init; } = [];

    /// <summary>"#1 Exfiltration (Critical, 0.92); #3 Beaconing (High, 0.70)": the findings at the given indexes, as data formats carry them.</summary>
    public string FindingsText(IReadOnlyList<int> indexes) =>
        string.Join("; ", indexes.Where(i => i >= 0 && i < Findings.Count).Select(i => Findings[i])
            .Select(f => f.Tag + " (" + f.Finding.Severity + ", " + f.Finding.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + ")"));

    /// <summary>The highest severity among the findings at the given indexes (they are in score order), or null.</summary>
    public string? SeverityOf(IReadOnlyList<int> indexes) =>
        indexes.Where(i => i >= 0 && i < Findings.Count).Select(i => Findings[i].Finding.Severity).FirstOrDefault();

    /// <summary>Light edges left out to keep the picture readable (<see cref="DrawingOptions.MaxEdges"/>), and their bytes.</summary>
    public int HiddenEdges { get; init; }
    public long HiddenEdgeBytes { get; init; }

    /// <summary>The measure node sizes follow: "Traffic" (bytes sent and received), or a key-host centrality.</summary>
    public string SizeBy { get; init; } = nameof(NodeSizeMeasure.Traffic);

    /// <summary>
    /// Font size of node labels in drawing units. A node's label lines are centred under its circle: the first line's top
    /// lies <see cref="LabelGap"/> below the circle and the lines are <see cref="LineHeight"/> apart. The layout reserved
    /// exactly that box (text width measured with DejaVu Sans advance widths), so labels drawn that way do not overlap.
    /// </summary>
    public double FontSize { get; init; } = 11;

    /// <summary>Distance between the baselines of consecutive node label lines.</summary>
    public double LineHeight => FontSize * Layout.DrawingStyle.LineHeightEm;

    /// <summary>Space between the bottom of a node's circle and the top of its first label line.</summary>
    public double LabelGap => FontSize * Layout.DrawingStyle.LabelGapEm;

    /// <summary>Font size of edge labels, drawn at the middle of the edge.</summary>
    public double EdgeFontSize { get; init; } = 9;
}

/// <summary>A node as drawn. <see cref="Node"/> is null for a group that folds several light nodes.</summary>
public sealed record DrawnNode(
    string Id,
    IReadOnlyList<string> LabelLines,
    double X,
    double Y,
    double Radius,
    string FillColor,
    string StrokeColor,
    PcapNode? Node,
    int FoldedCount)
{
    /// <summary>The topology nodes a group stands for (empty for a node that is not a group).</summary>
    public IReadOnlyList<PcapNode> Members { get; init; } = [];

    /// <summary>Indexes into <see cref="GraphDrawing.Findings"/> of the findings this node (or a member) takes part in.</summary>
    public IReadOnlyList<int> Findings { get; init; } = [];

    /// <summary>Set on the top hosts by <see cref="GraphDrawing.SizeBy"/> when <see cref="DrawingOptions.MarkKeyHosts"/> asks.</summary>
    public KeyHostMark? KeyHost { get; init; }

    /// <summary>The value of <see cref="GraphDrawing.SizeBy"/> the radius was scaled from (a group: its members' total).</summary>
    public double SizeValue { get; init; }

    // A node's traffic, or a group's: its members' sums. Every writer shows these, so they are worked out here.
    public long PacketsSent => Node?.PacketsSent ?? Members.Sum(m => m.PacketsSent);
    public long PacketsReceived => Node?.PacketsReceived ?? Members.Sum(m => m.PacketsReceived);
    public long BytesSent => Node?.BytesSent ?? Members.Sum(m => m.BytesSent);
    public long BytesReceived => Node?.BytesReceived ?? Members.Sum(m => m.BytesReceived);
}

/// <summary>A key host's place by the drawing's size measure: Rank 1 is the highest Score.</summary>
public sealed record KeyHostMark(int Rank, string By, double Score);

/// <summary>
/// A finding as the drawing shows it: its number (1 is the highest score), its colour (by severity), the drawn nodes
/// that stand for its source and destination (a group where the host was folded), and, when nothing of it could be
/// drawn, why (<see cref="NotDrawn"/>). The finding's text is capture data: writers escape it.
/// </summary>
public sealed record DrawnFinding(int Number, PcapFinding Finding, string Color, string? SourceNode, string? DestinationNode, int Edges)
{
    /// <summary>Null when the finding is drawn; else the reason it is not (listed, never dropped).</summary>
    public string? NotDrawn { get; init; }

    /// <summary>True when an end of the finding is drawn as the group it was folded into.</summary>
    public bool OnGroup { get; init; }

    /// <summary>"#1 Exfiltration", the text on the finding's edge or node.</summary>
    public string Tag => "#" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Finding.Kind;

    /// <summary>"10.0.0.5 → 203.0.113.9:443", or the source alone (with the domain for DNS findings).</summary>
    public string Between =>
        (Finding.Destination is null ? Finding.Source : Finding.Source + " → " + Finding.Destination)
        + (Finding.Domain is null ? "" : " (" + Finding.Domain + ")");
}

/// <summary>An edge as drawn; <see cref="Label"/> is null when edge labels are off.</summary>
public sealed record DrawnEdge(
    string Source,
    string Destination,
    double Width,
    string Color,
    string? Label,
    long Packets,
    long Bytes,
    IReadOnlyList<string> Protocols,
    /// <summary>The topology edges this drawn edge stands for (more than one where nodes were folded).</summary>
    IReadOnlyList<PcapEdge> Edges)
{
    /// <summary>Indexes into <see cref="GraphDrawing.Findings"/> of the findings this edge shows.</summary>
    public IReadOnlyList<int> Findings { get; init; } = [];

    /// <summary>The first and last packet of the conversations this edge stands for; null when it stands for none.</summary>
    public DateTimeOffset? FirstSeen => Edges.Count == 0 ? null : Edges.Min(e => e.FirstSeen);
    public DateTimeOffset? LastSeen => Edges.Count == 0 ? null : Edges.Max(e => e.LastSeen);
}

public sealed record LegendEntry(string Color, string Label);

public enum EdgeLabelMode
{
    None,
    Bytes,
    Protocols,
    All,
    /// <summary>Exact bytes and packets, as PcapViz's Graphviz pictures print them, with the protocols.</summary>
    Exact,
}

/// <summary>What a node's size shows.</summary>
public enum NodeSizeMeasure
{
    /// <summary>Bytes sent and received.</summary>
    Traffic,
    Degree,
    Betweenness,
    PageRank,
    CoreNumber,
}

/// <summary>How nodes are placed.</summary>
public enum GraphLayout
{
    /// <summary>Force-directed: connected hosts close together.</summary>
    Force,
    /// <summary>
    /// For incident response: internal hosts in the middle, one cluster per subnet; external hosts on a ring around
    /// them, side by side by country and AS; light edges thinned so the heavy and the suspicious stand out.
    /// </summary>
    Responder,
}

public enum LayoutEngine
{
    /// <summary>Our own force-directed layout: no external tool.</summary>
    Default,
    /// <summary>Graphviz, when it is installed.</summary>
    Graphviz,
}

public enum GraphFormat
{
    Svg,
    Png,
    Dot,
    GraphMl,
    Json,
    Html,
    /// <summary>The SVG's picture as a one-page vector PDF, for reports.</summary>
    Pdf,
}

public sealed class DrawingOptions
{
    public EdgeLabelMode EdgeLabel { get; init; } = EdgeLabelMode.All;
    /// <summary>Above this many nodes the lightest fold into groups; 0 turns folding off.</summary>
    public int MaxNodes { get; init; } = 500;
    public LayoutEngine LayoutEngine { get; init; } = LayoutEngine.Default;
    /// <summary>sfdp, dot, neato or fdp, with <see cref="LayoutEngine.Graphviz"/>.</summary>
    public string GraphvizLayout { get; init; } = "sfdp";
    /// <summary>
    /// Above this many drawn edges the lightest are left out (the findings' edges never); 0 draws every edge. A browser
    /// opens an SVG of 2,000 edges at once; of 60,000, not in minutes.
    /// </summary>
    public int MaxEdges { get; init; } = 2000;
    public GraphLayout Layout { get; init; } = GraphLayout.Force;
    /// <summary>Findings to draw: their hosts kept out of folding, their edges and hosts in a colour by severity, the rest faded.</summary>
    public IReadOnlyList<PcapFinding> Findings { get; init; } = [];
    public NodeSizeMeasure SizeBy { get; init; } = NodeSizeMeasure.Traffic;
    /// <summary>How many of the top hosts by <see cref="SizeBy"/> are marked with their rank (and kept out of folding).</summary>
    public int MarkKeyHosts { get; init; }
    /// <summary>Overrides the generated title (layer and capture names).</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The credits for the data shown (e.g. <c>GeoLocator.Attributions</c> when a MaxMind database was used); null
    /// credits DB-IP, whose database is built in, whenever any node has a country.
    /// </summary>
    public IReadOnlyList<string>? Attributions { get; init; }
}

/// <summary>Writes a drawing in one format. Implementations escape every label for their format.</summary>
public interface IGraphWriter
{
    GraphFormat Format { get; }

    void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation);
}
