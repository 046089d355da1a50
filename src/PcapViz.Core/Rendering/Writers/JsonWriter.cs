using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// The drawing as JSON (System.Text.Json): title, size, legend, attributions, and every node and edge with all its
/// topology properties, its position and its style. Strings go through the default encoder, which escapes quotes,
/// control characters and HTML-significant characters ('&lt;', '&gt;', '&amp;', '\''), so the file is also safe to embed
/// in a page; unpaired surrogates are replaced with U+FFFD. Property names are camelCase.
/// </summary>
public sealed class JsonWriter : IGraphWriter
{
    public GraphFormat Format => GraphFormat.Json;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default });
        json.WriteStartObject();
        json.WriteString("title", Safe(drawing.Title));
        json.WriteNumber("layer", drawing.Layer);
        json.WriteNumber("width", drawing.Width);
        json.WriteNumber("height", drawing.Height);
        json.WriteNumber("fontSize", drawing.FontSize);
        json.WriteNumber("lineHeight", drawing.LineHeight);
        json.WriteNumber("labelGap", drawing.LabelGap);
        json.WriteNumber("edgeFontSize", drawing.EdgeFontSize);
        json.WriteNumber("foldedNodes", drawing.FoldedNodes);
        json.WriteNumber("hiddenEdges", drawing.HiddenEdges);
        json.WriteNumber("hiddenEdgeBytes", drawing.HiddenEdgeBytes);
        json.WriteString("sizeBy", drawing.SizeBy);
        json.WriteStartArray("findings");
        foreach (var drawn in drawing.Findings)
        {
            var f = drawn.Finding;
            json.WriteStartObject();
            json.WriteNumber("number", drawn.Number);
            json.WriteString("kind", Safe(f.Kind));
            json.WriteString("severity", f.Severity);
            json.WriteNumber("score", f.Score);
            json.WriteString("color", Safe(drawn.Color));
            json.WriteString("source", Safe(f.Source));
            OptionalString(json, "destination", f.Destination);
            OptionalString(json, "domain", f.Domain);
            json.WriteString("reason", Safe(f.Reason));
            OptionalString(json, "sourceNode", drawn.SourceNode);
            OptionalString(json, "destinationNode", drawn.DestinationNode);
            json.WriteNumber("edges", drawn.Edges);
            json.WriteBoolean("onGroup", drawn.OnGroup);
            OptionalString(json, "notDrawn", drawn.NotDrawn);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        Strings(json, "attributions", drawing.Attributions);
        json.WriteStartArray("legend");
        foreach (var entry in drawing.Legend)
        {
            json.WriteStartObject();
            json.WriteString("color", Safe(entry.Color));
            json.WriteString("label", Safe(entry.Label));
            json.WriteEndObject();
        }
        json.WriteEndArray();

        int count = 0;
        json.WriteStartArray("nodes");
        foreach (var node in drawing.Nodes)
        {
            if ((++count & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                json.Flush();
            }
            json.WriteStartObject();
            json.WriteString("id", Safe(node.Id));
            Strings(json, "labelLines", node.LabelLines);
            json.WriteNumber("x", node.X);
            json.WriteNumber("y", node.Y);
            json.WriteNumber("radius", node.Radius);
            json.WriteString("fillColor", Safe(node.FillColor));
            json.WriteString("strokeColor", Safe(node.StrokeColor));
            json.WriteNumber("foldedCount", node.FoldedCount);
            json.WriteNumber("sizeValue", double.IsFinite(node.SizeValue) ? node.SizeValue : 0);
            Indexes(json, "findings", node.Findings);
            if (node.KeyHost is { } key)
                json.WriteNumber("keyHostRank", key.Rank);
            if (node.Node is { } n)
            {
                NodeProperties(json, n);
            }
            else
            {
                Strings(json, "members", node.Members.Select(m => m.Id));
                json.WriteNumber("packetsSent", node.PacketsSent);
                json.WriteNumber("packetsReceived", node.PacketsReceived);
                json.WriteNumber("bytesSent", node.BytesSent);
                json.WriteNumber("bytesReceived", node.BytesReceived);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("edges");
        foreach (var edge in drawing.Edges)
        {
            if ((++count & 1023) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                json.Flush();
            }
            json.WriteStartObject();
            json.WriteString("source", Safe(edge.Source));
            json.WriteString("destination", Safe(edge.Destination));
            json.WriteNumber("width", edge.Width);
            json.WriteString("color", Safe(edge.Color));
            if (edge.Label is null)
                json.WriteNull("label");
            else
                json.WriteString("label", Safe(edge.Label));
            json.WriteNumber("packets", edge.Packets);
            json.WriteNumber("bytes", edge.Bytes);
            Strings(json, "protocols", edge.Protocols);
            Indexes(json, "findings", edge.Findings);
            if (edge.FirstSeen is { } first && edge.LastSeen is { } last)
            {
                json.WriteString("firstSeen", first);
                json.WriteString("lastSeen", last);
            }
            json.WriteStartArray("edges");
            foreach (var e in edge.Edges)
            {
                json.WriteStartObject();
                json.WriteString("source", Safe(e.Source));
                json.WriteString("destination", Safe(e.Destination));
                json.WriteNumber("packets", e.Packets);
                json.WriteNumber("bytes", e.Bytes);
                json.WriteString("firstSeen", e.FirstSeen);
                json.WriteString("lastSeen", e.LastSeen);
                Strings(json, "protocols", e.Protocols ?? TextList.Empty);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void NodeProperties(Utf8JsonWriter json, PcapNode n)
    {
        json.WriteString("address", Safe(n.Address));
        if (n.Port is { } port)
            json.WriteNumber("port", port);
        else
            json.WriteNull("port");
        Strings(json, "mac", n.Mac ?? TextList.Empty);
        json.WriteBoolean("isInternal", n.IsInternal);
        OptionalString(json, "country", n.Country);
        OptionalString(json, "countryName", n.CountryName);
        OptionalString(json, "city", n.City);
        if (n.Asn is { } asn)
            json.WriteNumber("asn", asn);
        else
            json.WriteNull("asn");
        OptionalString(json, "asOrganization", n.AsOrganization);
        Strings(json, "hostNames", n.HostNames ?? TextList.Empty);
        json.WriteNumber("inDegree", n.InDegree);
        json.WriteNumber("outDegree", n.OutDegree);
        json.WriteNumber("packetsSent", n.PacketsSent);
        json.WriteNumber("packetsReceived", n.PacketsReceived);
        json.WriteNumber("bytesSent", n.BytesSent);
        json.WriteNumber("bytesReceived", n.BytesReceived);
    }

    /// <summary>Finding numbers (1 is the highest score), as the findings array numbers them.</summary>
    private static void Indexes(Utf8JsonWriter json, string name, IReadOnlyList<int> indexes)
    {
        json.WriteStartArray(name);
        foreach (var index in indexes)
            json.WriteNumberValue(index + 1);
        json.WriteEndArray();
    }

    private static void OptionalString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, Safe(value));
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(Safe(value));
        json.WriteEndArray();
    }

    /// <summary>The text with unpaired surrogates (which JSON cannot carry as UTF-8) replaced by U+FFFD.</summary>
    internal static string Safe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return Replace(text);
        }
        return text;
    }

    private static string Replace(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                sb.Append(c).Append(text[++i]);
            else
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return sb.ToString();
    }
}
