using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;

namespace PcapViz.Core.Tests;

public sealed class FlowTableTests
{
    private static FlowKey Key(int i) => new(0x020000000001, 0x020000000002, 0, EtherType.Ipv4, 4,
        0, 0x0A000000u | (uint)(i >> 16), 0, 0x0A010000u | (uint)(i & 0xFFFF), 17, (ushort)(i * 7), 53,
        PacketFlags.HasMacs | PacketFlags.HasIp | PacketFlags.HasPorts);

    [Fact]
    public void Growing_past_many_chunks_keeps_every_flow_and_its_counts()
    {
        const int flows = 200_000;
        var table = new FlowTable(capacity: 16);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < flows; i++)
                table.GetOrAdd(Key(i)).Add(1_000 + i, 100 + (i % 5), 10, 0);
        }
        Assert.Equal(flows, table.Count);
        for (int i = 0; i < flows; i += 997)
        {
            Assert.True(table.TryGet(Key(i), out var counters));
            Assert.Equal(3, counters.Packets);
            Assert.Equal(3 * (100 + (i % 5)), counters.Bytes);
        }
        Assert.False(table.TryGet(Key(flows + 1), out _));
        var seen = table.Entries.Select(e => e.Key).ToHashSet();
        Assert.Equal(flows, seen.Count);
        Assert.Equal(3L * flows, table.Entries.Sum(e => e.Value.Packets));
    }

    [Fact]
    public void Merge_adds_counts_of_the_same_flow_and_keeps_the_rest()
    {
        var left = new FlowTable();
        var right = new FlowTable();
        left.GetOrAdd(Key(1)).Add(5_000, 60, 0, (byte)TcpFlags.SYN);
        right.GetOrAdd(Key(1)).Add(1_000, 40, 0, (byte)TcpFlags.ACK);
        right.GetOrAdd(Key(2)).Add(2_000, 70, 0, 0);
        left.Merge(right);
        Assert.Equal(2, left.Count);
        Assert.True(left.TryGet(Key(1), out var merged));
        Assert.Equal((2L, 100L, 1_000L, 5_000L), (merged.Packets, merged.Bytes, merged.FirstNs, merged.LastNs));
        Assert.Equal((byte)TcpFlags.ACK, merged.FirstTcpFlags);
        Assert.Equal((byte)(TcpFlags.SYN | TcpFlags.ACK), merged.TcpFlags);
    }

    [Fact]
    public void Bursts_keep_the_mean_and_spread_of_their_intervals_and_sizes_in_fixed_size()
    {
        // A beacon every 300 s +- 2 s, each burst a request and an answer 50 ms apart.
        var counters = new FlowCounters();
        var random = new Random(7);
        long t = 0;
        for (int i = 0; i < 1_000; i++)
        {
            counters.Add(t, 100, 50, 0);
            counters.Add(t + 50_000_000, 60, 10, 0);
            t += (long)((300 + random.NextDouble() * 4 - 2) * 1e9);
        }
        Assert.Equal(1_000, counters.Bursts);
        Assert.InRange(counters.MeanBurstIntervalSeconds, 299.8, 300.2);
        double sd = Math.Sqrt(counters.BurstIntervalM2 / (counters.Bursts - 2));
        Assert.InRange(sd, 0.9, 1.4);
        Assert.Equal(160, counters.MeanBurstBytes, 6);
        Assert.Equal(0, counters.BurstSizeM2, 6);
        Assert.Equal(300_000u, counters.LongestGapMs, 2_100u);
    }

    [Fact]
    public void Merging_two_halves_of_a_flow_gives_the_bursts_of_the_whole()
    {
        var whole = new FlowCounters();
        var first = new FlowCounters();
        var second = new FlowCounters();
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            long t = i * 60_000_000_000L + random.Next(0, 5_000_000) * 1000L;
            int size = 100 + random.Next(50);
            whole.Add(t, size, 0, 0);
            (i < 100 ? ref first : ref second).Add(t, size, 0, 0);
        }
        second.Merge(first);
        Assert.Equal(whole.Bursts, second.Bursts);
        Assert.Equal(whole.MeanBurstIntervalSeconds, second.MeanBurstIntervalSeconds, 9);
        Assert.Equal(whole.BurstIntervalM2, second.BurstIntervalM2, 6);
        Assert.Equal(whole.BurstSizeM2, second.BurstSizeM2, 3);
        Assert.Equal(whole.LongestGapMs, second.LongestGapMs);
    }

    [Fact]
    public void A_flow_split_mid_burst_merges_into_the_bursts_of_the_whole()
    {
        // A steady stream, a packet every 100 ms for 1.5 s, cut in two as a rotated capture cuts it.
        var whole = new FlowCounters();
        var first = new FlowCounters();
        var second = new FlowCounters();
        for (int i = 0; i < 15; i++)
        {
            long t = i * 100_000_000L;
            whole.Add(t, 100, 0, 0);
            (i < 7 ? ref first : ref second).Add(t, 100, 0, 0);
        }
        first.Merge(second);
        Assert.Equal((1, whole.Bursts), (first.Bursts, 1));
        Assert.Equal(whole.CurrentBurstBytes, first.CurrentBurstBytes);
        Assert.Equal(whole.LastBurstNs, first.LastBurstNs);
    }
}
