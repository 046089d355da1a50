using System.Management.Automation;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>Find-PcapThreat as a PowerShell user meets it, on the demo's planted capture (samples/planted-threats.pcap.gz).</summary>
public sealed class FindPcapThreatTests : IDisposable
{
    private static readonly string Planted = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz");
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private Dictionary<string, object?> Vars => new() { ["planted"] = Planted, ["temp"] = _temp.Path };

    [Fact]
    public void Findings_of_the_planted_capture_come_ranked_with_every_kind_planted()
    {
        var result = _session.Run("Import-Pcap -LiteralPath $planted | Find-PcapThreat", Vars);
        Assert.Empty(result.Errors);
        var findings = result.All<PcapFinding>();
        Assert.Equal(findings.OrderByDescending(f => f.Score).Select(f => f.Score), findings.Select(f => f.Score));
        Assert.Equal(("Beaconing", "10.9.0.15", "198.51.100.77:443"), (findings[0].Kind, findings[0].Source, findings[0].Destination));
        Assert.Contains(findings, f => f.Kind == "DnsTunnel" && f.Source == "10.9.0.16" && f.Domain == "tunnel-c2.net");
        Assert.Contains(findings, f => f.Kind == "Exfiltration" && f.Source == "10.9.0.14" && f.Destination == "203.0.113.50");
        Assert.Contains(findings, f => f.Kind == "LongConnection" && f.Source == "10.9.0.17");
        Assert.Contains(findings, f => f.Kind == "ProtocolMismatch" && f.Source == "10.9.0.12");
        Assert.DoesNotContain(findings, f => f.Destination is "198.51.100.20" or "198.51.100.20:443");
        Assert.All(findings, f => Assert.Equal([Planted], f.Captures));
    }

    [Fact]
    public void Kind_and_MinimumScore_filter_and_a_bare_Sort_Object_keeps_the_highest_first()
    {
        var result = _session.Run("Find-PcapThreat -LiteralPath $planted -Kind Beaconing, DnsTunnel -MinimumScore 0.6 | Get-Random -Count 100 | Sort-Object", Vars);
        Assert.Empty(result.Errors);
        var findings = result.All<PcapFinding>();
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Contains(f.Kind, new[] { "Beaconing", "DnsTunnel" }));
        Assert.All(findings, f => Assert.True(f.Score >= 0.6));
        Assert.Equal(findings.OrderByDescending(f => f.Score).Select(f => f.Score), findings.Select(f => f.Score));
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("bad pattern!")]
    public void A_bad_exclude_pattern_is_a_terminating_parameter_error(string pattern)
    {
        var vars = Vars;
        vars["pattern"] = pattern;
        // Binding fails before the command runs: nothing is read and nothing is written.
        var result = _session.Run("Find-PcapThreat -LiteralPath $planted -Exclude $pattern", vars);
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
        Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId);
        Assert.Contains(pattern, error.Exception.Message);
    }

    [Fact]
    public void Exclude_removes_what_it_names_and_every_finding_says_what_it_removed()
    {
        var result = _session.Run("Find-PcapThreat -LiteralPath $planted -Exclude 198.51.100.77, *.tunnel-c2.net", Vars);
        Assert.Empty(result.Errors);
        var findings = result.All<PcapFinding>();
        Assert.DoesNotContain(findings, f => f.Destination == "198.51.100.77:443" || f.Domain == "tunnel-c2.net");
        Assert.All(findings, f => Assert.StartsWith("198.51.100.77 (359 flows), *.tunnel-c2.net (1 DNS client-domain pair)", f.AllowList));
    }

    [Fact]
    public void Json_and_csv_keep_kinds_as_names_and_every_column()
    {
        var result = _session.Run("""
            $f = Find-PcapThreat -LiteralPath $planted
            $json = $f | ConvertTo-Json -Depth 4 | ConvertFrom-Json
            $csv = $f | ConvertTo-Csv | ConvertFrom-Csv
            [pscustomobject]@{ JsonKinds = @($json.Kind); JsonSeverity = @($json.Severity); CsvKinds = @($csv.Kind); Columns = @($csv[0].psobject.Properties.Name); Count = $f.Count }
            """, Vars);
        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Output);
        var kinds = ((object[])row.Properties["JsonKinds"].Value).Select(o => o.ToString()).ToList();
        Assert.Contains("Beaconing", kinds);
        Assert.Contains("Critical", ((object[])row.Properties["JsonSeverity"].Value).Select(o => o.ToString()));
        Assert.Equal(kinds, ((object[])row.Properties["CsvKinds"].Value).Select(o => o.ToString()));
        var columns = ((object[])row.Properties["Columns"].Value).Select(o => o.ToString()).ToList();
        foreach (var column in new[] { "Kind", "Severity", "Score", "Source", "Destination", "Domain", "Reason", "IntervalSeconds", "Names", "BytesSent", "FirstSeen" })
            Assert.Contains(column, columns);
    }

    [Fact]
    public void Captures_brought_back_through_clixml_give_the_same_findings()
    {
        var result = _session.Run("""
            $file = Join-Path $temp caps.xml
            Import-Pcap -LiteralPath $planted | Export-Clixml -LiteralPath $file
            $a = Import-Pcap -LiteralPath $planted | Find-PcapThreat | ForEach-Object { "$($_.Kind) $($_.Source) $($_.Destination) $($_.Domain) $($_.Score)" }
            $b = Import-Clixml -LiteralPath $file | Find-PcapThreat | ForEach-Object { "$($_.Kind) $($_.Source) $($_.Destination) $($_.Domain) $($_.Score)" }
            [pscustomobject]@{ A = $a -join "`n"; B = $b -join "`n" }
            """, Vars);
        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Output);
        Assert.NotEqual("", row.Properties["A"].Value);
        Assert.Equal(row.Properties["A"].Value, row.Properties["B"].Value);
    }

    [Fact]
    public void Nothing_to_read_or_nothing_to_find_is_no_output_and_no_error()
    {
        var empty = _temp.File("empty.pcap");
        PcapFile.Write(empty, 1, []);
        var vars = Vars;
        vars["empty"] = empty;
        var result = _session.Run("@() | Find-PcapThreat; Find-PcapThreat -LiteralPath $empty; Import-Pcap -LiteralPath $empty | Find-PcapThreat", vars);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void The_table_view_fits_120_columns_and_the_list_view_shows_the_reason()
    {
        var result = _session.Run("$f = Find-PcapThreat -LiteralPath $planted; ($f | Format-Table | Out-String -Width 120); ($f | Select-Object -First 1 | Format-List | Out-String -Width 120)", Vars);
        Assert.Empty(result.Errors);
        var table = result.Output[0].ToString();
        var list = result.Output[1].ToString();
        Assert.All(table.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 120, line));
        Assert.Contains("Kind", table.Split('\n').First(l => l.Trim().Length > 0));
        Assert.Contains("Reason", list);
        Assert.Contains("IntervalSeconds=", list);
    }
}
