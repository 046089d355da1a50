using System.Globalization;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// The few primitives <see cref="CanvasPainter"/> needs, so SVG and PNG are painted by the same code and look the same.
/// Coordinates are drawing units (pixels at scale 1), y grows downwards. Text passed in is already cleaned of control
/// characters; each canvas still escapes it for its own format.
/// </summary>
internal interface IGraphCanvas
{
    /// <summary>Whether <see cref="BeginGroup"/> tooltips are shown; the painter skips building them when not.</summary>
    bool ShowsTooltips { get; }

    void Begin(double width, double height, CanvasColor background, string title);

    /// <summary>Starts a group of marks (a node, an edge, a layer); <paramref name="tooltip"/> is shown on hover where the format can.</summary>
    void BeginGroup(string kind, string? tooltip);

    void EndGroup();

    /// <summary>A quadratic curve; a straight line when <paramref name="control"/> lies on the segment.</summary>
    void DrawCurve(CanvasPoint from, CanvasPoint control, CanvasPoint to, double width, CanvasColor color);

    void FillPolygon(IReadOnlyList<CanvasPoint> points, CanvasColor color);

    void DrawCircle(CanvasPoint center, double radius, CanvasColor fill, CanvasColor stroke, double strokeWidth, bool dashed);

    void DrawRect(double x, double y, double width, double height, double cornerRadius, CanvasColor fill, CanvasColor? stroke, double strokeWidth);

    /// <summary>One line of text; <paramref name="baseline"/> is the left, centre or right end of its baseline per <paramref name="anchor"/>.</summary>
    void DrawText(CanvasPoint baseline, string text, double size, TextAnchor anchor, CanvasColor color, bool bold, CanvasColor? halo);

    void End();
}

internal enum TextAnchor
{
    Start,
    Middle,
    End,
}

internal readonly record struct CanvasPoint(double X, double Y)
{
    public static CanvasPoint operator +(CanvasPoint a, CanvasPoint b) => new(a.X + b.X, a.Y + b.Y);
    public static CanvasPoint operator -(CanvasPoint a, CanvasPoint b) => new(a.X - b.X, a.Y - b.Y);
    public static CanvasPoint operator *(CanvasPoint a, double k) => new(a.X * k, a.Y * k);

    public double Length => Math.Sqrt((X * X) + (Y * Y));

    /// <summary>This vector scaled to length 1, or (0, 0) when it has none.</summary>
    public CanvasPoint Unit()
    {
        var length = Length;
        return length < 1e-9 ? default : new CanvasPoint(X / length, Y / length);
    }
}

/// <summary>
/// An sRGB colour parsed from the drawing's colour strings (#rgb, #rrggbb, #rrggbbaa or a common CSS name). Writers
/// only ever emit colours re-formatted from this struct, so a colour string can never carry markup into a file.
/// </summary>
internal readonly record struct CanvasColor(byte R, byte G, byte B, byte A = 255)
{
    public static readonly CanvasColor White = new(255, 255, 255);
    public static readonly CanvasColor Black = new(0, 0, 0);
    public static readonly CanvasColor Gray = new(136, 136, 136);

    private static readonly Dictionary<string, CanvasColor> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = new(0, 0, 0),
        ["white"] = new(255, 255, 255),
        ["gray"] = new(128, 128, 128),
        ["grey"] = new(128, 128, 128),
        ["silver"] = new(192, 192, 192),
        ["lightgray"] = new(211, 211, 211),
        ["lightgrey"] = new(211, 211, 211),
        ["darkgray"] = new(169, 169, 169),
        ["darkgrey"] = new(169, 169, 169),
        ["red"] = new(255, 0, 0),
        ["darkred"] = new(139, 0, 0),
        ["green"] = new(0, 128, 0),
        ["darkgreen"] = new(0, 100, 0),
        ["blue"] = new(0, 0, 255),
        ["navy"] = new(0, 0, 128),
        ["steelblue"] = new(70, 130, 180),
        ["orange"] = new(255, 165, 0),
        ["darkorange"] = new(255, 140, 0),
        ["yellow"] = new(255, 255, 0),
        ["gold"] = new(255, 215, 0),
        ["purple"] = new(128, 0, 128),
        ["teal"] = new(0, 128, 128),
        ["brown"] = new(165, 42, 42),
        ["pink"] = new(255, 192, 203),
        ["transparent"] = new(0, 0, 0, 0),
    };

    public double Opacity => A / 255.0;

    /// <summary>"#rrggbb": the alpha channel is written separately (fill-opacity, stroke-opacity) where it is not 255.</summary>
    public string ToHex() => string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}");

    public CanvasColor WithAlpha(byte alpha) => this with { A = alpha };

    public static CanvasColor Parse(string? text, CanvasColor fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var value = text.Trim();
        if (value[0] != '#')
        {
            return Names.TryGetValue(value, out var named) ? named : fallback;
        }

        var hex = value.AsSpan(1);
        if (!uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            return fallback;
        }

        return hex.Length switch
        {
            3 => new CanvasColor(Twice(v >> 8), Twice(v >> 4), Twice(v)),
            4 => new CanvasColor(Twice(v >> 12), Twice(v >> 8), Twice(v >> 4), Twice(v)),
            6 => new CanvasColor((byte)(v >> 16), (byte)(v >> 8), (byte)v),
            8 => new CanvasColor((byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v),
            _ => fallback,
        };

        static byte Twice(uint nibble) => (byte)((nibble & 0xF) * 0x11);
    }
}
