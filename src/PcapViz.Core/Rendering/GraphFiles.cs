using PcapViz.Core.Rendering.Writers;

namespace PcapViz.Core.Rendering;

/// <summary>Chooses a writer by format or file extension, and writes files so that no failure leaves half a file behind.</summary>
public static class GraphFiles
{
    public static GraphFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".svg" => GraphFormat.Svg,
        ".png" => GraphFormat.Png,
        ".dot" or ".gv" => GraphFormat.Dot,
        ".graphml" => GraphFormat.GraphMl,
        ".json" => GraphFormat.Json,
        ".html" or ".htm" => GraphFormat.Html,
        ".pdf" => GraphFormat.Pdf,
        _ => null,
    };

    public static IGraphWriter WriterFor(GraphFormat format) => format switch
    {
        GraphFormat.Svg => new SvgWriter(),
        GraphFormat.Png => new PngWriter(),
        GraphFormat.Dot => new DotWriter(),
        GraphFormat.GraphMl => new GraphMlWriter(),
        GraphFormat.Json => new JsonWriter(),
        GraphFormat.Html => new HtmlWriter(),
        GraphFormat.Pdf => new PdfWriter(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown graph format."),
    };

    /// <summary>The file to write is read-only and overwriting read-only files was not asked for.</summary>
    public sealed class ReadOnlyTargetException(string path) : UnauthorizedAccessException($"'{path}' is read-only.")
    {
        public string Path { get; } = path;
    }

    /// <summary>
    /// Writes to a temporary file beside the target and moves it into place only when complete, so a failure or a
    /// cancellation never leaves a half-written file (nor touches an existing one).
    /// </summary>
    public static void Write(GraphDrawing drawing, GraphFormat format, string path, bool overwriteReadOnly, CancellationToken cancellation)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                WriterFor(format).Write(drawing, stream, cancellation);
                stream.Flush(flushToDisk: true);
            }
            cancellation.ThrowIfCancellationRequested();
            if (overwriteReadOnly && File.Exists(path))
            {
                var attributes = File.GetAttributes(path);
                if ((attributes & FileAttributes.ReadOnly) != 0)
                    File.SetAttributes(path, attributes & ~FileAttributes.ReadOnly);
            }
            else if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
            {
                throw new ReadOnlyTargetException(path);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
