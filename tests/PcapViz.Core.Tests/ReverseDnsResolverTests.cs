using System.Collections.Concurrent;
using System.Net;
using PcapViz.Core.Names;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests;

/// <summary>Reverse DNS with the lookup stood in for: no network, real concurrency, real waiting on tokens.</summary>
public sealed class ReverseDnsResolverTests
{
    // Long enough that no lookup in these tests times out unless the test means it to.
    private static readonly TimeSpan Patient = TimeSpan.FromHours(1);

    private static IPAddress[] Addresses(int count) =>
        Enumerable.Range(1, count).Select(i => IPAddress.Parse($"198.51.100.{i}")).ToArray();

    /// <summary>Reports on the reporting thread at once (System.Progress would post them later).</summary>
    private sealed class Recorder : IProgress<ReverseDnsProgress>
    {
        public ConcurrentQueue<ReverseDnsProgress> Reports { get; } = new();

        public void Report(ReverseDnsProgress value) => Reports.Enqueue(value);
    }

    [Fact]
    public async Task No_more_lookups_than_the_bound_are_in_flight_and_the_bound_is_used()
    {
        const int bound = 4;
        int inFlight = 0, most = 0;
        // Lookups hold until the bound is reached, so a resolver that ran fewer at once would never finish them.
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<string?> Lookup(IPAddress address, CancellationToken token)
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            if (now == bound)
                full.TrySetResult();
            await full.Task.WaitAsync(token);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            return "host-" + address.GetAddressBytes()[3] + ".example";
        }
        var resolver = new ReverseDnsResolver(Patient, bound, Lookup);

        var result = await resolver.ResolveAsync(Addresses(40));

        Assert.Equal(bound, most);
        Assert.Equal(40, result.Names.Count);
        Assert.Equal(["host-7.example"], result.Names[IPAddress.Parse("198.51.100.7")]);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task A_failed_address_is_asked_and_reported_once_however_often_it_is_given()
    {
        var bad = IPAddress.Parse("203.0.113.9");
        var calls = new ConcurrentDictionary<IPAddress, int>();
        Task<string?> Lookup(IPAddress address, CancellationToken token)
        {
            calls.AddOrUpdate(address, 1, (_, n) => n + 1);
            return address.Equals(bad) ? Task.FromException<string?>(new InvalidOperationException("server failure")) : Task.FromResult<string?>(null);
        }
        var progress = new Recorder();
        var resolver = new ReverseDnsResolver(Patient, 3, Lookup);

        var given = Enumerable.Repeat(bad, 25).Concat(Addresses(10)).Concat(Enumerable.Repeat(bad, 25)).ToArray();
        var result = await resolver.ResolveAsync(given, progress);

        Assert.Equal(1, calls[bad]);
        Assert.All(calls.Values, n => Assert.Equal(1, n));
        var failure = Assert.Single(result.Failures);
        Assert.Equal(bad, failure.Address);
        Assert.Equal("server failure", failure.Reason);
        Assert.Equal(failure, Assert.Single(progress.Reports, r => r.Failure is not null).Failure);
        // "No such name" is an answer: neither a name nor a failure.
        Assert.Empty(result.Names);
        Assert.Equal(11, progress.Reports.Count);
        Assert.Equal(Enumerable.Range(1, 11), progress.Reports.Select(r => r.Completed).Order());
        Assert.Equal(100, progress.Reports.Max(r => r.PercentComplete));
        Assert.All(progress.Reports, r => Assert.Equal(11, r.Total));
    }

    [Fact]
    public async Task A_lookup_that_never_answers_is_a_timeout_failure_and_the_rest_still_resolve()
    {
        var silent = IPAddress.Parse("192.0.2.1");
        // Never finishes unless its token is cancelled: the timeout is all that ends it.
        async Task<string?> Lookup(IPAddress address, CancellationToken token)
        {
            if (address.Equals(silent))
                await Task.Delay(Timeout.Infinite, token);
            return "named.example";
        }
        var resolver = new ReverseDnsResolver(TimeSpan.FromMilliseconds(50), 2, Lookup);

        var result = await resolver.ResolveAsync([silent, .. Addresses(5)]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(silent, failure.Address);
        Assert.StartsWith("no answer within", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(5, result.Names.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancelling_returns_without_waiting_for_the_lookups_in_flight(bool lookupsHonourTheToken)
    {
        const int bound = 4;
        int started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<string?>();
        async Task<string?> Lookup(IPAddress address, CancellationToken token)
        {
            if (Interlocked.Increment(ref started) == bound)
                allStarted.TrySetResult();
            // Either a slow lookup that honours its token, or one stuck for good (a resolver that ignores it).
            if (lookupsHonourTheToken)
                await Task.Delay(Timeout.Infinite, token);
            return await never.Task;
        }
        var resolver = new ReverseDnsResolver(Patient, bound, Lookup);
        using var cancel = new CancellationTokenSource();

        var resolving = resolver.ResolveAsync(Addresses(100), cancellation: cancel.Token);
        await allStarted.Task;
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolving);
        Assert.Equal(bound, Volatile.Read(ref started));
    }

    [Fact]
    public async Task Cancelled_before_it_starts_asks_nothing()
    {
        int calls = 0;
        var resolver = new ReverseDnsResolver(Patient, 4, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult<string?>("x.example");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.ResolveAsync(Addresses(10), cancellation: new CancellationToken(canceled: true)));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void The_topology_asks_each_host_once_and_gives_its_name_to_every_endpoint()
    {
        var input = new TopologyInput();
        // One server on three ports, talked to by two clients: five layer-4 endpoints, three hosts, several edges each.
        foreach (var (client, port) in new[] { ("10.0.0.1", 53), ("10.0.0.1", 80), ("10.0.0.2", 443), ("10.0.0.2", 80) })
        {
            input.AddFlow(new PcapFlow
            {
                Protocol = "TCP",
                SourceAddress = client,
                DestinationAddress = "198.51.100.20",
                IpProtocol = 6,
                EtherType = 0x0800,
                SourcePort = 40000,
                DestinationPort = port,
                SentPackets = 1,
                SentBytes = 60,
                FirstSeen = DateTimeOffset.UnixEpoch,
                LastSeen = DateTimeOffset.UnixEpoch,
                Capture = "synthetic",
            });
        }
        var asked = new ConcurrentQueue<IPAddress>();
        int batches = 0;
        var resolver = new ReverseDnsResolver(Patient, 2, (address, _) =>
        {
            asked.Enqueue(address);
            return Task.FromResult<string?>(address.ToString() == "198.51.100.20" ? "server.example" : null);
        });

        var topology = TopologyBuilder.Build(input, new TopologyOptions
        {
            Layer = 4,
            ResolveNames = (addresses, token) =>
            {
                Interlocked.Increment(ref batches);
                return resolver.ResolveAsync(addresses, null, token).GetAwaiter().GetResult().Names;
            },
        });

        Assert.Equal(1, batches);
        Assert.Equal(["10.0.0.1", "10.0.0.2", "198.51.100.20"], asked.Select(a => a.ToString()).Order(StringComparer.Ordinal));
        var server = topology.Nodes.Where(n => n.Address == "198.51.100.20").ToList();
        Assert.Equal(3, server.Count);
        Assert.All(server, n => Assert.Equal(["server.example"], n.HostNames));
        Assert.All(topology.Nodes.Where(n => n.Address != "198.51.100.20"), n => Assert.Empty(n.HostNames));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
