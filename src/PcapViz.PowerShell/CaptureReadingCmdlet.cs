using System.Management.Automation;
using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;

namespace PcapViz.PowerShell;

/// <summary>
/// What every cmdlet that reads capture files shares: -Path and -LiteralPath, path resolution with one clear error
/// per bad path, parallel reading with results in input order, progress, warnings for damage, and prompt Ctrl+C.
/// </summary>
public abstract class CaptureReadingCmdlet : StoppableCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x7C4F;
    private static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(200);

    private CaptureImportQueue? _queue;
    private bool _progressShown;

    /// <summary>One or more capture files; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Capture files taken exactly as written: no wildcard expansion.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>How many files are read at once; defaults to the number of cores.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;


    /// <summary>Called on the pipeline thread for each capture, in input order.</summary>
    protected abstract void OnCapture(PcapCapture capture);

    protected void ReadPathsFromParameters()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        ReadPaths(literal ? LiteralPath : Path, literal);
    }

    protected void ReadPaths(IEnumerable<string> paths, bool literal)
    {
        foreach (var path in ResolveCapturePaths(paths, literal))
        {
            _queue ??= new CaptureImportQueue(ThrottleLimit, StopToken);
            _queue.Enqueue(path);
            // Back-pressure: a long pipeline of files must not queue results faster than they are written.
            Pump(block: _queue.Count > 2 * ThrottleLimit);
        }
        Pump(block: false);
    }

    /// <summary>Writes what is ready; with <paramref name="block"/>, waits for every queued file.</summary>
    protected void Pump(bool block)
    {
        if (_queue is null)
            return;
        try
        {
            if (block && _queue.Count > 0)
                ShowProgress();
            while (_queue.Count > 0)
            {
                if (_queue.TryTakeNext(block ? PumpInterval : TimeSpan.Zero, out var result))
                {
                    Emit(result!);
                    continue;
                }
                if (!block)
                    break;
                ShowProgress();
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        if (block && _progressShown)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Reading captures", "Done") { RecordType = ProgressRecordType.Completed });
            _progressShown = false;
        }
    }

    private void ShowProgress()
    {
        var (read, total, current) = _queue!.Progress();
        if (total <= 0)
            return;
        int percent = (int)Math.Clamp(read * 100 / total, 0, 100);
        string status = $"{Core.InertText.Of(System.IO.Path.GetFileName(current ?? ""))} — {Core.Units.Bytes(read)} of {Core.Units.Bytes(total)}, {_queue.Count} file(s) left";
        WriteProgress(new ProgressRecord(ProgressActivityId, "Reading captures", status) { PercentComplete = percent });
        _progressShown = true;
    }

    private void Emit(ImportResult result)
    {
        if (result.Error is not null)
        {
            WriteError(ToErrorRecord(result.Error, result.Path));
            return;
        }
        var capture = result.Capture!;
        foreach (var warning in capture.Warnings)
            WriteWarning(warning);
        if (capture.Damage is not null)
            WriteWarning(capture.Damage);
        OnCapture(capture);
    }

    private static ErrorRecord ToErrorRecord(Exception error, string path) => error switch
    {
        NotACaptureException e => new ErrorRecord(e, ErrorIds.NotACapture, ErrorCategory.InvalidData, path),
        UnauthorizedAccessException e => new ErrorRecord(e, ErrorIds.CaptureAccessDenied, ErrorCategory.PermissionDenied, path),
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(error, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path),
        _ => new ErrorRecord(new IOException($"Cannot read '{path}': {error.Message}", error), ErrorIds.CaptureReadError, ErrorCategory.ReadError, path),
    };

    /// <summary>Resolves paths the way Get-FileHash does: each path that names nothing gets its own error, the rest go on.</summary>
    protected IEnumerable<string> ResolveCapturePaths(IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            List<string> resolved;
            ProviderInfo provider;
            try
            {
                if (literal)
                {
                    resolved = [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _)];
                }
                else
                {
                    resolved = [.. SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider)];
                }
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                continue;
            }
            catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSArgumentException or NotSupportedException)
            {
                WriteError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                continue;
            }
            if (provider.Name != "FileSystem")
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{path}' is not a file-system path."), ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
                continue;
            }
            if (resolved.Count == 0)
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"No capture file matches '{path}'.", path), ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var file in resolved)
            {
                if (Directory.Exists(file))
                {
                    WriteError(new ErrorRecord(new IOException($"'{file}' is a directory, not a capture file."), ErrorIds.PathIsDirectory, ErrorCategory.InvalidArgument, file));
                    continue;
                }
                if (!File.Exists(file))
                {
                    WriteError(new ErrorRecord(new FileNotFoundException($"Cannot find the capture file '{file}'.", file), ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, file));
                    continue;
                }
                yield return file;
            }
        }
    }

    protected override void ReleaseAfterStop() => _queue?.Dispose();
}
