using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using Xunit.Abstractions;

namespace PcapViz.Core.Tests;

/// <summary>Counting the flow threads of the process is only exact while no other test analyses captures.</summary>
[CollectionDefinition(nameof(FlowThreadCollection), DisableParallelization = true)]
public sealed class FlowThreadCollection;

[Collection(nameof(FlowThreadCollection))]
public sealed class CaptureAnalyzerPipelineTests(ITestOutputHelper output)
{
    /// <summary>Few packets per hand-over, so even a small capture crosses between the threads many times.</summary>
    private const int SmallBatch = 3;

    [Theory]
    [MemberData(nameof(Corpus.CaptureNames), MemberType = typeof(Corpus))]
    public void Flows_counted_on_a_second_thread_equal_those_counted_on_the_reading_thread(string name)
    {
        // Every corpus capture is smaller than one default batch, so the plain call counts on the reading thread.
        var reference = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        Assert.True(reference.Packets < CaptureAnalyzer.FlowBatchLength);

        using var reader = CaptureReader.Open(Corpus.Capture(name));
        var pipelined = CaptureAnalyzer.Analyze(reader, null, CancellationToken.None, SmallBatch);

        AssertSameCapture(reference, pipelined);
    }

    [Fact]
    public void A_capture_of_several_batches_counts_the_same_on_one_thread_as_on_two()
    {
        using var file = new TempCapture(ManyFlows(packets: 3 * CaptureAnalyzer.FlowBatchLength + 5));

        var pipelined = CaptureAnalyzer.Analyze(file.Path);
        using var reader = CaptureReader.Open(file.Path);
        var oneBatch = CaptureAnalyzer.Analyze(reader, null, CancellationToken.None, batchLength: 4 * CaptureAnalyzer.FlowBatchLength);

        AssertSameCapture(oneBatch, pipelined);
    }

    [Fact]
    public void Cancellation_mid_file_stops_the_analysis_and_its_flow_thread()
    {
        using var file = new TempCapture(ManyFlows(packets: 40_000));
        using var cancellation = new CancellationTokenSource();
        int? flowThreadsWhenCancelled = -1;
        using var stream = new InterruptingFileStream(file.Path, afterBytes: 1_000_000, () =>
        {
            flowThreadsWhenCancelled = FlowThreads();
            cancellation.Cancel();
        });
        using var reader = CaptureReader.Open(file.Path, stream);

        var thrown = Assert.ThrowsAny<OperationCanceledException>(() => CaptureAnalyzer.Analyze(reader, null, cancellation.Token, batchLength: 64));

        Assert.Equal(cancellation.Token, thrown.CancellationToken);
        AssertFlowThreads(flowThreadsWhenCancelled, FlowThreadsOnceExited());
    }

    [Fact]
    public void A_read_failure_mid_file_surfaces_and_ends_the_flow_thread()
    {
        using var file = new TempCapture(ManyFlows(packets: 40_000));
        int? flowThreadsWhenFailing = -1;
        using var stream = new InterruptingFileStream(file.Path, afterBytes: 1_000_000, () =>
        {
            flowThreadsWhenFailing = FlowThreads();
            throw new IOException("the disk went away");
        });
        using var reader = CaptureReader.Open(file.Path, stream);

        var thrown = Assert.Throws<IOException>(() => CaptureAnalyzer.Analyze(reader, null, CancellationToken.None, batchLength: 64));

        Assert.Equal("the disk went away", thrown.Message);
        AssertFlowThreads(flowThreadsWhenFailing, FlowThreadsOnceExited());
    }

    private static void AssertSameCapture(PcapCapture expected, PcapCapture actual)
    {
        var expectedFlows = expected.GetFlowTable();
        var actualFlows = actual.GetFlowTable();
        Assert.Equal(expectedFlows.Count, actualFlows.Count);
        for (int i = 0; i < expectedFlows.Count; i++)
        {
            Assert.Equal(expectedFlows.KeyAt(i), actualFlows.KeyAt(i));
            Assert.Equal(Facts(expectedFlows.CountersAt(i)), Facts(actualFlows.CountersAt(i)));
        }
        // Totals, damage, warnings, every flow's counters and the names learned, as one comparison.
        Assert.Equal(expected.ToSnapshot(), actual.ToSnapshot());
    }

    private static object Facts(FlowCounters counters)
    {
        return (counters.Packets, counters.Bytes, counters.FirstNs, counters.LastNs, counters.PayloadBytes,
            counters.TcpFlags, counters.FirstTcpFlags, (counters.Bursts, counters.LastBurstNs, counters.BurstIntervalM2, counters.BurstSizeM2,
            counters.CurrentBurstBytes, counters.LongestGapMs, counters.Payload, counters.PayloadProbesDone));
    }

    /// <summary>UDP packets over thousands of flows, each flow seen a few times with growing timestamps.</summary>
    private static byte[] ManyFlows(int packets)
    {
        var pcap = CaptureBuilder.Pcap();
        for (int i = 0; i < packets; i++)
        {
            var udp = Frames.Udp((ushort)(1024 + i % 5_000), 53, new byte[i % 7]);
            var ip = Frames.Ipv4("10.0.0.1", $"10.1.{i % 3}.{i % 250}", 17, udp);
            pcap.Record((uint)(1_700_000_000 + i / 1000), (uint)(i % 1000 * 1000), Frames.Ethernet(EtherType.Ipv4, ip));
        }
        return pcap.ToArray();
    }

    /// <summary>
    /// Flow threads left once joined ones have gone: a joined thread has finished its work, but the kernel may list it
    /// for a moment more while the runtime tears it down, so the count is read again for a few seconds before it counts.
    /// </summary>
    private static int? FlowThreadsOnceExited()
    {
        int? count = FlowThreads();
        for (int attempt = 0; count > 0 && attempt < 50; attempt++)
        {
            Thread.Sleep(100);
            count = FlowThreads();
        }
        return count;
    }

    /// <summary>
    /// Threads named by <see cref="BatchPipeline{T}"/> for flow counting, from the kernel's view of this process:
    /// a thread leaked by the analyzer would still be listed there. Null where there is no /proc to read (not Linux).
    /// </summary>
    private static int? FlowThreads() =>
        OperatingSystem.IsLinux()
            ? Directory.EnumerateDirectories("/proc/self/task")
                .Count(task => File.Exists(Path.Combine(task, "comm")) && File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == "PcapViz flows")
            : null;

    /// <summary>Checks thread counts where they can be read, and says so where they cannot.</summary>
    private void AssertFlowThreads(int? whileRunning, int? afterwards)
    {
        if (whileRunning is null || afterwards is null)
        {
            output.WriteLine("Thread counts not checked: thread names are read from /proc, which only Linux has.");
            return;
        }
        Assert.Equal(1, whileRunning);
        Assert.Equal(0, afterwards);
    }

    /// <summary>A capture file that runs <paramref name="interrupt"/> once its reader has read past a given offset.</summary>
    private sealed class InterruptingFileStream(string path, long afterBytes, Action interrupt)
        : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1)
    {
        private bool _interrupted;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_interrupted && Position >= afterBytes)
            {
                _interrupted = true;
                interrupt();
            }
            // Small reads, so the interruption lands close to the offset asked for.
            return base.Read(buffer, offset, Math.Min(count, 64 * 1024));
        }
    }
}
