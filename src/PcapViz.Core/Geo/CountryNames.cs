using System.Collections.Concurrent;
using System.Globalization;

namespace PcapViz.Core.Geo;

/// <summary>English country names from ISO 3166-1 alpha-2 codes, the same whichever database gave the code.</summary>
internal static class CountryNames
{
    private static readonly ConcurrentDictionary<string, string?> FromRegionInfo = new(StringComparer.Ordinal);

    // Codes the platform's region data may not know (ICU has no RegionInfo for EH), and the
    // non-country codes some databases use.
    private static readonly Dictionary<string, string> Extra = new(StringComparer.Ordinal)
    {
        ["AP"] = "Asia/Pacific Region",
        ["EH"] = "Western Sahara",
        ["EU"] = "European Union",
        ["XK"] = "Kosovo",
    };

    /// <summary>
    /// The English name for <paramref name="code"/>: the platform's (RegionInfo), else the name the
    /// database gave, else a short built-in list, else null. Never throws.
    /// </summary>
    public static string? EnglishName(string? code, string? databaseEnglishName = null)
    {
        if (code is not { Length: 2 } || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
            return NullIfEmpty(databaseEnglishName);
        code = code.ToUpperInvariant();
        return FromRegionInfo.GetOrAdd(code, Platform)
            ?? NullIfEmpty(databaseEnglishName)
            ?? Extra.GetValueOrDefault(code);
    }

    private static string? Platform(string code)
    {
        try
        {
            var region = new RegionInfo(code);
            return string.Equals(region.TwoLetterISORegionName, code, StringComparison.OrdinalIgnoreCase)
                ? NullIfEmpty(region.EnglishName)
                : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
