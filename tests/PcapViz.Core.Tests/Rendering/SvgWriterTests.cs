using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;

namespace PcapViz.Core.Tests.Rendering;

public sealed class SvgWriterTests
{
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    internal static string Write(GraphDrawing drawing)
    {
        using var stream = new MemoryStream();
        new SvgWriter().Write(drawing, stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static XmlDocument Parse(string svg)
    {
        var document = new XmlDocument { XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = true });
        document.Load(reader);
        return document;
    }

    private static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var namespaces = new XmlNamespaceManager(document.NameTable);
        namespaces.AddNamespace("s", SvgNamespace);
        return namespaces;
    }

    [Fact]
    public void Svg_is_well_formed_xml_with_one_group_per_node_and_edge()
    {
        var drawing = SvgPngHtmlSamples.Small();
        var document = Parse(Write(drawing));
        var ns = Namespaces(document);

        Assert.Equal("svg", document.DocumentElement!.LocalName);
        Assert.Equal(SvgNamespace, document.DocumentElement.NamespaceURI);
        Assert.Equal(drawing.Nodes.Count, document.SelectNodes("//s:g[@class='node']", ns)!.Count);
        Assert.Equal(drawing.Nodes.Count, document.SelectNodes("//s:g[@class='node']/s:circle", ns)!.Count);
        Assert.Equal(drawing.Edges.Count, document.SelectNodes("//s:g[@class='edge']", ns)!.Count);
        // A line and an arrowhead per edge.
        Assert.Equal(2 * drawing.Edges.Count, document.SelectNodes("//s:g[@class='edge']/s:path", ns)!.Count);
    }

    [Fact]
    public void Svg_shows_title_labels_legend_and_attributions_as_text()
    {
        var drawing = SvgPngHtmlSamples.Small();
        var document = Parse(Write(drawing));
        var ns = Namespaces(document);
        var texts = document.SelectNodes("//s:text", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToList();

        Assert.Equal(drawing.Title, document.SelectSingleNode("/s:svg/s:title", ns)!.InnerText);
        Assert.Contains(drawing.Title, texts);
        Assert.Contains("files.example.se", texts);
        Assert.Contains("(Linköping, Sweden)", texts);
        Assert.Contains("Legend", texts);
        Assert.Contains("United Kingdom", texts);
        Assert.Contains("IP Geolocation by DB-IP (https://db-ip.com)", texts);
        Assert.Contains("2.4 MB", texts);
        Assert.Contains(texts, t => t.StartsWith("5 nodes, 7 edges; 3 light nodes folded into 1 group", StringComparison.Ordinal));
    }

    [Fact]
    public void Svg_tooltips_list_every_property_of_nodes_and_edges()
    {
        var document = Parse(Write(SvgPngHtmlSamples.Small()));
        var ns = Namespaces(document);
        var nodeTips = document.SelectNodes("//s:g[@class='node']/s:title", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToList();
        var edgeTips = document.SelectNodes("//s:g[@class='edge']/s:title", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToList();

        var swedish = Assert.Single(nodeTips, t => t.Contains("Address: 89.160.20.115", StringComparison.Ordinal));
        Assert.Contains("Host names: files.example.se", swedish);
        Assert.Contains("Country: Sweden (SE)", swedish);
        Assert.Contains("MAC: 00:11:22:33:44:55", swedish);
        Assert.Contains("Scope: external", swedish);
        Assert.Contains("Received: 12 packets, 64.0 kB (64,000 bytes)", swedish);
        var group = Assert.Single(nodeTips, t => t.Contains("Folded nodes: 3", StringComparison.Ordinal));
        Assert.Contains("Members: 3.3.3.1 (cdn.example.com), 3.3.3.2, 3.3.3.3", group);
        Assert.Contains("Sent: 30 packets, 4.5 kB (4,500 bytes)", group);

        var heavy = Assert.Single(edgeTips, t => t.Contains("From: 10.0.0.8\nTo: 89.160.20.115", StringComparison.Ordinal));
        Assert.Contains("Traffic: 4,800 packets, 2.4 MB (2,400,000 bytes)", heavy);
        Assert.Contains("Protocols: TCP, TLS", heavy);
        Assert.Contains("First seen: 2024-05-01 12:00:00.000 UTC", heavy);
    }

    [Fact]
    public void Svg_is_identical_for_the_same_drawing()
    {
        Assert.Equal(Write(SvgPngHtmlSamples.Small()), Write(SvgPngHtmlSamples.Small()));
    }

    [Fact]
    public void Svg_keeps_hostile_labels_as_inert_text()
    {
        var drawing = SvgPngHtmlSamples.Hostile();
        var svg = Write(drawing);
        var document = Parse(svg);
        var ns = Namespaces(document);

        // Nothing executable or foreign: only the SVG elements the painter writes, and no event-handler or link attributes.
        var elements = document.SelectNodes("//*")!.Cast<XmlElement>().ToList();
        Assert.All(elements, e => Assert.Equal(SvgNamespace, e.NamespaceURI));
        Assert.DoesNotContain(elements, e => e.LocalName is not ("svg" or "title" or "rect" or "g" or "path" or "circle" or "text"));
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes.Cast<XmlAttribute>()), a => a.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.LocalName == "href");
        // Colour strings are parsed and re-written, never copied: the ones that carried markup fell back to defaults.
        Assert.DoesNotContain("alert(4)", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(5)", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", svg, StringComparison.Ordinal);
        Assert.All(document.SelectNodes("//@fill | //@stroke", ns)!.Cast<XmlAttribute>(), a => Assert.Matches("^(#[0-9a-f]{6}|none)$", a.Value));

        var texts = document.SelectNodes("//s:text", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToList();
        Assert.Contains("<script>alert(1)</script>", texts);
        Assert.Contains("</script><script>alert(2)</script>", texts);
        Assert.Contains("\"]; evil [label=\"", texts);
        Assert.Contains("<img src=x onerror=\"alert(3)\">", texts);
        Assert.Contains("a\uFFFDb\uFFFD\uFFFD\uFFFD[31m", texts);
        Assert.Contains("line\uFFFDseparator\uFFFDend", texts);
        Assert.Contains("</script><script>alert(6)</script>", texts);
        Assert.Contains("<b>IP Geolocation by DB-IP</b> </script>", texts);
        Assert.Contains(texts, t => t.StartsWith("Layer 3: <script>alert('title')</script>.pcap", StringComparison.Ordinal));

        // No control character survives anywhere in the file (XML 1.0 forbids most of them; the rest would disguise text).
        Assert.DoesNotContain(svg, c => c < ' ' && c != '\n');
        Assert.DoesNotContain('\u2028', svg);
        Assert.DoesNotContain('\u001b', svg);
    }

    [Fact]
    public void Svg_of_an_empty_drawing_says_there_is_nothing_to_draw()
    {
        var drawing = new GraphDrawing { Title = "Layer 4: empty.pcap", Layer = 4, Nodes = [], Edges = [], Legend = [], Width = 0, Height = 0, Attributions = [] };
        var document = Parse(Write(drawing));

        Assert.Contains("No traffic to draw", document.DocumentElement!.InnerText, StringComparison.Ordinal);
        Assert.True(double.Parse(document.DocumentElement.GetAttribute("width"), CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Svg_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new SvgWriter().Write(SvgPngHtmlSamples.Grid(2000), Stream.Null, cancelled.Token));
    }

    [Fact]
    public void Svg_of_ten_thousand_nodes_is_written_in_seconds()
    {
        var drawing = SvgPngHtmlSamples.Grid(10_000);
        var clock = Stopwatch.StartNew();
        var svg = Write(drawing);
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        var document = Parse(svg);
        var ns = Namespaces(document);
        Assert.Equal(10_000, document.SelectNodes("//s:g[@class='node']", ns)!.Count);
        Assert.Equal(drawing.Edges.Count, document.SelectNodes("//s:g[@class='edge']", ns)!.Count);
    }

    [Fact]
    public void Svg_page_encloses_every_node_and_its_label()
    {
        var drawing = SvgPngHtmlSamples.Small();
        var document = Parse(Write(drawing));
        var ns = Namespaces(document);
        var width = double.Parse(document.DocumentElement!.GetAttribute("width"), CultureInfo.InvariantCulture);
        var height = double.Parse(document.DocumentElement.GetAttribute("height"), CultureInfo.InvariantCulture);

        foreach (XmlElement circle in document.SelectNodes("//s:circle", ns)!)
        {
            var cx = double.Parse(circle.GetAttribute("cx"), CultureInfo.InvariantCulture);
            var cy = double.Parse(circle.GetAttribute("cy"), CultureInfo.InvariantCulture);
            var r = double.Parse(circle.GetAttribute("r"), CultureInfo.InvariantCulture);
            Assert.InRange(cx - r, 0, width);
            Assert.InRange(cx + r, 0, width);
            Assert.InRange(cy - r, 0, height);
            Assert.InRange(cy + r, 0, height);
        }

        foreach (XmlElement text in document.SelectNodes("//s:text", ns)!)
        {
            Assert.InRange(double.Parse(text.GetAttribute("x"), CultureInfo.InvariantCulture), 0, width);
            Assert.InRange(double.Parse(text.GetAttribute("y"), CultureInfo.InvariantCulture), 0, height);
        }
    }
}
