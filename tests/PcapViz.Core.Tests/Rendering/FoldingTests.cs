using PcapViz.Core.Rendering;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>Above MaxNodes the lightest nodes fold into groups, and nothing is lost or counted twice.</summary>
public sealed class FoldingTests
{
    public static TheoryData<string, int, int> FoldCases() => new()
    {
        { "shared_many_hosts_srvloc_310ips.pcap", 3, 50 },
        { "shared_many_hosts_srvloc_310ips.pcap", 3, 5 },
        { "shared_eth_tls_v4v6_167ips.pcap", 3, 20 },
        { "shared_eth_tls_v4v6_167ips.pcap", 4, 40 },
        { "shared_eth_mixed_mpls_pwe_dns_http.pcap", 2, 5 },
        { "shared_radiotap_80211_mgmt_data.pcap", 2, 4 },
        { "shared_sll_mixed_tcp_dns_dhcp_arp.pcap", 4, 10 },
    };

    [Theory]
    [MemberData(nameof(FoldCases))]
    public void Folding_keeps_byte_and_packet_sums_exact_and_counts_what_it_folded(string capture, int layer, int maxNodes)
    {
        var topology = Corpus(capture, layer);
        Assert.True(topology.Nodes.Length > maxNodes);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = maxNodes });

        Assert.True(drawing.FoldedNodes > 0);
        Assert.True(drawing.Nodes.Count < topology.Nodes.Length);
        // Every topology node is drawn exactly once: as itself or inside one group.
        var drawnIds = drawing.Nodes.Where(n => n.Node is not null).Select(n => n.Node!.Id)
            .Concat(drawing.Nodes.SelectMany(n => n.Members).Select(m => m.Id)).ToList();
        Assert.Equal(topology.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal), drawnIds.Order(StringComparer.Ordinal));
        Assert.Equal(drawing.FoldedNodes, drawing.Nodes.Sum(n => n.Members.Count));
        Assert.All(drawing.Nodes.Where(n => n.Node is null), g => Assert.Equal(g.Members.Count, g.FoldedCount));
        Assert.All(drawing.Nodes.Where(n => n.Node is null), g => Assert.True(g.Members.Count >= 2));
        // Edge sums are exact, and every topology edge is accounted for once.
        Assert.Equal(topology.Edges.Sum(e => e.Bytes), drawing.Edges.Sum(e => e.Bytes));
        Assert.Equal(topology.Edges.Sum(e => e.Packets), drawing.Edges.Sum(e => e.Packets));
        Assert.Equal(topology.Edges.Length, drawing.Edges.Sum(e => e.Edges.Count));
        Assert.All(drawing.Edges, e => Assert.Equal(e.Bytes, e.Edges.Sum(x => x.Bytes)));
        Assert.All(drawing.Edges, e => Assert.Equal(e.Packets, e.Edges.Sum(x => x.Packets)));
        Assert.All(drawing.Edges, e => Assert.Equal(e.Edges.SelectMany(x => x.Protocols).Distinct().Order(), e.Protocols.Order()));
        // Drawn edges are distinct pairs.
        Assert.Equal(drawing.Edges.Count, drawing.Edges.Select(e => (e.Source, e.Destination)).Distinct().Count());
        LayoutTests.AssertNoOverlap(drawing);
    }

    [Theory]
    [MemberData(nameof(FoldCases))]
    public void Folding_takes_the_lightest_nodes_first_and_stays_within_max_nodes_when_groups_allow(string capture, int layer, int maxNodes)
    {
        var topology = Corpus(capture, layer);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = maxNodes });

        var kept = drawing.Nodes.Where(n => n.Node is not null).Select(n => n.Node!.Id).ToHashSet();
        var folded = drawing.Nodes.SelectMany(n => n.Members).ToList();
        // Folding takes the lightest first: every node heavier than the heaviest folded one is drawn as itself.
        long heaviestFolded = folded.Max(Traffic);
        Assert.All(topology.Nodes.Where(n => Traffic(n) > heaviestFolded), n => Assert.Contains(n.Id, kept));
        // Within MaxNodes, unless even the coarsest groups (one per country or subnet class, and port range) are more.
        Assert.True(drawing.Nodes.Count <= Math.Max(maxNodes, 3 * (drawing.Legend.Count + 2)), $"{drawing.Nodes.Count} nodes drawn");
    }

    [Fact]
    public void Layer_3_folds_internal_hosts_by_subnet_and_external_ones_by_country()
    {
        var edges = new List<PcapEdge>();
        for (int i = 0; i < 300; i++)
            edges.Add(new PcapEdge { Source = $"10.0.{i % 6}.{i / 6 + 1}", Destination = $"81.2.69.{160 + i % 20}", Packets = 2, Bytes = 1000 + i, Protocols = ["TCP"] });
        for (int i = 0; i < 60; i++)
            edges.Add(new PcapEdge { Source = $"10.0.0.{i / 6 + 1}", Destination = $"89.160.20.{112 + i % 12}", Packets = 1, Bytes = 70 + i, Protocols = ["UDP"] });
        var ids = edges.Select(e => e.Source).Concat(edges.Select(e => e.Destination)).Distinct().ToArray();
        var topology = new PcapTopology
        {
            Layer = 3,
            Nodes = ids.Select(id => Node(id, id, null, id.StartsWith("10.", StringComparison.Ordinal), id.StartsWith("81.", StringComparison.Ordinal) ? "GB" : id.StartsWith("89.", StringComparison.Ordinal) ? "SE" : null, [], edges)).ToArray(),
            Edges = edges.ToArray(),
            Captures = [],
        };

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 20 });

        Assert.True(drawing.Nodes.Count <= 20);
        var groups = drawing.Nodes.Where(n => n.Node is null).ToList();
        Assert.Equal(6, groups.Count(g => g.LabelLines[0].StartsWith("10.0.", StringComparison.Ordinal)));
        foreach (var group in groups)
        {
            var first = group.Members[0];
            if (first.IsInternal)
            {
                Assert.Matches(@"^10\.0\.[0-5]\.0/24$", group.LabelLines[0]);
                var prefix = group.LabelLines[0][..group.LabelLines[0].LastIndexOf('.')];
                Assert.All(group.Members, m => Assert.StartsWith(prefix + ".", m.Address));
            }
            else
            {
                Assert.All(group.Members, m => Assert.Equal(first.Country, m.Country));
                Assert.Equal(first.Country == "GB" ? "United Kingdom (GB)" : "Sweden (SE)", group.LabelLines[0]);
            }
            Assert.Equal($"{group.Members.Count:N0} hosts", group.LabelLines[^1]);
        }
        Assert.Equal(edges.Sum(e => e.Bytes), drawing.Edges.Sum(e => e.Bytes));
    }

    [Fact]
    public void Too_many_subnets_fall_back_to_coarser_groups()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_many_hosts_srvloc_310ips.pcap", 3), new DrawingOptions { MaxNodes = 60 });

        // Its internal addresses are multicast groups in many /24s and /16s: all internal ones share one group.
        Assert.True(drawing.Nodes.Count <= 60);
        Assert.Contains(drawing.Nodes, n => n.LabelLines[0] == "Internal addresses");
    }

    [Fact]
    public void Layer_4_folds_each_address_by_port_range()
    {
        var topology = SyntheticLayer4(3000);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 500 });

        Assert.True(drawing.Nodes.Count <= 500);
        Assert.Equal(topology.Edges.Sum(e => e.Bytes), drawing.Edges.Sum(e => e.Bytes));
        var groups = drawing.Nodes.Where(n => n.Node is null).ToList();
        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            Assert.Contains(group.LabelLines, l => l.StartsWith("ports ", StringComparison.Ordinal));
            Assert.Equal($"{group.Members.Count:N0} endpoints", group.LabelLines[^1]);
            Assert.Single(group.Members.Select(m => m.Port switch { < 1024 => 0, < 49152 => 1, _ => 2 }).Distinct());
        }
    }

    [Fact]
    public void Layer_2_folds_by_oui()
    {
        var edges = new List<PcapEdge>();
        for (int i = 0; i < 30; i++)
            edges.Add(new PcapEdge { Source = $"00:1b:21:00:00:{i:x2}", Destination = "ff:ff:ff:ff:ff:ff", Packets = 1, Bytes = 60 + i, Protocols = ["ARP"] });
        for (int i = 0; i < 30; i++)
            edges.Add(new PcapEdge { Source = $"3c:22:fb:00:00:{i:x2}", Destination = "ff:ff:ff:ff:ff:ff", Packets = 1, Bytes = 60 + i, Protocols = ["ARP"] });
        var ids = edges.Select(e => e.Source).Append("ff:ff:ff:ff:ff:ff").ToArray();
        var topology = new PcapTopology
        {
            Layer = 2,
            Nodes = ids.Select(id => Node(id, id, null, id.StartsWith("ff", StringComparison.Ordinal), null, [], edges, mac: [id])).ToArray(),
            Edges = edges.ToArray(),
            Captures = [],
        };

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 10 });

        Assert.True(drawing.Nodes.Count <= 10);
        Assert.Contains(drawing.Nodes, n => n.LabelLines[0] == "OUI 00:1b:21");
        Assert.Contains(drawing.Nodes, n => n.LabelLines[0] == "OUI 3c:22:fb");
        Assert.Contains(drawing.Nodes, n => n.Id == "ff:ff:ff:ff:ff:ff");
        Assert.Equal(edges.Sum(e => e.Bytes), drawing.Edges.Sum(e => e.Bytes));
    }

    [Fact]
    public void Max_nodes_zero_never_folds()
    {
        var topology = Corpus("shared_many_hosts_srvloc_310ips.pcap", 3);

        var drawing = GraphDrawingBuilder.Build(topology, new DrawingOptions { MaxNodes = 0 });

        Assert.Equal(topology.Nodes.Length, drawing.Nodes.Count);
        Assert.Equal(0, drawing.FoldedNodes);
    }

    private static long Traffic(PcapNode n) => n.BytesSent + n.BytesReceived;
}
