using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;

namespace PcapViz.Core.Tests.Rendering;

public sealed partial class HtmlWriterTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("pcapviz-html-");

    public void Dispose() => folder.Delete(recursive: true);

    internal static string Write(GraphDrawing drawing)
    {
        using var stream = new MemoryStream();
        new HtmlWriter().Write(drawing, stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private string WriteFile(GraphDrawing drawing, string name)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, Write(drawing));
        return path;
    }

    private static string DataBlock(string html)
    {
        var match = DataScript().Match(html);
        Assert.True(match.Success, "no graph-data block");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// Without Chromium the browser tests are reported skipped, saying so; CI installs the chromium package and
    /// requires it (see <see cref="RequiredTool"/>), so there they always run.
    /// </summary>
    private static void RequireChromium() =>
        RequiredTool.Require(HtmlChromium.Executable is not null, "Chromium",
            "this test opens the page in headless Chromium (/usr/bin/chromium, or where PCAPVIZ_CHROMIUM points).");

    [Fact]
    public void Html_is_one_page_that_loads_nothing_from_outside()
    {
        var html = Write(SvgPngHtmlSamples.Small());
        var markup = InlineScript().Replace(html.Replace(DataBlock(html), string.Empty, StringComparison.Ordinal), "<script></script>");
        var tags = Tag().Matches(markup).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToList();

        Assert.DoesNotContain(tags, t => t is "link" or "img" or "iframe" or "object" or "embed" or "base" or "form");
        Assert.DoesNotContain(ScriptTag().Matches(markup).Select(m => m.Value), t => t.Contains("src", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(3, ScriptTag().Matches(markup).Count);
        Assert.Contains("cytoscape", html, StringComparison.Ordinal);
        Assert.Contains("The Cytoscape Consortium", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_policy_allows_only_its_own_inline_scripts_and_styles_by_hash()
    {
        var html = Write(SvgPngHtmlSamples.Small());
        var policy = Policy().Match(html).Groups[1].Value;
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());

        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["base-uri"]);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("*", policy, StringComparison.Ordinal);

        var scripts = InlineScript().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, scripts.Count);
        Assert.Equal(scripts.Select(Hash).Order(), directives["script-src"].Order());
        var style = InlineStyle().Match(html).Groups[1].Value;
        Assert.Contains(Hash(style), directives["style-src"]);

        static string Hash(string text) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)))}'";
    }

    [Fact]
    public void Html_graph_data_is_json_that_no_label_can_break_out_of()
    {
        var drawing = SvgPngHtmlSamples.Hostile();
        var html = Write(drawing);
        var block = DataBlock(html);

        // Every character a label could use to end the block, open a comment or end a JavaScript line is escaped.
        Assert.DoesNotContain(block, c => c is '<' or '>' or '&' or '\'' or '\u2028' or '\u2029' || c > '\u007e' || c < ' ');
        using var json = JsonDocument.Parse(block);
        var root = json.RootElement;
        Assert.Equal(drawing.Nodes.Count, root.GetProperty("nodes").GetArrayLength());
        Assert.Equal(drawing.Edges.Count, root.GetProperty("edges").GetArrayLength());

        var labels = root.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("label").GetString()).ToList();
        Assert.Contains("10.0.0.1\n<script>alert(1)</script>", labels);
        Assert.Contains("10.0.0.4\n</script><script>alert(2)</script>", labels);
        Assert.Contains("10.0.0.3\na\uFFFDb\uFFFD\uFFFD\uFFFD[31m", labels);
        Assert.Contains("10.0.0.5\nline\uFFFDseparator\uFFFDend", labels);
        Assert.Equal("Layer 3: <script>alert('title')</script>.pcap\uFFFD", root.GetProperty("title").GetString());
        Assert.All(root.GetProperty("nodes").EnumerateArray(), n => Assert.Matches("^#[0-9a-f]{6}$", n.GetProperty("fill").GetString()));
        Assert.All(root.GetProperty("legend").EnumerateArray(), n => Assert.Matches("^#[0-9a-f]{6}$", n.GetProperty("color").GetString()));

        // Outside the data block the capture text appears only HTML-encoded, in <title>.
        var outside = html.Replace(block, string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(1)", outside, StringComparison.Ordinal);
        Assert.Contains("<title>Layer 3: &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;.pcap\uFFFD</title>", outside, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_details_carry_every_node_and_edge_property()
    {
        using var json = JsonDocument.Parse(DataBlock(Write(SvgPngHtmlSamples.Small())));
        var swedish = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("label").GetString()!.StartsWith("89.160.20.115", StringComparison.Ordinal));
        var details = swedish.GetProperty("details").EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetString()!);

        Assert.Equal("89.160.20.115", details["Address"]);
        Assert.Equal("files.example.se", details["Host names"]);
        Assert.Equal("Sweden (SE)", details["Country"]);
        Assert.Equal("external", details["Scope"]);
        Assert.Equal("10 packets, 1.5 kB (1,500 bytes)", details["Sent"]);
        Assert.Contains("files.example.se", swedish.GetProperty("search").GetString(), StringComparison.Ordinal);

        var group = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("group").GetBoolean());
        Assert.Contains("3.3.3.1 cdn.example.com 3.3.3.2 3.3.3.3", group.GetProperty("search").GetString(), StringComparison.Ordinal);

        var edge = json.RootElement.GetProperty("edges")[0].GetProperty("details").EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetString()!);
        Assert.Equal("TCP, TLS", edge["Protocols"]);
        Assert.Equal("4,800 packets, 2.4 MB (2,400,000 bytes)", edge["Traffic"]);
    }

    [Fact]
    public void Html_is_identical_for_the_same_drawing()
    {
        Assert.Equal(Write(SvgPngHtmlSamples.Small()), Write(SvgPngHtmlSamples.Small()));
    }

    [SkippableFact]
    public void Html_renders_every_node_in_chromium_without_console_messages()
    {
        RequireChromium();

        foreach (var (name, drawing) in new[] { ("small", SvgPngHtmlSamples.Small()), ("corpus", SvgPngHtmlSamples.FromCorpus("shared_eth_tls_v4v6_167ips.pcap")), ("grid", SvgPngHtmlSamples.Grid(3000)) })
        {
            var result = HtmlChromium.DumpDom(WriteFile(drawing, name + ".html"));
            var status = result.Status;

            Assert.True(result.ConsoleLines.Count == 0, $"{name}: console messages:\n{string.Join('\n', result.ConsoleLines)}");
            Assert.Equal("true", status.GetValueOrDefault("data-ready"));
            Assert.Equal(drawing.Nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), status["data-node-count"]);
            Assert.Equal(drawing.Edges.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), status["data-edge-count"]);
            Assert.NotEqual("0", status["data-canvas-count"]);
            Assert.False(status.ContainsKey("data-errors"), $"{name}: {status.GetValueOrDefault("data-last-error")}");
            Assert.Contains(drawing.Title, result.Dom, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void Html_shows_title_legend_and_attributions_and_finds_nodes_in_chromium()
    {
        RequireChromium();

        var result = HtmlChromium.DumpDom(WriteFile(SvgPngHtmlSamples.Small(), "small.html"), "#search=LAPTOP");

        Assert.Empty(result.ConsoleLines);
        Assert.Equal("1", result.Status["data-found"]);
        Assert.Contains("<h1 id=\"title\">Layer 3: sample.pcap</h1>", result.Dom, StringComparison.Ordinal);
        Assert.Contains("5 nodes, 7 edges; 3 light nodes folded into 1 group", result.Dom, StringComparison.Ordinal);
        Assert.Contains("<span>United Kingdom</span>", result.Dom, StringComparison.Ordinal);
        Assert.Contains("IP Geolocation by DB-IP (https://db-ip.com)</footer>", result.Dom, StringComparison.Ordinal);
        Assert.Contains("1 match", result.Dom, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Html_with_hostile_labels_opens_no_dialog_and_runs_no_script_in_chromium()
    {
        RequireChromium();

        var drawing = SvgPngHtmlSamples.Hostile();
        var result = HtmlChromium.DumpDom(WriteFile(drawing, "hostile.html"), "#search=%3Cscript%3E");
        var status = result.Status;

        // The page replaces alert/confirm/prompt before the data loads; a call by injected code would be recorded here.
        Assert.False(status.ContainsKey("data-dialog"), "a dialog was opened: " + status.GetValueOrDefault("data-dialog"));
        Assert.False(status.ContainsKey("data-errors"), status.GetValueOrDefault("data-last-error"));
        Assert.Empty(result.ConsoleLines);
        Assert.Equal(drawing.Nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), status["data-node-count"]);

        // Only the page's own three script elements exist, no image was injected, and the hostile text is shown as text.
        Assert.Equal(3, ScriptTag().Matches(InlineScript().Replace(result.Dom, "<script></script>")).Count);
        Assert.DoesNotContain("<img", result.Dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1 id=\"title\">Layer 3: &lt;script&gt;alert('title')&lt;/script&gt;.pcap\uFFFD</h1>", result.Dom, StringComparison.Ordinal);
        Assert.Contains("<span>&lt;/script&gt;&lt;script&gt;alert(6)&lt;/script&gt;</span>", result.Dom, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;IP Geolocation by DB-IP&lt;/b&gt; &lt;/script&gt;</footer>", result.Dom, StringComparison.Ordinal);
        Assert.Equal("2", status["data-found"]);
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"graph-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex DataScript();

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex InlineStyle();

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<([a-zA-Z][a-zA-Z0-9]*)\\b")]
    private static partial Regex Tag();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex Policy();
}
