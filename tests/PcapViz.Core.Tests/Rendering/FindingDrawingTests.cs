using System.Text;
using System.Text.Json;
using System.Xml;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;
using PcapViz.Core.Rendering.Writers;
using SkiaSharp;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>Findings, key hosts, edge thinning and the responder layout, as every format draws them.</summary>
public sealed class FindingDrawingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static PcapEdge Edge(string source, string destination, long bytes, params string[] protocols) =>
        new() { Source = source, Destination = destination, Packets = Math.Max(1, bytes / 500), Bytes = bytes, Protocols = protocols.Length == 0 ? ["TCP"] : new TextList(protocols), FirstSeen = T0, LastSeen = T0.AddMinutes(5) };

    /// <summary>An office at layer 3: 10.0.0.5 uploads a little to 203.0.113.9; everyone uses a busy CDN and the resolver.</summary>
    private static PcapTopology Office(int extraHosts = 6)
    {
        var edges = new List<PcapEdge>
        {
            Edge("10.0.0.5", "203.0.113.9", 40_000, "TCP", "TLS"),
            Edge("203.0.113.9", "10.0.0.5", 4_000, "TCP", "TLS"),
            Edge("10.0.0.5", "10.0.0.2", 3_000, "UDP", "DNS"),
        };
        for (int i = 0; i < extraHosts; i++)
        {
            var host = $"10.0.0.{20 + i}";
            edges.Add(Edge(host, "93.184.216.34", 2_000_000 + i, "TCP", "TLS"));
            edges.Add(Edge("93.184.216.34", host, 9_000_000 + i, "TCP", "TLS"));
            edges.Add(Edge(host, "10.0.0.2", 2_000, "UDP", "DNS"));
        }
        return Topology(3, edges);
    }

    private static PcapTopology Topology(int layer, List<PcapEdge> edges)
    {
        var ids = edges.SelectMany(e => new[] { e.Source, e.Destination }).Distinct().ToArray();
        var nodes = ids.Select(id =>
        {
            var (address, hasPort) = FindingMarks.HostOf(id);
            int? port = layer == 4 && hasPort ? int.Parse(id[(id.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture) : null;
            bool isInternal = address.StartsWith("10.", StringComparison.Ordinal) || address.StartsWith("fd", StringComparison.Ordinal);
            return Node(id, address, port, isInternal, isInternal ? null : "US", [], edges, countryName: isInternal ? null : "United States");
        }).ToArray();
        return new PcapTopology { Layer = layer, Nodes = nodes, Edges = edges.ToArray(), Captures = ["office.pcap"] };
    }

    private static PcapFinding Finding(string kind, double score, string source, string? destination, string reason = "a reason", string? domain = null) =>
        new() { Kind = kind, Score = score, Source = source, Destination = destination, Reason = reason, Domain = domain };

    private static GraphDrawing Draw(PcapTopology topology, params PcapFinding[] findings) =>
        GraphDrawingBuilder.Build(topology, new DrawingOptions { Findings = findings });

    [Fact]
    public void A_findings_conversation_is_coloured_by_severity_labelled_and_the_rest_is_faded()
    {
        var drawing = Draw(Office(), Finding("Exfiltration", 0.65, "10.0.0.5", "203.0.113.9"));

        var finding = Assert.Single(drawing.Findings);
        Assert.Equal(1, finding.Number);
        Assert.Null(finding.NotDrawn);
        Assert.Equal("10.0.0.5", finding.SourceNode);
        Assert.Equal("203.0.113.9", finding.DestinationNode);
        Assert.Equal(2, finding.Edges);
        var high = DrawingStyle.SeverityColor("High");
        var marked = drawing.Edges.Where(e => e.Findings.Count > 0).ToList();
        Assert.Equal(["10.0.0.5>203.0.113.9", "203.0.113.9>10.0.0.5"], marked.Select(e => e.Source + ">" + e.Destination).Order());
        Assert.All(marked, e =>
        {
            Assert.Equal(high, e.Color);
            Assert.StartsWith("#1 Exfiltration\n", e.Label, StringComparison.Ordinal);
            Assert.True(e.Width >= DrawingStyle.FindingEdgeWidth);
        });
        Assert.All(drawing.Edges.Where(e => e.Findings.Count == 0), e => Assert.Equal(DrawingStyle.Faded(DrawingStyle.EdgeColor), e.Color));
        Assert.Equal(["10.0.0.5", "203.0.113.9"], drawing.Nodes.Where(n => n.Findings.Count > 0).Select(n => n.Id).Order());
        Assert.All(drawing.Nodes.Where(n => n.Findings.Count > 0), n => Assert.Equal(high, n.StrokeColor));
        Assert.Contains(drawing.Legend, l => l.Label == "High finding" && l.Color == high);
        Assert.DoesNotContain(drawing.Legend, l => l.Label == "Critical finding");
    }

    [Fact]
    public void Without_findings_nothing_is_faded_and_no_finding_enters_the_legend()
    {
        var drawing = Draw(Office());
        Assert.Empty(drawing.Findings);
        Assert.All(drawing.Edges, e => Assert.Equal(DrawingStyle.EdgeColor, e.Color));
        Assert.DoesNotContain(drawing.Legend, l => l.Label.EndsWith(" finding", StringComparison.Ordinal));
    }

    [Fact]
    public void Findings_are_numbered_by_score_whatever_order_they_come_in()
    {
        var drawing = Draw(Office(),
            Finding("DnsTunnel", 0.45, "10.0.0.5", "10.0.0.2", domain: "tunnel.example"),
            Finding("Beaconing", 0.9, "10.0.0.5", "203.0.113.9:443"));

        Assert.Equal(["Beaconing", "DnsTunnel"], drawing.Findings.Select(f => f.Finding.Kind));
        Assert.Equal([1, 2], drawing.Findings.Select(f => f.Number));
        Assert.Equal("10.0.0.5 \u2192 10.0.0.2 (tunnel.example)", drawing.Findings[1].Between);
        var dns = drawing.Edges.Single(e => e.Source == "10.0.0.5" && e.Destination == "10.0.0.2");
        Assert.Equal([1], dns.Findings);
        Assert.Equal(DrawingStyle.SeverityColor("Medium"), dns.Color);
        // At layer 3 a destination's port does not matter: the beacon marks the host pair.
        Assert.Equal([0], drawing.Edges.Single(e => e.Source == "10.0.0.5" && e.Destination == "203.0.113.9").Findings);
        // 10.0.0.5 takes part in both; its ring has the colour of the higher.
        var host = drawing.Nodes.Single(n => n.Id == "10.0.0.5");
        Assert.Equal([0, 1], host.Findings);
        Assert.Equal(DrawingStyle.SeverityColor("Critical"), host.StrokeColor);
    }

    [Fact]
    public void At_layer_4_a_port_marks_that_endpoint_only_and_a_bare_host_all_its_endpoints()
    {
        var edges = new List<PcapEdge>
        {
            Edge("10.0.0.5:50001", "203.0.113.9:443", 9_000),
            Edge("203.0.113.9:443", "10.0.0.5:50001", 900),
            Edge("10.0.0.5:50002", "203.0.113.9:8443", 7_000),
            Edge("10.0.0.6:50003", "203.0.113.9:443", 5_000),
            Edge("10.0.0.5:50004", "[2001:db8::9]:443", 3_000),
        };
        var topology = Topology(4, edges);

        var beacon = Draw(topology, Finding("Beaconing", 0.7, "10.0.0.5", "203.0.113.9:443"));
        Assert.Equal(["10.0.0.5:50001>203.0.113.9:443", "203.0.113.9:443>10.0.0.5:50001"],
            beacon.Edges.Where(e => e.Findings.Count > 0).Select(e => e.Source + ">" + e.Destination).Order());

        var upload = Draw(topology, Finding("Exfiltration", 0.7, "10.0.0.5", "203.0.113.9"));
        Assert.Equal(3, upload.Edges.Count(e => e.Findings.Count > 0));
        Assert.DoesNotContain(upload.Edges, e => e.Findings.Count > 0 && e.Source.StartsWith("10.0.0.6", StringComparison.Ordinal));

        var v6 = Draw(topology, Finding("LongConnection", 0.5, "10.0.0.5", "[2001:db8::9]:443"));
        Assert.Equal("10.0.0.5:50004>[2001:db8::9]:443", Assert.Single(v6.Edges, e => e.Findings.Count > 0) is var e6 ? e6.Source + ">" + e6.Destination : "");
    }

    [Fact]
    public void A_finding_with_no_edge_is_named_on_its_host_and_one_with_no_host_is_listed_as_not_drawn()
    {
        var drawing = Draw(Office(),
            Finding("DnsTunnel", 0.85, "10.0.0.5", null, domain: "tunnel.example"),
            Finding("Exfiltration", 0.7, "192.0.2.77", "198.51.100.1"));

        var lone = drawing.Findings.Single(f => f.Finding.Kind == "DnsTunnel");
        Assert.Null(lone.NotDrawn);
        Assert.Equal(0, lone.Edges);
        Assert.Contains("#1 DnsTunnel", drawing.Nodes.Single(n => n.Id == "10.0.0.5").LabelLines);
        var absent = drawing.Findings.Single(f => f.Finding.Kind == "Exfiltration");
        Assert.Equal("neither of its hosts is in this topology", absent.NotDrawn);
        Assert.Null(absent.SourceNode);
        Assert.DoesNotContain(drawing.Nodes, n => n.Findings.Contains(1));
        // Only what is drawn enters the legend.
        Assert.Contains(drawing.Legend, l => l.Label == "Critical finding");
        Assert.DoesNotContain(drawing.Legend, l => l.Label == "High finding");
    }

    [Fact]
    public void At_layer_2_findings_are_listed_with_the_reason_they_cannot_be_drawn()
    {
        var edges = new List<PcapEdge> { Edge("02:00:00:00:00:01", "02:00:00:00:00:02", 1000) };
        var nodes = edges.SelectMany(e => new[] { e.Source, e.Destination }).Distinct().Select(id => Node(id, id, null, false, null, [], edges)).ToArray();
        var drawing = Draw(new PcapTopology { Layer = 2, Nodes = nodes, Edges = edges.ToArray(), Captures = [] }, Finding("Beaconing", 0.9, "10.0.0.5", "203.0.113.9:443"));

        Assert.Contains("layer 2", Assert.Single(drawing.Findings).NotDrawn, StringComparison.Ordinal);
        Assert.All(drawing.Edges, e => Assert.Empty(e.Findings));
    }

    [Fact]
    public void An_empty_topology_with_findings_draws_and_lists_them()
    {
        var drawing = Draw(new PcapTopology { Layer = 3, Nodes = [], Edges = [], Captures = [] }, Finding("Strobe", 0.3, "10.0.0.5", "203.0.113.9:80"));
        Assert.Empty(drawing.Nodes);
        Assert.NotNull(Assert.Single(drawing.Findings).NotDrawn);
        var svg = Encoding.UTF8.GetString(Write(new SvgWriter(), drawing));
        Assert.Contains("#1 Low Strobe", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_findings_light_hosts_are_kept_out_of_folding_and_drawn_on_their_group_when_there_is_no_room()
    {
        var edges = new List<PcapEdge>();
        for (int i = 0; i < 300; i++)
            edges.Add(Edge($"10.1.{i / 250}.{i % 250 + 1}", "93.184.216.34", 100_000 + i));
        edges.Add(Edge("10.9.0.5", "203.0.113.9", 50));
        edges.Add(Edge("10.9.0.6", "203.0.113.10", 40));
        var topology = Topology(3, edges);

        var kept = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 40, Findings = [Finding("Exfiltration", 0.7, "10.9.0.5", "203.0.113.9")] });
        Assert.True(kept.FoldedNodes > 0);
        Assert.All(kept.Nodes.Where(n => n.Findings.Count > 0), n => Assert.NotNull(n.Node));
        Assert.Equal(["10.9.0.5", "203.0.113.9"], kept.Nodes.Where(n => n.Findings.Count > 0).Select(n => n.Id).Order());

        // Room for three hosts only (half of MaxNodes): the second finding is drawn on a group it was folded into.
        var crowded = GraphDrawingBuilder.Build(topology, new DrawingOptions
        {
            MaxNodes = 6,
            Findings = [Finding("Exfiltration", 0.7, "10.9.0.5", "203.0.113.9"), Finding("Exfiltration", 0.5, "10.9.0.6", "203.0.113.10")],
        });
        Assert.False(crowded.Findings[0].OnGroup);
        var second = crowded.Findings[1];
        Assert.True(second.OnGroup);
        Assert.Null(second.NotDrawn);
        var group = crowded.Nodes.Single(n => n.Node is null && n.Findings.Contains(1));
        Assert.Contains(group.Id, new[] { second.SourceNode, second.DestinationNode });
        Assert.Contains(group.Members, m => m.Id is "10.9.0.6" or "203.0.113.10");
    }

    [Fact]
    public void Above_MaxEdges_the_lightest_edges_are_left_out_but_never_a_findings()
    {
        var edges = new List<PcapEdge>();
        for (int i = 0; i < 120; i++)
            edges.Add(Edge($"10.0.1.{i + 1}", "93.184.216.34", 10_000 + i));
        edges.Add(Edge("10.0.0.5", "203.0.113.9", 7));
        var topology = Topology(3, edges);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxEdges = 50, Findings = [Finding("Beaconing", 0.6, "10.0.0.5", "203.0.113.9:443")] });

        Assert.Equal(50, drawing.Edges.Count);
        Assert.Contains(drawing.Edges, e => e.Source == "10.0.0.5" && e.Findings.Count == 1);
        Assert.Equal(topology.Edges.Length - 50, drawing.HiddenEdges);
        Assert.Equal(topology.Edges.Sum(e => e.Bytes) - drawing.Edges.Sum(e => e.Bytes), drawing.HiddenEdgeBytes);
        // The kept ones are the heaviest.
        long lightestKept = drawing.Edges.Where(e => e.Findings.Count == 0).Min(e => e.Bytes);
        Assert.All(topology.Edges.Where(e => !drawing.Edges.Any(d => d.Source == e.Source && d.Destination == e.Destination)), e => Assert.True(e.Bytes <= lightestKept));
        Assert.Contains("light edges", Encoding.UTF8.GetString(Write(new SvgWriter(), drawing)), StringComparison.Ordinal);

        var all = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxEdges = 0 });
        Assert.Equal(topology.Edges.Length, all.Edges.Count);
        Assert.Equal(0, all.HiddenEdges);
    }

    [Fact]
    public void SizeBy_betweenness_makes_the_hub_biggest_and_MarkKeyHosts_ranks_it_first()
    {
        // Two cliques of four joined through 10.0.0.1: it lies on every path between them (16 pairs; each clique's
        // gate on 15), though 10.0.0.50, off on its own with an external host, moves far more bytes.
        var edges = new List<PcapEdge> { Edge("10.0.0.1", "10.0.1.1", 100), Edge("10.0.0.1", "10.0.2.1", 100), Edge("10.0.0.50", "203.0.113.1", 50_000_000) };
        foreach (var side in new[] { 1, 2 })
        {
            for (int a = 1; a <= 4; a++)
            {
                for (int b = a + 1; b <= 4; b++)
                    edges.Add(Edge($"10.0.{side}.{a}", $"10.0.{side}.{b}", 100));
            }
        }
        var topology = Topology(3, edges);

        var byTraffic = GraphDrawingBuilder.Build(topology, new DrawingOptions());
        Assert.Equal(byTraffic.Nodes.Max(n => n.Radius), byTraffic.Nodes.Single(n => n.Id == "10.0.0.50").Radius);
        Assert.True(byTraffic.Nodes.Single(n => n.Id == "10.0.0.1").Radius < byTraffic.Nodes.Single(n => n.Id == "10.0.0.50").Radius);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { SizeBy = NodeSizeMeasure.Betweenness, MarkKeyHosts = 3 });
        Assert.Equal("Betweenness", drawing.SizeBy);
        var marked = drawing.Nodes.Where(n => n.KeyHost is not null).OrderBy(n => n.KeyHost!.Rank).ToList();
        Assert.Equal(3, marked.Count);
        Assert.Equal("10.0.0.1", marked[0].Id);
        Assert.Equal(drawing.Nodes.Max(n => n.Radius), marked[0].Radius);
        Assert.Contains("key host #1 (betweenness)", marked[0].LabelLines);
        Assert.Contains(drawing.Legend, l => l.Label == "Double ring: top 3 by betweenness");
        var svg = Encoding.UTF8.GetString(Write(new SvgWriter(), drawing));
        Assert.Equal(3, CountOf(svg, "class=\"node key-host\""));
    }

    [Fact]
    public void Exact_edge_labels_give_every_byte_and_packet()
    {
        var drawing = GraphDrawingBuilder.Build(Office(), new DrawingOptions { EdgeLabel = EdgeLabelMode.Exact });
        var edge = drawing.Edges.Single(e => e.Source == "10.0.0.5" && e.Destination == "203.0.113.9");
        Assert.Equal("40,000 bytes (TCP, TLS)\n80 packets", edge.Label);
    }

    [Fact]
    public void The_responder_layout_puts_the_inside_in_the_middle_and_the_outside_on_a_ring_by_country()
    {
        var edges = new List<PcapEdge>();
        string[] countries = ["DE", "FR", "JP", "US"];
        for (int i = 0; i < 24; i++)
        {
            edges.Add(Edge($"10.0.{i % 3}.{i + 1}", $"198.51.{i % 4}.{i + 1}", 1_000 * (i + 1)));
            edges.Add(Edge($"10.0.{i % 3}.{i + 1}", "10.0.0.2", 300));
        }
        var ids = edges.SelectMany(e => new[] { e.Source, e.Destination }).Distinct();
        var nodes = ids.Select(id =>
        {
            bool inside = id.StartsWith("10.", StringComparison.Ordinal);
            return Node(id, id, null, inside, inside ? null : countries[int.Parse(id.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture)], [], edges);
        }).ToArray();
        var topology = new PcapTopology { Layer = 3, Nodes = nodes, Edges = edges.ToArray(), Captures = [] };

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { Layout = GraphLayout.Responder });
        var again = GraphDrawingBuilder.Build(topology, new DrawingOptions { Layout = GraphLayout.Responder });
        Assert.Equal(drawing.Nodes.Select(n => (n.X, n.Y)), again.Nodes.Select(n => (n.X, n.Y)));
        AssertNoOverlap(drawing);

        var inside = drawing.Nodes.Where(n => n.Node!.IsInternal).ToList();
        var outside = drawing.Nodes.Where(n => !n.Node!.IsInternal).ToList();
        double cx = (inside.Min(n => n.X) + inside.Max(n => n.X)) / 2, cy = (inside.Min(n => n.Y) + inside.Max(n => n.Y)) / 2;
        double Distance(DrawnNode n) => Math.Sqrt(Math.Pow(n.X - cx, 2) + Math.Pow(n.Y - cy, 2));
        Assert.True(inside.Max(Distance) < outside.Min(Distance), $"an internal host lies outside the ring: inside up to {inside.Max(Distance):0}, ring from {outside.Min(Distance):0}; "
            + string.Join(" ", drawing.Nodes.Select(n => $"{n.Id}@{n.X:0},{n.Y:0}")));

        // Round the ring, each country is one arc: its hosts are consecutive by angle.
        var byAngle = outside.OrderBy(n => Math.Atan2(n.Y - cy, n.X - cx)).Select(n => n.Node!.Country).ToList();
        int changes = byAngle.Zip(byAngle.Skip(1), (a, b) => a != b).Count(c => c) + (byAngle[0] != byAngle[^1] ? 1 : 0);
        Assert.Equal(countries.Length, changes);

        // Light edges are thinned, unlabelled; the heavy keep their figures.
        var light = drawing.Edges.Where(e => e.Color == DrawingStyle.LightEdgeColor).ToList();
        Assert.NotEmpty(light);
        Assert.All(light, e => Assert.Null(e.Label));
        Assert.True(light.Max(e => e.Bytes) < drawing.Edges.Where(e => e.Color != DrawingStyle.LightEdgeColor).Max(e => e.Bytes));
    }

    [Fact]
    public void Every_format_carries_the_findings_and_hostile_finding_text_stays_inert()
    {
        var hostile = Finding("Exfiltration", 0.95, "10.0.0.5", "203.0.113.9", reason: Script + DotBreakout + Controls, domain: "<b>x</b>.example");
        var drawing = Draw(Office(), hostile, Finding("Beaconing", 0.42, "10.0.0.5", "10.0.0.2:53"));

        var svg = Encoding.UTF8.GetString(Write(new SvgWriter(), drawing));
        var xml = new XmlDocument { XmlResolver = null };
        xml.LoadXml(svg);
        Assert.Empty(xml.GetElementsByTagName("script"));
        Assert.Equal(drawing.Edges.Count(e => e.Findings.Count > 0), CountOf(svg, "class=\"edge finding\""));
        Assert.Equal(drawing.Nodes.Count(n => n.Findings.Count > 0), CountOf(svg, "class=\"node finding\""));
        Assert.Equal(2, CountOf(svg, "class=\"finding\""));
        Assert.Contains("#1 Critical Exfiltration (0.95)", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;.example", svg, StringComparison.Ordinal);
        // A finding's edges are painted after every other edge: on top.
        int lastPlain = svg.LastIndexOf("class=\"edge\"", StringComparison.Ordinal), firstFinding = svg.IndexOf("class=\"edge finding\"", StringComparison.Ordinal);
        Assert.True(lastPlain < firstFinding);

        using var json = JsonDocument.Parse(Write(new JsonWriter(), drawing));
        var findings = json.RootElement.GetProperty("findings");
        Assert.Equal(2, findings.GetArrayLength());
        Assert.Equal(hostile.Reason, findings[0].GetProperty("reason").GetString());
        Assert.Contains(json.RootElement.GetProperty("edges").EnumerateArray(), e => e.GetProperty("findings").EnumerateArray().Any(n => n.GetInt32() == 1));

        var graphMl = new XmlDocument { XmlResolver = null };
        graphMl.LoadXml(Encoding.UTF8.GetString(Write(new GraphMlWriter(), drawing)));
        var manager = new XmlNamespaceManager(graphMl.NameTable);
        manager.AddNamespace("g", "http://graphml.graphdrawing.org/xmlns");
        var edgeFindings = graphMl.SelectNodes("//g:edge/g:data[@key='e_findings']", manager)!;
        Assert.Equal(drawing.Edges.Count(e => e.Findings.Count > 0), edgeFindings.Count);
        Assert.Contains(edgeFindings.Cast<XmlNode>(), n => n.InnerText.StartsWith("#1 Exfiltration (Critical, 0.95)", StringComparison.Ordinal));
        Assert.Equal("Critical", graphMl.SelectSingleNode("//g:node[g:data[@key='id']='203.0.113.9']/g:data[@key='severity']", manager)!.InnerText);
        Assert.Contains(Script, graphMl.SelectSingleNode("//g:graph/g:data[@key='g_findings']", manager)!.InnerText, StringComparison.Ordinal);

        var dot = Encoding.UTF8.GetString(Write(new DotWriter(), drawing));
        Assert.Contains("findings=\"#1 Exfiltration (Critical, 0.95)\"", dot, StringComparison.Ordinal);
        Assert.DoesNotContain(DotBreakout, dot, StringComparison.Ordinal);

        var html = HtmlWriterTests.Write(drawing);
        Assert.DoesNotContain("alert(1)", html.Replace(HtmlData(html), "", StringComparison.Ordinal), StringComparison.Ordinal);
        using var page = JsonDocument.Parse(HtmlData(html));
        var listed = page.RootElement.GetProperty("findings");
        Assert.Equal(2, listed.GetArrayLength());
        Assert.Equal(drawing.Edges.Count(e => e.Findings.Contains(0)), listed[0].GetProperty("edges").GetArrayLength());
        Assert.Equal(0.95, listed[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public void Png_and_pdf_show_the_findings_colour_and_only_with_findings()
    {
        var with = Draw(Office(), Finding("Exfiltration", 0.95, "10.0.0.5", "203.0.113.9"));
        var without = Draw(Office());
        Assert.True(PixelsOf(with, DrawingStyle.SeverityColor("Critical")) > 200);
        Assert.Equal(0, PixelsOf(without, DrawingStyle.SeverityColor("Critical")));

        var pdf = Write(new PdfWriter(), with);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        var text = Encoding.Latin1.GetString(pdf);
        Assert.Contains("%%EOF", text[^16..], StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, @"/Type\s*/Page(?![a-zA-Z])"));
    }

    [SkippableFact]
    public void The_html_lists_the_findings_beside_the_graph_and_a_link_selects_one_in_chromium()
    {
        RequiredTool.Require(HtmlChromium.Executable is not null, "Chromium", "this test opens the page in headless Chromium.");
        var drawing = Draw(Office(),
            Finding("Exfiltration", 0.7, "10.0.0.5", "203.0.113.9", reason: Script),
            Finding("DnsTunnel", 0.5, "10.0.0.5", "10.0.0.2", domain: Script + ".example"),
            Finding("Strobe", 0.3, "192.0.2.1", "192.0.2.2:80"));
        var folder = Directory.CreateTempSubdirectory("pcapviz-findings-");
        try
        {
            var path = Path.Combine(folder.FullName, "findings.html");
            File.WriteAllText(path, HtmlWriterTests.Write(drawing));

            var result = HtmlChromium.DumpDom(path, "#finding=1");
            var status = result.Status;
            Assert.Empty(result.ConsoleLines);
            Assert.False(status.ContainsKey("data-errors"), status.GetValueOrDefault("data-last-error"));
            Assert.False(status.ContainsKey("data-dialog"));
            Assert.Equal("3", status["data-finding-count"]);
            Assert.Equal("1", status["data-selected-finding"]);
            Assert.Equal(drawing.Edges.Count(e => e.Findings.Contains(0)).ToString(System.Globalization.CultureInfo.InvariantCulture), status["data-selected-edges"]);
            Assert.Equal("2", status["data-selected-nodes"]);
            Assert.Contains("aria-pressed=\"true\"", result.Dom, StringComparison.Ordinal);
            // Hostile text is shown as text, in the list beside the graph.
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.example", result.Dom, StringComparison.Ordinal);
            Assert.Contains("Not drawn: neither of its hosts is in this topology", result.Dom, StringComparison.Ordinal);
            // The legend and the findings are in the side panel, beside the graph's view, not over it.
            int view = result.Dom.IndexOf("<div id=\"view\"", StringComparison.Ordinal), side = result.Dom.IndexOf("<aside id=\"side\"", StringComparison.Ordinal);
            Assert.True(view >= 0 && side > view);
            Assert.True(result.Dom.IndexOf("<section id=\"legend\"", StringComparison.Ordinal) > side);
            Assert.True(result.Dom.IndexOf("<section id=\"findings\"", StringComparison.Ordinal) > side);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_png_bitmap_grows_with_what_is_drawn_not_with_the_page()
    {
        var writer = new PngWriter();
        // A sparse page of 40 elements spread over 8000 x 8000 units gets the 4-million-pixel floor, not 64 million.
        var (w, h, _) = writer.PixelSize(8000, 8000, PngWriter.PixelBudget(40));
        Assert.InRange((long)w * h, 3_900_000, 4_020_000);
        var (w2, h2, _) = writer.PixelSize(8000, 8000, PngWriter.PixelBudget(1_400));
        Assert.InRange((long)w2 * h2, 27_900_000, 28_020_000);
        // A small page stays at one pixel per unit.
        Assert.Equal((800, 600), writer.PixelSize(800, 600, PngWriter.PixelBudget(5)) is var (a, b, _) ? (a, b) : default);
    }

    private static int PixelsOf(GraphDrawing drawing, string hex)
    {
        using var bitmap = SKBitmap.Decode(Write(new PngWriter(), drawing));
        var want = SKColor.Parse(hex);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - want.Red) + Math.Abs(c.Green - want.Green) + Math.Abs(c.Blue - want.Blue) < 12)
                    count++;
            }
        }
        return count;
    }

    private static string HtmlData(string html)
    {
        const string open = "<script type=\"application/json\" id=\"graph-data\">";
        int start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        return html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)];
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static void AssertNoOverlap(GraphDrawing drawing)
    {
        var (x, y, hw, above, below) = Boxes(drawing);
        Assert.False(OverlapRemoval.AnyOverlap(x, y, hw, above, below), "node boxes overlap");
    }
}
