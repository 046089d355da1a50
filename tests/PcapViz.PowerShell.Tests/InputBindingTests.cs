using System.Management.Automation;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// One binding rule for every cmdlet that reads captures: the same inputs, piped or by position, read the same way;
/// the same clear errors for what cannot be read; no input, no output; file names made inert in every message.
/// </summary>
public sealed class InputBindingTests : IDisposable
{
    private const string Sample = "shared_sll_mixed_tcp_dns_dhcp_arp.pcap";

    /// <summary>Each reader with a script that turns its output into one comparable line.</summary>
    public static TheoryData<string, string> Readers() => new()
    {
        { "Import-Pcap", "ForEach-Object { '{0} {1}' -f $_.Packets, $_.FlowCount }" },
        { "Get-PcapFlow", "Measure-Object -Property Bytes -Sum | ForEach-Object { '{0} {1}' -f $_.Count, $_.Sum }" },
        { "Get-PcapTopology", "ForEach-Object { '{0} {1} {2}' -f $_.Nodes.Count, $_.Edges.Count, $_.Bytes }" },
        { "Get-FrequentHost", "ForEach-Object { '{0}={1}' -f $_.Host, $_.Count } | Join-String -Separator ' '" },
        { "Find-PcapThreat", "Measure-Object | ForEach-Object { 'findings ' + $_.Count }" },
    };

    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private string Copy(string name, string source = Sample)
    {
        var path = _temp.File(name);
        File.Copy(Corpus.Capture(source), path);
        return path;
    }

    private List<string> Lines(string script, string path)
    {
        var result = _session.Run(script, new Dictionary<string, object?> { ["p"] = path, ["dir"] = _temp.Path });
        Assert.Empty(result.Errors);
        return result.Output.Select(o => o.BaseObject.ToString()!).ToList();
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Every_way_of_naming_a_capture_reads_the_same(string cmdlet, string summary)
    {
        var path = Copy("sample.pcap");
        var lines = Lines(
            $"$c = Import-Pcap -LiteralPath $p; Set-Location -LiteralPath $dir; " +
            $"$c | {cmdlet} | {summary}; " +
            $"{cmdlet} $c | {summary}; " +
            $"{cmdlet} ./sample.pcap | {summary}; " +
            $"{cmdlet} -Path ./s*.pcap | {summary}; " +
            $"{cmdlet} -LiteralPath $p | {summary}; " +
            $"'./sample.pcap' | {cmdlet} | {summary}; " +
            $"Get-Item -LiteralPath $p | {cmdlet} | {summary}; " +
            $"{cmdlet} (Get-Item -LiteralPath $p) | {summary}; " +
            $"Resolve-Path -LiteralPath $p | {cmdlet} | {summary}; " +
            $"[pscustomobject]@{{ Path = $p }} | {cmdlet} | {summary}; " +
            $"[pscustomobject]@{{ PSPath = $p }} | {cmdlet} | {summary}",
            path);
        Assert.Equal(11, lines.Count);
        Assert.Single(lines.Distinct());
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_capture_given_by_position_is_not_read_from_disk_again(string cmdlet, string summary)
    {
        var path = Copy("gone.pcap");
        var result = _session.Run($"$c = Import-Pcap -LiteralPath $p; $before = $c | {cmdlet} | {summary}; Remove-Item -LiteralPath $p -Force; $before; {cmdlet} $c | {summary}",
            new Dictionary<string, object?> { ["p"] = path });
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(result.Output[0].BaseObject, result.Output[1].BaseObject);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_directory_is_PathIsDirectory_however_it_is_given(string cmdlet, string summary)
    {
        _ = summary;
        foreach (var script in new[] { $"{cmdlet} $dir", $"Get-Item -LiteralPath $dir | {cmdlet}", $"{cmdlet} -LiteralPath $dir", $"$dir | {cmdlet}" })
        {
            var result = _session.Run(script, new Dictionary<string, object?> { ["dir"] = _temp.Path });
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("PathIsDirectory,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void An_object_of_another_type_gets_one_error_naming_its_type(string cmdlet, string summary)
    {
        _ = summary;
        var script = cmdlet is "Get-PcapTopology" or "Get-FrequentHost"
            ? $"Get-Date | {cmdlet}; 42 | {cmdlet}"
            : $"Import-Pcap -LiteralPath $p | Get-PcapFlow | Select-Object -First 1 | {cmdlet}; 42 | {cmdlet}";
        var result = _session.Run(script, new Dictionary<string, object?> { ["p"] = Corpus.Capture(Sample) });
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("InvalidInputObject,", e.FullyQualifiedErrorId));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidType, e.CategoryInfo.Category));
        Assert.Contains(cmdlet is "Get-PcapTopology" or "Get-FrequentHost" ? "System.DateTime" : "PcapViz.PcapFlow", result.Errors[0].Exception.Message);
        Assert.Contains("System.Int32", result.Errors[1].Exception.Message);
        Assert.DoesNotContain("drive", result.Errors[0].Exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Get-PcapTopology")]
    [InlineData("Get-FrequentHost")]
    [InlineData("Get-PcapFlow")]
    [InlineData("Find-PcapThreat")]
    public void No_input_gives_no_output(string cmdlet)
    {
        var empty = _session.Run($"@() | {cmdlet}");
        Assert.Empty(empty.Errors);
        Assert.Empty(empty.Output);
        var mistyped = _session.Run($"{cmdlet} -Path $p", new Dictionary<string, object?> { ["p"] = _temp.File("no-such-capture.pcap") });
        Assert.StartsWith("PathNotFound,", Assert.Single(mistyped.Errors).FullyQualifiedErrorId);
        Assert.Empty(mistyped.Output);
    }

    [Fact]
    public void An_empty_topology_still_comes_from_a_capture_without_packets()
    {
        var path = _temp.File("empty.pcap");
        PcapFile.Write(path, 1, []);
        var result = _session.Run("Get-PcapTopology -LiteralPath $p | ForEach-Object { $_.Nodes.Count }", new Dictionary<string, object?> { ["p"] = path });
        Assert.Empty(result.Errors);
        Assert.Equal(0, result.Single<int>());
    }

    [Fact]
    public void A_protocol_name_that_matches_nothing_warns_and_lists_the_known_names()
    {
        var result = _session.Run("Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 4 -Protocol RTP, tcp, RIP, IP-99 -ExcludeProtocol FOO | Out-Null",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture(Sample) });
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains("-Protocol 'RTP'", result.Warnings[0]);
        Assert.Contains("-ExcludeProtocol 'FOO'", result.Warnings[1]);
        Assert.All(result.Warnings, w => Assert.Contains("TCP, Telnet", w));
    }

    [Theory]
    [InlineData("Get-PcapTopology -Protocol DN", "DNS")]
    [InlineData("Get-PcapTopology -ExcludeProtocol mdn", "mDNS")]
    [InlineData("Get-PcapTopology -Protocol 802", "'802.11-DATA'")]
    [InlineData("Get-PcapTopology -Layer ", "4")]
    [InlineData("Get-FrequentHost -Layer ", "2")]
    [InlineData("Compare-PcapTopology -Layer ", "3")]
    public void Tab_completion_offers_protocol_names_and_layers(string line, string expected)
    {
        var result = _session.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText", new Dictionary<string, object?> { ["line"] = line });
        Assert.Contains(expected, result.Output.Select(o => (string)o.BaseObject));
    }

    private const string Hostile = "x\u001b]0;pwned\u0007\u009b31m";

    [Fact]
    public void A_file_name_with_terminal_controls_is_inert_in_warnings_and_errors()
    {
        var damaged = _temp.File(Hostile + "damaged.pcap");
        var bytes = File.ReadAllBytes(Corpus.Capture(Sample));
        File.WriteAllBytes(damaged, bytes[..(bytes.Length - 7)]);
        var notCapture = _temp.File(Hostile + "text.pcap");
        File.WriteAllText(notCapture, "not a capture at all");
        var result = _session.Run(
            "Import-Pcap -LiteralPath $damaged, $notCapture, $missing -WarningAction Continue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { \"$_\" }",
            new Dictionary<string, object?> { ["damaged"] = damaged, ["notCapture"] = notCapture, ["missing"] = _temp.File(Hostile + "missing.pcap") });
        var messages = result.Warnings.Concat(result.Errors.Select(e => e.Exception.Message)).Concat(result.Output.Select(o => o.BaseObject.ToString()!)).ToList();
        Assert.Contains(result.Warnings, w => w.Contains("damaged at byte offset", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("NotACapture,", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("PathNotFound,", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain(m, c => c is '\u001b' or '\u0007' or '\u009b'));
        Assert.Contains(messages, m => m.Contains(@"\u{001B}]0;pwned", StringComparison.Ordinal));
    }

    [Fact]
    public void Verbose_says_what_was_read_and_built()
    {
        var result = _session.Run(
            "$all = Import-Pcap -LiteralPath $p -Verbose 4>&1; $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { \"$_\" }; " +
            "$all | Where-Object { $_ -is [PcapViz.PcapCapture] } | Get-PcapTopology -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { \"$_\" }",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture(Sample) });
        Assert.Empty(result.Errors);
        var text = string.Join("\n", result.Output.Select(o => o.BaseObject.ToString()));
        Assert.Contains("Reading '", text);
        Assert.Contains("518 packets", text);
        Assert.Contains("flows", text);
        Assert.Contains("Built the layer 3 topology", text);
    }
}
