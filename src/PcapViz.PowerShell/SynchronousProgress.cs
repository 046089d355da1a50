namespace PcapViz.PowerShell;

/// <summary>
/// Reports on the calling thread, at once (System.Progress would post to a thread pool): the work runs on the pipeline
/// thread, the only one where WriteProgress may be called.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
