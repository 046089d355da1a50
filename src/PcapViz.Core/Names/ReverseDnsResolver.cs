using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PcapViz.Core.Names;

/// <summary>How far <see cref="ReverseDnsResolver.ResolveAsync"/> has got: one report per finished address, with its failure if it failed.</summary>
public readonly record struct ReverseDnsProgress(int Completed, int Total, ReverseDnsFailure? Failure)
{
    public int PercentComplete => Total == 0 ? 100 : (int)(100L * Completed / Total);
}

/// <summary>An address whose lookup timed out or failed; "no such name" is an answer, not a failure.</summary>
public sealed record ReverseDnsFailure(IPAddress Address, string Reason);

/// <summary>The names found, by address (addresses with no name are absent), and each failed address once.</summary>
public sealed record ReverseDnsResult(IReadOnlyDictionary<IPAddress, IReadOnlyList<string>> Names, IReadOnlyList<ReverseDnsFailure> Failures);

/// <summary>
/// Reverse DNS, only when the user opts in: it sends queries about the capture's hosts, which an analyst may not want.
/// Each distinct address is asked once, at most <see cref="MaxConcurrentLookups"/> at a time, each for at most
/// <see cref="Timeout"/>. The lookup is a function so tests (and other resolvers) can stand in for the system's.
/// </summary>
public sealed class ReverseDnsResolver
{
    /// <summary>Lookups in flight at once: enough to hide the latency of a few hundred hosts, few enough not to flood a resolver.</summary>
    public const int DefaultMaxConcurrentLookups = 16;

    /// <summary>How long one address is waited for; a system resolver that has not answered by then rarely will.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A stand-in for the system lookup of one address; <see cref="NoTimeout"/> keeps it waited for until cancelled.</summary>
    internal sealed record TestLookup(Func<IPAddress, CancellationToken, Task<string?>> Lookup, bool NoTimeout = false);

    // Stand-ins for the system lookup of single addresses, so a hosted-PowerShell test can make one fail or hang with
    // no timeout to rescue it; keyed by address so tests running side by side never see each other's.
    internal static readonly ConcurrentDictionary<IPAddress, TestLookup> TestLookups = new();

    private readonly Func<IPAddress, CancellationToken, Task<string?>> _lookup;
    private readonly bool _system;

    /// <param name="lookup">
    /// Returns the name of an address, or null when it has none; throws when the lookup failed. It is given a token
    /// cancelled at the timeout or when the caller cancels; one that ignores it is abandoned, not waited for.
    /// Null means the system resolver (<see cref="SystemLookup"/>).
    /// </param>
    public ReverseDnsResolver(TimeSpan timeout, int maxConcurrentLookups = DefaultMaxConcurrentLookups, Func<IPAddress, CancellationToken, Task<string?>>? lookup = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentLookups, 1);
        Timeout = timeout;
        MaxConcurrentLookups = maxConcurrentLookups;
        _lookup = lookup ?? SystemLookup;
        _system = lookup is null;
    }

    public TimeSpan Timeout { get; }

    public int MaxConcurrentLookups { get; }

    /// <summary>
    /// Looks up every distinct address. Returns as soon as <paramref name="cancellation"/> is cancelled, with an
    /// <see cref="OperationCanceledException"/>, whether or not the lookups in flight honour it. Progress is reported
    /// from the thread that finished a lookup.
    /// </summary>
    public async Task<ReverseDnsResult> ResolveAsync(IEnumerable<IPAddress> addresses, IProgress<ReverseDnsProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var distinct = addresses.Distinct().ToArray();
        var names = new ConcurrentDictionary<IPAddress, IReadOnlyList<string>>();
        var failures = new ConcurrentQueue<(int Index, ReverseDnsFailure Failure)>();
        int next = -1, completed = 0;

        // A fixed set of workers, each taking the next address: no more lookups are awaited at once than there are workers.
        async Task Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < distinct.Length)
            {
                cancellation.ThrowIfCancellationRequested();
                var address = distinct[i];
                var (name, failure) = await LookupOne(address, cancellation).ConfigureAwait(false);
                if (name is not null)
                    names[address] = [name];
                if (failure is not null)
                    failures.Enqueue((i, failure));
                progress?.Report(new ReverseDnsProgress(Interlocked.Increment(ref completed), distinct.Length, failure));
            }
        }

        var workers = new Task[Math.Min(MaxConcurrentLookups, distinct.Length)];
        for (int w = 0; w < workers.Length; w++)
            workers[w] = Task.Run(Work, cancellation);
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new ReverseDnsResult(names, failures.OrderBy(f => f.Index).Select(f => f.Failure).ToArray());
    }

    private async Task<(string? Name, ReverseDnsFailure? Failure)> LookupOne(IPAddress address, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (!(_system && !TestLookups.IsEmpty && TestLookups.TryGetValue(address, out var stand) && stand.NoTimeout))
            limit.CancelAfter(Timeout);
        Task<string?> lookup;
        try
        {
            lookup = _lookup(address, limit.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, new ReverseDnsFailure(address, e.Message));
        }
        try
        {
            // WaitAsync ends the wait at the timeout or the caller's cancel even if the lookup itself ignores its token.
            var name = await lookup.WaitAsync(limit.Token).ConfigureAwait(false);
            return (string.IsNullOrWhiteSpace(name) || name == address.ToString() ? null : name, null);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            Abandon(lookup);
            return (null, new ReverseDnsFailure(address, $"no answer within {Timeout.TotalSeconds:0.###} s"));
        }
        catch (OperationCanceledException)
        {
            Abandon(lookup);
            throw;
        }
        catch (Exception e)
        {
            return (null, new ReverseDnsFailure(address, e.Message));
        }
    }

    /// <summary>A lookup left running still ends some time; its fault, if any, must not surface as an unobserved exception.</summary>
    private static void Abandon(Task lookup) =>
        lookup.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>The system resolver's PTR answer; "host not found" is no name rather than a failure.</summary>
    public static async Task<string?> SystemLookup(IPAddress address, CancellationToken cancellation)
    {
        if (!TestLookups.IsEmpty && TestLookups.TryGetValue(address, out var stand))
            return await stand.Lookup(address, cancellation).ConfigureAwait(false);
        try
        {
            // The string overload is the one that takes a token; given an address it asks for its PTR name.
            var entry = await Dns.GetHostEntryAsync(address.ToString(), cancellation).ConfigureAwait(false);
            return entry.HostName;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return null;
        }
    }
}
