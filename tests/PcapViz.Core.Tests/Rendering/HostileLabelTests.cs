using System.Text;
using System.Text.Json;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>
/// Capture text is attacker-controlled: host names, cities, AS names and protocol names with markup, DOT syntax and
/// control characters must come out of DOT, GraphML and JSON as inert text.
/// </summary>
public sealed class HostileLabelTests
{
    private static GraphDrawing Drawing() => GraphDrawingBuilder.Build(Hostile(), new DrawingOptions());

    [Fact]
    public void Hostile_text_reaches_the_labels_unchanged()
    {
        var drawing = Drawing();

        Assert.Equal(Script, drawing.Nodes.Single(n => n.Id == "10.0.0.5").LabelLines[1]);
        Assert.Equal(DotBreakout, drawing.Nodes.Single(n => n.Id == "81.2.69.161").LabelLines[1]);
        Assert.Equal("(" + Controls + ", United Kingdom)", drawing.Nodes.Single(n => n.Id == "81.2.69.161").LabelLines[2]);
        Assert.Equal(Controls, drawing.Nodes.Single(n => n.Id == "89.160.20.113").LabelLines[1]);
    }

    [SkippableFact]
    public void Dot_keeps_hostile_labels_inert()
    {
        var dot = Write(new DotWriter(), Drawing());
        var text = Encoding.UTF8.GetString(dot);

        // No raw control character or newline inside any string: each statement stays on its own line.
        Assert.DoesNotContain('\u0001', text);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain(text.Split('\n'), l => l.TrimStart().StartsWith("evil", StringComparison.Ordinal));

        // The text checks above have passed; what Graphviz makes of the file needs Graphviz (CI installs it).
        var result = Graphviz("dot", dot, "-Tplain");
        RequiredTool.Require(result is not null, "Graphviz (dot)", "the DOT text checks passed, but whether Graphviz reads the labels as inert text was not checked.");
        Assert.True(result.Value.ExitCode == 0, result.Value.Errors);
        var nodes = DotWriterTests.PlainNodes(result.Value.Output);
        Assert.Equal(["10.0.0.5", "10.0.0.6", "81.2.69.161", "89.160.20.113"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("evil", nodes.Keys);
        Assert.Equal(4, result.Value.Output.Split('\n').Count(l => l.StartsWith("edge ", StringComparison.Ordinal)));

        // Rendered, the text is shown as text: escaped in SVG, never markup.
        var svg = Graphviz("dot", dot, "-Tsvg")!.Value;
        Assert.Equal(0, svg.ExitCode);
        Assert.DoesNotContain("<script", svg.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", svg.Output);
    }

    [Fact]
    public void Graphml_keeps_hostile_text_exactly_except_characters_xml_forbids()
    {
        var drawing = Drawing();
        var bytes = Write(new GraphMlWriter(), drawing);

        var document = GraphMlWriterTests.Parse(bytes);
        var nodes = GraphMlWriterTests.Elements(document, "node", "node").ToDictionary(n => n["id"]);
        string Xml(string s) => s.Replace('\u0001', '\uFFFD').Replace('\u001b', '\uFFFD');

        Assert.Equal(Script + ", second.example", nodes["10.0.0.5"]["hostNames"]);
        Assert.Equal(DotBreakout, nodes["81.2.69.161"]["hostNames"]);
        Assert.Equal(Xml(Controls), nodes["81.2.69.161"]["city"]);
        Assert.Equal(Script, nodes["81.2.69.161"]["asOrganization"]);
        Assert.Equal(Xml(Controls), nodes["89.160.20.113"]["hostNames"]);
        Assert.Equal(Backslashes, nodes["89.160.20.113"]["city"]);
        Assert.Equal(Entity, nodes["89.160.20.113"]["countryName"]);
        Assert.Equal(string.Join('\n', drawing.Nodes.Single(n => n.Id == "81.2.69.161").LabelLines.Select(Xml)), nodes["81.2.69.161"]["label"]);
        var edges = GraphMlWriterTests.Elements(document, "edge", "edge");
        Assert.Contains(edges, e => e["protocols"] == "TCP, " + Script);
        Assert.Contains(edges, e => e["protocols"] == Xml(Controls));
        // The markup is character data, not elements.
        Assert.Empty(document.GetElementsByTagName("script"));
        Assert.DoesNotContain("<script", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_keeps_hostile_text_exactly_and_escaped_for_html()
    {
        var drawing = Drawing();
        var bytes = Write(new JsonWriter(), drawing);
        var text = Encoding.UTF8.GetString(bytes);

        var read = JsonWriterTests.Read(bytes);
        var byId = read.Nodes.ToDictionary(n => n.Id);
        Assert.Equal([Script, "second.example"], byId["10.0.0.5"].HostNames!);
        Assert.Equal([DotBreakout], byId["81.2.69.161"].HostNames!);
        Assert.Equal(Controls, byId["81.2.69.161"].City);
        Assert.Equal([Controls], byId["89.160.20.113"].HostNames!);
        Assert.Equal(Entity, byId["89.160.20.113"].CountryName);
        Assert.Equal([Backslashes, Entity], byId["10.0.0.6"].HostNames!);
        Assert.Equal(drawing.Nodes.Select(n => n.LabelLines), read.Nodes.Select(n => (IReadOnlyList<string>)n.LabelLines));
        Assert.Contains(read.Edges, e => e.Protocols.SequenceEqual(["TCP", Script]));
        Assert.Equal(drawing.Title, read.Title);
        // Safe to paste into a page: no raw markup characters or control characters in the file.
        Assert.DoesNotContain("<", text);
        Assert.DoesNotContain(">", text);
        Assert.DoesNotContain('\u0001', text);
        Assert.DoesNotContain('\u001b', text);
        using var document = JsonDocument.Parse(bytes);
        Assert.Equal(4, document.RootElement.GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public void Unpaired_surrogates_are_replaced_in_json()
    {
        Assert.Equal("a\uFFFDb\U0001F600", JsonWriter.Safe("a\uD800b\U0001F600"));
    }
}
