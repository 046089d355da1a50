using SkiaSharp;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// The drawing as a one-page vector PDF (SkiaSharp's PDF backend), the same picture as <see cref="SvgWriter"/> and
/// <see cref="PngWriter"/>: text stays text (DejaVu Sans, embedded) and lines stay lines, for reports. One drawing
/// unit is one point, scaled down to keep within PDF's largest page, 14,400 points a side.
/// </summary>
public sealed class PdfWriter : IGraphWriter
{
    /// <summary>PDF 1.7's page size limit (200 inches), in points.</summary>
    private const double MaxSide = 14_400;

    static PdfWriter() => PngNativeLibrary.Register();

    public GraphFormat Format => GraphFormat.Pdf;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);

        var painter = new CanvasPainter(drawing, cancellation);
        double scale = Math.Min(1, MaxSide / Math.Max(1, Math.Max(painter.Width, painter.Height)));
        var metadata = new SKDocumentPdfMetadata
        {
            Title = Writers.CanvasText.CleanLine(drawing.Title, 400),
            Creator = "PcapViz",
            Producer = "PcapViz (SkiaSharp)",
            RasterDpi = 72,
        };
        using var stream = new SKManagedWStream(output);
        using var document = SKDocument.CreatePdf(stream, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not create a PDF document.");
        var canvas = document.BeginPage((float)(painter.Width * scale), (float)(painter.Height * scale));
        canvas.Scale((float)scale);
        painter.Paint(new PngCanvas(canvas), cancellation);
        document.EndPage();
        document.Close();
    }
}
