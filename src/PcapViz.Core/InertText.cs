namespace PcapViz.Core;

/// <summary>Strings from a capture, or file names, made safe for a terminal and a log.</summary>
public static class InertText
{
    /// <summary>
    /// Control characters (C0, DEL, C1) and the bidirectional overrides and isolates become <c>\u{XXXX}</c>, so no
    /// escape sequence and no reordering reaches the console.
    /// </summary>
    public static string Of(string text)
    {
        if (!text.Any(IsUnsafe))
            return text;
        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsUnsafe(c))
                builder.Append("\\u{").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append('}');
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
