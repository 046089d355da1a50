using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Xml;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

public sealed class ExportPcapGraphTests : IDisposable
{
    private const string ScriptName = "<script>alert(1)</script>";
    private const string DotBreakout = "\"];evil[label=\"";
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private PowerShellSession.Result Export(string arguments, string capture = "shared_eth_tls_v4v6_167ips.pcap", int layer = 3) =>
        _session.Run($"Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer {layer} | Export-PcapGraph {arguments}",
            new Dictionary<string, object?> { ["p"] = File.Exists(capture) ? capture : Corpus.Capture(capture), ["dir"] = _temp.Path });

    private string[] LeftoverTemporaryFiles() => Directory.GetFiles(_temp.Path, "*.tmp");

    [Theory]
    [InlineData("svg")]
    [InlineData("png")]
    [InlineData("dot")]
    [InlineData("graphml")]
    [InlineData("json")]
    [InlineData("html")]
    public void Extension_chooses_the_format_and_PassThru_returns_the_file(string extension)
    {
        var result = Export($"-LiteralPath (Join-Path $dir 'net.{extension}') -PassThru");
        Assert.Empty(result.Errors);
        var file = result.Single<FileInfo>();
        Assert.True(file.Exists && file.Length > 0);
        var head = File.ReadAllBytes(file.FullName).AsSpan(0, 16).ToArray();
        var text = Encoding.UTF8.GetString(head);
        switch (extension)
        {
            case "png":
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, head[..4]);
                break;
            case "dot":
                Assert.StartsWith("digraph", File.ReadAllText(file.FullName).TrimStart(), StringComparison.Ordinal);
                break;
            case "json":
                using (var document = JsonDocument.Parse(File.ReadAllText(file.FullName)))
                    Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
                break;
            case "html":
                Assert.StartsWith("<!DOCTYPE html", File.ReadAllText(file.FullName).TrimStart(), StringComparison.OrdinalIgnoreCase);
                break;
            default:
                var xml = new XmlDocument { XmlResolver = null };
                xml.Load(file.FullName);
                Assert.Equal(extension == "svg" ? "svg" : "graphml", xml.DocumentElement!.LocalName);
                break;
        }
        Assert.Empty(LeftoverTemporaryFiles());
    }

    [Fact]
    public void Format_parameter_overrides_the_extension()
    {
        var result = Export("-LiteralPath (Join-Path $dir 'graph.txt') -Format Json -PassThru");
        using var document = JsonDocument.Parse(File.ReadAllText(result.Single<FileInfo>().FullName));
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public void Unknown_extension_without_Format_is_a_clear_error()
    {
        var result = _session.Run("try { Import-Pcap -LiteralPath $p | Get-PcapTopology | Export-PcapGraph -LiteralPath (Join-Path $dir 'graph.xyz') } catch { $_.FullyQualifiedErrorId }",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture("shared_null_loopback_v4v6.pcap"), ["dir"] = _temp.Path });
        Assert.StartsWith("UnknownGraphFormat", (string)result.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void NoClobber_keeps_an_existing_file_and_WhatIf_writes_nothing()
    {
        var existing = _temp.File("net.svg");
        File.WriteAllText(existing, "keep me");
        var refused = Export("-LiteralPath (Join-Path $dir 'net.svg') -NoClobber", "shared_null_loopback_v4v6.pcap");
        Assert.Equal("FileExists", Assert.Single(refused.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("keep me", File.ReadAllText(existing));
        var whatIf = Export("-LiteralPath (Join-Path $dir 'other.svg') -WhatIf", "shared_null_loopback_v4v6.pcap");
        Assert.Empty(whatIf.Errors);
        Assert.False(File.Exists(_temp.File("other.svg")));
        var overwritten = Export("-LiteralPath (Join-Path $dir 'net.svg')", "shared_null_loopback_v4v6.pcap");
        Assert.Empty(overwritten.Errors);
        Assert.NotEqual("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void Read_only_file_needs_Force()
    {
        var target = _temp.File("locked.dot");
        File.WriteAllText(target, "locked");
        File.SetAttributes(target, FileAttributes.ReadOnly);
        var refused = Export("-LiteralPath (Join-Path $dir 'locked.dot')", "shared_null_loopback_v4v6.pcap");
        var error = Assert.Single(refused.Errors);
        Assert.Equal("GraphWriteError", error.FullyQualifiedErrorId.Split(',')[0]);
        // Core states the fact; the cmdlet says what to type.
        Assert.DoesNotContain("-Force", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal("locked", File.ReadAllText(target));
        var forced = Export("-LiteralPath (Join-Path $dir 'locked.dot') -Force", "shared_null_loopback_v4v6.pcap");
        Assert.Empty(forced.Errors);
        Assert.StartsWith("digraph", File.ReadAllText(target).TrimStart(), StringComparison.Ordinal);
        Assert.Empty(LeftoverTemporaryFiles());
    }

    [Fact]
    public void Missing_directory_is_an_error_that_leaves_nothing_behind()
    {
        var result = Export("-LiteralPath (Join-Path $dir 'no-such-dir/net.svg')", "shared_null_loopback_v4v6.pcap");
        Assert.Equal("GraphWriteError", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Folding_warns_how_many_nodes_were_folded()
    {
        var result = Export("-LiteralPath (Join-Path $dir 'folded.svg') -MaxNodes 20", "shared_many_hosts_srvloc_310ips.pcap");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("folded", StringComparison.Ordinal) && w.Contains("-MaxNodes 0", StringComparison.Ordinal));
        var none = Export("-LiteralPath (Join-Path $dir 'all.svg') -MaxNodes 0", "shared_many_hosts_srvloc_310ips.pcap");
        Assert.Empty(none.Warnings);
    }

    /// <summary>A capture whose DNS answers give an external address names an attacker chose.</summary>
    private string HostileCapture()
    {
        var path = _temp.File("hostile.pcap");
        static byte[] Label(string text) => [(byte)text.Length, .. Encoding.ASCII.GetBytes(text)];
        byte[] Name(string text) => [.. Label(text), 0];
        var answerA = new List<byte>();
        foreach (var name in new[] { ScriptName, DotBreakout })
        {
            answerA.AddRange(Name(name));
            answerA.AddRange(new byte[] { 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34 });
        }
        var dns = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0 };
        dns.AddRange(Name(ScriptName));
        dns.AddRange(new byte[] { 0, 1, 0, 1 });
        dns.AddRange(answerA);
        var frames = new[]
        {
            Frame(new byte[] { 10, 0, 0, 53 }, new byte[] { 10, 0, 0, 1 }, 17, Udp(53, 40000, dns.ToArray())),
            Frame(new byte[] { 10, 0, 0, 1 }, new byte[] { 93, 184, 216, 34 }, 6, Tcp(40001, 80)),
        };
        PcapFile.Write(path, 1, frames);
        return path;
    }

    private static byte[] Udp(ushort source, ushort destination, byte[] payload)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, source);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destination);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8);
        return udp;
    }

    private static byte[] Tcp(ushort source, ushort destination)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, source);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destination);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        return tcp;
    }

    private static byte[] Frame(byte[] source, byte[] destination, byte protocol, byte[] transport)
    {
        var frame = new byte[14 + 20 + transport.Length];
        frame[5] = 1;
        frame[11] = 2;
        frame[12] = 0x08;
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(20 + transport.Length));
        frame[22] = 64;
        frame[23] = protocol;
        source.CopyTo(frame, 26);
        destination.CopyTo(frame, 30);
        transport.CopyTo(frame, 34);
        return frame;
    }

    [SkippableFact]
    public void Attacker_written_names_come_out_as_inert_text_in_every_format()
    {
        var capture = HostileCapture();
        var names = _session.Run("(Import-Pcap -LiteralPath $p | Get-PcapTopology).Nodes | Where-Object Id -eq '93.184.216.34' | ForEach-Object HostNames",
            new Dictionary<string, object?> { ["p"] = capture });
        Assert.Contains(ScriptName, names.Output.Select(o => (string)o.BaseObject));
        Assert.Contains(DotBreakout, names.Output.Select(o => (string)o.BaseObject));

        foreach (var extension in new[] { "svg", "graphml", "json", "html", "dot" })
            Assert.Empty(Export($"-LiteralPath (Join-Path $dir 'hostile.{extension}') -EdgeLabel All", capture).Errors);

        var svg = new XmlDocument { XmlResolver = null };
        svg.Load(_temp.File("hostile.svg"));
        Assert.Empty(svg.GetElementsByTagName("script"));
        Assert.Contains(ScriptName, svg.DocumentElement!.InnerText, StringComparison.Ordinal);

        var graphml = new XmlDocument { XmlResolver = null };
        graphml.Load(_temp.File("hostile.graphml"));
        Assert.Empty(graphml.GetElementsByTagName("script"));
        Assert.Contains(DotBreakout, graphml.DocumentElement!.InnerText, StringComparison.Ordinal);

        // JSON keeps the names as string values, exactly.
        using (var json = JsonDocument.Parse(File.ReadAllText(_temp.File("hostile.json"))))
        {
            var strings = new List<string>();
            void Collect(JsonElement element)
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.String:
                        strings.Add(element.GetString()!);
                        break;
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                            Collect(property.Value);
                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                            Collect(item);
                        break;
                }
            }
            Collect(json.RootElement);
            Assert.Contains(ScriptName, strings);
            Assert.Contains(DotBreakout, strings);
        }

        // The page may only carry the name inside its JSON data block, never as markup.
        var html = File.ReadAllText(_temp.File("hostile.html"));
        Assert.DoesNotContain(ScriptName, html, StringComparison.Ordinal);

        // Graphviz itself must see exactly the three hosts: a label that broke out of its quotes would add a node "evil".
        // The checks above have passed by here; without Graphviz the test is reported skipped (and fails in CI).
        var dot = RequiredTool.Find("dot", "the file checks passed, but whether Graphviz (dot) reads the hostile names as inert labels was not checked.");
        var plain = new System.Diagnostics.ProcessStartInfo(dot, ["-Tplain", _temp.File("hostile.dot")]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(plain)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n');
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        var nodes = lines.Where(l => l.StartsWith("node ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, nodes.Count);
        Assert.DoesNotContain(nodes, l => l.StartsWith("node evil", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Graphviz_engine_lays_out_the_same_graph_when_installed()
    {
        RequiredTool.Find("sfdp", "this test has Export-PcapGraph lay the graph out with Graphviz (-LayoutEngine Graphviz -GraphvizLayout sfdp).");
        var ours = Export("-LiteralPath (Join-Path $dir 'ours.json')", "shared_sll_mixed_tcp_dns_dhcp_arp.pcap");
        var graphviz = Export("-LiteralPath (Join-Path $dir 'graphviz.json') -LayoutEngine Graphviz -GraphvizLayout sfdp", "shared_sll_mixed_tcp_dns_dhcp_arp.pcap");
        Assert.Empty(ours.Errors);
        Assert.Empty(graphviz.Errors);
        static string[] Ids(string path)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
        }
        Assert.Equal(Ids(_temp.File("ours.json")), Ids(_temp.File("graphviz.json")));
    }
}
