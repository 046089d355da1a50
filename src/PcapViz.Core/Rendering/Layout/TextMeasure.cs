namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Estimates how wide a line of text is drawn, so the layout can leave room for labels. ASCII uses DejaVu Sans advance
/// widths (the font the SVG and PNG writers embed); other characters use a cautious average, full width for CJK.
/// </summary>
internal static class TextMeasure
{
    // DejaVu Sans advance widths for U+0020..U+007E, in thousandths of an em (read from the embedded font's hmtx table).
    private static readonly short[] Ascii =
    [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    ];

    /// <summary>Width of <paramref name="text"/> in ems (multiply by the font size for drawing units).</summary>
    public static double Width(string text)
    {
        double thousandths = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            if (c is >= 0x20 and <= 0x7E)
                thousandths += Ascii[c - 0x20];
            else if (c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0x1F300 and <= 0x1FAFF or >= 0x20000)
                thousandths += 1000;
            else
                thousandths += 700;
        }
        return thousandths / 1000;
    }

    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="maxChars"/> characters, ending with an ellipsis when
    /// cut, never between the two halves of a surrogate pair. The one shortener of labels, legends and panels.
    /// </summary>
    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars)
            return text;
        int cut = Math.Max(maxChars - 1, 0);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return string.Concat(text.AsSpan(0, cut), "\u2026");
    }
}
