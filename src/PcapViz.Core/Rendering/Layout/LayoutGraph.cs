namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// What a layout needs to know about a graph: for each node the box it occupies around its anchor (the circle's
/// centre; the label hangs below it), and the undirected edges between nodes. Node order is the drawing's order and
/// decides every tie, so the same graph always lays out the same way.
/// </summary>
internal sealed class LayoutGraph
{
    private readonly HashSet<(int, int)> _seen = [];
    private readonly List<(int A, int B)> _edges = [];

    public LayoutGraph(int count)
    {
        Count = count;
        HalfWidth = new double[count];
        Above = new double[count];
        Below = new double[count];
    }

    public int Count { get; }

    /// <summary>How far the node's box reaches left and right of the anchor.</summary>
    public double[] HalfWidth { get; }

    /// <summary>How far the node's box reaches above the anchor (the circle's radius).</summary>
    public double[] Above { get; }

    /// <summary>How far the node's box reaches below the anchor (radius, gap and label lines).</summary>
    public double[] Below { get; }

    /// <summary>Distinct undirected edges (A &lt; B), in the order first added; self-loops are left out.</summary>
    public IReadOnlyList<(int A, int B)> Edges => _edges;

    public void SetBox(int node, double halfWidth, double above, double below)
    {
        HalfWidth[node] = halfWidth;
        Above[node] = above;
        Below[node] = below;
    }

    public void AddEdge(int a, int b)
    {
        if (a == b)
            return;
        var key = a < b ? (a, b) : (b, a);
        if (_seen.Add(key))
            _edges.Add(key);
    }
}

/// <summary>Anchor positions for every node, with every box inside [0, Width] x [0, Height].</summary>
internal sealed record LayoutResult(double[] X, double[] Y, double Width, double Height);
