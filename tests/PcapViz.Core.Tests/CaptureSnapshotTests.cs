using PcapViz.Core.Analysis;

namespace PcapViz.Core.Tests;

public sealed class CaptureSnapshotTests
{
    [Fact]
    public void Snapshot_restores_every_flow_exactly()
    {
        var capture = CaptureAnalyzer.Analyze(Corpus.Capture("shared_eth_dns_llmnr_mdns.pcap"));
        var restored = PcapCapture.FromSnapshot(capture.ToSnapshot());
        Assert.Equal(capture.FlowCount, restored.FlowCount);
        var original = capture.GetFlowTable().Entries.ToList();
        var copy = restored.GetFlowTable().Entries.ToList();
        Assert.Equal(original.Select(e => e.Key), copy.Select(e => e.Key));
        Assert.Equal(original.Select(e => (e.Value.Packets, e.Value.Bytes, e.Value.FirstNs, e.Value.LastNs, e.Value.PayloadBytes, e.Value.TcpFlags)),
            copy.Select(e => (e.Value.Packets, e.Value.Bytes, e.Value.FirstNs, e.Value.LastNs, e.Value.PayloadBytes, e.Value.TcpFlags)));
        Assert.Equal(original.Select(e => Bursts(e.Value)), copy.Select(e => Bursts(e.Value)));
        Assert.Equal(capture.GetHostNames().DnsQueries.OrderBy(q => q.Key, StringComparer.Ordinal), restored.GetHostNames().DnsQueries.OrderBy(q => q.Key, StringComparer.Ordinal));
    }

    private static object Bursts(Flows.FlowCounters c) =>
        (c.Bursts, c.LastBurstNs, c.BurstIntervalM2, c.BurstSizeM2, c.CurrentBurstBytes, c.LongestGapMs, c.Payload, c.PayloadProbesDone);

    [Fact]
    public void Damaged_snapshots_are_refused_with_InvalidDataException()
    {
        var snapshot = CaptureAnalyzer.Analyze(Corpus.Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap")).ToSnapshot();
        var random = new Random(20261127);
        var damaged = new List<byte[]> { Array.Empty<byte>(), snapshot[..(snapshot.Length / 2)], new byte[] { 1, 2, 3, 4, 5 } };
        for (int i = 0; i < 200; i++)
        {
            var copy = (byte[])snapshot.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            damaged.Add(copy);
        }
        foreach (var bytes in damaged)
        {
            try
            {
                _ = PcapCapture.FromSnapshot(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.Throws<InvalidDataException>(() => PcapCapture.FromSnapshot([]));
        Assert.Throws<InvalidDataException>(() => PcapCapture.FromSnapshot(snapshot[..(snapshot.Length / 2)]));
    }
}
