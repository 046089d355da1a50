using System.Diagnostics;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;

namespace PcapViz.Core.Analysis;

public readonly record struct CaptureProgress(string Path, long FileBytesRead, long FileLength, long Packets);

/// <summary>
/// Reads a capture once and sums it into flows. The calling thread reads and decodes; a second thread counts flows
/// (see <see cref="BatchPipeline{T}"/>): on a capture of many flows the flow table's cache misses take most of the
/// time, and on two cores they overlap with reading and decoding.
/// </summary>
/// <remarks>
/// Every capture of more than one batch of packets gets its second thread, even when several files are read at once
/// and the cores are already busy: measured with two and three 5-million-packet files on two cores, the pipelined
/// reads took the same wall and processor time as reads on one thread each, so there is nothing to gain from
/// rationing the threads.
/// </remarks>
public static class CaptureAnalyzer
{
    private const int CheckEveryPackets = 8192;
    private static readonly long ProgressIntervalTicks = Stopwatch.Frequency / 4;

    /// <summary>
    /// Packets per hand-over (104 bytes each), with four batches (6.8 MB) in the ring: eight measured no faster. Measured
    /// on two cores, batches of 1,024 or 4,096 gained little or nothing on a capture of few flows, likely because a
    /// refilled batch was still in the other core's cache; 16,384 gained there too. A capture smaller than one batch is
    /// counted in one go on the calling thread, at a cost measured at some 10 µs for 10 packets and 6% for 7,000.
    /// </summary>
    internal const int FlowBatchLength = 16384;

    private const int FlowBatchesInFlight = 4;

    public static PcapCapture Analyze(string path, IProgress<CaptureProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var reader = CaptureReader.Open(path);
        return Analyze(reader, progress, cancellation, FlowBatchLength);
    }

    /// <param name="batchLength">Packets per hand-over to the flow-counting thread; tests pass a few, to cross threads often.</param>
    internal static PcapCapture Analyze(CaptureReader reader, IProgress<CaptureProgress>? progress, CancellationToken cancellation, int batchLength)
    {
        string path = reader.Path;
        var flows = new FlowTable();
        var tunnels = new TunnelTable();
        using var flowCounting = new BatchPipeline<FlowPacket>(batch => Count(flows, batch), batchLength, FlowBatchesInFlight, cancellation);
        var names = new HostNameCollector();
        var unsupported = new HashSet<int>();
        var warningList = new List<string>();
        long packets = 0, bytes = 0, captured = 0, unsupportedPackets = 0, malformed = 0;
        long first = long.MaxValue, last = long.MinValue;
        long nextProgress = Stopwatch.GetTimestamp() + ProgressIntervalTicks;
        RawPacket raw = default;
        DecodedPacket decoded = default;
        while (reader.ReadNext(ref raw))
        {
            packets++;
            bytes += raw.OriginalLength;
            captured += raw.Data.Length;
            // A simple packet block has no timestamp; it must not drag FirstSeen back to 1970.
            if (raw.TimestampNs != 0 || reader.Format == CaptureFormat.Pcap)
            {
                if (raw.TimestampNs < first)
                    first = raw.TimestampNs;
                if (raw.TimestampNs > last)
                    last = raw.TimestampNs;
            }
            if (LinkType.IsFastPath(raw.LinkType))
            {
                PacketDecoder.Decode(raw.LinkType, raw.Data, ref decoded);
            }
            else
            {
                decoded.Reset();
                decoded.Status = DecodeStatus.UnsupportedLinkType;
            }

            if (decoded.Status == DecodeStatus.UnsupportedLinkType)
            {
                unsupportedPackets++;
                if (unsupported.Add(raw.LinkType))
                    warningList.Add($"'{InertText.Of(path)}': link type {LinkType.Name(raw.LinkType)} ({raw.LinkType}) cannot be decoded; its packets are counted but not attributed to hosts.");
            }
            else
            {
                if (decoded.Status == DecodeStatus.Malformed)
                    malformed++;
                if ((decoded.Flags & (PacketFlags.HasMacs | PacketFlags.HasIp)) != 0 || decoded.Status == DecodeStatus.Decoded)
                {
                    uint tunnel = 0;
                    if (decoded.TunnelDepth != 0)
                    {
                        tunnel = tunnels.NumberOf(decoded);
                        tunnels.CountOuter(decoded, raw.TimestampNs, raw.OriginalLength);
                    }
                    ref var packet = ref flowCounting.Next();
                    packet.Key = FlowKey.From(decoded, tunnel);
                    packet.Hash = packet.Key.GetHashCode();
                    packet.TimestampNs = raw.TimestampNs;
                    packet.WireLength = raw.OriginalLength;
                    // What the IP header declares, never more than the packet's own length on the wire.
                    packet.PayloadLength = Math.Min(decoded.WirePayloadLength, raw.OriginalLength);
                    packet.TcpFlags = decoded.TcpFlags;
                    packet.HeadLength = (byte)CopyPayloadHead(raw.Data, decoded, packet.Head);
                }
                names.Observe(raw.Data, decoded, raw.TimestampNs);
            }

            if (packets % CheckEveryPackets == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                if (progress is not null && Stopwatch.GetTimestamp() >= nextProgress)
                {
                    nextProgress = Stopwatch.GetTimestamp() + ProgressIntervalTicks;
                    progress.Report(new CaptureProgress(path, reader.FileBytesRead, reader.FileLength, packets));
                }
            }
        }
        flowCounting.Complete();
        cancellation.ThrowIfCancellationRequested();
        progress?.Report(new CaptureProgress(path, reader.FileBytesRead, reader.FileLength, packets));
        if (first == long.MaxValue)
            first = last = 0;
        var linkTypes = reader.LinkTypes.Order().Select(LinkType.Label).ToList();
        return new PcapCapture(path, reader.Format, linkTypes, packets, bytes, captured, first, last, unsupportedPackets, malformed, reader.Damage?.ToString(), reader.Damage?.Offset, flows, names, tunnels)
        {
            Warnings = new TextList(warningList.ToArray()),
        };
    }

    private static void Count(FlowTable flows, ReadOnlySpan<FlowPacket> batch)
    {
        foreach (ref readonly var packet in batch)
        {
            ref var counters = ref flows.GetOrAdd(packet.Key, packet.Hash);
            counters.Add(packet.TimestampNs, packet.WireLength, packet.PayloadLength, packet.TcpFlags);
            if (packet.HeadLength > 0 && counters.PayloadProbesDone < FlowCounters.PayloadProbes)
                counters.ObservePayload(((ReadOnlySpan<byte>)packet.Head)[..packet.HeadLength], packet.PayloadLength, packet.Key.Protocol);
        }
    }

    /// <summary>The first bytes of a TCP or UDP payload, for the flow counter to tell what the flow carries; 0 when there are none.</summary>
    private static int CopyPayloadHead(ReadOnlySpan<byte> data, in DecodedPacket decoded, Span<byte> head)
    {
        if ((decoded.Flags & PacketFlags.HasPorts) == 0 || decoded.PayloadLength <= 0 || (uint)decoded.PayloadOffset >= (uint)data.Length)
            return 0;
        int length = Math.Min(Math.Min(decoded.PayloadLength, PayloadProtocols.HeadLength), data.Length - decoded.PayloadOffset);
        data.Slice(decoded.PayloadOffset, length).CopyTo(head);
        return length;
    }

    [System.Runtime.CompilerServices.InlineArray(PayloadProtocols.HeadLength)]
    private struct PayloadHead
    {
        private byte _element;
    }

    /// <summary>What flow counting needs of a packet, copied out: the reader reuses its buffer for the next one.</summary>
    private struct FlowPacket
    {
        public FlowKey Key;
        public long TimestampNs;
        public int Hash;
        public int WireLength;
        public int PayloadLength;
        public byte TcpFlags;
        public byte HeadLength;
        public PayloadHead Head;
    }
}
