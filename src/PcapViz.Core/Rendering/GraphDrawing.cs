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
    /// Font size of node labels in drawing units. A node's label lines are centred under its circle: the first line's top
    /// lies <see cref="LabelGap"/> below the circle and the lines are <see cref="LineHeight"/> apart. The layout reserved
    /// exactly that box (text width measured with DejaVu Sans advance widths), so labels drawn that way do not overlap.
    /// </summary>
    public double FontSize { get; init; } = 11;

    /// <summary>Distance between the baselines of consecutive node label lines.</summary>
    public double LineHeight => FontSize * 1.25;

    /// <summary>Space between the bottom of a node's circle and the top of its first label line.</summary>
    public double LabelGap => FontSize * 0.25;

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
    IReadOnlyList<PcapEdge> Edges);

public sealed record LegendEntry(string Color, string Label);

public enum EdgeLabelMode
{
    None,
    Bytes,
    Protocols,
    All,
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
}

public sealed class DrawingOptions
{
    public EdgeLabelMode EdgeLabel { get; init; } = EdgeLabelMode.All;
    /// <summary>Above this many nodes the lightest fold into groups; 0 turns folding off.</summary>
    public int MaxNodes { get; init; } = 500;
    public LayoutEngine LayoutEngine { get; init; } = LayoutEngine.Default;
    /// <summary>sfdp, dot, neato or fdp, with <see cref="LayoutEngine.Graphviz"/>.</summary>
    public string GraphvizLayout { get; init; } = "sfdp";
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
