using PcapViz.Core.Threats;

namespace PcapViz.Core.Tests.Threats;

/// <summary>Ranks and kinds on captures with planted threats and near misses (see tests/tools/gen-threats.py).</summary>
public sealed class ThreatAnalyzerTests(ThreatCaptures captures) : IClassFixture<ThreatCaptures>
{
    private List<PcapFinding> Office(ThreatOptions? options = null) =>
        ThreatAnalyzer.Analyze([captures.Capture("office")], options ?? new ThreatOptions()).Where(f => f.Score >= 0.2).ToList();

    private static PcapFinding? Find(IEnumerable<PcapFinding> findings, string kind, string source, string? destination = null) =>
        findings.FirstOrDefault(f => f.Kind == kind && f.Source == source && (destination is null || f.Destination == destination || f.Domain == destination));

    [SkippableFact]
    public void The_rare_upload_is_the_only_exfiltration_and_backup_and_download_are_not()
    {
        var exfiltration = Office().Where(f => f.Kind == "Exfiltration").ToList();
        var finding = Assert.Single(exfiltration);
        Assert.Equal(("10.1.0.18", "203.0.113.50"), (finding.Source, finding.Destination));
        Assert.Equal(28, finding.Connections);
        Assert.True(finding.ProducerConsumerRatio > 0.9);
        Assert.Equal(1, finding.PrevalenceHosts);
        Assert.Contains("no other internal host talks to it", finding.Reason);
        Assert.Contains("12.", finding.Reason);
        Assert.Equal("High", finding.Severity);
    }

    [SkippableFact]
    public void Beacons_score_with_jitter_and_in_office_hours_while_poisson_traffic_and_three_times_do_not()
    {
        var findings = Office();
        var exact = Find(findings, "Beaconing", "10.1.0.25", "198.51.100.77:443");
        var jittered = Find(findings, "Beaconing", "10.1.0.26", "203.0.113.99:443");
        var officeHours = Find(findings, "Beaconing", "10.1.0.29", "203.0.113.77:443");
        var fourTimes = Find(findings, "Beaconing", "10.1.0.32", "203.0.113.4:443");
        Assert.NotNull(exact);
        Assert.NotNull(jittered);
        Assert.NotNull(officeHours);
        Assert.NotNull(fourTimes);
        Assert.Equal("Critical", exact.Severity);
        Assert.True(jittered.Score >= 0.6, $"a beacon with 20% jitter scores {jittered.Score}");
        Assert.True(officeHours.Score >= 0.6, $"a beacon in office hours only scores {officeHours.Score}");
        Assert.True(exact.Score > jittered.Score);
        Assert.InRange(exact.IntervalSeconds!.Value, 298, 302);
        Assert.Equal("Connections", exact.Evidence);
        Assert.Null(Find(findings, "Beaconing", "10.1.0.27"));
        Assert.Null(Find(findings, "Beaconing", "10.1.0.31"));
    }

    [SkippableFact]
    public void An_exact_ntp_poll_is_a_low_beacon_ranked_below_every_real_one()
    {
        var findings = Office();
        var ntp = Find(findings, "Beaconing", "10.1.0.28", "192.0.2.123:123");
        Assert.NotNull(ntp);
        Assert.Equal("Low", ntp.Severity);
        Assert.Equal("Bursts in one flow", ntp.Evidence);
        Assert.InRange(ntp.IntervalSeconds!.Value, 1023, 1025);
        Assert.Contains("NTP", ntp.Reason);
        var real = findings.Where(f => f.Kind == "Beaconing" && f.Source is "10.1.0.25" or "10.1.0.26" or "10.1.0.29").ToList();
        Assert.All(real, r => Assert.True(findings.IndexOf(r) < findings.IndexOf(ntp)));
    }

    [SkippableFact]
    public void The_tunnel_and_the_hundredth_subdomain_are_found_and_the_near_misses_are_not()
    {
        var dns = Office().Where(f => f.Kind == "DnsTunnel").ToList();
        var tunnel = Find(dns, "DnsTunnel", "10.1.0.33", "tunnel-c2.net");
        Assert.NotNull(tunnel);
        Assert.Equal(dns[0], tunnel);
        Assert.Equal(600, tunnel.Names);
        Assert.Equal(600, tunnel.TxtQueries);
        Assert.True(tunnel.LongestLabel >= 52);
        Assert.Equal("Critical", tunnel.Severity);
        Assert.NotNull(Find(dns, "DnsTunnel", "10.1.0.36", "one-hundred.org"));
        Assert.Null(Find(dns, "DnsTunnel", "10.1.0.35"));
        Assert.Null(Find(dns, "DnsTunnel", "10.1.0.34"));
        Assert.Equal(2, dns.Count);
    }

    [SkippableFact]
    public void A_long_idle_tcp_session_is_one_long_connection()
    {
        var findings = Office();
        var ssh = Find(findings, "LongConnection", "10.1.0.37", "203.0.113.200:22");
        Assert.NotNull(ssh);
        Assert.Equal(1, ssh.Connections);
        Assert.InRange(ssh.LongestConnectionSeconds!.Value, 17_999, 18_001);
        Assert.Equal("Medium", PcapFinding.SeverityOf(ssh.RawScore!.Value));
        Assert.Single(findings, f => f.Kind == "LongConnection");
    }

    [SkippableFact]
    public void Http_on_443_and_random_bytes_on_53_are_out_of_place()
    {
        var findings = Office();
        var http = Find(findings, "ProtocolMismatch", "10.1.0.38", "203.0.113.66:443");
        var random = Find(findings, "ProtocolMismatch", "10.1.0.39", "203.0.113.67:53");
        Assert.NotNull(http);
        Assert.NotNull(random);
        Assert.Equal(("TLS", "HTTP"), (http.ExpectedProtocol, http.ObservedProtocol));
        Assert.Equal("encrypted or random data", random.ObservedProtocol);
        Assert.InRange(random.Connections!.Value, 18, 20);
        Assert.True(http.Score > random.Score);
        Assert.Equal(2, findings.Count(f => f.Kind == "ProtocolMismatch"));
    }

    [SkippableFact]
    public void An_allow_list_removes_what_it_names_before_scoring_and_says_so()
    {
        var allow = new AllowList(["203.0.113.50", "*.tunnel-c2.net", "198.51.100.0/24"]);
        var findings = Office(new ThreatOptions { AllowList = allow });
        Assert.DoesNotContain(findings, f => f.Destination is "203.0.113.50" or "198.51.100.77:443" || f.Domain == "tunnel-c2.net");
        Assert.NotNull(Find(findings, "Beaconing", "10.1.0.26"));
        var text = findings[0].AllowList;
        Assert.True(text.Length > 0, "no allow-list text");
        Assert.Contains("203.0.113.50 (28 flows)", text);
        Assert.Contains("*.tunnel-c2.net (1 DNS client-domain pair)", text);
        Assert.Contains("198.51.100.0/24 (", text);
    }

    [SkippableFact]
    public void An_allow_list_entry_below_a_registered_domain_leaves_out_only_the_names_under_it()
    {
        // The tunnel's names are <data>.<0-6>.tunnel-c2.net: one in seven is under 3.tunnel-c2.net.
        var findings = Office(new ThreatOptions { AllowList = new AllowList(["*.3.tunnel-c2.net"]) });
        var tunnel = Find(findings, "DnsTunnel", "10.1.0.33", "tunnel-c2.net");
        Assert.NotNull(tunnel);
        Assert.InRange(tunnel.Names!.Value, 600 - 600 / 7 - 1, 600 - 600 / 7 + 1);
    }

    [SkippableFact]
    public void Findings_are_ordered_by_score_and_kinds_filter()
    {
        var all = Office();
        Assert.Equal(all.OrderByDescending(f => f.Score).Select(f => f.Score), all.Select(f => f.Score));
        var beacons = Office(new ThreatOptions { Kinds = new HashSet<ThreatKind> { ThreatKind.Beaconing } });
        Assert.All(beacons, f => Assert.Equal("Beaconing", f.Kind));
        Assert.Equal(all.Count(f => f.Kind == "Beaconing"), beacons.Count);
    }

    [SkippableFact]
    public void A_strobe_is_its_own_kind_and_not_a_beacon()
    {
        var findings = ThreatAnalyzer.Analyze([captures.Capture("strobe")], new ThreatOptions());
        var strobe = Assert.Single(findings, f => f.Kind == "Strobe");
        Assert.Equal(("10.2.0.5", "198.51.100.5:80"), (strobe.Source, strobe.Destination));
        Assert.Equal(4000, strobe.Connections);
        Assert.DoesNotContain(findings, f => f.Kind == "Beaconing" && f.Source == "10.2.0.5");
    }

    [SkippableFact]
    public void A_beacon_inside_one_udp_flow_scores_and_poisson_datagrams_do_not()
    {
        var findings = ThreatAnalyzer.Analyze([captures.Capture("beacon-in-flow")], new ThreatOptions());
        var beacon = Assert.Single(findings, f => f.Kind == "Beaconing");
        Assert.Equal(("10.3.0.5", "203.0.113.9:5000", "Bursts in one flow"), (beacon.Source, beacon.Destination, beacon.Evidence));
        Assert.InRange(beacon.IntervalSeconds!.Value, 59.9, 60.1);
        Assert.True(beacon.Score >= 0.6);
    }

    [SkippableFact]
    public void Without_a_handshake_random_bytes_on_443_are_out_of_place_while_tls_records_and_server_pushes_are_not()
    {
        var findings = ThreatAnalyzer.Analyze([captures.Capture("midstream")], new ThreatOptions());
        var finding = Assert.Single(findings);
        Assert.Equal(("ProtocolMismatch", "10.4.0.5", "203.0.113.70:443", "encrypted or random data"),
            (finding.Kind, finding.Source, finding.Destination, finding.ObservedProtocol));
    }

    [SkippableFact]
    public void An_upload_cut_by_the_snap_length_still_counts_what_its_headers_declare()
    {
        var findings = ThreatAnalyzer.Analyze([captures.Capture("snaplen")], new ThreatOptions());
        var upload = Assert.Single(findings, f => f.Kind == "Exfiltration");
        Assert.Equal(("10.5.0.5", "203.0.113.80"), (upload.Source, upload.Destination));
        Assert.InRange(upload.BytesSent!.Value, 5_000_000, 5_001_000);
    }

    [SkippableFact]
    public void A_snapshot_gives_the_same_findings()
    {
        var capture = captures.Capture("office");
        var restored = PcapCapture.FromSnapshot(capture.ToSnapshot());
        var before = ThreatAnalyzer.Analyze([capture], new ThreatOptions()).Select(f => (f.Kind, f.Source, f.Destination, f.Domain, f.Score)).ToList();
        var after = ThreatAnalyzer.Analyze([restored], new ThreatOptions()).Select(f => (f.Kind, f.Source, f.Destination, f.Domain, f.Score)).ToList();
        Assert.Equal(before, after);
    }

    [SkippableTheory]
    [InlineData("empty")]
    [InlineData("noip")]
    [InlineData("one")]
    public void Captures_with_nothing_to_find_give_no_findings(string scenario)
    {
        Assert.Empty(ThreatAnalyzer.Analyze([captures.Capture(scenario)], new ThreatOptions()));
    }
}
