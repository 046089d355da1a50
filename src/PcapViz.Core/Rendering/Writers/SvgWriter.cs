using System.Text;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// The drawing as a standalone SVG file: the same picture as <see cref="PngWriter"/>, with a tooltip on every node and
/// edge that lists all its properties. Needs no native library.
/// </summary>
public sealed class SvgWriter : IGraphWriter
{
    public GraphFormat Format => GraphFormat.Svg;

    public void Write(GraphDrawing drawing, Stream output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        ArgumentNullException.ThrowIfNull(output);

        var painter = new CanvasPainter(drawing, cancellation);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true)
        {
            NewLine = "\n",
        };
        painter.Paint(new SvgCanvas(writer), cancellation);
    }
}
