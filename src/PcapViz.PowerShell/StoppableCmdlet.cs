using System.Management.Automation;

namespace PcapViz.PowerShell;

/// <summary>
/// The one home of Ctrl+C for every cmdlet with long work: StopProcessing cancels <see cref="StopToken"/>, which the
/// engine checks at least every few milliseconds, and <see cref="Stoppable{T}"/> turns the engine's
/// OperationCanceledException into the PipelineStoppedException PowerShell expects of a stopped cmdlet.
/// </summary>
public abstract class StoppableCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the user presses Ctrl+C (or the pipeline is otherwise stopped).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs work that honours <see cref="StopToken"/>, stopping the pipeline when it was cancelled.</summary>
    protected T Stoppable<T>(Func<CancellationToken, T> work)
    {
        try
        {
            return work(StopToken);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <inheritdoc cref="Stoppable{T}(Func{CancellationToken, T})"/>
    protected void Stoppable(Action<CancellationToken> work) => Stoppable<object?>(token =>
    {
        work(token);
        return null;
    });

    public void Dispose()
    {
        // Work still running sees the stop before what it uses is released.
        _stopping.Cancel();
        ReleaseAfterStop();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a derived cmdlet holds, once <see cref="StopToken"/> is cancelled.</summary>
    protected virtual void ReleaseAfterStop()
    {
    }
}
