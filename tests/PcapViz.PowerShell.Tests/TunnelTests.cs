using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Mirror sessions and tunnels from the user's side: the planted capture wrapped whole in each kind of mirror
/// (tests/tools/wrap-tunnel.py) must give the same conversations, topology and findings as the capture itself, with
/// the mirror's own transport one -Tunnel Outer away.
/// </summary>
public sealed class TunnelTests : IDisposable
{
    private static readonly string Planted = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz");
    private const string Sensor = "10.250.0.1", Collector = "10.250.0.2";

    private static readonly Lazy<string> Wrapped = new(() =>
    {
        string python = RequiredTool.Find("python3", "it wraps the planted capture in tunnels (tests/tools/wrap-tunnel.py).");
        var folder = Directory.CreateTempSubdirectory("pcapviz-tunnels-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } };
        string script = Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "wrap-tunnel.py");
        foreach (var kind in new[] { "vxlan", "geneve", "gre-eth", "erspan2" })
            ExternalTool.Succeed(python, [script, Planted, Path.Combine(folder, kind + ".pcap"), "--kind", kind]);
        ExternalTool.Succeed(python, [script, Planted, Path.Combine(folder, "vxlan-both-ways.pcap"), "--kind", "vxlan", "--both-ways"]);
        return folder;
    });

    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private static string WrappedCapture(string kind)
    {
        RequiredTool.Find("python3", "it wraps the planted capture in tunnels (tests/tools/wrap-tunnel.py).");
        return Path.Combine(Wrapped.Value, kind + ".pcap");
    }

    private Dictionary<string, object?> Vars(string kind) => new() { ["plain"] = Planted, ["wrapped"] = WrappedCapture(kind) };

    [SkippableTheory]
    [InlineData("vxlan", "VXLAN", 4242L)]
    [InlineData("geneve", "Geneve", 4242L)]
    [InlineData("gre-eth", "GRE-Ethernet", 4242L)]
    [InlineData("erspan2", "ERSPAN-II", 0x42L)]
    public void Flows_are_the_conversations_inside_and_name_their_tunnel(string kind, string name, long id)
    {
        var plain = _session.Run("Import-Pcap -LiteralPath $plain | Get-PcapFlow", Vars(kind)).All<PcapFlow>();
        var wrapped = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapFlow | Where-Object Tunnel", Vars(kind)).All<PcapFlow>();

        Assert.Equal(plain.Select(Conversation).Order(), wrapped.Select(Conversation).Order());
        Assert.All(wrapped, f => Assert.Equal((name, Sensor, Collector, (long?)id), (f.Tunnel, f.TunnelSource, f.TunnelDestination, f.TunnelId)));
        Assert.All(plain, f => Assert.Null(f.Tunnel));
    }

    private static string Conversation(PcapFlow f) =>
        $"{f.Protocol} {f.SourceAddress}:{f.SourcePort} {f.SourceMac} > {f.DestinationAddress}:{f.DestinationPort} {f.DestinationMac} {f.SentPackets}/{f.ReceivedPackets} {f.Application}";

    [SkippableTheory]
    [InlineData("vxlan")]
    [InlineData("erspan2")]
    public void Topology_is_the_mirrored_hosts_at_every_layer_and_the_mirror_transport_outside(string kind)
    {
        foreach (int layer in new[] { 2, 3, 4 })
        {
            var vars = Vars(kind);
            vars["layer"] = layer;
            var plain = _session.Run("Import-Pcap -LiteralPath $plain | Get-PcapTopology -Layer $layer", vars).Single<PcapTopology>();
            var inner = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapTopology -Layer $layer", vars).Single<PcapTopology>();
            Assert.Equal(plain.Edges.Select(e => (e.Source, e.Destination, e.Packets)).Order(), inner.Edges.Select(e => (e.Source, e.Destination, e.Packets)).Order());
            // Bytes are whole frames, as tshark's conversation tables count: the mirror's headers are in them.
            Assert.True(inner.Edges.Sum(e => e.Bytes) > plain.Edges.Sum(e => e.Bytes));
        }
        var outer = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapTopology -Layer 3 -Tunnel Outer", Vars(kind)).Single<PcapTopology>();
        var edge = Assert.Single(outer.Edges);
        Assert.Equal((Sensor, Collector), (edge.Source, edge.Destination));
        var capture = _session.Run("Import-Pcap -LiteralPath $wrapped", Vars(kind)).Single<PcapCapture>();
        Assert.Equal((capture.Packets, 1), (capture.TunnelledPackets, capture.TunnelCount));
        Assert.Equal(capture.Packets, edge.Packets);
    }

    [SkippableFact]
    public void Findings_and_key_hosts_are_those_of_the_traffic_inside()
    {
        var vars = Vars("vxlan");
        string Findings(string variable) =>
            string.Join("\n", _session.Run($"Import-Pcap -LiteralPath ${variable} | Find-PcapThreat | ForEach-Object {{ \"$($_.Kind) $($_.Source) $($_.Destination)\" }}", vars)
                .Output.Select(o => (string)o.BaseObject).Order());
        string plain = Findings("plain");
        Assert.NotEmpty(plain);
        Assert.Equal(plain, Findings("wrapped"));

        string KeyHosts(string variable) =>
            string.Join(",", _session.Run($"Import-Pcap -LiteralPath ${variable} | Get-PcapTopology -Layer 3 | Get-PcapKeyHost | Select-Object -First 5 | ForEach-Object Host", vars)
                .Output.Select(o => (string)o.BaseObject));
        Assert.Equal(KeyHosts("plain"), KeyHosts("wrapped"));
    }

    [SkippableFact]
    public void A_tunnel_between_two_routers_pairs_each_conversation_whichever_way_its_packets_went()
    {
        var vars = Vars("vxlan-both-ways");
        var plain = _session.Run("Import-Pcap -LiteralPath $plain | Get-PcapFlow", vars).All<PcapFlow>();
        var wrapped = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapFlow", vars).All<PcapFlow>();
        Assert.Equal(plain.Select(Conversation).Order(), wrapped.Select(Conversation).Order());
        var outer = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapTopology -Layer 3 -Tunnel Outer", vars).Single<PcapTopology>();
        Assert.Equal([(Sensor, Collector), (Collector, Sensor)], outer.Edges.Select(e => (e.Source, e.Destination)).Order());
    }

    [SkippableFact]
    public void Outer_flows_are_the_mirror_transport_and_every_packet_counts_once_in_each_view()
    {
        var vars = Vars("vxlan");
        var capture = _session.Run("Import-Pcap -LiteralPath $wrapped", vars).Single<PcapCapture>();
        var inner = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapFlow", vars).All<PcapFlow>();
        var outer = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapFlow -Tunnel Outer", vars).All<PcapFlow>();
        Assert.Equal(capture.Packets, inner.Sum(f => f.Packets));
        Assert.Equal(capture.Packets, outer.Sum(f => f.Packets));
        Assert.Equal(capture.Bytes, outer.Sum(f => f.Bytes));
        Assert.All(outer, f => Assert.Equal(("UDP", Sensor, Collector, 4789, "VXLAN"), (f.Protocol, f.SourceAddress, f.DestinationAddress, f.DestinationPort, f.Application)));
        Assert.All(outer, f => Assert.Null(f.Tunnel));
    }

    [SkippableFact]
    public void Tunnels_survive_export_clixml_and_remoting_serialisation()
    {
        var vars = Vars("vxlan");
        vars["xml"] = _temp.File("wrapped.clixml");
        var result = _session.Run(
            "Import-Pcap -LiteralPath $wrapped | Export-Clixml -LiteralPath $xml; $c = Import-Clixml -LiteralPath $xml; " +
            "$c.TunnelledPackets; ($c | Get-PcapTopology -Layer 3 -Tunnel Outer).Edges.Count; $c | Get-PcapFlow | Where-Object Tunnel -eq 'VXLAN' | Measure-Object | ForEach-Object Count; " +
            "Import-Pcap -LiteralPath $wrapped | Get-PcapFlow | Measure-Object | ForEach-Object Count", vars);
        Assert.Empty(result.Errors);
        var values = result.Output.Select(o => Convert.ToInt64(o.BaseObject, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(7578, values[0]);
        Assert.Equal(1, values[1]);
        Assert.Equal(values[3], values[2]);
    }

    [SkippableFact]
    public void Flows_piped_with_tunnel_outer_are_counted_as_they_are_with_a_warning()
    {
        var result = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-PcapFlow | Get-PcapTopology -Layer 3 -Tunnel Outer", Vars("vxlan"));
        Assert.Contains(result.Warnings, w => w.Contains("Get-PcapFlow -Tunnel Outer", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Single<PcapTopology>().Edges, e => e.Source == Sensor);
    }

    [SkippableFact]
    public void Frequent_hosts_follow_the_view()
    {
        var vars = Vars("vxlan");
        var inner = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-FrequentHost -Direction In | Select-Object -First 1", vars).Single<FrequentHost>();
        var plain = _session.Run("Import-Pcap -LiteralPath $plain | Get-FrequentHost -Direction In | Select-Object -First 1", vars).Single<FrequentHost>();
        var outer = _session.Run("Import-Pcap -LiteralPath $wrapped | Get-FrequentHost -Direction In -Tunnel Outer | Select-Object -First 1", vars).Single<FrequentHost>();
        Assert.Equal(plain.Host, inner.Host);
        Assert.Equal(Collector, outer.Host);
    }
}
