using System.Runtime.CompilerServices;

namespace PcapViz.Core.Flows;

/// <summary>
/// Gaps between consecutive packets of a flow, in log-4 microsecond buckets: fixed size, however long the flow.
/// Counts stop at 65,535; the shape of a beacon's timing shows long before that.
/// </summary>
[InlineArray(GapHistogram.Buckets)]
public struct GapHistogram
{
    public const int Buckets = 16;
    private ushort _element;

    /// <summary>Bucket i holds gaps from 4^(i-1) up to 4^i microseconds; the last holds everything longer (over about 18 minutes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BucketOf(long gapNs)
    {
        long micros = gapNs / 1000;
        if (micros <= 0)
            return 0;
        int bucket = (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)micros) + 1) / 2;
        return Math.Min(bucket, Buckets - 1);
    }
}

/// <summary>What is counted per unidirectional flow. Its size is fixed: memory follows flows, never packets.</summary>
public struct FlowCounters
{
    public long Packets;
    public long Bytes;
    public long FirstNs;
    public long LastNs;
    /// <summary>Bytes of transport payload (after TCP/UDP headers), for spotting uploads.</summary>
    public long PayloadBytes;
    /// <summary>TCP flags seen on any packet of the flow.</summary>
    public byte TcpFlags;
    /// <summary>TCP flags of the flow's first packet: a bare SYN marks the side that opened the connection.</summary>
    public byte FirstTcpFlags;
    public GapHistogram Gaps;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long timestampNs, int wireLength, int payloadLength, byte tcpFlags)
    {
        if (Packets == 0)
        {
            FirstNs = LastNs = timestampNs;
            FirstTcpFlags = tcpFlags;
        }
        else
        {
            if (timestampNs >= LastNs)
            {
                ref ushort gaps = ref Gaps[GapHistogram.BucketOf(timestampNs - LastNs)];
                if (gaps != ushort.MaxValue)
                    gaps++;
                LastNs = timestampNs;
            }
            else if (timestampNs < FirstNs)
            {
                FirstNs = timestampNs;
            }
        }
        Packets++;
        Bytes += wireLength;
        PayloadBytes += payloadLength;
        TcpFlags |= tcpFlags;
    }

    /// <summary>Adds another count of the same flow (another capture, another worker): the result does not depend on the order.</summary>
    public void Merge(in FlowCounters other)
    {
        if (other.Packets == 0)
            return;
        if (Packets == 0)
        {
            this = other;
            return;
        }
        if (other.FirstNs < FirstNs)
        {
            FirstNs = other.FirstNs;
            FirstTcpFlags = other.FirstTcpFlags;
        }
        LastNs = Math.Max(LastNs, other.LastNs);
        Packets += other.Packets;
        Bytes += other.Bytes;
        PayloadBytes += other.PayloadBytes;
        TcpFlags |= other.TcpFlags;
        for (int i = 0; i < GapHistogram.Buckets; i++)
            Gaps[i] = (ushort)Math.Min(ushort.MaxValue, Gaps[i] + other.Gaps[i]);
    }
}
