using System.Management.Automation;
using PcapViz.Core;
using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;

namespace PcapViz.PowerShell;

/// <summary>
/// What every cmdlet that reads captures shares: one binding rule for its input (captures, paths, files, and objects
/// naming files, from the pipeline or by position), -Path and -LiteralPath, path resolution with one clear error per bad
/// path or object, parallel reading with results in input order, progress, warnings for damage, and prompt Ctrl+C.
/// </summary>
public abstract class CaptureReadingCmdlet : StoppableCmdlet
{
    protected const string InputObjectSet = "InputObject";
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x7C4F;
    private static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(200);

    private CaptureImportQueue? _queue;
    private bool _progressShown;

    /// <summary>
    /// Captures and files, from the pipeline or by position: PcapCapture objects; paths (wildcards expanded); FileInfo
    /// (Get-ChildItem) and PathInfo (Resolve-Path) objects; any object with a PSPath or Path property.
    /// </summary>
    /// <remarks>
    /// Typed object[] so that everything binds here, on PowerShell's first, exact-type pass, and <see cref="Accept"/>
    /// decides: typed string[] or PcapCapture[], a capture given by position or an object of another type would reach
    /// -Path through its text and be read from disk as a file of that name.
    /// </remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public object[] InputObject { get; set; } = [];

    /// <summary>One or more capture files; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
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

    /// <summary>What the cmdlet reads, for the error an object of another type gets.</summary>
    protected virtual string AcceptedInput => "PcapCapture objects or capture files";

    protected override void ProcessRecord()
    {
        if (ParameterSetName != InputObjectSet)
        {
            bool literal = ParameterSetName == LiteralPathSet;
            ReadPaths(literal ? LiteralPath : Path, literal);
            return;
        }
        foreach (var item in InputObject)
            Accept(PSObject.AsPSObject(item ?? ""));
    }

    /// <summary>
    /// Takes one input object, made live once if it came back through CliXml or remoting: what <see cref="TryAccept"/>
    /// takes, a capture, or something that names capture files; anything else is an error.
    /// </summary>
    private void Accept(PSObject item)
    {
        var live = Rehydration.Live(item);
        if (TryAccept(live))
            return;
        switch (live)
        {
            case PcapCapture capture:
                // Captures already read keep their place among the files still being read.
                Pump(block: true);
                OnCapture(capture);
                return;
            case string path:
                ReadPaths([path], literal: false);
                return;
            case FileInfo file:
                ReadPaths([file.FullName], literal: true);
                return;
            case DirectoryInfo directory:
                WriteError(NotAFile(directory.FullName));
                return;
            case PathInfo resolved:
                ReadPaths([resolved.Path], literal: true);
                return;
        }
        if (PathOf(item) is { } named)
        {
            ReadPaths([named], literal: true);
            return;
        }
        var type = item.BaseObject?.GetType().FullName ?? "null";
        WriteError(new ErrorRecord(
            new ArgumentException($"{MyInvocation.MyCommand.Name} reads {AcceptedInput}; it cannot read a {type} ('{InertText.Of(item.ToString() ?? "")}')."),
            ErrorIds.InvalidInputObject, ErrorCategory.InvalidType, item));
    }

    /// <summary>Takes an input object of a type this cmdlet reads besides captures and files; false for any other.</summary>
    protected virtual bool TryAccept(object? live) => false;

    /// <summary>A file an object names by its PSPath (as the providers' items have) or Path property.</summary>
    private static string? PathOf(PSObject item) =>
        (item.Properties["PSPath"]?.Value ?? item.Properties["Path"]?.Value) is { } value
        && PSObject.AsPSObject(value).BaseObject is string { Length: > 0 } text
            ? text
            : null;

    /// <summary>Called on the pipeline thread for each capture, in input order.</summary>
    protected abstract void OnCapture(PcapCapture capture);

    protected void ReadPaths(IEnumerable<string> paths, bool literal)
    {
        foreach (var path in ResolveCapturePaths(paths, literal))
        {
            _queue ??= new CaptureImportQueue(ThrottleLimit, StopToken);
            WriteVerbose($"Reading '{InertText.Of(path)}'.");
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
    }

    /// <summary>Writes every capture still being read, then closes the progress bar: the last progress record.</summary>
    protected void FinishReading()
    {
        Pump(block: true);
        if (_progressShown)
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
        string file = current is null ? "starting" : InertText.Of(System.IO.Path.GetFileName(current));
        string status = $"{file} — {Core.Units.Bytes(read)} of {Core.Units.Bytes(total)}, {_queue.Count} file(s) left";
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
        WriteVerbose($"Read '{InertText.Of(result.Path)}' ({capture.Format}, {string.Join(", ", capture.LinkTypes)}): {capture.Packets:N0} packets, {capture.FlowCount:N0} flows, in {result.Elapsed.TotalSeconds:N2} s.");
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
        _ => new ErrorRecord(new IOException($"Cannot read '{InertText.Of(path)}': {error.Message}", error), ErrorIds.CaptureReadError, ErrorCategory.ReadError, path),
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
                WriteError(new ErrorRecord(new ArgumentException($"'{InertText.Of(path)}' is not a file-system path."), ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
                continue;
            }
            if (resolved.Count == 0)
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"No capture file matches '{InertText.Of(path)}'.", path), ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var file in resolved)
            {
                if (Directory.Exists(file))
                {
                    WriteError(NotAFile(file));
                    continue;
                }
                if (!File.Exists(file))
                {
                    WriteError(new ErrorRecord(new FileNotFoundException($"Cannot find the capture file '{InertText.Of(file)}'.", file), ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, file));
                    continue;
                }
                yield return file;
            }
        }
    }

    private static ErrorRecord NotAFile(string directory) =>
        new(new IOException($"'{InertText.Of(directory)}' is a directory, not a capture file."), ErrorIds.PathIsDirectory, ErrorCategory.InvalidArgument, directory);

    protected override void ReleaseAfterStop() => _queue?.Dispose();
}
