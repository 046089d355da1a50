using PcapViz.Core.Tests;
using System.Management.Automation;
using System.Net;
using PcapViz.Core.Names;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Get-PcapTopology -ResolveName with the system lookup stood in for, per address, through the resolver's test hook:
/// each test uses addresses of its own, so tests running side by side never meet.
/// </summary>
public sealed class ResolveNameTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();
    private readonly List<IPAddress> _stoodIn = [];

    public void Dispose()
    {
        foreach (var address in _stoodIn)
            ReverseDnsResolver.TestLookups.TryRemove(address, out _);
        _session.Dispose();
        _temp.Dispose();
    }

    private void StandIn(string address, Func<IPAddress, CancellationToken, Task<string?>> lookup, bool noTimeout = false)
    {
        var ip = IPAddress.Parse(address);
        _stoodIn.Add(ip);
        ReverseDnsResolver.TestLookups[ip] = new ReverseDnsResolver.TestLookup(lookup, noTimeout);
    }

    [Fact]
    public void A_failed_lookup_is_one_verbose_line_however_many_endpoints_and_edges_the_host_has_and_progress_shows_a_percentage()
    {
        // 198.51.100.201 is on six edges at layer 4 (three ports from two clients); its lookup fails. .202 has a name.
        var capture = _temp.File("names.pcap");
        RawIpCapture.Write(capture,
        [
            ("198.51.100.202", "198.51.100.201", 53), ("198.51.100.202", "198.51.100.201", 80), ("198.51.100.202", "198.51.100.201", 443),
            ("198.51.100.203", "198.51.100.201", 53), ("198.51.100.203", "198.51.100.201", 80), ("198.51.100.203", "198.51.100.201", 443),
        ]);
        int failing = 0;
        StandIn("198.51.100.201", (_, _) =>
        {
            Interlocked.Increment(ref failing);
            return Task.FromException<string?>(new InvalidOperationException("the server said SERVFAIL"));
        });
        StandIn("198.51.100.202", (_, _) => Task.FromResult<string?>("client.example"));
        StandIn("198.51.100.203", (_, _) => Task.FromResult<string?>(null));

        using var shell = _session.CreateShell();
        shell.Runspace.SessionStateProxy.SetVariable("p", capture);
        shell.AddScript("Get-PcapTopology -LiteralPath $p -Layer 4 -ResolveName -Verbose");
        var output = shell.Invoke();

        Assert.Empty(shell.Streams.Error);
        var topology = Assert.IsType<PcapTopology>(Assert.Single(output).BaseObject);
        Assert.Equal(1, failing);
        var failures = shell.Streams.Verbose.Select(v => v.Message).Where(m => m.Contains("198.51.100.201", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Reverse DNS of 198.51.100.201 failed: the server said SERVFAIL."], failures);
        Assert.All(topology.Nodes.Where(n => n.Address == "198.51.100.202"), n => Assert.Equal(["client.example"], n.HostNames));
        Assert.All(topology.Nodes.Where(n => n.Address != "198.51.100.202"), n => Assert.Empty(n.HostNames));
        var progress = shell.Streams.Progress.Where(p => p.Activity.StartsWith("Reverse DNS", StringComparison.Ordinal)).ToList();
        Assert.Contains(progress, p => p.RecordType == ProgressRecordType.Processing && p.PercentComplete == 100);
        Assert.Contains(progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.All(progress.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.InRange(p.PercentComplete, 0, 100));
    }

    [Fact]
    public async Task Stop_ends_the_cmdlet_while_lookups_hang()
    {
        // Hosts whose lookups never end, ignore their token and are spared the timeout: nothing but Stop ends the
        // wait, and no progress report comes along to stop the pipeline on the cmdlet's behalf.
        const int Hosts = 40;
        var capture = _temp.File("hang.pcap");
        var hosts = Enumerable.Range(0, Hosts).Select(i => $"fd77:{i + 1:x}::1").ToList();
        RawIpCapture.Write(capture, hosts.Select(h => ("fd77::1", h, (ushort)53)));
        int started = 0;
        using var lookupsStarted = new ManualResetEventSlim();
        var never = new TaskCompletionSource<string?>();
        foreach (var host in hosts.Append("fd77::1"))
        {
            StandIn(host, (_, _) =>
            {
                Interlocked.Increment(ref started);
                lookupsStarted.Set();
                return never.Task;
            }, noTimeout: true);
        }

        using var shell = _session.CreateShell();
        shell.AddCommand("Get-PcapTopology").AddParameter("LiteralPath", capture).AddParameter("ResolveName");
        var output = new PSDataCollection<PSObject>();
        var invocation = shell.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(lookupsStarted.Wait(HangGuard), "no lookup started");
        var stopping = Task.Run(shell.Stop);
        Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(HangGuard)));

        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.Empty(output);
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(invocation));
        // It stopped waiting rather than ran out of hosts: only the first lookups ever started.
        Assert.InRange(Volatile.Read(ref started), 1, ReverseDnsResolver.DefaultMaxConcurrentLookups);
    }
}
