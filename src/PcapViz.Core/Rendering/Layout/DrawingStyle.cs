using System.Globalization;

namespace PcapViz.Core.Rendering.Layout;

/// <summary>Colours, sizes and label text shared by every drawing, so all formats show the same picture.</summary>
internal static class DrawingStyle
{
    public const string InternalColor = "#4e79a7";
    public const string UnknownCountryColor = "#b5aca5";
    public const string UnicastMacColor = "#4e79a7";
    public const string GroupMacColor = "#f28e2b";
    public const string EdgeColor = "#8b96a3";
    /// <summary>The thin edges the responder layout draws below its heavy ones.</summary>
    public const string LightEdgeColor = "#d3d8de";

    /// <summary>Findings' edges are drawn at least this wide, so a light but suspicious flow is seen.</summary>
    public const double FindingEdgeWidth = 3;

    public const double FontSize = 11;
    public const double EdgeFontSize = 9;

    /// <summary>Node label lines are this many ems apart, the first this many ems below the circle.</summary>
    public const double LineHeightEm = 1.25;
    public const double LabelGapEm = 0.25;

    public const double MinRadius = 6;
    public const double MaxRadius = 22;
    public const double MinEdgeWidth = 0.8;
    public const double MaxEdgeWidth = 7;

    /// <summary>
    /// Longest text line in any picture (node and edge labels, legend, HTML headings), in characters: the longest
    /// node id, an IPv6 endpoint such as [2001:db8:1234:5678:9abc:def0:1234:5678]:65535, is 47. Longer text is cut
    /// with an ellipsis (the tooltips keep it whole).
    /// </summary>
    public const int MaxLabelChars = 48;

    // Tableau 20 without its blues (internal) and greys (unknown), then further distinct hues: readable on white,
    // told apart from the internal colour.
    private static readonly string[] CountryPalette =
    [
        "#e15759", "#f28e2b", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#76b7b2",
        "#d37295", "#8cd17d", "#b6992d", "#f1ce63", "#499894", "#86bcb6", "#fabfd2", "#d4a6c8",
        "#e49444", "#85b6b2", "#a5673f", "#6a9f58", "#967662", "#d1615d", "#e7ca60", "#a87c9f",
    ];

    /// <summary>
    /// One colour per country, keyed by the country code so a country keeps its colour from one drawing to the next;
    /// when two codes present in a drawing hash to the same colour, the later code (ordinal order) takes the next
    /// free one; past the palette, colours are spread round the hue circle.
    /// </summary>
    public static Dictionary<string, string> CountryColors(IEnumerable<string> countryCodes)
    {
        var colors = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<int>();
        int extra = 0;
        foreach (var code in countryCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (used.Count >= CountryPalette.Length)
            {
                colors[code] = HueColor(extra++);
                continue;
            }
            int slot = (int)(Fnv(code) % (uint)CountryPalette.Length);
            while (!used.Add(slot))
                slot = (slot + 1) % CountryPalette.Length;
            colors[code] = CountryPalette[slot];
        }
        return colors;
    }

    /// <summary>Colours by severity, as RITA's bands name them: red, orange, amber, violet (told apart from the country palette by weight and place on top).</summary>
    public static string SeverityColor(string severity) => severity switch
    {
        "Critical" => "#c92a2a",
        "High" => "#e8590c",
        "Medium" => "#e0a800",
        _ => "#7048e8",
    };

    /// <summary>"betweenness", "PageRank", ...: a measure as a label line names it.</summary>
    public static string MeasureName(NodeSizeMeasure measure) => measure switch
    {
        NodeSizeMeasure.Traffic => "traffic",
        NodeSizeMeasure.Degree => "degree",
        NodeSizeMeasure.Betweenness => "betweenness",
        NodeSizeMeasure.PageRank => "PageRank",
        _ => "core number",
    };

    /// <summary>The colour two thirds of the way to white: what is not part of any finding, when findings are drawn.</summary>
    public static string Faded(string hex)
    {
        int r = Convert.ToInt32(hex.Substring(1, 2), 16), g = Convert.ToInt32(hex.Substring(3, 2), 16), b = Convert.ToInt32(hex.Substring(5, 2), 16);
        static int Toward(int c) => c + (int)Math.Round((255 - c) * 0.65);
        return Hex(Toward(r), Toward(g), Toward(b));
    }

    public static string Darker(string hex, double factor = 0.65)
    {
        int r = Convert.ToInt32(hex.Substring(1, 2), 16), g = Convert.ToInt32(hex.Substring(3, 2), 16), b = Convert.ToInt32(hex.Substring(5, 2), 16);
        return Hex((int)(r * factor), (int)(g * factor), (int)(b * factor));
    }

    /// <summary>A radius between <see cref="MinRadius"/> and <see cref="MaxRadius"/>, logarithmic in traffic.</summary>
    public static double Radius(long traffic, long maxTraffic) => Scale(traffic, maxTraffic, MinRadius, MaxRadius);

    /// <summary>A radius for a centrality: area in proportion to the value, between <see cref="MinRadius"/> and <see cref="MaxRadius"/>.</summary>
    public static double Radius(double value, double maxValue) =>
        maxValue <= 0 || !double.IsFinite(value) || value <= 0
            ? MinRadius
            : Math.Round(MinRadius + (MaxRadius - MinRadius) * Math.Sqrt(Math.Clamp(value / maxValue, 0, 1)), 2);

    public static double EdgeWidth(long bytes, long maxBytes) => Scale(bytes, maxBytes, MinEdgeWidth, MaxEdgeWidth);

    /// <summary>"TCP, TLS", with "+N" once more than four are listed.</summary>
    public static string ProtocolList(IReadOnlyList<string> protocols)
    {
        if (protocols.Count <= 4)
            return string.Join(", ", protocols);
        return string.Join(", ", protocols.Take(4)) + ", +" + (protocols.Count - 4).ToString(CultureInfo.InvariantCulture);
    }

    private static double Scale(long value, long max, double low, double high)
    {
        if (max <= 0 || value <= 0)
            return low;
        double f = Math.Log(1 + (double)value) / Math.Log(1 + (double)max);
        return Math.Round(low + (high - low) * Math.Clamp(f, 0, 1), 2);
    }

    private static string HueColor(int index)
    {
        double hue = (index * 137.508 + 15) % 360;
        return FromHsl(hue, 0.55, 0.55);
    }

    private static string FromHsl(double h, double s, double l)
    {
        double c = (1 - Math.Abs(2 * l - 1)) * s;
        double hp = h / 60;
        double x = c * (1 - Math.Abs(hp % 2 - 1));
        (double r, double g, double b) = hp switch
        {
            < 1 => (c, x, 0.0),
            < 2 => (x, c, 0.0),
            < 3 => (0.0, c, x),
            < 4 => (0.0, x, c),
            < 5 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        double m = l - c / 2;
        return Hex((int)Math.Round((r + m) * 255), (int)Math.Round((g + m) * 255), (int)Math.Round((b + m) * 255));
    }

    private static string Hex(int r, int g, int b) => string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");

    private static uint Fnv(string text)
    {
        uint h = 2166136261;
        foreach (char c in text)
            h = (h ^ c) * 16777619;
        return h;
    }
}
