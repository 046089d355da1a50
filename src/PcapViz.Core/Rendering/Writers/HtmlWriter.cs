using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// One self-contained, offline HTML page: Cytoscape.js (vendored, MIT) draws the graph at the positions our layout chose,
/// with pan and zoom, hover details for every node and edge, a search box and neighbour highlighting on click.
/// <para>
/// The graph travels as JSON in a <c>&lt;script type="application/json"&gt;</c> block, written with
/// <see cref="JavaScriptEncoder.Default"/> so every <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, quote and non-ASCII character
/// (U+2028 and U+2029 included) is a \u escape: capture text cannot close the block or open a comment. The page reads it
/// with JSON.parse and shows text only through textContent. A Content-Security-Policy allows exactly the page's own
/// inline scripts and styles by hash and nothing from the network.
/// </para>
/// </summary>
public sealed class HtmlWriter : IGraphWriter
{
    private const string AssetPrefix = "PcapViz.Core.Rendering.Assets.";
    private const int MaxLabelChars = Layout.DrawingStyle.MaxLabelChars;

    /// <summary>The one style element Cytoscape adds to the page (its container rule), allowed by hash.</summary>
    private const string CytoscapeStyle = ".__________cytoscape_container { position: relative; }";

    private static readonly Lazy<PageAssets> Assets = new(PageAssets.Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public GraphFormat Format => GraphFormat.Html;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);

        var assets = Assets.Value;
        var title = CanvasText.CleanLine(drawing.Title, 400);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using (var writer = new StreamWriter(output, utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            writer.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"{assets.ContentSecurityPolicy}\">\n");
            writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            writer.Write("<meta name=\"generator\" content=\"PcapViz\">\n");
            writer.Write($"<title>{WebUtility.HtmlEncode(title)}</title>\n");
            writer.Write("<style>");
            writer.Write(assets.Style);
            writer.Write("</style>\n</head>\n<body>\n");
            writer.Write(
                "<header><div><h1 id=\"title\"></h1><div id=\"summary\"></div></div>" +
                "<div id=\"tools\"><input id=\"search\" type=\"search\" placeholder=\"Find an address or host name\" aria-label=\"Find an address or host name\" autocomplete=\"off\" spellcheck=\"false\">" +
                "<span id=\"found\" aria-live=\"polite\"></span><button id=\"fit\" type=\"button\">Fit</button></div></header>\n" +
                "<main id=\"stage\"><div id=\"view\"><div id=\"graph\"></div><div id=\"details\" role=\"tooltip\"></div></div>" +
                "<aside id=\"side\"><section id=\"findings\" hidden><h2>Findings</h2><ol id=\"finding-list\"></ol></section><section id=\"legend\" hidden></section>" +
                "<p id=\"hint\">Scroll to zoom, drag to pan, click a node to show its neighbours, click a finding to select it</p></aside></main>\n" +
                "<footer id=\"attributions\"></footer>\n" +
                "<div id=\"status\" hidden></div>\n" +
                "<noscript><p>This page draws the graph with JavaScript; the same data is in the JSON block of its source.</p></noscript>\n");
            writer.Write("<script type=\"application/json\" id=\"graph-data\">");
            writer.Flush();
        }

        WriteData(drawing, title, output, cancellation);

        using (var writer = new StreamWriter(output, utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            writer.Write("</script>\n<script>");
            writer.Write(assets.PageScript);
            writer.Write("</script>\n<script>");
            writer.Write(assets.Library);
            writer.Write("</script>\n</body>\n</html>\n");
        }
    }

    private static void WriteData(GraphDrawing drawing, string title, Stream output, CancellationToken cancellation)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.Default, Indented = false, SkipValidation = false };
        using var json = new Utf8JsonWriter(output, options);
        json.WriteStartObject();
        json.WriteString("title", title);
        json.WriteNumber("layer", drawing.Layer);
        json.WriteString("summary", CanvasPainter.Summary(drawing));
        json.WriteNumber("folded", drawing.FoldedNodes);

        json.WriteStartArray("legend");
        foreach (var entry in drawing.Legend)
        {
            json.WriteStartObject();
            json.WriteString("color", CanvasColor.Parse(entry.Color, CanvasColor.Gray).ToHex());
            json.WriteString("label", CanvasText.CleanLine(entry.Label, MaxLabelChars));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("attributions");
        foreach (var attribution in drawing.Attributions)
        {
            json.WriteStringValue(CanvasText.CleanLine(attribution, 200));
        }

        json.WriteEndArray();

        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        var findingNodes = drawing.Findings.Select(_ => new List<string>()).ToArray();
        var findingEdges = drawing.Findings.Select(_ => new List<string>()).ToArray();
        json.WriteStartArray("nodes");
        for (var i = 0; i < drawing.Nodes.Count; i++)
        {
            if (i % 1024 == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                json.Flush();
            }

            var node = drawing.Nodes[i];
            var id = "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!index.TryAdd(node.Id, id))
            {
                continue;
            }

            var lines = node.LabelLines.Take(6).Select(line => CanvasText.CleanLine(line, MaxLabelChars)).Where(line => line.Length > 0).ToArray();
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("label", string.Join('\n', lines));
            json.WriteString("heading", lines.Length > 0 ? lines[0] : CanvasText.CleanLine(node.Id, MaxLabelChars));
            json.WriteNumber("x", Finite(node.X));
            json.WriteNumber("y", Finite(node.Y));
            json.WriteNumber("r", Math.Clamp(Finite(node.Radius, 6), 1.5, 500));
            json.WriteString("fill", CanvasColor.Parse(node.FillColor, CanvasPainter.DefaultNodeFill).ToHex());
            json.WriteString("stroke", CanvasColor.Parse(node.StrokeColor, CanvasPainter.DefaultNodeStroke).ToHex());
            json.WriteBoolean("group", node.Node is null);
            json.WriteBoolean("finding", node.Findings.Count > 0);
            json.WriteBoolean("key", node.KeyHost is not null);
            json.WriteString("search", SearchText(node));
            WriteDetails(json, CanvasDetails.ForNode(node, drawing));
            foreach (var f in node.Findings)
            {
                if (f >= 0 && f < findingNodes.Length)
                {
                    findingNodes[f].Add(id);
                }
            }
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("edges");
        var edgeCount = 0;
        foreach (var edge in drawing.Edges)
        {
            if (edgeCount % 1024 == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                json.Flush();
            }

            if (!index.TryGetValue(edge.Source, out var source) || !index.TryGetValue(edge.Destination, out var target))
            {
                continue;
            }

            var label = edge.Label is null
                ? string.Empty
                : string.Join('\n', edge.Label.Split('\n').Take(3).Select(line => CanvasText.CleanLine(line, MaxLabelChars)).Where(line => line.Length > 0));
            var edgeId = "e" + edgeCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var f in edge.Findings)
            {
                if (f >= 0 && f < findingEdges.Length)
                {
                    findingEdges[f].Add(edgeId);
                }
            }

            json.WriteStartObject();
            json.WriteString("id", edgeId);
            json.WriteBoolean("finding", edge.Findings.Count > 0);
            json.WriteString("source", source);
            json.WriteString("target", target);
            json.WriteString("label", label);
            json.WriteString("heading", $"{CanvasText.CleanLine(edge.Source, MaxLabelChars)} \u2192 {CanvasText.CleanLine(edge.Destination, MaxLabelChars)}");
            json.WriteNumber("width", Math.Clamp(Finite(edge.Width, 1), 0.4, 24));
            json.WriteString("color", CanvasColor.Parse(edge.Color, CanvasPainter.DefaultEdge).ToHex());
            WriteDetails(json, CanvasDetails.ForEdge(edge, drawing));
            json.WriteEndObject();
            edgeCount++;
        }

        json.WriteEndArray();

        json.WriteStartArray("findings");
        for (var f = 0; f < drawing.Findings.Count; f++)
        {
            var drawn = drawing.Findings[f];
            var finding = drawn.Finding;
            json.WriteStartObject();
            json.WriteNumber("number", drawn.Number);
            json.WriteString("severity", finding.Severity);
            json.WriteString("kind", CanvasText.CleanLine(finding.Kind, MaxLabelChars));
            json.WriteNumber("score", Math.Round(Finite(finding.Score), 2, MidpointRounding.AwayFromZero));
            json.WriteString("color", CanvasColor.Parse(drawn.Color, CanvasColor.Gray).ToHex());
            json.WriteString("between", CanvasText.CleanLine(drawn.Between, 200));
            json.WriteString("reason", CanvasText.CleanLine(finding.Reason, 600));
            if (drawn.NotDrawn is not null)
            {
                json.WriteString("note", "Not drawn: " + drawn.NotDrawn);
            }
            else if (drawn.OnGroup)
            {
                json.WriteString("note", "Drawn on the group its host was folded into");
            }

            json.WriteStartArray("nodes");
            foreach (var id in findingNodes[f])
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteStartArray("edges");
            foreach (var id in findingEdges[f])
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteDetails(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> rows)
    {
        json.WriteStartArray("details");
        foreach (var row in rows)
        {
            json.WriteStartArray();
            json.WriteStringValue(row.Key);
            json.WriteStringValue(row.Value);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static string SearchText(DrawnNode node)
    {
        var parts = new List<string> { node.Id };
        parts.AddRange(node.LabelLines);
        if (node.Node is { } topologyNode)
        {
            parts.Add(topologyNode.Address);
            parts.AddRange(topologyNode.HostNames);
            parts.AddRange(topologyNode.Mac);
        }

        // A folded group is found by the addresses and names of the hosts it stands for.
        foreach (var member in node.Members)
        {
            parts.Add(member.Id);
            parts.AddRange(member.HostNames);
        }

        return CanvasText.Clean(string.Join(' ', parts.Distinct(StringComparer.Ordinal))).ToLowerInvariant();
    }

    private static double Finite(double value, double fallback = 0) => double.IsFinite(value) ? value : fallback;

    private sealed record PageAssets(string Style, string PageScript, string Library, string ContentSecurityPolicy)
    {
        public static PageAssets Load()
        {
            var style = Read("graph-page.css");
            var page = Read("graph-page.js");
            var library = Read("cytoscape.min.js");
            Require(!style.Contains("</style", StringComparison.OrdinalIgnoreCase), "graph-page.css");
            Require(!page.Contains("</script", StringComparison.OrdinalIgnoreCase) && !page.Contains("<!--", StringComparison.Ordinal), "graph-page.js");
            Require(!library.Contains("</script", StringComparison.OrdinalIgnoreCase) && !library.Contains("<!--", StringComparison.Ordinal), "cytoscape.min.js");

            var policy =
                "default-src 'none'; " +
                $"script-src {Hash(page)} {Hash(library)}; " +
                $"style-src {Hash(style)} {Hash(CytoscapeStyle)}; " +
                "img-src data:; base-uri 'none'; form-action 'none'";
            return new PageAssets(style, page, library, policy);
        }

        private static string Read(string name)
        {
            using var stream = typeof(HtmlWriter).Assembly.GetManifestResourceStream(AssetPrefix + name)
                ?? throw new InvalidOperationException($"The embedded asset {name} is missing from {typeof(HtmlWriter).Assembly.GetName().Name}.");
            using var reader = new StreamReader(stream, Encoding.UTF8);

            // Line endings as the browser will hash them: the HTML parser turns CR LF and CR into LF.
            return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        private static void Require(bool condition, string name)
        {
            if (!condition)
            {
                throw new InvalidOperationException($"The embedded asset {name} contains a sequence that would end its element early.");
            }
        }

        private static string Hash(string text) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)))}'";
    }
}
