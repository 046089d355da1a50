using PcapViz.Core.Analysis;
using PcapViz.Core.Geo;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests.Topology;

public sealed class KeyHostsTests
{
    private static PcapTopology Graph(int layer, IEnumerable<(string From, string To)> edges)
    {
        var list = edges.ToList();
        var ids = list.SelectMany(e => new[] { e.From, e.To }).Distinct().ToArray();
        return new PcapTopology
        {
            Layer = layer,
            Captures = [],
            Nodes = ids.Select(id => new PcapNode { Id = id, Address = id, Mac = [], HostNames = [], IsInternal = true }).ToArray(),
            Edges = list.Select(e => new PcapEdge { Source = e.From, Destination = e.To, Packets = 1, Bytes = 100, Protocols = ["TCP"] }).ToArray(),
        };
    }

    private static Dictionary<string, PcapKeyHost> Rank(PcapTopology topology, KeyHostOptions? options = null) =>
        KeyHosts.Rank(topology, options ?? new KeyHostOptions()).ToDictionary(h => h.Host);

    [Fact]
    public void A_path_has_its_middle_as_the_only_articulation_point_with_a_third_of_the_pairs()
    {
        var hosts = Rank(Graph(3, [("10.0.0.1", "10.0.0.2"), ("10.0.0.2", "10.0.0.3")]));
        Assert.Equal(1.0 / 3, hosts["10.0.0.2"].Betweenness, 6);
        Assert.Equal(0, hosts["10.0.0.1"].Betweenness);
        Assert.True(hosts["10.0.0.2"].IsArticulationPoint);
        Assert.False(hosts["10.0.0.1"].IsArticulationPoint);
        Assert.Equal(1, hosts["10.0.0.2"].Rank);
        Assert.Equal(1.0, hosts.Values.Sum(h => h.PageRank), 6);
    }

    [Fact]
    public void Core_numbers_separate_a_clique_from_its_tail()
    {
        var hosts = Rank(Graph(3, [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")]));
        Assert.Equal([2, 2, 2, 1, 1], new[] { "a", "b", "c", "d", "e" }.Select(h => hosts[h].CoreNumber));
        Assert.True(hosts["c"].IsArticulationPoint);
        Assert.True(hosts["d"].IsArticulationPoint);
        Assert.False(hosts["a"].IsArticulationPoint);
    }

    [Fact]
    public void Empty_single_and_self_looped_topologies_have_defined_results()
    {
        Assert.Empty(KeyHosts.Rank(Graph(3, []), new KeyHostOptions()));
        var alone = Rank(Graph(3, [("10.0.0.1", "10.0.0.1")]));
        Assert.Equal((0, 0.0, 0, false), (alone["10.0.0.1"].Degree, alone["10.0.0.1"].Betweenness, alone["10.0.0.1"].CoreNumber, alone["10.0.0.1"].IsArticulationPoint));
        Assert.Equal(1.0, alone["10.0.0.1"].PageRank, 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Sampled_betweenness_stays_within_its_stated_error_of_exact_brandes(int seed)
    {
        // A random graph of 300 hosts in a few communities joined by bridges.
        var random = new Random(seed);
        var edges = new List<(string, string)>();
        for (int i = 1; i < 300; i++)
        {
            int community = i / 60;
            edges.Add(($"h{i}", $"h{community * 60 + random.Next(Math.Max(1, i - community * 60))}"));
            if (random.NextDouble() < 0.3)
                edges.Add(($"h{i}", $"h{random.Next(300)}"));
        }
        var topology = Graph(3, edges);
        var exact = Rank(topology, new KeyHostOptions { ExactBetweennessLimit = 1_000 });
        var sampled = Rank(topology, new KeyHostOptions { ExactBetweennessLimit = 0, BetweennessError = 0.02, Seed = seed });
        Assert.All(sampled.Values, h => Assert.True(h.BetweennessSamples > 0));
        double worst = exact.Keys.Max(h => Math.Abs(exact[h].Betweenness - sampled[h].Betweenness));
        Assert.True(worst <= 0.02, $"the sample is {worst:0.0000} off");
        Assert.All(sampled.Values, h => Assert.Equal(0.02, h.BetweennessError));
    }

    private static PcapTopology Layer3(string capture)
    {
        var input = new TopologyInput();
        input.AddCapture(CaptureAnalyzer.Analyze(Corpus.Capture(capture)));
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = 3, Geo = GeoLocator.Default() });
    }

    [Fact]
    public void On_a_real_capture_the_gateway_is_the_host_behind_whose_mac_the_outside_is_seen()
    {
        var hosts = KeyHosts.Rank(Layer3("shared_eth_mixed_mpls_pwe_dns_http.pcap"), new KeyHostOptions());
        var gateway = Assert.Single(hosts, h => h.Role?.Contains("Gateway") == true);
        Assert.Equal("172.16.11.1", gateway.Host);
        Assert.True(gateway.IsInternal);
    }

    [Fact]
    public void On_a_real_capture_the_dns_server_is_named_and_ranks_first_by_betweenness()
    {
        var hosts = KeyHosts.Rank(Layer3("shared_eth_dns_llmnr_mdns.pcap"), new KeyHostOptions());
        Assert.Equal("10.0.0.1", hosts[0].Host);
        Assert.Equal("DNS server", hosts[0].Role);
        Assert.DoesNotContain(hosts, h => h.Host == "224.0.0.251" && h.Betweenness > 0);
    }

    [Fact]
    public void A_chain_of_diamonds_whose_path_counts_overflow_a_double_still_gives_finite_betweenness()
    {
        // 1,100 diamonds in a row: 2^1100 shortest paths from one end to the other.
        var edges = new List<(string, string)>();
        for (int i = 0; i < 1_100; i++)
        {
            edges.Add(($"j{i}", $"a{i}"));
            edges.Add(($"j{i}", $"b{i}"));
            edges.Add(($"a{i}", $"j{i + 1}"));
            edges.Add(($"b{i}", $"j{i + 1}"));
        }
        var hosts = Rank(Graph(3, edges));
        Assert.All(hosts.Values, h => Assert.True(double.IsFinite(h.Betweenness), h.Host));
        Assert.True(hosts["j550"].Betweenness > hosts["a550"].Betweenness);
    }

    [Fact]
    public void One_or_two_nodes_are_exact_even_where_sampling_is_asked_for()
    {
        var one = KeyHosts.Rank(Graph(3, [("10.0.0.1", "10.0.0.1")]), new KeyHostOptions { ExactBetweennessLimit = 0 });
        Assert.Equal(0, Assert.Single(one).BetweennessSamples);
        var two = KeyHosts.Rank(Graph(3, [("10.0.0.1", "10.0.0.2")]), new KeyHostOptions { ExactBetweennessLimit = 0 });
        Assert.All(two, h => Assert.Equal(0, h.Betweenness));
    }
}
