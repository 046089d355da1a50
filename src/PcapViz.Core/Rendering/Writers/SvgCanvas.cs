using System.Text;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Writes the painter's marks as SVG 1.1 text. Every piece of text goes through <see cref="Escape"/>, which also
/// replaces the characters XML 1.0 forbids, so a capture string can never become markup or make the file unreadable.
/// Groups become &lt;g class="..."&gt; with a &lt;title&gt; child, which viewers show as a tooltip.
/// </summary>
internal sealed class SvgCanvas(TextWriter writer) : IGraphCanvas
{
    private int depth;

    public bool ShowsTooltips => true;

    public void Begin(double width, double height, CanvasColor background, string title)
    {
        var w = CanvasText.Number(width);
        var h = CanvasText.Number(height);
        writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{Escape(CanvasText.FontStack)}\">\n");
        writer.Write("<title>");
        writer.Write(Escape(title));
        writer.Write("</title>\n");
        writer.Write($"<rect width=\"{w}\" height=\"{h}\"{Fill(background)}/>\n");
    }

    public void BeginGroup(string kind, string? tooltip)
    {
        depth++;
        writer.Write("<g class=\"");
        writer.Write(Escape(kind));
        writer.Write("\">");
        if (tooltip is not null)
        {
            writer.Write("<title>");
            writer.Write(Escape(tooltip, keepNewlines: true));
            writer.Write("</title>");
        }

        writer.Write('\n');
    }

    public void EndGroup()
    {
        depth--;
        writer.Write("</g>\n");
    }

    public void DrawCurve(CanvasPoint from, CanvasPoint control, CanvasPoint to, double width, CanvasColor color)
    {
        writer.Write($"<path d=\"M{P(from)} Q{P(control)} {P(to)}\" fill=\"none\"{Stroke(color, width)} stroke-linecap=\"round\"/>\n");
    }

    public void FillPolygon(IReadOnlyList<CanvasPoint> points, CanvasColor color)
    {
        writer.Write("<path d=\"M");
        for (var i = 0; i < points.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(" L");
            }

            writer.Write(P(points[i]));
        }

        writer.Write($" Z\"{Fill(color)}/>\n");
    }

    public void DrawCircle(CanvasPoint center, double radius, CanvasColor fill, CanvasColor stroke, double strokeWidth, bool dashed)
    {
        var dash = dashed ? " stroke-dasharray=\"4 3\"" : string.Empty;
        writer.Write($"<circle cx=\"{N(center.X)}\" cy=\"{N(center.Y)}\" r=\"{N(radius)}\"{Fill(fill)}{Stroke(stroke, strokeWidth)}{dash}/>\n");
    }

    public void DrawRect(double x, double y, double width, double height, double cornerRadius, CanvasColor fill, CanvasColor? stroke, double strokeWidth)
    {
        var corner = cornerRadius > 0 ? $" rx=\"{N(cornerRadius)}\"" : string.Empty;
        var outline = stroke is { } s ? Stroke(s, strokeWidth) : string.Empty;
        writer.Write($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\"{corner}{Fill(fill)}{outline}/>\n");
    }

    public void DrawText(CanvasPoint baseline, string text, double size, TextAnchor anchor, CanvasColor color, bool bold, CanvasColor? halo)
    {
        var builder = new StringBuilder(96 + text.Length);
        builder.Append($"<text x=\"{N(baseline.X)}\" y=\"{N(baseline.Y)}\" font-size=\"{N(size)}\"");
        if (anchor != TextAnchor.Start)
        {
            builder.Append(anchor == TextAnchor.Middle ? " text-anchor=\"middle\"" : " text-anchor=\"end\"");
        }

        if (bold)
        {
            builder.Append(" font-weight=\"bold\"");
        }

        builder.Append(Fill(color));
        if (halo is { } h)
        {
            builder.Append(Stroke(h, 3)).Append(" stroke-linejoin=\"round\" paint-order=\"stroke\"");
        }

        builder.Append(" xml:space=\"preserve\">").Append(Escape(text)).Append("</text>\n");
        writer.Write(builder.ToString());
    }

    public void End()
    {
        while (depth > 0)
        {
            EndGroup();
        }

        writer.Write("</svg>\n");
    }

    /// <summary>
    /// Escapes text for XML element content and attribute values alike. Characters XML 1.0 cannot carry (C0 controls,
    /// unpaired surrogates, U+FFFE/U+FFFF) become U+FFFD; a newline becomes a space unless <paramref name="keepNewlines"/>.
    /// </summary>
    public static string Escape(string text, bool keepNewlines = false)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\n' => keepNewlines ? "&#10;" : " ",
                '\r' or '\t' => " ",
                < '\u0020' or '\uFFFE' or '\uFFFF' => "\uFFFD",
                _ when char.IsHighSurrogate(c) => i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? null : "\uFFFD",
                _ when char.IsLowSurrogate(c) => i > 0 && char.IsHighSurrogate(text[i - 1]) ? null : "\uFFFD",
                _ => null,
            };
            if (replacement is null)
            {
                builder?.Append(c);
                continue;
            }

            builder ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            builder.Append(replacement);
        }

        return builder?.ToString() ?? text;
    }

    private static string N(double value) => CanvasText.Number(value);

    private static string P(CanvasPoint point) => $"{N(point.X)},{N(point.Y)}";

    private static string Fill(CanvasColor color) =>
        color.A == 255 ? $" fill=\"{color.ToHex()}\"" : $" fill=\"{color.ToHex()}\" fill-opacity=\"{N(color.Opacity)}\"";

    private static string Stroke(CanvasColor color, double width) =>
        color.A == 255
            ? $" stroke=\"{color.ToHex()}\" stroke-width=\"{N(width)}\""
            : $" stroke=\"{color.ToHex()}\" stroke-opacity=\"{N(color.Opacity)}\" stroke-width=\"{N(width)}\"";
}
