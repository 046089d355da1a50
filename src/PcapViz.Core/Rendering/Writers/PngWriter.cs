using SkiaSharp;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// The drawing as a PNG: the same picture as <see cref="SvgWriter"/>, on white, one drawing unit to one pixel by
/// default and scaled down so that the longer side is at most <see cref="MaxSide"/> pixels.
/// </summary>
public sealed class PngWriter : IGraphWriter
{
    internal const string FontResource = "PcapViz.Core.Rendering.Assets.DejaVuSans.ttf";

    static PngWriter() => PngNativeLibrary.Register();

    public GraphFormat Format => GraphFormat.Png;

    /// <summary>Pixels per drawing unit before the <see cref="MaxSide"/> cap (2 gives a sharper picture for small graphs).</summary>
    public double Scale { get; init; } = 1;

    /// <summary>The longest side in pixels; larger drawings are scaled down to fit.</summary>
    public int MaxSide { get; init; } = 8000;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);

        var painter = new CanvasPainter(drawing, cancellation);
        var (width, height, scale) = PixelSize(painter.Width, painter.Height, PixelBudget(drawing.Nodes.Count + drawing.Edges.Count));
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale((float)scale);
            painter.Paint(new PngCanvas(canvas), cancellation);
            canvas.Flush();
        }

        cancellation.ThrowIfCancellationRequested();
        // Encoded straight from the bitmap into the output: no second copy of the pixels (SKImage.FromBitmap makes
        // one) and no encoded copy in memory.
        using var stream = new SKManagedWStream(output);
        if (!bitmap.Encode(stream, SKEncodedImageFormat.Png, 100))
            throw new InvalidOperationException("SkiaSharp could not encode the picture as PNG.");
    }

    /// <summary>
    /// Pixels the bitmap may have: 20,000 per drawn node and edge (a labelled node needs about 150 x 60 pixels, and
    /// room around it), at least 4 million and at most 64 million (256 MB). The bitmap is the PNG writer's memory, so
    /// this keeps it in proportion to what is drawn, not to how far the layout spread it.
    /// </summary>
    internal static long PixelBudget(int elements) => Math.Clamp(20_000L * elements, 4_000_000L, 64_000_000L);

    /// <summary>The picture's size in pixels and the scale that gives it, for a page of the given size in drawing units.</summary>
    internal (int Width, int Height, double Scale) PixelSize(double pageWidth, double pageHeight, long maxPixels = long.MaxValue)
    {
        var scale = Scale > 0 && double.IsFinite(Scale) ? Scale : 1;
        var longest = Math.Max(pageWidth, pageHeight) * scale;
        var maxSide = Math.Max(MaxSide, 16);
        if (longest > maxSide)
        {
            scale *= maxSide / longest;
        }

        var area = pageWidth * scale * pageHeight * scale;
        if (area > maxPixels)
        {
            scale *= Math.Sqrt(maxPixels / area);
        }

        var width = Math.Clamp((int)Math.Ceiling(pageWidth * scale), 1, maxSide);
        var height = Math.Clamp((int)Math.Ceiling(pageHeight * scale), 1, maxSide);
        return (width, height, scale);
    }
}
