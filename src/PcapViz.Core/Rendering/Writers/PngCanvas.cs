using SkiaSharp;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Paints the painter's marks with SkiaSharp. Text is drawn in DejaVu Sans embedded in this assembly, so the picture is
/// the same on every machine, including Linux hosts with no fonts at all; a character the font lacks is looked up in the
/// system's fonts where SkiaSharp can see them (Windows, macOS).
/// </summary>
internal sealed class PngCanvas(SKCanvas canvas) : IGraphCanvas
{
    private static readonly Lazy<SKTypeface> Typeface = new(LoadTypeface, LazyThreadSafetyMode.ExecutionAndPublication);

    public bool ShowsTooltips => false;

    public void Begin(double width, double height, CanvasColor background, string title)
    {
        using var paint = Fill(background);
        canvas.DrawRect(0, 0, (float)width, (float)height, paint);
    }

    public void BeginGroup(string kind, string? tooltip)
    {
    }

    public void EndGroup()
    {
    }

    public void DrawCurve(CanvasPoint from, CanvasPoint control, CanvasPoint to, double width, CanvasColor color)
    {
        using var builder = new SKPathBuilder();
        builder.MoveTo(F(from));
        builder.QuadTo(F(control), F(to));
        using var path = builder.Detach();
        using var paint = Stroke(color, width);
        paint.StrokeCap = SKStrokeCap.Round;
        canvas.DrawPath(path, paint);
    }

    public void FillPolygon(IReadOnlyList<CanvasPoint> points, CanvasColor color)
    {
        if (points.Count < 3)
        {
            return;
        }

        using var builder = new SKPathBuilder();
        builder.MoveTo(F(points[0]));
        for (var i = 1; i < points.Count; i++)
        {
            builder.LineTo(F(points[i]));
        }

        builder.Close();
        using var path = builder.Detach();
        using var paint = Fill(color);
        canvas.DrawPath(path, paint);
    }

    public void DrawCircle(CanvasPoint center, double radius, CanvasColor fill, CanvasColor stroke, double strokeWidth, bool dashed)
    {
        using (var paint = Fill(fill))
        {
            canvas.DrawCircle(F(center), (float)radius, paint);
        }

        using var outline = Stroke(stroke, strokeWidth);
        using var effect = dashed ? SKPathEffect.CreateDash([4f, 3f], 0) : null;
        outline.PathEffect = effect;
        canvas.DrawCircle(F(center), (float)radius, outline);
    }

    public void DrawRect(double x, double y, double width, double height, double cornerRadius, CanvasColor fill, CanvasColor? stroke, double strokeWidth)
    {
        var rect = SKRect.Create((float)x, (float)y, (float)width, (float)height);
        using (var paint = Fill(fill))
        {
            canvas.DrawRoundRect(rect, (float)cornerRadius, (float)cornerRadius, paint);
        }

        if (stroke is { } s)
        {
            using var outline = Stroke(s, strokeWidth);
            canvas.DrawRoundRect(rect, (float)cornerRadius, (float)cornerRadius, outline);
        }
    }

    public void DrawText(CanvasPoint baseline, string text, double size, TextAnchor anchor, CanvasColor color, bool bold, CanvasColor? halo)
    {
        if (text.Length == 0)
        {
            return;
        }

        using var font = new SKFont(TypefaceFor(text, (float)size), (float)size)
        {
            Embolden = bold,
            Edging = SKFontEdging.Antialias,
            Subpixel = true,
            Hinting = SKFontHinting.None,
        };
        var align = anchor switch
        {
            TextAnchor.Middle => SKTextAlign.Center,
            TextAnchor.End => SKTextAlign.Right,
            _ => SKTextAlign.Left,
        };
        if (halo is { } h)
        {
            using var outline = Stroke(h, 3);
            outline.StrokeJoin = SKStrokeJoin.Round;
            canvas.DrawText(text, (float)baseline.X, (float)baseline.Y, align, font, outline);
        }

        using var paint = Fill(color);
        canvas.DrawText(text, (float)baseline.X, (float)baseline.Y, align, font, paint);
    }

    public void End()
    {
    }

    private static SKTypeface TypefaceFor(string text, float size)
    {
        var typeface = Typeface.Value;
        using var font = new SKFont(typeface, size);
        if (font.ContainsGlyphs(text))
        {
            return typeface;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (!font.ContainsGlyph(rune.Value))
            {
                return SKFontManager.Default.MatchCharacter(rune.Value) ?? typeface;
            }
        }

        return typeface;
    }

    private static SKTypeface LoadTypeface()
    {
        using var stream = typeof(PngCanvas).Assembly.GetManifestResourceStream(PngWriter.FontResource)
            ?? throw new InvalidOperationException($"The embedded font {PngWriter.FontResource} is missing from {typeof(PngCanvas).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        using var data = SKData.CreateCopy(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return SKTypeface.FromData(data) ?? SKTypeface.Default;
    }

    private static SKPoint F(CanvasPoint point) => new((float)point.X, (float)point.Y);

    private static SKColor C(CanvasColor color) => new(color.R, color.G, color.B, color.A);

    private static SKPaint Fill(CanvasColor color) => new() { Color = C(color), IsAntialias = true, Style = SKPaintStyle.Fill };

    private static SKPaint Stroke(CanvasColor color, double width) =>
        new() { Color = C(color), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = (float)width };
}
