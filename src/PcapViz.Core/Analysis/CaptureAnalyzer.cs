using System.Diagnostics;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;

namespace PcapViz.Core.Analysis;

public readonly record struct CaptureProgress(string Path, long FileBytesRead, long FileLength, long Packets);

/// <summary>Reads a capture once and sums it into flows.</summary>
public static class CaptureAnalyzer
{
    private const int CheckEveryPackets = 8192;
    private static readonly long ProgressIntervalTicks = Stopwatch.Frequency / 4;


    public static PcapCapture Analyze(string path, IProgress<CaptureProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var reader = CaptureReader.Open(path);
        var flows = new FlowTable();
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
                PacketDecoder.Decode(raw.LinkType, raw.Data, ref decoded);
            else if (unsupported.Contains(raw.LinkType))
                decoded.Status = DecodeStatus.UnsupportedLinkType;
            else
                PacketDotNetDecoder.Decode(raw.LinkType, raw.Data, ref decoded);

            if (decoded.Status == DecodeStatus.UnsupportedLinkType)
            {
                unsupportedPackets++;
                if (unsupported.Add(raw.LinkType))
                    warningList.Add($"'{path}': link type {LinkType.Name(raw.LinkType)} ({raw.LinkType}) cannot be decoded; its packets are counted but not attributed to hosts.");
            }
            else
            {
                if (decoded.Status == DecodeStatus.Malformed)
                    malformed++;
                if ((decoded.Flags & (PacketFlags.HasMacs | PacketFlags.HasIp)) != 0 || decoded.Status == DecodeStatus.Decoded)
                {
                    var key = FlowKey.From(decoded);
                    flows.GetOrAdd(key).Add(raw.TimestampNs, raw.OriginalLength, decoded.PayloadLength, decoded.TcpFlags);
                }
                names.Observe(raw.Data, decoded);
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
        cancellation.ThrowIfCancellationRequested();
        progress?.Report(new CaptureProgress(path, reader.FileBytesRead, reader.FileLength, packets));
        if (first == long.MaxValue)
            first = last = 0;
        var linkTypes = reader.LinkTypes.Order().Select(t => $"{LinkType.Name(t)}({t})").ToList();
        return new PcapCapture(path, reader.Format, linkTypes, packets, bytes, captured, first, last, unsupportedPackets, malformed, reader.Damage?.ToString(), reader.Damage?.Offset, flows, names)
        {
            Warnings = warningList.ToArray(),
        };
    }
}
