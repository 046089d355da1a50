using System.IO.Compression;
using System.Net;
using System.Text;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;

namespace PcapViz.Core.Analysis;

/// <summary>
/// A capture as bytes: totals, every flow with its counters, and the names it learned. The format is versioned and
/// read defensively: a snapshot is data from elsewhere (a file, a remote session) and gets no more trust than a capture.
/// </summary>
internal static class CaptureSnapshot
{
    private const uint Magic = 0x5A564350; // "PCVZ"
    private const byte Version = 1;
    private const int MaxCount = 100_000_000;

    public static byte[] Write(PcapCapture capture, long firstNs, long lastNs)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(zip))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(capture.Path);
            writer.Write((byte)capture.Format);
            writer.Write(capture.LinkTypes.Length);
            foreach (var linkType in capture.LinkTypes)
                writer.Write(linkType);
            writer.Write(capture.Packets);
            writer.Write(capture.Bytes);
            writer.Write(capture.CapturedBytes);
            writer.Write(firstNs);
            writer.Write(lastNs);
            writer.Write(capture.UnsupportedLinkTypePackets);
            writer.Write(capture.MalformedPackets);
            writer.Write(capture.Damage ?? "");
            writer.Write(capture.DamageOffset ?? -1);
            writer.Write(capture.Warnings.Length);
            foreach (var warning in capture.Warnings)
                writer.Write(warning);
            WriteFlows(writer, capture.GetFlowTable());
            WriteNames(writer, capture.GetHostNames());
        }
        return buffer.ToArray();
    }

    public static PcapCapture Read(byte[] snapshot)
    {
        try
        {
            using var zip = new ZLibStream(new MemoryStream(snapshot, writable: false), CompressionMode.Decompress);
            using var reader = new BinaryReader(zip);
            if (reader.ReadUInt32() != Magic)
                throw new InvalidDataException("it is not a PcapViz capture snapshot");
            var version = reader.ReadByte();
            if (version != Version)
                throw new InvalidDataException($"it is snapshot version {version}; this module reads version {Version}");
            var path = reader.ReadString();
            var format = (CaptureFormat)reader.ReadByte();
            var linkTypes = new string[Count(reader)];
            for (int i = 0; i < linkTypes.Length; i++)
                linkTypes[i] = reader.ReadString();
            long packets = reader.ReadInt64(), bytes = reader.ReadInt64(), captured = reader.ReadInt64();
            long first = reader.ReadInt64(), last = reader.ReadInt64();
            long unsupported = reader.ReadInt64(), malformed = reader.ReadInt64();
            var damage = reader.ReadString();
            long damageOffset = reader.ReadInt64();
            var warnings = new string[Count(reader)];
            for (int i = 0; i < warnings.Length; i++)
                warnings[i] = reader.ReadString();
            var flows = ReadFlows(reader);
            var names = ReadNames(reader);
            return new PcapCapture(path, format, linkTypes, packets, bytes, captured, first, last, unsupported, malformed,
                damage.Length == 0 ? null : damage, damageOffset < 0 ? null : damageOffset, flows, names)
            {
                Warnings = warnings,
            };
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The capture snapshot is cut short.", e);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            throw new InvalidDataException("The capture snapshot is corrupt: " + e.Message, e);
        }
    }

    private static int Count(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count is < 0 or > MaxCount)
            throw new InvalidDataException($"The capture snapshot claims {count} entries.");
        return count;
    }

    private static void WriteFlows(BinaryWriter writer, FlowTable flows)
    {
        writer.Write(flows.Count);
        for (int i = 0; i < flows.Count; i++)
        {
            ref readonly var key = ref flows.KeyAt(i);
            ref readonly var counters = ref flows.CountersAt(i);
            writer.Write(key.SourceMac);
            writer.Write(key.DestinationMac);
            writer.Write(key.Vlan);
            writer.Write(key.EtherType);
            writer.Write(key.IpVersion);
            writer.Write(key.SourceHigh);
            writer.Write(key.SourceLow);
            writer.Write(key.DestinationHigh);
            writer.Write(key.DestinationLow);
            writer.Write(key.Protocol);
            writer.Write(key.SourcePort);
            writer.Write(key.DestinationPort);
            writer.Write((byte)key.Flags);
            writer.Write(counters.Packets);
            writer.Write(counters.Bytes);
            writer.Write(counters.FirstNs);
            writer.Write(counters.LastNs);
            writer.Write(counters.PayloadBytes);
            writer.Write(counters.TcpFlags);
            writer.Write(counters.FirstTcpFlags);
            for (int b = 0; b < GapHistogram.Buckets; b++)
                writer.Write(counters.Gaps[b]);
        }
    }

    private static FlowTable ReadFlows(BinaryReader reader)
    {
        int count = Count(reader);
        // Capacity follows what is actually read, not the claimed count.
        var flows = new FlowTable(Math.Min(count, 1 << 16));
        for (int i = 0; i < count; i++)
        {
            var key = new FlowKey(reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadByte(),
                reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadByte(),
                reader.ReadUInt16(), reader.ReadUInt16(), (PacketFlags)reader.ReadByte());
            var counters = new FlowCounters
            {
                Packets = reader.ReadInt64(),
                Bytes = reader.ReadInt64(),
                FirstNs = reader.ReadInt64(),
                LastNs = reader.ReadInt64(),
                PayloadBytes = reader.ReadInt64(),
                TcpFlags = reader.ReadByte(),
                FirstTcpFlags = reader.ReadByte(),
            };
            for (int b = 0; b < GapHistogram.Buckets; b++)
                counters.Gaps[b] = reader.ReadUInt16();
            flows.GetOrAdd(key).Merge(counters);
        }
        return flows;
    }

    private static void WriteNames(BinaryWriter writer, HostNameCollector names)
    {
        var addresses = names.Addresses.ToList();
        writer.Write(addresses.Count);
        foreach (var entry in addresses)
        {
            var bytes = entry.Address.GetAddressBytes();
            writer.Write((byte)bytes.Length);
            writer.Write(bytes);
            WriteHostNames(writer, entry.Names);
        }
        var macs = names.Macs.ToList();
        writer.Write(macs.Count);
        foreach (var entry in macs)
        {
            writer.Write(entry.Mac);
            WriteHostNames(writer, entry.Names);
        }
        writer.Write(names.DnsQueries.Count);
        foreach (var (query, count) in names.DnsQueries)
        {
            writer.Write(query);
            writer.Write(count);
        }
    }

    private static void WriteHostNames(BinaryWriter writer, IReadOnlyList<HostName> names)
    {
        writer.Write(names.Count);
        foreach (var name in names)
        {
            writer.Write(name.Name);
            writer.Write((byte)name.Source);
        }
    }

    private static HostNameCollector ReadNames(BinaryReader reader)
    {
        var names = new HostNameCollector();
        int addresses = Count(reader);
        for (int i = 0; i < addresses; i++)
        {
            int length = reader.ReadByte();
            if (length is not (4 or 16))
                throw new InvalidDataException($"The capture snapshot holds an address of {length} bytes.");
            var address = AddressKey.From(new IPAddress(reader.ReadBytes(length)))!.Value;
            int count = Count(reader);
            for (int n = 0; n < count; n++)
                names.AddName(address, reader.ReadString(), ReadSource(reader));
        }
        int macs = Count(reader);
        for (int i = 0; i < macs; i++)
        {
            ulong mac = reader.ReadUInt64();
            int count = Count(reader);
            for (int n = 0; n < count; n++)
                names.AddMacName(mac, reader.ReadString(), ReadSource(reader));
        }
        int queries = Count(reader);
        for (int i = 0; i < queries; i++)
            names.CountQuery(reader.ReadString(), reader.ReadInt64());
        return names;
    }

    private static NameSource ReadSource(BinaryReader reader)
    {
        var source = (NameSource)reader.ReadByte();
        return Enum.IsDefined(source) ? source : throw new InvalidDataException("The capture snapshot names an unknown name source.");
    }
}
