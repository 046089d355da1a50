namespace PcapViz.Core.Analysis;

/// <summary>The outcome of reading one file: a capture, or the exception that stopped it.</summary>
/// <summary>One file read (or refused), with the time the read took once it had a core.</summary>
public sealed record ImportResult(string Path, PcapCapture? Capture, Exception? Error, TimeSpan Elapsed);

/// <summary>
/// Reads several captures at once (one per core) while handing results back in the order they were asked for,
/// so a caller on a single thread (a PowerShell pipeline) can write each as soon as it and those before it are done.
/// Each file also counts its flows on a thread of its own (see <see cref="CaptureAnalyzer"/>), which measured no
/// slower than one thread per file when every core is already reading one.
/// </summary>
public sealed class CaptureImportQueue : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _cancellation;
    private readonly Queue<Pending> _pending = new();

    public CaptureImportQueue(int parallelism, CancellationToken cancellation)
    {
        _slots = new SemaphoreSlim(Math.Max(1, parallelism));
        _cancellation = cancellation;
    }

    public int Count => _pending.Count;

    public void Enqueue(string path)
    {
        var progress = new LatestProgress(path);
        var task = Task.Run(async () =>
        {
            await _slots.WaitAsync(_cancellation).ConfigureAwait(false);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                return new ImportResult(path, CaptureAnalyzer.Analyze(path, progress, _cancellation), null, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new ImportResult(path, null, e, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            finally
            {
                _slots.Release();
            }
        }, _cancellation);
        _pending.Enqueue(new Pending(task, progress));
    }

    /// <summary>The next result in request order, if it is ready within <paramref name="wait"/>.</summary>
    public bool TryTakeNext(TimeSpan wait, out ImportResult? result)
    {
        result = null;
        if (_pending.Count == 0)
            return false;
        var head = _pending.Peek();
        try
        {
            if (!head.Task.Wait(wait, _cancellation))
                return false;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException inner)
        {
            throw inner;
        }
        _pending.Dequeue();
        var done = head.Progress.Latest;
        _handedBackRead += done.FileBytesRead;
        _handedBackTotal += Math.Max(done.FileLength, done.FileBytesRead);
        result = head.Task.Result;
        return true;
    }

    /// <summary>
    /// Bytes read so far and in all, over every file queued, for a progress bar: files handed back stay counted, so
    /// the total never shrinks.
    /// </summary>
    public (long Read, long Total, string? Current) Progress()
    {
        long read = _handedBackRead, total = _handedBackTotal;
        string? current = null;
        foreach (var pending in _pending)
        {
            var latest = pending.Progress.Latest;
            read += latest.FileBytesRead;
            total += Math.Max(latest.FileLength, latest.FileBytesRead);
            if (current is null && latest.FileBytesRead > 0 && !pending.Task.IsCompleted)
                current = pending.Progress.Path;
        }
        return (read, total, current);
    }

    private long _handedBackRead;
    private long _handedBackTotal;

    public void Dispose() => _slots.Dispose();

    private sealed record Pending(Task<ImportResult> Task, LatestProgress Progress);

    private sealed class LatestProgress : IProgress<CaptureProgress>
    {
        private CaptureProgress _latest;

        public LatestProgress(string path)
        {
            Path = path;
            try
            {
                _latest = new CaptureProgress(path, 0, new FileInfo(path).Length, 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                _latest = new CaptureProgress(path, 0, 0, 0);
            }
        }

        public string Path { get; }

        private readonly object _gate = new();

        public CaptureProgress Latest
        {
            get
            {
                lock (_gate)
                    return _latest;
            }
        }

        public void Report(CaptureProgress value)
        {
            lock (_gate)
                _latest = value;
        }
    }
}
