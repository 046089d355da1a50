using System.Runtime.CompilerServices;

namespace PcapViz.Core.Flows;

/// <summary>What is counted per unidirectional flow. Its size is fixed: memory follows flows, never packets.</summary>
/// <remarks>
/// Besides the totals, a flow keeps the timing of its bursts, so that a beacon inside one long-lived flow (UDP with
/// fixed ports, a TCP session with periodic packets) can be scored: a burst is a packet that comes at least
/// <see cref="BurstGapNs"/> after the flow's previous packet, with the packets that follow it closely. The count of
/// bursts, the variance of the intervals between their starts and of their sizes are kept with Welford's update (the
/// mean interval and the mean size follow from the totals), so two beacons of 300 s ± 2 s and 500 s are told apart
/// in 32 bytes however long the flow. The first payload bytes of a few packets say what the flow carries
/// (<see cref="PayloadProtocol"/>), whatever its ports.
/// </remarks>
public struct FlowCounters
{
    /// <summary>
    /// A packet this long after the previous one starts a new burst. Two seconds is above TCP's initial retransmission
    /// timeout of one second (RFC 6298), so a retransmitted segment stays in its burst, and below the intervals at which
    /// beacons are worth scoring.
    /// </summary>
    public const long BurstGapNs = 2_000_000_000;

    /// <summary>Payload packets whose first bytes are examined before a flow's protocol is left as found.</summary>
    public const int PayloadProbes = 4;

    public long Packets;
    public long Bytes;
    public long FirstNs;
    public long LastNs;
    /// <summary>Bytes of transport payload (after TCP/UDP headers) as the IP headers declare them, for spotting uploads even where a snap length cut the packets.</summary>
    public long PayloadBytes;
    /// <summary>When the flow's last burst started; the mean interval between bursts is (this - FirstNs) / (Bursts - 1).</summary>
    public long LastBurstNs;
    /// <summary>Sum of squared deviations of the intervals between burst starts (seconds²), Welford's M2.</summary>
    public double BurstIntervalM2;
    /// <summary>Sum of squared deviations of the sizes of finished bursts (bytes²), Welford's M2.</summary>
    public double BurstSizeM2;
    /// <summary>Bursts, the first packet's included.</summary>
    public int Bursts;
    /// <summary>Bytes of the burst in progress; the bursts before it hold Bytes minus this.</summary>
    public int CurrentBurstBytes;
    /// <summary>The longest silence between two packets of the flow, in milliseconds (saturating).</summary>
    public uint LongestGapMs;
    /// <summary>TCP flags seen on any packet of the flow.</summary>
    public byte TcpFlags;
    /// <summary>TCP flags of the flow's first packet: a bare SYN marks the side that opened the connection.</summary>
    public byte FirstTcpFlags;
    /// <summary>What the first payload bytes say the flow carries (a <see cref="Flows.PayloadProtocol"/>).</summary>
    public PayloadProtocol Payload;
    /// <summary>Payload packets examined so far, up to <see cref="PayloadProbes"/>.</summary>
    public byte PayloadProbesDone;

    public readonly double MeanBurstIntervalSeconds => Bursts > 1 ? (LastBurstNs - FirstNs) / 1e9 / (Bursts - 1) : 0;

    public readonly double MeanBurstBytes => Bursts > 1 ? (double)(Bytes - CurrentBurstBytes) / (Bursts - 1) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long timestampNs, int wireLength, int payloadLength, byte tcpFlags)
    {
        if (Packets == 0)
        {
            FirstNs = LastNs = LastBurstNs = timestampNs;
            FirstTcpFlags = tcpFlags;
            Bursts = 1;
        }
        else if (timestampNs >= LastNs)
        {
            long gap = timestampNs - LastNs;
            if (gap >= BurstGapNs)
                StartBurst(timestampNs, gap);
            LastNs = timestampNs;
        }
        else if (timestampNs < FirstNs)
        {
            FirstNs = timestampNs;
        }
        Packets++;
        Bytes += wireLength;
        CurrentBurstBytes = (int)Math.Min(int.MaxValue, (long)CurrentBurstBytes + wireLength);
        PayloadBytes += payloadLength;
        TcpFlags |= tcpFlags;
    }

    private void StartBurst(long timestampNs, long gap)
    {
        LongestGapMs = (uint)Math.Max(LongestGapMs, Math.Min(uint.MaxValue, gap / 1_000_000));
        // Welford: the means before and after this sample follow from the totals.
        int intervals = Bursts - 1;
        double oldMean = intervals > 0 ? (LastBurstNs - FirstNs) / 1e9 / intervals : 0;
        double interval = (timestampNs - LastBurstNs) / 1e9;
        double newMean = oldMean + (interval - oldMean) / (intervals + 1);
        BurstIntervalM2 += (interval - oldMean) * (interval - newMean);

        int finished = Bursts - 1;
        long finishedBytes = Bytes - CurrentBurstBytes;
        double oldSizeMean = finished > 0 ? (double)finishedBytes / finished : 0;
        double newSizeMean = oldSizeMean + (CurrentBurstBytes - oldSizeMean) / (finished + 1);
        BurstSizeM2 += (CurrentBurstBytes - oldSizeMean) * (CurrentBurstBytes - newSizeMean);

        Bursts++;
        LastBurstNs = timestampNs;
        CurrentBurstBytes = 0;
    }

    /// <summary>Takes what one payload packet's first bytes say, until the flow's protocol is known or enough packets were seen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ObservePayload(ReadOnlySpan<byte> head, int payloadLength, byte ipProtocol)
    {
        if (PayloadProbesDone >= PayloadProbes || payloadLength <= 0)
            return;
        PayloadProbesDone++;
        var found = PayloadProtocols.Identify(head, payloadLength, ipProtocol);
        if (PayloadProtocols.IsIdentified(found))
        {
            Payload = found;
            PayloadProbesDone = PayloadProbes;
        }
        else
        {
            Payload = PayloadProtocols.Stronger(Payload, found);
        }
    }

    /// <summary>Adds another count of the same flow (another capture, another worker): the result does not depend on the order.</summary>
    /// <remarks>
    /// The burst statistics are combined as if the later part followed the earlier one (Chan's pairwise update, with
    /// the silence between the two parts as one more interval): exact when the captures follow one another in time.
    /// </remarks>
    public void Merge(in FlowCounters other)
    {
        if (other.Packets == 0)
            return;
        if (Packets == 0)
        {
            this = other;
            return;
        }
        var (early, late) = other.FirstNs < FirstNs ? (other, this) : (this, other);
        var merged = early;
        merged.LastNs = Math.Max(early.LastNs, late.LastNs);
        merged.Packets = early.Packets + late.Packets;
        merged.Bytes = early.Bytes + late.Bytes;
        merged.PayloadBytes = early.PayloadBytes + late.PayloadBytes;
        merged.TcpFlags = (byte)(early.TcpFlags | late.TcpFlags);
        merged.LongestGapMs = Math.Max(early.LongestGapMs, late.LongestGapMs);
        if (late.FirstNs >= early.LastNs)
            merged.LongestGapMs = Math.Max(merged.LongestGapMs, (uint)Math.Min(uint.MaxValue, (late.FirstNs - early.LastNs) / 1_000_000));

        if (late.FirstNs - early.LastNs < BurstGapNs)
        {
            // The late part goes on with the early part's burst in progress (a file rotated mid-burst, or parts that
            // overlap): no burst starts at the join. The late part's first interval is taken as it was measured.
            (_, _, merged.BurstIntervalM2) = Combine(early.Bursts - 1, early.MeanBurstIntervalSeconds, early.BurstIntervalM2,
                late.Bursts - 1, late.MeanBurstIntervalSeconds, late.BurstIntervalM2);
            (_, _, merged.BurstSizeM2) = Combine(early.Bursts - 1, early.MeanBurstBytes, early.BurstSizeM2, late.Bursts - 1, late.MeanBurstBytes, late.BurstSizeM2);
            merged.Bursts = early.Bursts + late.Bursts - 1;
            merged.LastBurstNs = late.Bursts > 1 ? Math.Max(early.LastBurstNs, late.LastBurstNs) : early.LastBurstNs;
            merged.CurrentBurstBytes = late.Bursts > 1 ? late.CurrentBurstBytes : (int)Math.Min(int.MaxValue, (long)early.CurrentBurstBytes + late.CurrentBurstBytes);
        }
        else
        {
            // Intervals: the early part's, the one joining the parts, the late part's.
            double joining = (late.FirstNs - early.LastBurstNs) / 1e9;
            var (count, mean, m2) = Combine(early.Bursts - 1, early.MeanBurstIntervalSeconds, early.BurstIntervalM2, 1, joining, 0);
            (_, _, merged.BurstIntervalM2) = Combine(count, mean, m2, late.Bursts - 1, late.MeanBurstIntervalSeconds, late.BurstIntervalM2);
            // Sizes: the early part's finished bursts, its burst in progress (finished by the late part), the late part's.
            (count, mean, m2) = Combine(early.Bursts - 1, early.MeanBurstBytes, early.BurstSizeM2, 1, early.CurrentBurstBytes, 0);
            (_, _, merged.BurstSizeM2) = Combine(count, mean, m2, late.Bursts - 1, late.MeanBurstBytes, late.BurstSizeM2);
            merged.Bursts = early.Bursts + late.Bursts;
            merged.LastBurstNs = late.LastBurstNs;
            merged.CurrentBurstBytes = late.CurrentBurstBytes;
        }

        merged.Payload = PayloadProtocols.Stronger(early.Payload, late.Payload);
        merged.PayloadProbesDone = (byte)Math.Min(PayloadProbes, early.PayloadProbesDone + late.PayloadProbesDone);
        this = merged;
    }

    private static (int Count, double Mean, double M2) Combine(int countA, double meanA, double m2A, int countB, double meanB, double m2B)
    {
        if (countA <= 0)
            return (Math.Max(0, countB), meanB, countB > 0 ? m2B : 0);
        if (countB <= 0)
            return (countA, meanA, m2A);
        int count = countA + countB;
        double delta = meanB - meanA;
        return (count, meanA + delta * countB / count, m2A + m2B + delta * delta * countA * countB / count);
    }
}
