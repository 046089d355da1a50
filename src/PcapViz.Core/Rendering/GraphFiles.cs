using PcapViz.Core.Rendering.Writers;

namespace PcapViz.Core.Rendering;

/// <summary>What <see cref="GraphFiles.Write"/> wrote.</summary>
/// <param name="Path">The file asked for (a symbolic link stays a link).</param>
/// <param name="Target">The file whose content was replaced: <paramref name="Path"/>, or the file its link points to.</param>
/// <param name="Bytes">The size of the file written.</param>
public sealed record GraphFileWritten(string Path, string Target, long Bytes);

/// <summary>Chooses a writer by format or file extension, and writes files so that no failure leaves half a file behind.</summary>
public static class GraphFiles
{
    // Short and fixed-length, so any name the file system allows for the target (up to 255 bytes) can be written;
    // the ".tmp" ending lets a file left by a killed process be recognised.
    private const string TemporaryPrefix = ".pcapviz-";
    private const string TemporarySuffix = ".tmp";

    // Write-Progress redraws at most a few times a second; reporting every block would only cost time.
    private const long ProgressStep = 256 * 1024;

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
    public sealed class ReadOnlyTargetException(string path) : UnauthorizedAccessException($"'{InertText.Of(path)}' is read-only.")
    {
        public string Path { get; } = path;
    }

    /// <summary>The file to write is a directory (or a link to one).</summary>
    public sealed class TargetIsDirectoryException(string path) : IOException($"'{InertText.Of(path)}' is a directory, not a file.")
    {
        public string Path { get; } = path;
    }

    /// <summary>The file (or a symbolic link by its name) exists and replacing it was refused.</summary>
    public sealed class TargetExistsException(string path) : IOException($"'{InertText.Of(path)}' already exists.")
    {
        public string Path { get; } = path;
    }

    /// <summary>
    /// Checks, before any work, what would stop <see cref="Write"/>, and returns the file whose content it would
    /// replace: <paramref name="path"/> itself, or for a symbolic link the file the link finally points to (a link is
    /// written through, as Out-File writes through it, and stays a link).
    /// </summary>
    /// <exception cref="TargetExistsException"><paramref name="noClobber"/> and the name is taken.</exception>
    /// <exception cref="TargetIsDirectoryException">The path names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder to write in does not exist.</exception>
    /// <exception cref="ReadOnlyTargetException">The file is read-only and <paramref name="overwriteReadOnly"/> is false.</exception>
    public static string Check(string path, bool overwriteReadOnly, bool noClobber)
    {
        var full = Path.GetFullPath(path);
        var asked = new FileInfo(full);
        if (Directory.Exists(full))
            throw new TargetIsDirectoryException(full);
        // A dangling link counts as taken: Out-File -NoClobber refuses it too.
        if (noClobber && (asked.Exists || asked.LinkTarget is not null))
            throw new TargetExistsException(full);
        var target = asked.LinkTarget is null ? full : asked.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        var folder = Path.GetDirectoryName(target);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(target == full
                ? $"Cannot write '{InertText.Of(full)}': the folder '{InertText.Of(folder)}' does not exist."
                : $"Cannot write '{InertText.Of(full)}': it is a link to '{InertText.Of(target)}', whose folder does not exist.");
        }
        if (!overwriteReadOnly && File.Exists(target) && (File.GetAttributes(target) & FileAttributes.ReadOnly) != 0)
            throw new ReadOnlyTargetException(full);
        return target;
    }

    /// <summary>
    /// Writes to a temporary file beside the target and moves it into place only when complete, so a failure or a
    /// cancellation never leaves a half-written file (nor touches an existing one), and never leaves the temporary
    /// file. An existing file keeps its permissions (a private file stays private, a read-only one read-only); a
    /// symbolic link stays a link and the file it points to gets the new content.
    /// </summary>
    /// <param name="written">Told the bytes written so far: 0 once the temporary file exists, then as the writer goes.</param>
    /// <exception cref="IOException">As <see cref="Check"/>, or the file could not be written; the message names
    /// <paramref name="path"/>, never the temporary file.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the file may not be written.</exception>
    public static GraphFileWritten Write(GraphDrawing drawing, GraphFormat format, string path, bool overwriteReadOnly, bool noClobber,
        IProgress<long>? written, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        var full = Path.GetFullPath(path);
        var target = Check(full, overwriteReadOnly, noClobber);
        var folder = Path.GetDirectoryName(target) ?? ".";
        var temporary = Path.Combine(folder, TemporaryPrefix + Guid.NewGuid().ToString("N")[..12] + TemporarySuffix);
        bool created = false;
        try
        {
            long bytes;
            using (var stream = new FileStream(temporary, TemporaryOptions(target)))
            {
                created = true;
                written?.Report(0);
                using (var counting = new CountingStream(stream, written))
                    WriterFor(format).Write(drawing, counting, cancellation);
                stream.Flush(flushToDisk: true);
                bytes = stream.Length;
            }
            cancellation.ThrowIfCancellationRequested();
            MoveIntoPlace(temporary, target, noClobber);
            return new GraphFileWritten(full, target, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not (TargetExistsException or TargetIsDirectoryException))
        {
            if (noClobber && e is IOException && File.Exists(target))
                throw new TargetExistsException(full);
            if (!OperatingSystem.IsWindows() && e is IOException && Directory.Exists(target))
                throw new TargetIsDirectoryException(full);
            throw NamingTheTarget(e, temporary, full);
        }
        finally
        {
            if (created)
                DeleteQuietly(temporary);
        }
    }

    /// <summary>
    /// Creates the temporary file with the permissions the target has (or the default for a new file), so a
    /// private file is never readable by others, not even while it is written.
    /// </summary>
    private static FileStreamOptions TemporaryOptions(string target)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
        };
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            // Write bits are kept off only after the move: the temporary file must be writable by us. Set-id bits are
            // never copied; writing to such a file would have cleared them anyway.
            var mode = File.GetUnixFileMode(target) & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit);
            options.UnixCreateMode = mode | UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }

    private static void MoveIntoPlace(string temporary, string target, bool noClobber)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows refuses to replace a read-only file: clear the flag for the move and set it on the new file.
            var attributes = File.Exists(target) ? File.GetAttributes(target) : (FileAttributes?)null;
            bool readOnly = attributes is { } a && (a & FileAttributes.ReadOnly) != 0;
            if (readOnly)
                File.SetAttributes(target, attributes!.Value & ~FileAttributes.ReadOnly);
            try
            {
                File.Move(temporary, target, overwrite: !noClobber);
            }
            catch when (readOnly && File.Exists(target))
            {
                File.SetAttributes(target, attributes!.Value);
                throw;
            }
            if (readOnly)
                File.SetAttributes(target, File.GetAttributes(target) | FileAttributes.ReadOnly);
            return;
        }
        var mode = File.Exists(target) ? File.GetUnixFileMode(target) : (UnixFileMode?)null;
        // Without overwrite, .NET links and unlinks: the name is taken atomically, so -NoClobber never loses a file
        // that appeared while the picture was drawn.
        File.Move(temporary, target, overwrite: !noClobber);
        if (mode is { } m)
            File.SetUnixFileMode(target, m & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit));
    }

    /// <summary>The same failure, told about the file the user named: the temporary file is ours, not theirs.</summary>
    private static Exception NamingTheTarget(Exception e, string temporary, string path)
    {
        var message = e.Message.Replace(temporary, path, StringComparison.Ordinal);
        if (!message.Contains(path, StringComparison.Ordinal))
            message = $"Cannot write '{path}': {message}";
        message = InertText.Of(message);
        return e switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
            PathTooLongException => new PathTooLongException(message, e),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
            _ => new IOException(message, e),
        };
    }

    private static void DeleteQuietly(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The failure being reported matters more than a leftover file, and its name says it is ours.
        }
    }

    /// <summary>Passes writes on and tells how far the file has got, in steps of <see cref="ProgressStep"/>.</summary>
    private sealed class CountingStream(Stream inner, IProgress<long>? written) : Stream
    {
        private long _reported;

        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Report();
        }

        public override void WriteByte(byte value)
        {
            inner.WriteByte(value);
            Report();
        }

        private void Report()
        {
            if (written is null || inner.Position - _reported < ProgressStep)
                return;
            _reported = inner.Position;
            written.Report(_reported);
        }

        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // The FileStream belongs to Write, which closes it after flushing it to disk.
        protected override void Dispose(bool disposing)
        {
        }
    }
}
