using System.Diagnostics;
using System.Text.Json;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;
using PcapViz.Core.Rendering.Writers;
using Xunit.Abstractions;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>The default layout (force-directed, overlap-free, packed, deterministic) and the Graphviz engine.</summary>
public sealed class LayoutTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void Same_topology_lays_out_to_identical_positions(string capture, int layer)
    {
        var topology = Corpus(capture, layer);

        var first = GraphDrawingBuilder.Build(topology, new DrawingOptions());
        var second = GraphDrawingBuilder.Build(topology, new DrawingOptions());

        Assert.Equal(first.Nodes.Select(n => (n.Id, n.X, n.Y)), second.Nodes.Select(n => (n.Id, n.X, n.Y)));
        Assert.Equal(first.Width, second.Width);
        Assert.Equal(first.Height, second.Height);
    }

    [Fact]
    public void Input_order_does_not_change_the_drawing()
    {
        var topology = Corpus("shared_many_hosts_srvloc_310ips.pcap", 3);
        var shuffled = new PcapTopology
        {
            Layer = topology.Layer,
            Nodes = topology.Nodes.Reverse().ToArray(),
            Edges = topology.Edges.Reverse().ToArray(),
            Captures = topology.Captures,
        };

        var a = GraphDrawingBuilder.Build(topology, new DrawingOptions());
        var b = GraphDrawingBuilder.Build(shuffled, new DrawingOptions());

        Assert.Equal(a.Nodes.Select(n => (n.Id, n.X, n.Y)), b.Nodes.Select(n => (n.Id, n.X, n.Y)));
        Assert.Equal(a.Edges.Select(e => (e.Source, e.Destination, e.Bytes)), b.Edges.Select(e => (e.Source, e.Destination, e.Bytes)));
    }

    [Theory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void No_two_nodes_or_labels_overlap_and_all_lie_inside_the_drawing(string capture, int layer)
    {
        var drawing = GraphDrawingBuilder.Build(Corpus(capture, layer), new DrawingOptions());

        AssertNoOverlap(drawing);
    }

    [Fact]
    public void Big_graphs_of_many_components_pack_into_a_landscape_drawing()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_eth_tls_v4v6_167ips.pcap", 4), new DrawingOptions());

        double aspect = drawing.Width / drawing.Height;
        output.WriteLine($"{drawing.Nodes.Count} nodes, {drawing.Width} x {drawing.Height}");
        Assert.InRange(aspect, 0.8, 3.0);
    }

    [Fact]
    public void Connected_nodes_stay_closer_than_unconnected_ones_on_average()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_many_hosts_srvloc_310ips.pcap", 3), new DrawingOptions());
        var at = drawing.Nodes.ToDictionary(n => n.Id);
        double Distance(string a, string b) => Math.Sqrt(Math.Pow(at[a].X - at[b].X, 2) + Math.Pow(at[a].Y - at[b].Y, 2));

        double edgeMean = drawing.Edges.Where(e => e.Source != e.Destination).Average(e => Distance(e.Source, e.Destination));
        var ids = drawing.Nodes.Select(n => n.Id).ToArray();
        double allMean = Enumerable.Range(0, 2000).Select(i => Distance(ids[i * 7 % ids.Length], ids[i * 13 % ids.Length])).Average();

        Assert.True(edgeMean < allMean, $"edges average {edgeMean:F0}, random pairs {allMean:F0}");
    }

    [Fact]
    public void Overlap_removal_separates_boxes_stacked_on_one_point()
    {
        int n = 50;
        var x = new double[n];
        var y = new double[n];
        var hw = Enumerable.Repeat(30.0, n).ToArray();
        var above = Enumerable.Repeat(8.0, n).ToArray();
        var below = Enumerable.Repeat(30.0, n).ToArray();

        OverlapRemoval.Run(x, y, hw, above, below, 4, CancellationToken.None);

        Assert.False(OverlapRemoval.AnyOverlap(x, y, hw, above, below));
    }

    [Fact]
    public void Ten_thousand_node_layer_4_graph_lays_out_and_writes_dot_and_json()
    {
        var topology = SyntheticLayer4(10_000);
        var watch = Stopwatch.StartNew();

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 0, MaxEdges = 0 });
        var layoutTime = Ms(watch);
        watch.Restart();
        var dot = Write(new DotWriter(), drawing);
        var dotTime = Ms(watch);
        watch.Restart();
        var json = Write(new JsonWriter(), drawing);
        var jsonTime = Ms(watch);

        // Timings are reported, never asserted: machines differ.
        output.WriteLine($"10,000 nodes: layout {layoutTime}, DOT {dotTime} ({dot.Length:N0} bytes), JSON {jsonTime} ({json.Length:N0} bytes); drawing {drawing.Width} x {drawing.Height}");
        Assert.Equal(10_000, drawing.Nodes.Count);
        Assert.Equal(0, drawing.FoldedNodes);
        AssertNoOverlap(drawing);
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(10_000, parsed.RootElement.GetProperty("nodes").GetArrayLength());
        Assert.Equal(topology.Edges.Length, parsed.RootElement.GetProperty("edges").GetArrayLength());
        Assert.Equal(10_000, System.Text.Encoding.UTF8.GetString(dot).Split('\n').Count(l => l.Contains("pos=\"", StringComparison.Ordinal)));
    }

    [SkippableTheory]
    [InlineData("sfdp")]
    [InlineData("dot")]
    [InlineData("neato")]
    [InlineData("fdp")]
    public void Graphviz_engine_fills_the_same_drawing_without_overlaps(string program)
    {
        RequiredTool.Require(GraphvizLayout.Find(program) is not null, $"Graphviz ({program})", "this test lays the drawing out with that Graphviz engine.");
        var topology = Corpus("shared_eth_mixed_mpls_pwe_dns_http.pcap", 3);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { LayoutEngine = LayoutEngine.Graphviz, GraphvizLayout = program });
        var ours = GraphDrawingBuilder.Build(topology, new DrawingOptions());

        Assert.Equal(ours.Nodes.Select(n => (n.Id, n.FillColor, string.Join("|", n.LabelLines))), drawing.Nodes.Select(n => (n.Id, n.FillColor, string.Join("|", n.LabelLines))));
        Assert.Equal(ours.Edges.Count, drawing.Edges.Count);
        AssertNoOverlap(drawing);
        Assert.True(drawing.Nodes.Select(n => (n.X, n.Y)).Distinct().Count() == drawing.Nodes.Count);
    }

    [Fact]
    public void Missing_graphviz_says_it_is_not_installed_and_how_to_get_it()
    {
        var empty = Directory.CreateTempSubdirectory("pcapviz-no-graphviz");
        try
        {
            var graph = new LayoutGraph(2);
            graph.AddEdge(0, 1);

            var error = Assert.Throws<GraphvizNotFoundException>(() => GraphvizLayout.Run(graph, "sfdp", CancellationToken.None, [empty.FullName]));

            Assert.Equal("sfdp", error.Program);
            Assert.Contains("Graphviz is not installed", error.Message);
            Assert.Contains("apt-get install graphviz", error.Message);
            Assert.Contains("winget", error.Message);
            Assert.Contains("brew install graphviz", error.Message);
            // Core states the fact; the cmdlet's ErrorDetails say what to type (-LayoutEngine Default).
            Assert.Contains("own layout needs nothing installed", error.Message);
            Assert.DoesNotContain("-LayoutEngine", error.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void Unknown_graphviz_layout_is_refused()
    {
        var topology = Corpus("shared_eth_mixed_mpls_pwe_dns_http.pcap", 3);

        var error = Assert.Throws<ArgumentException>(() => GraphDrawingBuilder.Build(topology, new DrawingOptions { LayoutEngine = LayoutEngine.Graphviz, GraphvizLayout = "twopi; rm" }));
        Assert.Contains("sfdp", error.Message);
    }

    internal static void AssertNoOverlap(GraphDrawing drawing)
    {
        var (x, y, hw, above, below) = Boxes(drawing);
        Assert.False(OverlapRemoval.AnyOverlap(x, y, hw, above, below), "two node boxes (circle and label) overlap");
        // Circles alone, pairwise, for the plain reading of "nodes do not overlap" (small graphs only: quadratic).
        if (drawing.Nodes.Count <= 600)
        {
            for (int i = 0; i < drawing.Nodes.Count; i++)
            {
                for (int j = i + 1; j < drawing.Nodes.Count; j++)
                {
                    var a = drawing.Nodes[i];
                    var b = drawing.Nodes[j];
                    double d = Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));
                    Assert.True(d >= a.Radius + b.Radius, $"{a.Id} and {b.Id} overlap");
                }
            }
        }
        for (int i = 0; i < x.Length; i++)
        {
            Assert.InRange(x[i] - hw[i], 0, drawing.Width);
            Assert.InRange(x[i] + hw[i], 0, drawing.Width);
            Assert.InRange(y[i] - above[i], 0, drawing.Height);
            Assert.InRange(y[i] + below[i], 0, drawing.Height);
        }
    }
}
