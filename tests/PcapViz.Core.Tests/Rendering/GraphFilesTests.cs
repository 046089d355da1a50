using PcapViz.Core.Rendering;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>GraphFiles.Write: the temporary file it writes first never outlives the call, whatever ends it.</summary>
public sealed class GraphFilesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static GraphDrawing Drawing() =>
        GraphDrawingBuilder.Build(RenderingFixtures.Corpus("shared_many_hosts_srvloc_310ips.pcap", 3), new DrawingOptions(), null);

    [Theory]
    [InlineData(GraphFormat.Svg)]
    [InlineData(GraphFormat.Png)]
    [InlineData(GraphFormat.Json)]
    public void Cancelled_once_the_temporary_file_exists_leaves_nothing_and_keeps_the_old_file(GraphFormat format)
    {
        var target = _temp.File("net.out");
        File.WriteAllText(target, "old");
        using var stop = new CancellationTokenSource();
        string[]? whileWriting = null;
        // Cancelled from the first report, which comes once the temporary file exists: no timing involved.
        var written = new ReportingNow(bytes =>
        {
            whileWriting ??= Directory.GetFiles(_temp.Path);
            stop.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => GraphFiles.Write(Drawing(), format, target, false, false, written, stop.Token));
        Assert.Equal(2, whileWriting!.Length);
        Assert.Equal([target], Directory.GetFiles(_temp.Path));
        Assert.Equal("old", File.ReadAllText(target));
    }

    [Fact]
    public void A_failing_report_leaves_no_temporary_file()
    {
        var target = _temp.File("net.svg");
        var written = new ReportingNow(_ => throw new InvalidOperationException("the caller gave up"));
        Assert.Throws<InvalidOperationException>(() => GraphFiles.Write(Drawing(), GraphFormat.Svg, target, false, false, written, default));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Reports_bytes_in_order_and_returns_the_size_written()
    {
        var target = _temp.File("net.png");
        var reports = new List<long>();
        var result = GraphFiles.Write(Drawing(), GraphFormat.Png, target, false, false, new ReportingNow(reports.Add), default);
        Assert.Equal(new FileInfo(target).Length, result.Bytes);
        Assert.Equal(target, result.Path);
        Assert.Equal(target, result.Target);
        Assert.Equal(0, reports[0]);
        Assert.Equal(reports.Order(), reports);
        Assert.All(reports, r => Assert.InRange(r, 0, result.Bytes));
    }

    /// <summary>Reports on the writing thread, at once (System.Progress would post elsewhere, later).</summary>
    private sealed class ReportingNow(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
