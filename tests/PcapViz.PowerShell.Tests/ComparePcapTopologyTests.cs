using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

public sealed class ComparePcapTopologyTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    public void Dispose() => _session.Dispose();

    private static Dictionary<string, object?> Vars => new()
    {
        ["planted"] = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz"),
        ["sample"] = Path.Combine(Corpus.RepositoryRoot, "samples", "sll-mixed-tcp-dns-dhcp-arp.pcap"),
    };

    [Fact]
    public void A_topology_against_itself_differs_nowhere_and_with_IncludeEqual_is_all_equal()
    {
        var result = _session.Run("""
            $t = Import-Pcap -LiteralPath $planted | Get-PcapTopology -Layer 3
            @(Compare-PcapTopology -ReferenceObject $t -DifferenceObject $t).Count
            @(Compare-PcapTopology $t $t -IncludeEqual | Where-Object SideIndicator -ne '==').Count
            @(Compare-PcapTopology $t $t -IncludeEqual).Count -eq ($t.Nodes.Count + $t.Edges.Count)
            """, Vars);
        Assert.Empty(result.Errors);
        Assert.Equal([0, 0, true], result.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void Hosts_and_edges_only_on_one_side_are_marked_as_Compare_Object_marks_them()
    {
        var result = _session.Run("""
            $before = Import-Pcap -LiteralPath $sample
            $after = Import-Pcap -LiteralPath $planted
            $after | Compare-PcapTopology -ReferenceObject $before
            """, Vars);
        Assert.Empty(result.Errors);
        var differences = result.All<PcapTopologyDifference>();
        Assert.Contains(differences, d => d is { Kind: "Node", Id: "10.9.0.15", SideIndicator: "=>", ReferenceBytes: null });
        Assert.Contains(differences, d => d is { Kind: "Node", Id: "10.0.0.138", SideIndicator: "<=", DifferenceBytes: null });
        Assert.Contains(differences, d => d is { Kind: "Edge", Source: "10.9.0.15", Destination: "198.51.100.77", SideIndicator: "=>" });
    }

    [Fact]
    public void An_edge_whose_bytes_changed_by_the_factor_is_changed()
    {
        var result = _session.Run("""
            $all = Import-Pcap -LiteralPath $planted
            $t = $all | Get-PcapTopology -Layer 3
            # The upload's eight sessions start two minutes apart from 03:00; three of them before 03:05.
            $less = $all | Get-PcapTopology -Layer 3 -Before '2026-11-02T03:05:00Z'
            Compare-PcapTopology -ReferenceObject $less -DifferenceObject $t -Factor 2 | Where-Object Id -eq '10.9.0.14 -> 203.0.113.50'
            """, Vars);
        Assert.Empty(result.Errors);
        var changed = Assert.Single(result.All<PcapTopologyDifference>(), d => d.SideIndicator == "<>");
        Assert.Equal(("10.9.0.14", "203.0.113.50"), (changed.Source, changed.Destination));
        Assert.InRange(changed.BytesFactor!.Value, 2.5, 2.8);
    }

    [Fact]
    public void Topologies_of_different_layers_are_a_terminating_error()
    {
        var result = _session.Run("$c = Import-Pcap -LiteralPath $planted; Compare-PcapTopology ($c | Get-PcapTopology -Layer 3) ($c | Get-PcapTopology -Layer 4)", Vars);
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidTopology,", error.FullyQualifiedErrorId);
        Assert.Contains("layer-3", error.Exception.Message);
    }

    [Fact]
    public void Find_PcapThreat_raises_destinations_the_baseline_never_saw()
    {
        var result = _session.Run("""
            $planted = Import-Pcap -LiteralPath $planted
            $same = @($planted | Find-PcapThreat -Baseline $planted)
            $plain = @($planted | Find-PcapThreat)
            $new = @($planted | Find-PcapThreat -Baseline (Import-Pcap -LiteralPath $sample))
            [pscustomobject]@{
                SameAllOld = @($same | Where-Object NewSinceBaseline -ne $false).Count
                SameScores = ($same.Score -join ',') -eq ($plain.Score -join ',')
                NewAllNew = @($new | Where-Object NewSinceBaseline -ne $true).Count
                Raised = @(for ($i = 0; $i -lt $plain.Count; $i++) { $n = $new | Where-Object { $_.Kind -eq $plain[$i].Kind -and $_.Source -eq $plain[$i].Source -and $_.Destination -eq $plain[$i].Destination }; [math]::Round($n.Score - $plain[$i].Score, 3) }) | Sort-Object -Unique
                Reason = $new[0].Reason
            }
            """, Vars);
        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Output);
        Assert.Equal(0, row.Properties["SameAllOld"].Value);
        Assert.Equal(true, row.Properties["SameScores"].Value);
        Assert.Equal(0, row.Properties["NewAllNew"].Value);
        Assert.Contains("baseline never", row.Properties["Reason"].Value.ToString());
    }

    [Fact]
    public void A_baseline_saved_with_Export_Clixml_compares_and_scores_as_the_live_one()
    {
        var vars = Vars;
        vars["xml"] = Path.Combine(Path.GetTempPath(), "pcapviz-baseline-" + Guid.NewGuid().ToString("N") + ".xml");
        try
        {
            var result = _session.Run("""
                Import-Pcap -LiteralPath $sample | Export-Clixml -LiteralPath $xml
                $live = Import-Pcap -LiteralPath $sample
                $after = Import-Pcap -LiteralPath $planted
                $a = @($after | Compare-PcapTopology -ReferenceObject $live | ForEach-Object { "$_" }) -join ';'
                $b = @($after | Compare-PcapTopology -ReferenceObject (Import-Clixml -LiteralPath $xml) | ForEach-Object { "$_" }) -join ';'
                $c = @($after | Find-PcapThreat -Baseline $live | ForEach-Object { "$($_.Kind) $($_.Score) $($_.NewSinceBaseline)" }) -join ';'
                $d = @($after | Find-PcapThreat -Baseline (Import-Clixml -LiteralPath $xml) | ForEach-Object { "$($_.Kind) $($_.Score) $($_.NewSinceBaseline)" }) -join ';'
                [pscustomobject]@{ Compare = $a -eq $b -and $a.Length -gt 0; Find = $c -eq $d -and $c.Length -gt 0 }
                """, vars);
            Assert.Empty(result.Errors);
            var row = Assert.Single(result.Output);
            Assert.Equal(true, row.Properties["Compare"].Value);
            Assert.Equal(true, row.Properties["Find"].Value);
        }
        finally
        {
            File.Delete((string)vars["xml"]!);
        }
    }
}
