using System.Globalization;
using System.Text;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>DOT that Graphviz reads, with our positions, labels and styling, and every string escaped.</summary>
public sealed class DotWriterTests
{
    private const string NoGraphviz = "this test has Graphviz read the DOT we write.";

    [SkippableTheory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void Dot_parses_and_renders_with_graphviz(string capture, int layer)
    {
        var drawing = GraphDrawingBuilder.Build(Corpus(capture, layer), new DrawingOptions());
        var dot = Write(new DotWriter(), drawing);

        var result = Graphviz("dot", dot, "-Tsvg");
        RequiredTool.Require(result is not null, "Graphviz (dot)", NoGraphviz);
        Assert.True(result.Value.ExitCode == 0, result.Value.Errors);
        Assert.Contains("<svg", result.Value.Output);
    }

    [SkippableFact]
    public void Graphviz_keeps_our_positions_and_draws_every_node_and_edge()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_eth_mixed_mpls_pwe_dns_http.pcap", 3), new DrawingOptions());
        var dot = Write(new DotWriter(), drawing);

        var result = Graphviz("dot", dot, "-Tplain");
        RequiredTool.Require(result is not null, "Graphviz (dot)", NoGraphviz);
        Assert.True(result.Value.ExitCode == 0, result.Value.Errors);
        var nodes = PlainNodes(result.Value.Output);
        Assert.Equal(drawing.Nodes.Count, nodes.Count);
        Assert.Equal(drawing.Edges.Count, result.Value.Output.Split('\n').Count(l => l.StartsWith("edge ", StringComparison.Ordinal)));
        // Graphviz moves the whole drawing to its own origin (and flips y up); distances between nodes stay ours.
        var first = drawing.Nodes[0];
        var (x0, y0) = nodes[first.Id];
        foreach (var node in drawing.Nodes)
        {
            var (x, y) = nodes[node.Id];
            Assert.Equal(node.X - first.X, (x - x0) * 72, 0);
            Assert.Equal(first.Y - node.Y, (y - y0) * 72, 0);
        }
    }

    [Fact]
    public void Dot_carries_labels_colours_sizes_and_widths_as_graphviz_attributes()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_eth_tls_v4v6_167ips.pcap", 3), new DrawingOptions());
        var text = Encoding.UTF8.GetString(Write(new DotWriter(), drawing));

        var node = drawing.Nodes.First(n => n.LabelLines.Count == 3);
        var line = text.Split('\n').Single(l => l.TrimStart().StartsWith("\"" + node.Id + "\" [", StringComparison.Ordinal));
        Assert.Contains("xlabel=\"" + string.Join("\\n", node.LabelLines) + "\"", line);
        Assert.Contains("fillcolor=\"" + node.FillColor + "\"", line);
        Assert.Contains("color=\"" + node.StrokeColor + "\"", line);
        Assert.Contains("pos=\"" + node.X.ToString("0.##", CultureInfo.InvariantCulture) + ",", line);
        Assert.Contains("!\"", line);
        var edge = drawing.Edges[0];
        var edgeLine = text.Split('\n').First(l => l.TrimStart().StartsWith("\"" + edge.Source + "\" -> \"" + edge.Destination + "\"", StringComparison.Ordinal));
        Assert.Contains("penwidth=" + edge.Width.ToString("0.##", CultureInfo.InvariantCulture), edgeLine);
        Assert.Contains("label=\"" + edge.Label + "\"", edgeLine);
        Assert.Contains("label=\"" + drawing.Title, text);
        Assert.Contains(drawing.Attributions[0], text);
    }

    [Fact]
    public void Dot_output_is_deterministic()
    {
        var topology = Corpus("shared_sll_mixed_tcp_dns_dhcp_arp.pcap", 4);

        var a = Write(new DotWriter(), GraphDrawingBuilder.Build(topology, new DrawingOptions()));
        var b = Write(new DotWriter(), GraphDrawingBuilder.Build(topology, new DrawingOptions()));

        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("trailing\\", "\"trailing\\\\\"")]
    [InlineData("a\nb", "\"a\u240Ab\"")]
    [InlineData("bell\u0007", "\"bell\u2407\"")]
    [InlineData("del\u007f", "\"del\u2421\"")]
    [InlineData("smile \U0001F600", "\"smile \U0001F600\"")]
    public void Dot_strings_are_quoted_and_escaped(string text, string expected)
    {
        Assert.Equal(expected, DotWriter.Quote(text));
    }

    [Fact]
    public void Dot_strings_replace_unpaired_surrogates()
    {
        // Not theory data: xunit would mangle the lone surrogate while serializing the case.
        Assert.Equal("\"lone\uFFFD pair\U0001F600\"", DotWriter.Quote("lone\uD800 pair\U0001F600"));
    }

    [Fact]
    public void Dot_labels_escape_ampersands_and_join_lines_with_graphviz_newlines()
    {
        Assert.Equal("\"a &amp;lt; b\\nsecond\"", DotWriter.Label("a &lt; b", "second"));
    }

    /// <summary>Node name to position (inches) from <c>-Tplain</c>; names are quoted there when they need it.</summary>
    internal static Dictionary<string, (double X, double Y)> PlainNodes(string plain)
    {
        var nodes = new Dictionary<string, (double, double)>();
        foreach (var line in plain.Split('\n'))
        {
            if (!line.StartsWith("node ", StringComparison.Ordinal))
                continue;
            var (name, rest) = ReadName(line[5..]);
            var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            nodes[name] = (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        return nodes;
    }

    private static (string Name, string Remainder) ReadName(string text)
    {
        if (!text.StartsWith('"'))
        {
            int space = text.IndexOf(' ');
            return (text[..space], text[(space + 1)..]);
        }
        var name = new StringBuilder();
        int i = 1;
        for (; i < text.Length && text[i] != '"'; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '"')
                i++;
            name.Append(text[i]);
        }
        return (name.ToString(), text[(i + 1)..]);
    }
}
