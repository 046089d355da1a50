using System.Globalization;
using System.Text;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Text as the canvases draw it: capture strings made safe to show (no control, bidi-override or unpaired surrogate
/// characters, bounded length) and measured with DejaVu Sans metrics, the font the PNG embeds and the SVG asks for first.
/// </summary>
internal static class CanvasText
{
    public const string FontFamily = "DejaVu Sans";

    /// <summary>The CSS font stack for SVG and HTML: DejaVu Sans, or Verdana whose metrics are nearly the same.</summary>
    public const string FontStack = "'DejaVu Sans', Verdana, Geneva, sans-serif";

    public const char Replacement = '\uFFFD';

    /// <summary>
    /// Replaces every character that could break or disguise a label with U+FFFD: C0 and C1 controls (newlines too),
    /// line and paragraph separators, bidi overrides and isolates, non-characters and unpaired surrogates. Tabs become spaces.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var index = 0;
        while (index < text.Length && IsSafeAt(text, index, out var width))
        {
            index += width;
        }

        if (index == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, index);
        while (index < text.Length)
        {
            if (IsSafeAt(text, index, out var width))
            {
                builder.Append(text, index, width);
            }
            else
            {
                builder.Append(text[index] == '\t' ? ' ' : Replacement);
            }

            index += width;
        }

        return builder.ToString();
    }

    /// <summary>Cleans and shortens to at most <paramref name="maxChars"/> characters, ending in an ellipsis when cut.</summary>
    public static string CleanLine(string? text, int maxChars) => Layout.TextMeasure.Shorten(Clean(text), maxChars);

    /// <summary>
    /// The advance width of <paramref name="text"/> at <paramref name="size"/> in DejaVu Sans (bold is about 10% wider),
    /// by the same measure the layout used to leave room for it.
    /// </summary>
    public static double Width(string text, double size, bool bold = false) =>
        Layout.TextMeasure.Width(text) * size * (bold ? 1.1 : 1.0);

    /// <summary>Shortens a single line so that it is at most <paramref name="maxWidth"/> wide.</summary>
    public static string Fit(string text, double size, double maxWidth, bool bold = false)
    {
        if (Width(text, size, bold) <= maxWidth)
        {
            return text;
        }

        var low = 0;
        var high = text.Length;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Width(string.Concat(text.AsSpan(0, middle), "\u2026"), size, bold) <= maxWidth)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (low > 0 && char.IsHighSurrogate(text[low - 1]))
        {
            low--;
        }

        return string.Concat(text.AsSpan(0, low), "\u2026");
    }

    public static string Number(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    private static bool IsSafeAt(string text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (char.IsHighSurrogate(c))
        {
            if (index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                width = 2;
                var value = char.ConvertToUtf32(c, text[index + 1]);
                return (value & 0xFFFE) != 0xFFFE;
            }

            return false;
        }

        if (char.IsLowSurrogate(c))
        {
            return false;
        }

        return c switch
        {
            < '\u0020' => false,
            >= '\u007F' and <= '\u009F' => false,
            '\u2028' or '\u2029' => false,
            >= '\u202A' and <= '\u202E' => false,
            >= '\u2066' and <= '\u2069' => false,
            '\u200E' or '\u200F' or '\u061C' => false,
            '\uFEFF' or '\uFFFE' or '\uFFFF' => false,
            >= '\uFDD0' and <= '\uFDEF' => false,
            _ => true,
        };
    }
}
