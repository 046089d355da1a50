using System.Globalization;
using System.Text;
using System.Xml;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// GraphML for Gephi, yEd and Cytoscape: every node and edge property as a typed data key, plus the drawing's
/// positions, sizes and colours (x, y, size and r, g, b are the keys Gephi reads). Written through XmlWriter, so markup
/// in capture text is escaped; characters XML 1.0 cannot carry (most C0 controls, unpaired surrogates, U+FFFE/U+FFFF)
/// are replaced with U+FFFD, and carriage returns are written as character references so they survive parsing.
/// Node ids are n0, n1, ... (GraphML ids are tokens); the topology's id is the "id" data key.
/// </summary>
public sealed class GraphMlWriter : IGraphWriter
{
    private const string Namespace = "http://graphml.graphdrawing.org/xmlns";

    private enum KeyType
    {
        Boolean,
        Int,
        Long,
        Double,
        String,
    }

    private sealed record Key(string Id, string For, string Name, KeyType Type);

    private static readonly Key[] GraphKeys =
    [
        new("g_title", "graph", "title", KeyType.String),
        new("g_layer", "graph", "layer", KeyType.Int),
        new("g_width", "graph", "width", KeyType.Double),
        new("g_height", "graph", "height", KeyType.Double),
        new("g_folded", "graph", "foldedNodes", KeyType.Int),
        new("g_attributions", "graph", "attributions", KeyType.String),
        new("g_legend", "graph", "legend", KeyType.String),
        new("g_findings", "graph", "findings", KeyType.String),
        new("g_hiddenEdges", "graph", "hiddenEdges", KeyType.Int),
    ];

    private static readonly Key[] NodeKeys =
    [
        new("id", "node", "id", KeyType.String),
        new("label", "node", "label", KeyType.String),
        new("x", "node", "x", KeyType.Double),
        new("y", "node", "y", KeyType.Double),
        new("size", "node", "size", KeyType.Double),
        new("radius", "node", "radius", KeyType.Double),
        new("fillColor", "node", "fillColor", KeyType.String),
        new("strokeColor", "node", "strokeColor", KeyType.String),
        new("r", "node", "r", KeyType.Int),
        new("g", "node", "g", KeyType.Int),
        new("b", "node", "b", KeyType.Int),
        new("foldedCount", "node", "foldedCount", KeyType.Int),
        new("members", "node", "members", KeyType.String),
        new("address", "node", "address", KeyType.String),
        new("port", "node", "port", KeyType.Int),
        new("mac", "node", "mac", KeyType.String),
        new("isInternal", "node", "isInternal", KeyType.Boolean),
        new("country", "node", "country", KeyType.String),
        new("countryName", "node", "countryName", KeyType.String),
        new("city", "node", "city", KeyType.String),
        new("asn", "node", "asn", KeyType.Long),
        new("asOrganization", "node", "asOrganization", KeyType.String),
        new("hostNames", "node", "hostNames", KeyType.String),
        new("inDegree", "node", "inDegree", KeyType.Int),
        new("outDegree", "node", "outDegree", KeyType.Int),
        new("packetsSent", "node", "packetsSent", KeyType.Long),
        new("packetsReceived", "node", "packetsReceived", KeyType.Long),
        new("bytesSent", "node", "bytesSent", KeyType.Long),
        new("bytesReceived", "node", "bytesReceived", KeyType.Long),
        new("findings", "node", "findings", KeyType.String),
        new("severity", "node", "severity", KeyType.String),
        new("keyHostRank", "node", "keyHostRank", KeyType.Int),
        new("sizeValue", "node", "sizeValue", KeyType.Double),
    ];

    private static readonly Key[] EdgeKeys =
    [
        new("e_label", "edge", "label", KeyType.String),
        new("weight", "edge", "weight", KeyType.Double),
        new("e_width", "edge", "width", KeyType.Double),
        new("e_color", "edge", "color", KeyType.String),
        new("e_packets", "edge", "packets", KeyType.Long),
        new("e_bytes", "edge", "bytes", KeyType.Long),
        new("e_protocols", "edge", "protocols", KeyType.String),
        new("e_firstSeen", "edge", "firstSeen", KeyType.String),
        new("e_lastSeen", "edge", "lastSeen", KeyType.String),
        new("e_edges", "edge", "edgeCount", KeyType.Int),
        new("e_findings", "edge", "findings", KeyType.String),
        new("e_severity", "edge", "severity", KeyType.String),
    ];

    public GraphFormat Format => GraphFormat.GraphMl;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
            CheckCharacters = true,
            CloseOutput = false,
        };
        using var xml = XmlWriter.Create(output, settings);
        var inv = CultureInfo.InvariantCulture;
        xml.WriteStartDocument();
        xml.WriteStartElement("graphml", Namespace);
        xml.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
        xml.WriteAttributeString("xsi", "schemaLocation", "http://www.w3.org/2001/XMLSchema-instance",
            Namespace + " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd");
        foreach (var key in GraphKeys.Concat(NodeKeys).Concat(EdgeKeys))
        {
            xml.WriteStartElement("key", Namespace);
            xml.WriteAttributeString("id", key.Id);
            xml.WriteAttributeString("for", key.For);
            xml.WriteAttributeString("attr.name", key.Name);
            xml.WriteAttributeString("attr.type", key.Type.ToString().ToLowerInvariant());
            xml.WriteEndElement();
        }

        xml.WriteStartElement("graph", Namespace);
        xml.WriteAttributeString("id", "G");
        xml.WriteAttributeString("edgedefault", "directed");
        Data(xml, "g_title", drawing.Title);
        Data(xml, "g_layer", drawing.Layer.ToString(inv));
        Data(xml, "g_width", Number(drawing.Width));
        Data(xml, "g_height", Number(drawing.Height));
        Data(xml, "g_folded", drawing.FoldedNodes.ToString(inv));
        Data(xml, "g_attributions", string.Join('\n', drawing.Attributions));
        Data(xml, "g_legend", string.Join('\n', drawing.Legend.Select(l => l.Color + " " + l.Label)));
        if (drawing.Findings.Count > 0)
        {
            Data(xml, "g_findings", string.Join('\n', drawing.Findings.Select(f =>
                f.Tag + " " + f.Finding.Severity + " " + f.Between + (f.NotDrawn is null ? "" : " (not drawn: " + f.NotDrawn + ")") + ": " + f.Finding.Reason)));
        }
        Data(xml, "g_hiddenEdges", drawing.HiddenEdges.ToString(inv));

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        int count = 0;
        foreach (var node in drawing.Nodes)
        {
            if ((++count & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            var xmlId = "n" + ids.Count.ToString(inv);
            ids.TryAdd(node.Id, xmlId);
            xml.WriteStartElement("node", Namespace);
            xml.WriteAttributeString("id", xmlId);
            Data(xml, "id", node.Id);
            Data(xml, "label", string.Join('\n', node.LabelLines));
            Data(xml, "x", Number(node.X));
            Data(xml, "y", Number(node.Y));
            Data(xml, "size", Number(2 * node.Radius));
            Data(xml, "radius", Number(node.Radius));
            Data(xml, "fillColor", node.FillColor);
            Data(xml, "strokeColor", node.StrokeColor);
            if (TryRgb(node.FillColor, out int r, out int g, out int b))
            {
                Data(xml, "r", r.ToString(inv));
                Data(xml, "g", g.ToString(inv));
                Data(xml, "b", b.ToString(inv));
            }
            Data(xml, "foldedCount", node.FoldedCount.ToString(inv));
            Data(xml, "sizeValue", Number(node.SizeValue));
            if (node.Findings.Count > 0)
            {
                Data(xml, "findings", drawing.FindingsText(node.Findings));
                Data(xml, "severity", drawing.SeverityOf(node.Findings)!);
            }
            if (node.KeyHost is { } key)
                Data(xml, "keyHostRank", key.Rank.ToString(inv));
            if (node.Node is { } n)
            {
                Data(xml, "address", n.Address);
                if (n.Port is { } port)
                    Data(xml, "port", port.ToString(inv));
                Data(xml, "mac", string.Join(", ", n.Mac ?? TextList.Empty));
                Data(xml, "isInternal", n.IsInternal ? "true" : "false");
                Optional(xml, "country", n.Country);
                Optional(xml, "countryName", n.CountryName);
                Optional(xml, "city", n.City);
                if (n.Asn is { } asn)
                    Data(xml, "asn", asn.ToString(inv));
                Optional(xml, "asOrganization", n.AsOrganization);
                Data(xml, "hostNames", string.Join(", ", n.HostNames ?? TextList.Empty));
                Data(xml, "inDegree", n.InDegree.ToString(inv));
                Data(xml, "outDegree", n.OutDegree.ToString(inv));
                Data(xml, "packetsSent", n.PacketsSent.ToString(inv));
                Data(xml, "packetsReceived", n.PacketsReceived.ToString(inv));
                Data(xml, "bytesSent", n.BytesSent.ToString(inv));
                Data(xml, "bytesReceived", n.BytesReceived.ToString(inv));
            }
            else
            {
                // A group: its members, and their traffic summed.
                var members = node.Members;
                Data(xml, "members", string.Join(" ", members.Select(m => m.Id)));
                if (members.Count > 0 && members.All(m => m.IsInternal == members[0].IsInternal))
                    Data(xml, "isInternal", members[0].IsInternal ? "true" : "false");
                if (members.Count > 0 && members.All(m => m.Country == members[0].Country))
                {
                    Optional(xml, "country", members[0].Country);
                    Optional(xml, "countryName", members[0].CountryName);
                }
                Data(xml, "packetsSent", node.PacketsSent.ToString(inv));
                Data(xml, "packetsReceived", node.PacketsReceived.ToString(inv));
                Data(xml, "bytesSent", node.BytesSent.ToString(inv));
                Data(xml, "bytesReceived", node.BytesReceived.ToString(inv));
            }
            xml.WriteEndElement();
        }

        int edgeIndex = 0;
        foreach (var edge in drawing.Edges)
        {
            if ((++count & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            xml.WriteStartElement("edge", Namespace);
            xml.WriteAttributeString("id", "e" + (edgeIndex++).ToString(inv));
            xml.WriteAttributeString("source", ids.TryGetValue(edge.Source, out var s) ? s : throw new ArgumentException($"Edge source '{edge.Source}' is not a node of the drawing.", nameof(drawing)));
            xml.WriteAttributeString("target", ids.TryGetValue(edge.Destination, out var t) ? t : throw new ArgumentException($"Edge destination '{edge.Destination}' is not a node of the drawing.", nameof(drawing)));
            Optional(xml, "e_label", edge.Label);
            Data(xml, "weight", Number(edge.Bytes));
            Data(xml, "e_width", Number(edge.Width));
            Data(xml, "e_color", edge.Color);
            Data(xml, "e_packets", edge.Packets.ToString(inv));
            Data(xml, "e_bytes", edge.Bytes.ToString(inv));
            Data(xml, "e_protocols", string.Join(", ", edge.Protocols));
            if (edge.Findings.Count > 0)
            {
                Data(xml, "e_findings", drawing.FindingsText(edge.Findings));
                Data(xml, "e_severity", drawing.SeverityOf(edge.Findings)!);
            }
            if (edge.FirstSeen is { } first && edge.LastSeen is { } last)
            {
                Data(xml, "e_firstSeen", first.ToString("o", inv));
                Data(xml, "e_lastSeen", last.ToString("o", inv));
            }
            Data(xml, "e_edges", edge.Edges.Count.ToString(inv));
            xml.WriteEndElement();
        }
        xml.WriteEndElement(); // graph
        xml.WriteEndElement(); // graphml
        xml.WriteEndDocument();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Optional(XmlWriter xml, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            Data(xml, key, value);
    }

    private static void Data(XmlWriter xml, string key, string value)
    {
        xml.WriteStartElement("data", Namespace);
        xml.WriteAttributeString("key", key);
        xml.WriteString(XmlSafe(value));
        xml.WriteEndElement();
    }

    /// <summary>The text with every character XML 1.0 forbids replaced by U+FFFD; tab, newline and carriage return stay.</summary>
    internal static string XmlSafe(string text)
    {
        int i = 0;
        while (i < text.Length && IsXmlChar(text, i, out int width))
            i += width;
        if (i == text.Length)
            return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        while (i < text.Length)
        {
            if (IsXmlChar(text, i, out int width))
            {
                sb.Append(text, i, width);
                i += width;
            }
            else
            {
                sb.Append('\uFFFD');
                i++;
            }
        }
        return sb.ToString();
    }

    private static bool IsXmlChar(string text, int i, out int width)
    {
        char c = text[i];
        width = 1;
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                return true;
            }
            return false;
        }
        return c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');
    }

    private static bool TryRgb(string color, out int r, out int g, out int b)
    {
        r = g = b = 0;
        if (color.Length != 7 || color[0] != '#')
            return false;
        return int.TryParse(color.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out r)
            && int.TryParse(color.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out g)
            && int.TryParse(color.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out b);
    }
}
