using System.Globalization;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Every property of a drawn node or edge as (name, value) rows, for SVG tooltips and the HTML hover panel. Values are
/// cleaned capture text; each writer still escapes them for its format.
/// </summary>
internal static class CanvasDetails
{
    private const int MaxValueChars = 400;
    private const int MaxListItems = 25;

    public static IReadOnlyList<KeyValuePair<string, string>> ForNode(DrawnNode drawn, GraphDrawing drawing)
    {
        var rows = new List<KeyValuePair<string, string>>();
        AddFindings(rows, drawn.Findings, drawing);
        if (drawn.KeyHost is { } key)
        {
            Add(rows, "Key host", string.Create(CultureInfo.InvariantCulture, $"#{key.Rank} by {key.By} ({key.Score:0.######})"));
        }

        var node = drawn.Node;
        if (node is null)
        {
            Add(rows, "Group", drawn.Id);
            Add(rows, "Folded nodes", Count(Math.Max(drawn.FoldedCount, drawn.Members.Count)));
            if (drawn.LabelLines.Count > 0)
            {
                Add(rows, "Label", string.Join(" / ", drawn.LabelLines));
            }

            if (drawn.Members.Count > 0)
            {
                Add(rows, "Members", List(drawn.Members.Select(Member).ToArray()));
                Add(rows, "Sent", Traffic(drawn.PacketsSent, drawn.BytesSent));
                Add(rows, "Received", Traffic(drawn.PacketsReceived, drawn.BytesReceived));
            }

            return rows;
        }

        Add(rows, "Address", node.Address);
        if (node.Port is { } port)
        {
            Add(rows, "Port", port.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.Equals(node.Id, node.Address, StringComparison.Ordinal) && node.Port is null)
        {
            Add(rows, "Id", node.Id);
        }

        Add(rows, "Host names", List(node.HostNames));
        Add(rows, "MAC", List(node.Mac));
        Add(rows, "Scope", node.IsInternal ? "internal" : "external");
        var range = node.Country is null ? Layout.NodeFolding.RangeOf(node, drawing.Layer) : null;
        if (range is not null)
        {
            Add(rows, "Address block", $"{range.Label}, {range.Network}");
        }
        else if (node.CountryName is not null || node.Country is not null)
        {
            Add(rows, "Country", node.CountryName is null ? node.Country : node.Country is null ? node.CountryName : $"{node.CountryName} ({node.Country})");
        }

        Add(rows, "City", node.City);
        if (node.Asn is { } asn)
        {
            Add(rows, "AS", node.AsOrganization is null ? $"AS{asn}" : $"AS{asn} {node.AsOrganization}");
        }

        Add(rows, "Sent", Traffic(node.PacketsSent, node.BytesSent));
        Add(rows, "Received", Traffic(node.PacketsReceived, node.BytesReceived));
        Add(rows, "Peers", string.Create(CultureInfo.InvariantCulture, $"{node.OutDegree} out, {node.InDegree} in"));
        if (drawn.FoldedCount > 0)
        {
            Add(rows, "Folded nodes", Count(drawn.FoldedCount));
        }

        return rows;
    }

    public static IReadOnlyList<KeyValuePair<string, string>> ForEdge(DrawnEdge edge, GraphDrawing drawing)
    {
        var rows = new List<KeyValuePair<string, string>>();
        AddFindings(rows, edge.Findings, drawing);
        Add(rows, "From", edge.Source);
        Add(rows, "To", edge.Destination);
        Add(rows, "Traffic", Traffic(edge.Packets, edge.Bytes));
        Add(rows, "Protocols", List(edge.Protocols));
        if (edge.FirstSeen is { } first && first != default)
        {
            Add(rows, "First seen", Time(first));
        }

        if (edge.LastSeen is { } last && last != default)
        {
            Add(rows, "Last seen", Time(last));
        }

        if (edge.Edges.Count > 1)
        {
            Add(rows, "Conversations", Count(edge.Edges.Count));
        }

        if (edge.Label is not null)
        {
            Add(rows, "Label", edge.Label.Replace('\n', ' '));
        }

        return rows;
    }

    /// <summary>One row per finding: "#1 Critical Exfiltration (0.92)" and its reason.</summary>
    private static void AddFindings(List<KeyValuePair<string, string>> rows, IReadOnlyList<int> indexes, GraphDrawing drawing)
    {
        foreach (var index in indexes.Take(MaxListItems))
        {
            if (index < 0 || index >= drawing.Findings.Count)
            {
                continue;
            }

            var finding = drawing.Findings[index];
            Add(rows, string.Create(CultureInfo.InvariantCulture, $"Finding #{finding.Number}"),
                string.Create(CultureInfo.InvariantCulture, $"{finding.Finding.Severity} {finding.Finding.Kind} ({finding.Finding.Score:0.00}): {finding.Finding.Reason}"));
        }
    }

    /// <summary>One "Name: value" line per row, for SVG &lt;title&gt; tooltips.</summary>
    public static string Tooltip(IReadOnlyList<KeyValuePair<string, string>> rows) =>
        string.Join("\n", rows.Select(row => $"{row.Key}: {row.Value}"));

    private static string Traffic(long packets, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{Count(packets)} packets, {Units.Bytes(bytes)} ({bytes:N0} bytes)");

    private static string Member(PcapNode node) =>
        node.HostNames.Count > 0 ? $"{node.Id} ({node.HostNames[0]})" : node.Id;

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    private static string? List(IReadOnlyCollection<string>? items)
    {
        if (items is null || items.Count == 0)
        {
            return null;
        }

        var shown = string.Join(", ", items.Take(MaxListItems));
        return items.Count > MaxListItems
            ? string.Create(CultureInfo.InvariantCulture, $"{shown} and {items.Count - MaxListItems} more")
            : shown;
    }

    private static void Add(List<KeyValuePair<string, string>> rows, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            rows.Add(new(name, CanvasText.CleanLine(value, MaxValueChars)));
        }
    }
}
