using System.Globalization;
using System.Text;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Graphviz DOT, as PcapViz's -g wrote, but carrying our drawing: pinned positions (pos="x,y!" in points, with
/// layout=neato so any Graphviz command keeps them), label lines, fill and stroke colours, sizes and edge widths.
/// Every string is quoted and escaped: quotes and backslashes, '&amp;' (Graphviz reads entities in labels), control
/// characters shown as their Unicode control pictures (U+2400...), unpaired surrogates replaced, so text from a
/// capture can never end a string or start a statement.
/// </summary>
public sealed class DotWriter : IGraphWriter
{
    public GraphFormat Format => GraphFormat.Dot;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var inv = CultureInfo.InvariantCulture;
        string P(double v) => v.ToString("0.##", inv);
        const string Font = "DejaVu Sans,Helvetica,Arial,sans-serif";

        var title = new List<string> { drawing.Title };
        title.AddRange(drawing.Attributions);

        writer.WriteLine("digraph " + Quote("PcapViz layer " + drawing.Layer.ToString(inv)) + " {");
        writer.WriteLine("  graph [layout=neato, inputscale=72, overlap=true, outputorder=edgesfirst, bgcolor=\"#ffffff\", pad=0.3,");
        writer.WriteLine("    fontname=" + Quote(Font) + ", fontsize=16, labelloc=t, labeljust=l, label=" + Label(title)
            + ", bb=\"0,0," + P(drawing.Width) + "," + P(drawing.Height) + "\"];");
        writer.WriteLine("  node [shape=circle, style=filled, fixedsize=true, penwidth=1.2, fontname=" + Quote(Font) + ", fontsize=" + P(drawing.FontSize) + ", label=\"\", forcelabels=true];");
        writer.WriteLine("  edge [arrowsize=0.6, fontname=" + Quote(Font) + ", fontsize=" + P(drawing.EdgeFontSize) + ", fontcolor=\"#4d5661\"];");

        int count = 0;
        foreach (var node in drawing.Nodes)
        {
            if ((++count & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            // Graphviz's y axis points up; the drawing's points down.
            writer.Write("  " + Quote(node.Id) + " [pos=\"" + P(node.X) + "," + P(drawing.Height - node.Y) + "!\", width=" + (2 * node.Radius / 72).ToString("0.####", inv)
                + ", fillcolor=" + Quote(node.FillColor) + ", color=" + Quote(node.StrokeColor)
                + ", xlabel=" + Label(node.LabelLines) + ", tooltip=" + Label(Tooltip(node)));
            if (node.FoldedCount > 0 || node.KeyHost is not null)
                writer.Write(", peripheries=2");
            if (node.Findings.Count > 0)
                writer.Write(", penwidth=3, findings=" + Quote(drawing.FindingsText(node.Findings)) + ", severity=" + Quote(drawing.SeverityOf(node.Findings)!));
            writer.WriteLine("];");
        }
        foreach (var edge in drawing.Edges)
        {
            if ((++count & 1023) == 0)
                cancellation.ThrowIfCancellationRequested();
            writer.Write("  " + Quote(edge.Source) + " -> " + Quote(edge.Destination) + " [penwidth=" + P(edge.Width) + ", color=" + Quote(edge.Color)
                + ", tooltip=" + Label(edge.Source + " \u2192 " + edge.Destination + ": " + edge.Packets.ToString(inv) + " packets, " + edge.Bytes.ToString(inv) + " bytes"));
            if (edge.Label is not null)
                writer.Write(", label=" + Label(edge.Label));
            if (edge.Findings.Count > 0)
                writer.Write(", fontcolor=" + Quote(edge.Color) + ", findings=" + Quote(drawing.FindingsText(edge.Findings)) + ", severity=" + Quote(drawing.SeverityOf(edge.Findings)!));
            writer.WriteLine("];");
        }
        writer.WriteLine("}");
    }

    private static List<string> Tooltip(DrawnNode node)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = node.LabelLines.ToList();
        lines.Add("sent " + node.BytesSent.ToString(inv) + " bytes, received " + node.BytesReceived.ToString(inv) + " bytes");
        return lines;
    }

    /// <summary>A double-quoted DOT string for names and plain values: quotes and backslashes escaped, control characters made visible.</summary>
    internal static string Quote(string text) => Escape(text, label: false);

    /// <summary>
    /// A double-quoted DOT label of one or more centred lines: each escaped like <see cref="Quote"/>, and '&amp;' as
    /// an entity too (Graphviz decodes entities in labels); lines are joined with DOT's "\n", so a newline inside a
    /// line (from a capture) stays one visible character and never starts a line of its own.
    /// </summary>
    internal static string Label(params IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        sb.Append('"');
        bool first = true;
        foreach (var line in lines)
        {
            if (!first)
                sb.Append("\\n");
            first = false;
            Append(sb, line, label: true);
        }
        sb.Append('"');
        return sb.ToString();
    }

    private static string Escape(string text, bool label)
    {
        var sb = new StringBuilder(text.Length + 8);
        sb.Append('"');
        Append(sb, text, label);
        sb.Append('"');
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string text, bool label)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '&' when label:
                    sb.Append("&amp;");
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        sb.Append('\uFFFD');
                    }
                    else if (c < 0x20)
                    {
                        sb.Append((char)(0x2400 + c)); // control pictures: visible, inert
                    }
                    else if (c == 0x7F)
                    {
                        sb.Append('\u2421');
                    }
                    else if (c is >= '\u0080' and <= '\u009F' or '\u2028' or '\u2029')
                    {
                        sb.Append('\uFFFD');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
    }
}
