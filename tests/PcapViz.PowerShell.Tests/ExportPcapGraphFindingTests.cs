using System.Management.Automation;
using System.Text;
using System.Text.Json;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>Export-PcapGraph with findings and key hosts, as a PowerShell user gives them: piped, by parameter, from CliXml.</summary>
public sealed class ExportPcapGraphFindingTests : IDisposable
{
    private static readonly string Planted = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz");
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private PowerShellSession.Result Run(string script) =>
        _session.Run("$c = Import-Pcap -LiteralPath $planted; $t = $c | Get-PcapTopology -Layer 3; $f = $c | Find-PcapThreat\n" + script,
            new Dictionary<string, object?> { ["planted"] = Planted, ["dir"] = _temp.Path });

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public void Findings_piped_with_the_topology_are_drawn_on_it()
    {
        var result = Run("@($t) + $f | Export-PcapGraph -LiteralPath (Join-Path $dir 'incident.svg') -PassThru; $f.Count");
        Assert.Empty(result.Errors);
        var file = Assert.IsType<FileInfo>(result.Output[0].BaseObject);
        int findings = (int)result.Output[1].BaseObject;
        Assert.True(findings >= 5);
        var svg = File.ReadAllText(file.FullName);
        Assert.Equal(findings, CountOf(svg, "class=\"finding\""));
        Assert.True(CountOf(svg, "class=\"edge finding\"") >= findings - 1);
        Assert.Contains("#1 Critical Beaconing", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_given_by_parameter_match_findings_piped()
    {
        var result = Run("""
            $t | Export-PcapGraph -LiteralPath (Join-Path $dir 'a.json') -Finding $f
            @($t) + $f | Export-PcapGraph -LiteralPath (Join-Path $dir 'b.json')
            """);
        Assert.Empty(result.Errors);
        Assert.Equal(File.ReadAllText(_temp.File("a.json")), File.ReadAllText(_temp.File("b.json")));
        using var json = JsonDocument.Parse(File.ReadAllText(_temp.File("a.json")));
        Assert.True(json.RootElement.GetProperty("findings").GetArrayLength() >= 5);
    }

    [Fact]
    public void Findings_saved_with_Export_Clixml_come_back_whole_and_draw_the_same()
    {
        var result = Run("""
            $f | Export-Clixml -LiteralPath (Join-Path $dir 'f.xml')
            $g = Import-Clixml -LiteralPath (Join-Path $dir 'f.xml')
            $t | Export-PcapGraph -LiteralPath (Join-Path $dir 'live.graphml') -Finding $f
            $t | Export-PcapGraph -LiteralPath (Join-Path $dir 'back.graphml') -Finding $g
            $f; $g
            """);
        Assert.Empty(result.Errors);
        var all = result.All<PcapFinding>();
        var (live, back) = (all.Take(all.Count / 2).ToList(), all.Skip(all.Count / 2).ToList());
        Assert.Equal(live.Count, back.Count);
        // Every public property survives, by reflection: a property added later is checked too.
        foreach (var property in typeof(PcapFinding).GetProperties())
        {
            for (int i = 0; i < live.Count; i++)
            {
                var (a, b) = (property.GetValue(live[i]), property.GetValue(back[i]));
                Assert.True(a is System.Collections.IEnumerable ea && a is not string
                    ? ((System.Collections.IEnumerable)b!).Cast<object>().SequenceEqual(ea.Cast<object>())
                    : Equals(a, b), $"{property.Name} of finding {i + 1}: {a} became {b}");
            }
        }
        Assert.Equal(File.ReadAllText(_temp.File("live.graphml")), File.ReadAllText(_temp.File("back.graphml")));
    }

    [Fact]
    public void Findings_alone_are_a_clear_error_and_write_nothing()
    {
        var result = Run("$f | Export-PcapGraph -LiteralPath (Join-Path $dir 'none.svg')");
        var error = Assert.Single(result.Errors);
        Assert.Equal("NoTopology", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.False(File.Exists(_temp.File("none.svg")));
    }

    [Fact]
    public void Findings_that_cannot_be_drawn_get_one_warning_and_stay_listed()
    {
        var result = Run("$c | Get-PcapTopology -Layer 2 | Export-PcapGraph -LiteralPath (Join-Path $dir 'l2.svg') -Finding $f");
        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("are not drawn: layer 2 draws MAC addresses", warning, StringComparison.Ordinal);
        Assert.Contains("not drawn: layer 2", File.ReadAllText(_temp.File("l2.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void Responder_layout_key_hosts_exact_labels_and_pdf_together()
    {
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir 'report.pdf') -Finding $f -Layout Responder -SizeBy PageRank -MarkKeyHosts 3 -EdgeLabel Exact -PassThru");
        Assert.Empty(result.Errors);
        var bytes = File.ReadAllBytes(result.Single<FileInfo>().FullName);
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
    }

    [Fact]
    public void Progress_has_a_percentage_through_layout_and_writing()
    {
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir 'p.svg')");
        Assert.Empty(result.Errors);
        var percents = result.Progress.Where(p => p.Activity == "Export-PcapGraph" && p.RecordType == ProgressRecordType.Processing).Select(p => p.PercentComplete).ToList();
        Assert.NotEmpty(percents);
        Assert.All(percents, p => Assert.InRange(p, 0, 100));
        Assert.Equal(percents.Order(), percents);
        Assert.Contains(90, percents);
        Assert.Contains(result.Progress, p => p.Activity == "Export-PcapGraph" && p.RecordType == ProgressRecordType.Completed);
    }
}
