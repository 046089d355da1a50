using System.Buffers.Binary;
using System.Management.Automation;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>Progress and Ctrl+C on a capture large enough to take a while. No wall-clock assertion: the timeouts only guard against a hang.</summary>
public sealed class ImportPcapLongRunTests : IDisposable
{
    private const int Packets = 2_000_000;
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();
    private readonly string _path;

    public ImportPcapLongRunTests()
    {
        _path = _temp.File("large.pcap");
        WriteUdpCapture(_path, Packets);
    }

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    /// <summary>Ethernet/IPv4/UDP packets between 64 hosts, written directly: faster than any generator script.</summary>
    private static void WriteUdpCapture(string path, int packets)
    {
        using var file = new BufferedStream(File.Create(path), 1 << 20);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        file.Write(header);
        Span<byte> record = stackalloc byte[16 + 60];
        for (int i = 0; i < packets; i++)
        {
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000u + (uint)(i / 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(i % 1000) * 1000);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], 60);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], 60);
            var frame = record[16..];
            frame[5] = (byte)(i % 64);
            frame[11] = (byte)((i + 1) % 64);
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
            frame[14] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(frame[16..], 46);
            frame[22] = 64;
            frame[23] = 17;
            BinaryPrimitives.WriteUInt32BigEndian(frame[26..], 0x0A000000u | (uint)(i % 64));
            BinaryPrimitives.WriteUInt32BigEndian(frame[30..], 0x0A000000u | (uint)((i + 1) % 64));
            BinaryPrimitives.WriteUInt16BigEndian(frame[34..], 5000);
            BinaryPrimitives.WriteUInt16BigEndian(frame[36..], 53);
            BinaryPrimitives.WriteUInt16BigEndian(frame[38..], 26);
            file.Write(record);
        }
    }

    [Fact]
    public void Progress_over_several_files_is_coherent()
    {
        var paths = Enumerable.Range(1, 3).Select(i => _temp.File($"link{i}.pcap")).ToList();
        foreach (var link in paths)
            File.CreateSymbolicLink(link, _path);
        var result = _session.Run("$p | Import-Pcap -ThrottleLimit 1 | Measure-Object | ForEach-Object Count", new Dictionary<string, object?> { ["p"] = paths.ToArray() });
        Assert.Equal(3, result.Single<int>());
        var records = result.Progress;
        Assert.NotEmpty(records);
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
        Assert.Single(records, r => r.RecordType == ProgressRecordType.Completed);
        var processing = records.Where(r => r.RecordType == ProgressRecordType.Processing).ToList();
        Assert.All(processing, r => Assert.False(string.IsNullOrWhiteSpace(r.StatusDescription)));
        Assert.All(processing, r => Assert.DoesNotMatch(@"^\s*—", r.StatusDescription));
        // The total (the "of N" in the status) never shrinks as files are handed back.
        var totals = processing.Select(r => System.Text.RegularExpressions.Regex.Match(r.StatusDescription, @" of ([\d.,]+) (B|kB|MB|GB|TB),")).ToList();
        Assert.All(totals, t => Assert.True(t.Success));
        var scale = new Dictionary<string, double> { ["B"] = 1, ["kB"] = 1e3, ["MB"] = 1e6, ["GB"] = 1e9, ["TB"] = 1e12 };
        var values = totals.Select(t => double.Parse(t.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * scale[t.Groups[2].Value]).ToList();
        for (int i = 1; i < values.Count; i++)
            Assert.True(values[i] >= values[i - 1], $"total went from {values[i - 1]} to {values[i]}");
    }

    [Fact]
    public void Large_capture_reports_progress_and_counts_every_packet()
    {
        var result = _session.Run("Import-Pcap -LiteralPath $p", new Dictionary<string, object?> { ["p"] = _path });
        Assert.Equal(Packets, result.Single<PcapCapture>().Packets);
        Assert.NotEmpty(result.Progress);
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);
        Assert.All(result.Progress.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.InRange(p.PercentComplete, 0, 100));
    }

    [Fact]
    public async Task Stop_ends_the_import_and_writes_no_partial_capture()
    {
        // Many copies of the file, so the import is still running when Stop arrives, however fast one file is read.
        const int Copies = 40;
        using var shell = _session.CreateShell();
        shell.AddCommand("Import-Pcap").AddParameter("LiteralPath", Enumerable.Repeat(_path, Copies).ToArray());
        using var started = new ManualResetEventSlim();
        shell.Streams.Progress.DataAdded += (_, _) => started.Set();
        var output = new PSDataCollection<PSObject>();
        var invocation = shell.BeginInvoke<PSObject, PSObject>(null, output);
        Assert.True(started.Wait(HangGuard), "Import-Pcap never reported progress");
        var stopping = Task.Run(shell.Stop);
        Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(HangGuard)));
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.InRange(output.Count, 0, Copies - 1);
        Assert.All(output, capture => Assert.Equal(Packets, ((PcapCapture)capture.BaseObject).Packets));
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(invocation));
    }
}
