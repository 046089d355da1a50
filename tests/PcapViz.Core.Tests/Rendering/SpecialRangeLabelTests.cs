using PcapViz.Core.Geo;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>Special-purpose addresses are named for what they are wherever a node is shown, never "country unknown".</summary>
public sealed class SpecialRangeLabelTests
{
    private const string Unknown = "country unknown";

    private static PcapFlow Flow(string source, string destination, long bytes) => new()
    {
        Protocol = "UDP",
        SourceAddress = source,
        DestinationAddress = destination,
        IpProtocol = 17,
        EtherType = source.Contains(':', StringComparison.Ordinal) ? 0x86DD : 0x0800,
        SourcePort = 40000,
        DestinationPort = 53,
        SentPackets = 1,
        SentBytes = bytes,
        FirstSeen = DateTimeOffset.UnixEpoch,
        LastSeen = DateTimeOffset.UnixEpoch.AddSeconds(1),
        Capture = "synthetic",
    };

    /// <summary>Hosts in documentation, benchmarking, CGNAT, private and public space, each talking to the next.</summary>
    private static PcapTopology Topology(int layer = 3)
    {
        var input = new TopologyInput();
        foreach (var flow in new[]
        {
            Flow("10.0.0.1", "192.0.2.5", 5000),
            Flow("10.0.0.1", "198.51.100.7", 4000),
            Flow("10.0.0.1", "203.0.113.66", 3000),
            Flow("100.64.1.1", "8.8.8.8", 2000),
            Flow("100.64.1.1", "198.18.0.1", 1000),
            Flow("fd00::1", "2001:db8::1", 900),
            Flow("fd00::1", "3fff::1", 800),
            Flow("fd00::1", "2001::1", 700),
        })
        {
            input.AddFlow(flow);
        }
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = layer, Geo = GeoLocator.Default() });
    }

    [Theory]
    [InlineData("192.0.2.5", "Documentation (RFC 5737)", false)]
    [InlineData("203.0.113.66", "Documentation (RFC 5737)", false)]
    [InlineData("2001:db8::1", "Documentation (RFC 3849)", false)]
    [InlineData("3fff::1", "Documentation (RFC 9637)", false)]
    [InlineData("198.18.0.1", "Benchmarking (RFC 2544)", false)]
    [InlineData("2001::1", "Teredo", false)]
    [InlineData("100.64.1.1", "Shared address space (CGNAT)", true)]
    [InlineData("10.0.0.1", "Private", true)]
    [InlineData("fd00::1", "Unique local (ULA)", true)]
    public void Nodes_of_special_purpose_addresses_carry_the_block_name_where_a_country_would_be(string address, string label, bool isInternal)
    {
        var node = Assert.Single(Topology().Nodes, n => n.Address == address);
        Assert.Null(node.Country);
        Assert.Equal(label, node.CountryName);
        Assert.Equal(isInternal, node.IsInternal);
    }

    [Fact]
    public void A_public_node_keeps_its_country()
    {
        var node = Assert.Single(Topology().Nodes, n => n.Address == "8.8.8.8");
        Assert.Equal("US", node.Country);
        Assert.Equal("United States", node.CountryName);
    }

    [Fact]
    public void Labels_tooltips_and_legend_name_the_blocks_and_nothing_says_country_unknown()
    {
        var drawing = GraphDrawingBuilder.Build(Topology(), new DrawingOptions { MaxNodes = 0 });

        var doc = Assert.Single(drawing.Nodes, n => n.Id == "192.0.2.5");
        Assert.Contains("(Documentation (RFC 5737))", doc.LabelLines);
        Assert.Contains(CanvasDetails.ForNode(doc, drawing), row => row.Key == "Address block" && row.Value == "Documentation (RFC 5737), 192.0.2.0/24");
        var cgnat = Assert.Single(drawing.Nodes, n => n.Id == "100.64.1.1");
        Assert.Contains("(Shared address space (CGNAT))", cgnat.LabelLines);

        var legend = drawing.Legend.Select(l => l.Label).ToList();
        Assert.Contains("Documentation (RFC 5737)", legend);
        Assert.Contains("Documentation (RFC 3849)", legend);
        Assert.Contains("Documentation (RFC 9637)", legend);
        Assert.Contains("Benchmarking (RFC 2544)", legend);
        Assert.Contains("Teredo", legend);
        var internalEntry = Assert.Single(legend, l => l.StartsWith("Internal", StringComparison.Ordinal));
        Assert.Equal("Internal: Private, Shared address space (CGNAT), Unique local (ULA)", internalEntry);
        Assert.DoesNotContain(legend, l => l.Contains(Unknown, StringComparison.Ordinal));
        // Each block has a colour of its own, as a country does, and the nodes wear it.
        Assert.Equal(drawing.Legend.Count, drawing.Legend.Select(l => l.Color).Distinct().Count());
        var documentation = drawing.Legend.Single(l => l.Label == "Documentation (RFC 5737)").Color;
        Assert.All(drawing.Nodes.Where(n => n.Node?.CountryName == "Documentation (RFC 5737)"), n => Assert.Equal(documentation, n.FillColor));

        var svg = SvgWriterTests.Write(drawing);
        Assert.DoesNotContain(Unknown, svg, StringComparison.Ordinal);
        Assert.Contains("Documentation (RFC 3849)", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Folded_special_purpose_hosts_go_into_a_group_named_for_their_block(int layer)
    {
        // Enough documentation hosts that the lightest must fold.
        var input = new TopologyInput();
        for (int i = 1; i <= 40; i++)
        {
            input.AddFlow(Flow("10.0.0.1", "192.0.2." + i, 100 + i));
            input.AddFlow(Flow("10.0.0.1", "203.0.113." + i, 100 + i));
        }
        var topology = TopologyBuilder.Build(input, new TopologyOptions { Layer = layer, Geo = GeoLocator.Default() });

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 10 });

        var groups = drawing.Nodes.Where(n => n.Node is null).ToList();
        Assert.NotEmpty(groups);
        Assert.Contains(groups, g => g.LabelLines[0] == "Documentation (RFC 5737)" && g.Members.Count > 1);
        Assert.All(drawing.Nodes, n => Assert.DoesNotContain(n.LabelLines, line => line.Contains(Unknown, StringComparison.Ordinal)));
        Assert.DoesNotContain(drawing.Legend, l => l.Label.Contains(Unknown, StringComparison.Ordinal));
    }

    [Fact]
    public void An_internal_subnet_group_says_which_block_it_is_in()
    {
        var input = new TopologyInput();
        for (int i = 1; i <= 30; i++)
            input.AddFlow(Flow("100.64.1." + i, "8.8.8.8", 100 + i));
        var topology = TopologyBuilder.Build(input, new TopologyOptions { Layer = 3, Geo = GeoLocator.Default() });

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 5 });

        var group = Assert.Single(drawing.Nodes, n => n.Node is null);
        Assert.Equal("100.64.1.0/24", group.LabelLines[0]);
        Assert.Equal("Shared address space (CGNAT)", group.LabelLines[1]);
    }

    [Fact]
    public void A_topology_from_elsewhere_with_no_block_names_is_labelled_from_its_addresses()
    {
        // As a script or an older export might hand it over: no CountryName on the documentation host.
        var edges = new List<PcapEdge> { new() { Source = "10.0.0.1", Destination = "2001:db8::1", Packets = 1, Bytes = 10, Protocols = ["UDP"] } };
        var topology = new PcapTopology
        {
            Layer = 3,
            Nodes =
            [
                RenderingFixtures.Node("10.0.0.1", "10.0.0.1", null, true, null, [], edges),
                RenderingFixtures.Node("2001:db8::1", "2001:db8::1", null, false, null, [], edges),
            ],
            Edges = edges.ToArray(),
            Captures = ["synthetic"],
        };

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions());

        Assert.Contains("(Documentation (RFC 3849))", Assert.Single(drawing.Nodes, n => n.Id == "2001:db8::1").LabelLines);
        Assert.Contains(drawing.Legend, l => l.Label == "Documentation (RFC 3849)");
        Assert.Contains(drawing.Legend, l => l.Label == "Internal: Private");
        Assert.DoesNotContain(drawing.Legend, l => l.Label.Contains(Unknown, StringComparison.Ordinal));
    }
}
