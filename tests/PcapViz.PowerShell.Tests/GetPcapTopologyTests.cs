using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

public sealed class GetPcapTopologyTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    public void Dispose() => _session.Dispose();

    private static Dictionary<string, object?> Capture(string name) => new() { ["p"] = Corpus.Capture(name) };

    [Fact]
    public void Layer3_edges_from_the_cmdlet_equal_tshark()
    {
        const string name = "shared_eth_tls_v4v6_167ips.pcap";
        var topology = _session.Run("Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3", Capture(name)).Single<PcapTopology>();
        var expected = Corpus.Reference(name).GetProperty("l3").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].GetString()!, e[2].GetInt64(), e[3].GetInt64())).Order().ToList();
        Assert.Equal(expected, topology.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes)).Order().ToList());
        Assert.Equal(3, topology.Layer);
        Assert.Equal(new[] { Corpus.Capture(name) }, topology.Captures);
    }

    [Fact]
    public void Edges_name_the_application_the_payload_shows_and_flows_give_the_same_name()
    {
        // The planted capture's 10.9.0.12 speaks plain HTTP to 203.0.113.66 on port 443, where TLS would be.
        var vars = new Dictionary<string, object?> { ["p"] = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz") };
        var result = _session.Run("""
            $c = Import-Pcap -LiteralPath $p
            $c | Get-PcapTopology -Layer 3 -Protocol HTTP
            $c | Get-PcapFlow | Where-Object { "$($_.DestinationAddress)" -eq '203.0.113.66' } | Get-PcapTopology -Layer 3
            """, vars);
        Assert.Empty(result.Errors);
        var fromCapture = Assert.IsType<PcapTopology>(result.Output[0].BaseObject);
        var fromFlows = Assert.IsType<PcapTopology>(result.Output[1].BaseObject);
        var edge = Assert.Single(fromCapture.Edges, e => e.Source == "10.9.0.12" && e.Destination == "203.0.113.66");
        Assert.Contains("HTTP", edge.Protocols);
        Assert.DoesNotContain("TLS", edge.Protocols);
        Assert.All(fromCapture.Edges, e => Assert.Contains("HTTP", e.Protocols));
        Assert.Equal(edge.Protocols, Assert.Single(fromFlows.Edges, e => e.Source == "10.9.0.12").Protocols);
    }

    [Fact]
    public void Two_captures_merge_into_one_graph_whose_edges_are_the_sums()
    {
        var names = new[] { "shared_rawip4_linktype228_dns.pcap", "shared_rawip_v4v6_http_dns.pcap" };
        var merged = _session.Run("Import-Pcap -LiteralPath $a, $b | Get-PcapTopology -Layer 4",
            new Dictionary<string, object?> { ["a"] = Corpus.Capture(names[0]), ["b"] = Corpus.Capture(names[1]) }).Single<PcapTopology>();
        var expected = names.SelectMany(n => Corpus.Reference(n).GetProperty("l4").EnumerateArray())
            .GroupBy(e => (e[0].GetString()!, e[1].GetString()!))
            .Select(g => (g.Key.Item1, g.Key.Item2, g.Sum(e => e[2].GetInt64()), g.Sum(e => e[3].GetInt64()))).Order().ToList();
        Assert.Equal(expected, merged.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes)).Order().ToList());
        Assert.Equal(2, merged.Captures.Count);
    }

    [Fact]
    public void Filtered_flows_draw_only_what_passed_the_filter()
    {
        var topology = _session.Run("Import-Pcap -LiteralPath $p | Get-PcapFlow | Where-Object DestinationPort -eq 443 | Get-PcapTopology -Layer 4",
            Capture("shared_eth_tls_v4v6_167ips.pcap")).Single<PcapTopology>();
        Assert.NotEmpty(topology.Edges);
        Assert.All(topology.Edges, e => Assert.True(e.Source.EndsWith(":443", StringComparison.Ordinal) || e.Destination.EndsWith(":443", StringComparison.Ordinal)));
        // -Port matches either end, as a Where-Object over both ports does (a capture that starts mid-connection orients it from the server).
        var eitherEnd = _session.Run("Import-Pcap -LiteralPath $p | Get-PcapFlow | Where-Object { $_.DestinationPort -eq 443 -or $_.SourcePort -eq 443 } | Get-PcapTopology -Layer 4",
            Capture("shared_eth_tls_v4v6_167ips.pcap")).Single<PcapTopology>();
        var byFlag = _session.Run("Get-PcapTopology -LiteralPath $p -Layer 4 -Port 443", Capture("shared_eth_tls_v4v6_167ips.pcap")).Single<PcapTopology>();
        Assert.Equal(eitherEnd.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes)).Order(), byFlag.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes)).Order());
    }

    [Fact]
    public void Protocol_and_address_filters_keep_whole_flows()
    {
        var dns = _session.Run("Get-PcapTopology -LiteralPath $p -Protocol DNS", Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap")).Single<PcapTopology>();
        Assert.NotEmpty(dns.Edges);
        Assert.All(dns.Edges, e => Assert.Contains("DNS", e.Protocols));
        var noUdp = _session.Run("Get-PcapTopology -LiteralPath $p -ExcludeProtocol UDP", Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap")).Single<PcapTopology>();
        Assert.All(noUdp.Edges, e => Assert.DoesNotContain("UDP", e.Protocols));
        var subnet = _session.Run("Get-PcapTopology -LiteralPath $p -Address 10.0.0.0/24", Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap")).Single<PcapTopology>();
        Assert.All(subnet.Edges, e => Assert.True(e.Source.StartsWith("10.0.0.", StringComparison.Ordinal) || e.Destination.StartsWith("10.0.0.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Nodes_carry_country_names_and_traffic()
    {
        var topology = _session.Run("Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3", Capture("shared_eth_tls_v4v6_167ips.pcap")).Single<PcapTopology>();
        Assert.Contains(topology.Nodes, n => !n.IsInternal && n.Country is { Length: 2 } && n.CountryName is not null);
        Assert.Contains(topology.Nodes, n => n.IsInternal && n.Country is null);
        Assert.Contains(topology.Nodes, n => n.HostNames.Count > 0);
        Assert.Equal(topology.Edges.Sum(e => e.Bytes), topology.Nodes.Sum(n => n.BytesSent));
        Assert.Equal(topology.Edges.Sum(e => e.Bytes), topology.Nodes.Sum(n => n.BytesReceived));
    }

    [Fact]
    public void Frequent_hosts_by_peers_equal_tshark_degrees_most_first()
    {
        const string name = "shared_many_hosts_srvloc_310ips.pcap";
        var rows = _session.Run("Import-Pcap -LiteralPath $p | Get-FrequentHost -Direction In", Capture(name)).All<FrequentHost>();
        var expected = Corpus.Reference(name).GetProperty("in_degree").EnumerateObject().ToDictionary(p => p.Name, p => (long)p.Value.GetInt32());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), rows.ToDictionary(r => r.Host, r => r.Count).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(rows.Select(r => r.Count).OrderDescending(), rows.Select(r => r.Count));
        var top = _session.Run("Get-FrequentHost -LiteralPath $p -Direction Out -By Bytes -Top 5", Capture(name)).All<FrequentHost>();
        Assert.Equal(5, top.Count);
        Assert.All(top, r => Assert.Equal(r.Bytes, r.Count));
    }

    [Fact]
    public void Piped_captures_are_not_read_from_disk_again()
    {
        using var temp = new TempDirectory();
        var copy = temp.File("gone.pcap");
        File.Copy(Corpus.Capture("shared_rawip_v4v6_http_dns.pcap"), copy);
        var result = _session.Run("$c = Import-Pcap -LiteralPath $p; Remove-Item -LiteralPath $p -Force; $c | Get-PcapTopology -Layer 3; $c | Get-FrequentHost -Top 1",
            new Dictionary<string, object?> { ["p"] = copy });
        Assert.Empty(result.Errors);
        Assert.IsType<PcapTopology>(result.Output[0].BaseObject);
        Assert.NotEmpty(((PcapTopology)result.Output[0].BaseObject).Edges);
        Assert.IsType<FrequentHost>(result.Output[1].BaseObject);
    }

    [Fact]
    public void Names_come_from_the_capture_alone_unless_ResolveName_is_given()
    {
        // 127.0.0.1 resolves from the hosts file: no packet leaves the machine, and the expected name is the system's own answer.
        var result = _session.Run(
            "$t = Get-PcapTopology -LiteralPath $p; ($t.Nodes | Where-Object Id -eq '127.0.0.1').HostNames.Count; " +
            "$r = Get-PcapTopology -LiteralPath $p -ResolveName; ($r.Nodes | Where-Object Id -eq '127.0.0.1').HostNames -join ','; " +
            "[System.Net.Dns]::GetHostEntry([ipaddress]'127.0.0.1').HostName",
            Capture("shared_bigendian_nanosec_http.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal(0, (int)result.Output[0].BaseObject);
        var system = (string)result.Output[2].BaseObject;
        Assert.NotEqual("127.0.0.1", system);
        Assert.Equal(system, result.Output[1].BaseObject);
    }

    [Fact]
    public void Time_window_keeps_only_flows_that_overlap_it()
    {
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p; $all = $c | Get-PcapTopology -Layer 3; " +
            "$late = $c | Get-PcapTopology -Layer 3 -After $c.LastSeen; $early = $c | Get-PcapTopology -Layer 3 -Before $c.FirstSeen; " +
            "$none = $c | Get-PcapTopology -Layer 3 -After $c.LastSeen.AddSeconds(1); $all.Edges.Count; $late.Edges.Count; $early.Edges.Count; $none.Edges.Count",
            Capture("shared_null_loopback_v4v6.pcap"));
        Assert.Empty(result.Errors);
        var counts = result.Output.Select(o => (int)o.BaseObject).ToArray();
        Assert.Equal(3, counts[0]);
        Assert.Equal(1, counts[1]);
        Assert.Equal(1, counts[2]);
        Assert.Equal(0, counts[3]);
    }

    [Fact]
    public void A_time_window_beyond_nanosecond_range_clamps_instead_of_dropping_every_flow()
    {
        // 2300 and 1500 lie outside what a long counts in nanoseconds from 1970: they mean "no end" and "no start".
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p; ($c | Get-PcapTopology -Layer 3 -Before '2300-01-01').Edges.Count; " +
            "($c | Get-PcapTopology -Layer 3 -After '1500-01-01').Edges.Count; ($c | Get-PcapTopology -Layer 3 -After '2300-01-01').Edges.Count; " +
            "($c | Get-PcapTopology -Layer 3 -Before '1500-01-01').Edges.Count",
            Capture("shared_null_loopback_v4v6.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal([3, 3, 0, 0], result.Output.Select(o => (int)o.BaseObject));
    }

    [Fact]
    public void Bad_address_filter_and_unreadable_database_stop_with_clear_errors()
    {
        var bad = _session.Run("try { Get-PcapTopology -LiteralPath $p -Address 10.0.0.0/33 } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category }", Capture("shared_null_loopback_v4v6.pcap"));
        Assert.StartsWith("InvalidAddress", (string)bad.Output[0].BaseObject, StringComparison.Ordinal);
        var missing = _session.Run("try { Get-PcapTopology -LiteralPath $p -GeoIPDatabase ./no-such.mmdb } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }", Capture("shared_null_loopback_v4v6.pcap"));
        Assert.StartsWith("GeoDatabaseUnreadable", (string)missing.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Contains("no-such.mmdb", (string)missing.Output[1].BaseObject, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxMind_city_and_asn_databases_fill_city_and_asn()
    {
        // MaxMind's test databases know 81.2.69.160/27 (GB, with a city); a flow to it comes from a hand-made capture.
        using var temp = new TempDirectory();
        var path = temp.File("gb.pcap");
        var packet = new byte[28];
        packet[0] = 0x45;
        packet[3] = 28;
        packet[8] = 64;
        packet[9] = 17;
        new byte[] { 10, 0, 0, 1 }.CopyTo(packet, 12);
        new byte[] { 81, 2, 69, 160 }.CopyTo(packet, 16);
        PcapFile.Write(path, 101, [packet]);
        var result = _session.Run("(Get-PcapTopology -LiteralPath $p -GeoIPDatabase $city -AsnDatabase $asn).Nodes | Where-Object Id -eq '81.2.69.160'",
            new Dictionary<string, object?>
            {
                ["p"] = path,
                ["city"] = Path.Combine(Corpus.GeoIpDirectory, "GeoIP2-City-Test.mmdb"),
                ["asn"] = Path.Combine(Corpus.GeoIpDirectory, "GeoLite2-ASN-Test.mmdb"),
            });
        Assert.Empty(result.Errors);
        var node = result.Single<PcapNode>();
        Assert.Equal("GB", node.Country);
        Assert.Equal("United Kingdom", node.CountryName);
        Assert.False(string.IsNullOrEmpty(node.City));
        Assert.False(node.IsInternal);
    }
}
