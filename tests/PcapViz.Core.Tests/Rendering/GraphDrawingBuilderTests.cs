using PcapViz.Core.Geo;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>What a drawing shows: labels, colours, legend, sizes, title, credits, edge labels.</summary>
public sealed class GraphDrawingBuilderTests
{
    private static GraphDrawing Draw(PcapTopology topology, DrawingOptions? options = null) =>
        GraphDrawingBuilder.Build(topology, options ?? new DrawingOptions());

    [Fact]
    public void Node_label_is_address_then_first_host_name_then_city_and_country()
    {
        var edges = new[] { new PcapEdge { Source = "10.0.0.1", Destination = "81.2.69.161", Packets = 1, Bytes = 100, Protocols = ["TCP"] } };
        var topology = new PcapTopology
        {
            Layer = 3,
            Nodes =
            [
                Node("10.0.0.1", "10.0.0.1", null, true, null, [], edges),
                Node("81.2.69.161", "81.2.69.161", null, false, "GB", ["www.example.co.uk", "alias.example"], edges, city: "London", countryName: "United Kingdom"),
            ],
            Edges = edges,
            Captures = ["x.pcap"],
        };

        var drawing = Draw(topology);

        Assert.Equal(["81.2.69.161", "www.example.co.uk", "(London, United Kingdom)"], drawing.Nodes.Single(n => n.Id == "81.2.69.161").LabelLines);
        // An address with no place says which special-purpose block it is in.
        Assert.Equal(["10.0.0.1", "(Private)"], drawing.Nodes.Single(n => n.Id == "10.0.0.1").LabelLines);
    }

    [Fact]
    public void Node_label_without_city_shows_the_country_alone_and_long_host_names_are_cut()
    {
        var longName = new string('a', 80) + ".example.com";
        var edges = new[] { new PcapEdge { Source = "10.0.0.1", Destination = "89.160.20.113", Packets = 1, Bytes = 100, Protocols = ["TCP"] } };
        var topology = new PcapTopology
        {
            Layer = 3,
            Nodes = [Node("10.0.0.1", "10.0.0.1", null, true, null, [], edges), Node("89.160.20.113", "89.160.20.113", null, false, "SE", [longName], edges, countryName: "Sweden")],
            Edges = edges,
            Captures = [],
        };

        var label = Draw(topology).Nodes.Single(n => n.Id == "89.160.20.113").LabelLines;

        Assert.Equal("(Sweden)", label[2]);
        Assert.Equal(DrawingStyle.MaxLabelChars, label[1].Length);
        Assert.EndsWith("\u2026", label[1]);
        Assert.StartsWith("aaaa", label[1]);
    }

    [Fact]
    public void Corpus_labels_carry_the_host_name_and_country_the_topology_found()
    {
        var topology = Corpus("shared_eth_tls_v4v6_167ips.pcap", 3);
        var drawing = Draw(topology);

        int checkedNodes = 0;
        foreach (var node in drawing.Nodes.Where(n => n.Node is { HostNames.Count: > 0, CountryName: not null }))
        {
            Assert.Equal(node.Id, node.LabelLines[0]);
            Assert.Equal(TextMeasure.Shorten(node.Node!.HostNames[0], DrawingStyle.MaxLabelChars), node.LabelLines[1]);
            Assert.Equal("(" + node.Node.CountryName + ")", node.LabelLines[2]);
            checkedNodes++;
        }
        Assert.True(checkedNodes > 50, $"only {checkedNodes} nodes had a host name and a country");
    }

    [Theory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void Legend_covers_every_fill_colour_used_once_each(string capture, int layer)
    {
        var drawing = Draw(Corpus(capture, layer));

        var legendColors = drawing.Legend.Select(l => l.Color).ToList();
        Assert.Equal(legendColors.Count, legendColors.Distinct().Count());
        foreach (var node in drawing.Nodes)
            Assert.Contains(node.FillColor, legendColors);
        // And the legend names nothing that is not drawn.
        Assert.All(legendColors, c => Assert.Contains(drawing.Nodes, n => n.FillColor == c));
    }

    [Fact]
    public void External_nodes_are_coloured_by_country_and_internal_ones_alike()
    {
        var drawing = Draw(Corpus("shared_many_hosts_srvloc_310ips.pcap", 3));

        var byCountry = drawing.Nodes.Where(n => n.Node is { IsInternal: false, Country: not null }).GroupBy(n => n.Node!.Country).ToList();
        Assert.True(byCountry.Count > 10);
        foreach (var country in byCountry)
            Assert.Single(country.Select(n => n.FillColor).Distinct());
        Assert.Contains(drawing.Legend, l => l.Label.EndsWith("(" + byCountry[0].Key + ")", StringComparison.Ordinal));
        var internalColors = drawing.Nodes.Where(n => n.Node is { IsInternal: true }).Select(n => n.FillColor).Distinct().ToList();
        Assert.True(internalColors.Count <= 1);
        Assert.DoesNotContain(drawing.Nodes.Where(n => n.Node is { IsInternal: false }), n => internalColors.Contains(n.FillColor));
    }

    [Fact]
    public void Country_colours_do_not_depend_on_the_other_countries_when_they_do_not_collide()
    {
        var alone = DrawingStyle.CountryColors(["DE"]);
        var together = DrawingStyle.CountryColors(["DE", "SE"]);

        Assert.Equal(alone["DE"], together["DE"]);
        Assert.NotEqual(together["DE"], together["SE"]);
        var many = DrawingStyle.CountryColors(Enumerable.Range(0, 60).Select(i => ((char)('A' + i / 26)).ToString() + (char)('A' + i % 26)));
        Assert.Equal(60, many.Values.Distinct().Count());
    }

    [Fact]
    public void Node_size_and_edge_width_grow_with_traffic_within_bounds()
    {
        var drawing = Draw(Corpus("shared_eth_tls_v4v6_167ips.pcap", 3));

        Assert.All(drawing.Nodes, n => Assert.InRange(n.Radius, DrawingStyle.MinRadius, DrawingStyle.MaxRadius));
        Assert.All(drawing.Edges, e => Assert.InRange(e.Width, DrawingStyle.MinEdgeWidth, DrawingStyle.MaxEdgeWidth));
        var heaviest = drawing.Nodes.MaxBy(n => n.Node!.BytesSent + n.Node.BytesReceived)!;
        var lightest = drawing.Nodes.MinBy(n => n.Node!.BytesSent + n.Node.BytesReceived)!;
        Assert.Equal(DrawingStyle.MaxRadius, heaviest.Radius);
        Assert.True(lightest.Radius < heaviest.Radius);
        Assert.Equal(DrawingStyle.MaxEdgeWidth, drawing.Edges.MaxBy(e => e.Bytes)!.Width);
        Assert.True(drawing.Edges.MinBy(e => e.Bytes)!.Width < DrawingStyle.MaxEdgeWidth);
    }

    [Theory]
    [InlineData(EdgeLabelMode.None, null)]
    [InlineData(EdgeLabelMode.Bytes, "4.2 kB")]
    [InlineData(EdgeLabelMode.Protocols, "TCP, TLS")]
    [InlineData(EdgeLabelMode.All, "4.2 kB (TCP, TLS)")]
    public void Edge_label_follows_the_mode(EdgeLabelMode mode, string? expected)
    {
        var edges = new[] { new PcapEdge { Source = "10.0.0.1", Destination = "10.0.0.2", Packets = 3, Bytes = 4200, Protocols = ["TCP", "TLS"] } };
        var topology = new PcapTopology
        {
            Layer = 3,
            Nodes = [Node("10.0.0.1", "10.0.0.1", null, true, null, [], edges), Node("10.0.0.2", "10.0.0.2", null, true, null, [], edges)],
            Edges = edges,
            Captures = [],
        };

        Assert.Equal(expected, Draw(topology, new DrawingOptions { EdgeLabel = mode }).Edges.Single().Label);
    }

    [Fact]
    public void Title_names_the_layer_and_the_capture_files_unless_given()
    {
        var topology = Corpus("shared_eth_dns_llmnr_mdns.pcap", 2);

        Assert.Equal("Layer 2 \u2014 shared_eth_dns_llmnr_mdns.pcap", Draw(topology).Title);
        Assert.Equal("Mine", Draw(topology, new DrawingOptions { Title = "Mine" }).Title);
        var many = new PcapTopology { Layer = 4, Nodes = [], Edges = [], Captures = ["/a/1.pcap", "/a/2.pcap", "/a/3.pcap", "/a/4.pcap", "/a/5.pcap"] };
        Assert.Equal("Layer 4 \u2014 1.pcap, 2.pcap, 3.pcap and 2 more", Draw(many).Title);
    }

    [Fact]
    public void Db_ip_is_credited_when_any_node_has_a_country_and_only_then()
    {
        Assert.Equal([GeoLocator.DbIpAttribution], Draw(Corpus("shared_eth_tls_v4v6_167ips.pcap", 3)).Attributions);
        Assert.Empty(Draw(Corpus("shared_eth_tls_v4v6_167ips.pcap", 2)).Attributions);
        Assert.Equal([GeoLocator.GeoLite2Attribution], Draw(Corpus("shared_eth_tls_v4v6_167ips.pcap", 3), new DrawingOptions { Attributions = [GeoLocator.GeoLite2Attribution] }).Attributions);
    }

    [Fact]
    public void An_empty_topology_gives_an_empty_drawing()
    {
        var drawing = Draw(new PcapTopology { Layer = 3, Nodes = [], Edges = [], Captures = [] });

        Assert.Empty(drawing.Nodes);
        Assert.Empty(drawing.Edges);
        Assert.Empty(drawing.Legend);
        Assert.True(drawing.Width > 0 && drawing.Height > 0);
    }

    [Fact]
    public void An_edge_to_a_node_the_topology_lacks_is_refused()
    {
        var edges = new[] { new PcapEdge { Source = "10.0.0.1", Destination = "10.0.0.9", Packets = 1, Bytes = 1, Protocols = [] } };
        var topology = new PcapTopology { Layer = 3, Nodes = [Node("10.0.0.1", "10.0.0.1", null, true, null, [], edges)], Edges = edges, Captures = [] };

        var error = Assert.Throws<ArgumentException>(() => Draw(topology));
        Assert.Contains("10.0.0.9", error.Message);
    }

    [Fact]
    public void Cancellation_stops_the_build()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => GraphDrawingBuilder.Build(SyntheticLayer4(2000), new DrawingOptions { MaxNodes = 0 }, cancelled.Token));
    }

    [Fact]
    public void Progress_is_reported_up_to_done()
    {
        var reports = new List<DrawingProgress>();
        var progress = new SynchronousProgress(reports);

        GraphDrawingBuilder.Build(SyntheticLayer4(1000), new DrawingOptions { MaxNodes = 0 }, progress);

        Assert.NotEmpty(reports);
        Assert.Equal(100, reports[^1].PercentComplete);
        Assert.Contains(reports, r => r.Activity.StartsWith("Laying out 1,000 nodes", StringComparison.Ordinal));
    }

    private sealed class SynchronousProgress(List<DrawingProgress> reports) : IProgress<DrawingProgress>
    {
        public void Report(DrawingProgress value)
        {
            lock (reports)
                reports.Add(value);
        }
    }
}
