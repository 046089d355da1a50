using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>Get-PcapTopology and Export-PcapGraph name documentation, CGNAT and other special-purpose hosts for what they are.</summary>
public sealed class SpecialRangeTopologyTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Documentation_and_CGNAT_hosts_are_labelled_in_nodes_and_in_the_svg_never_country_unknown()
    {
        var capture = _temp.File("special.pcap");
        RawIpCapture.Write(capture,
        [
            ("10.0.0.1", "192.0.2.5", 53),
            ("100.64.1.1", "192.0.2.5", 53),
            ("100.64.1.1", "8.8.8.8", 53),
            ("fd00::1", "2001:db8::1", 53),
        ]);
        var svg = _temp.File("special.svg");

        var result = _session.Run("""
            $t = Get-PcapTopology -LiteralPath $p
            $t.Nodes
            $t | Export-PcapGraph -LiteralPath $svg -MaxNodes 0
            ($t.Nodes | Format-Table -Property Id, Country, CountryName | Out-String -Width 200)
            """, new Dictionary<string, object?> { ["p"] = capture, ["svg"] = svg });

        Assert.Empty(result.Errors);
        var nodes = result.Output.Select(o => o.BaseObject).OfType<PcapNode>().ToDictionary(n => n.Id);
        Assert.Equal("Documentation (RFC 5737)", nodes["192.0.2.5"].CountryName);
        Assert.Equal("Documentation (RFC 3849)", nodes["2001:db8::1"].CountryName);
        Assert.Equal("Shared address space (CGNAT)", nodes["100.64.1.1"].CountryName);
        Assert.True(nodes["100.64.1.1"].IsInternal);
        Assert.False(nodes["192.0.2.5"].IsInternal);
        Assert.All(["192.0.2.5", "2001:db8::1", "100.64.1.1", "fd00::1"], id => Assert.Null(nodes[id].Country));
        Assert.Equal("US", nodes["8.8.8.8"].Country);

        var table = (string)result.Output[^1].BaseObject;
        Assert.Contains("Documentation (RFC 5737)", table, StringComparison.Ordinal);
        var picture = File.ReadAllText(svg);
        Assert.DoesNotContain("country unknown", picture, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Documentation (RFC 5737)", picture, StringComparison.Ordinal);
        Assert.Contains("Documentation (RFC 3849)", picture, StringComparison.Ordinal);
        Assert.Contains("Shared address space (CGNAT)", picture, StringComparison.Ordinal);
    }
}
