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
    /// <summary>
    /// 2: flows keep burst timing and payload protocol instead of gap buckets; names carry DNS activity. 3: flows name
    /// their tunnel, and the tunnels and their outer flows follow the flows.
    /// </summary>
    private const byte Version = 3;
    private const int MaxCount = 100_000_000;

    public static byte[] Write(PcapCapture capture, long firstNs, long lastNs)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(zip))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(capture.FullName);
            writer.Write((byte)capture.CaptureFormat);
            writer.Write(capture.LinkTypes.Count);
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
            writer.Write(capture.Warnings.Count);
            foreach (var warning in capture.Warnings)
                writer.Write(warning);
            WriteFlows(writer, capture.GetFlowTable());
            WriteTunnels(writer, capture.GetTunnels());
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
            var tunnels = ReadTunnels(reader);
            for (int i = 0; i < flows.Count; i++)
            {
                if (flows.KeyAt(i).Tunnel > tunnels.Count)
                    throw new InvalidDataException("The capture snapshot holds a flow of a tunnel it does not list.");
            }
            var names = ReadNames(reader);
            return new PcapCapture(path, format, linkTypes, packets, bytes, captured, first, last, unsupported, malformed,
                damage.Length == 0 ? null : damage, damageOffset < 0 ? null : damageOffset, flows, names, tunnels)
            {
                Warnings = new TextList(warnings),
            };
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The capture snapshot is cut short.", e);
        }
        // A damaged string length is an IOException from BinaryReader, not an end of stream.
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or DecoderFallbackException or IOException)
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
            writer.Write(key.Tunnel);
            writer.Write(counters.Packets);
            writer.Write(counters.Bytes);
            writer.Write(counters.FirstNs);
            writer.Write(counters.LastNs);
            writer.Write(counters.PayloadBytes);
            writer.Write(counters.TcpFlags);
            writer.Write(counters.FirstTcpFlags);
            writer.Write(counters.LastBurstNs);
            writer.Write(counters.BurstIntervalM2);
            writer.Write(counters.BurstSizeM2);
            writer.Write(counters.Bursts);
            writer.Write(counters.CurrentBurstBytes);
            writer.Write(counters.LongestGapMs);
            writer.Write((byte)counters.Payload);
            writer.Write(counters.PayloadProbesDone);
        }
    }

    /// <summary>Counters no capture can produce would turn into NaN or nonsense in the scores: refused.</summary>
    private static void Check(in FlowCounters c)
    {
        bool sane = c.Packets >= 0 && c.Bytes >= 0 && c.PayloadBytes >= 0 && c.CurrentBurstBytes >= 0 && c.Bursts >= 0
            && (c.Packets == 0 || (c.Bursts >= 1 && c.FirstNs <= c.LastBurstNs && c.LastBurstNs <= c.LastNs))
            && double.IsFinite(c.BurstIntervalM2) && c.BurstIntervalM2 >= 0 && double.IsFinite(c.BurstSizeM2) && c.BurstSizeM2 >= 0
            && Enum.IsDefined(c.Payload) && c.PayloadProbesDone <= FlowCounters.PayloadProbes;
        if (!sane)
            throw new InvalidDataException("The capture snapshot holds flow counters no capture can produce.");
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
                reader.ReadUInt16(), reader.ReadUInt16(), (PacketFlags)reader.ReadByte(), reader.ReadUInt32());
            var counters = new FlowCounters
            {
                Packets = reader.ReadInt64(),
                Bytes = reader.ReadInt64(),
                FirstNs = reader.ReadInt64(),
                LastNs = reader.ReadInt64(),
                PayloadBytes = reader.ReadInt64(),
                TcpFlags = reader.ReadByte(),
                FirstTcpFlags = reader.ReadByte(),
                LastBurstNs = reader.ReadInt64(),
                BurstIntervalM2 = reader.ReadDouble(),
                BurstSizeM2 = reader.ReadDouble(),
                Bursts = reader.ReadInt32(),
                CurrentBurstBytes = reader.ReadInt32(),
                LongestGapMs = reader.ReadUInt32(),
                Payload = (PayloadProtocol)reader.ReadByte(),
                PayloadProbesDone = reader.ReadByte(),
            };
            Check(counters);
            flows.GetOrAdd(key).Merge(counters);
        }
        return flows;
    }

    private static void WriteTunnels(BinaryWriter writer, TunnelTable tunnels)
    {
        writer.Write(tunnels.Count);
        foreach (var tunnel in tunnels.All)
        {
            writer.Write(tunnel.Kinds);
            writer.Write(tunnel.HasId);
            writer.Write(tunnel.Id);
            writer.Write(tunnel.IpVersion);
            writer.Write(tunnel.SourceHigh);
            writer.Write(tunnel.SourceLow);
            writer.Write(tunnel.DestinationHigh);
            writer.Write(tunnel.DestinationLow);
        }
        WriteFlows(writer, tunnels.Outer);
    }

    private static TunnelTable ReadTunnels(BinaryReader reader)
    {
        var tunnels = new TunnelTable();
        int count = Count(reader);
        for (int i = 0; i < count; i++)
        {
            var tunnel = new Tunnel(reader.ReadUInt32(), reader.ReadBoolean(), reader.ReadUInt32(), reader.ReadByte(),
                reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
            if (tunnel.IpVersion is not (4 or 6) || tunnel.Kinds == 0 || tunnels.Add(tunnel) != i + 1)
                throw new InvalidDataException("The capture snapshot lists a tunnel no capture can hold, or one twice.");
        }
        tunnels.Outer.Merge(ReadFlows(reader));
        return tunnels;
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
        WriteDnsActivity(writer, names.Dns);
    }

    private static void WriteDnsActivity(BinaryWriter writer, DnsActivity activity)
    {
        writer.Write(activity.DomainCount);
        foreach (var c in activity.Domains)
        {
            WriteAddress(writer, AddressKey.From(c.Client)!.Value);
            writer.Write(c.Server is not null);
            if (c.Server is { } server)
                WriteAddress(writer, AddressKey.From(server)!.Value);
            writer.Write(c.Domain);
            writer.Write(c.Queries);
            writer.Write(c.TxtQueries);
            writer.Write(c.NullQueries);
            writer.Write(c.AnyQueries);
            writer.Write(c.Responses);
            writer.Write(c.NxDomainResponses);
            writer.Write(c.ResponseBytes);
            writer.Write(c.FirstNs);
            writer.Write(c.LastNs);
        }
        writer.Write(activity.DistinctNames);
        foreach (var (client, name) in activity.NamesAsked)
        {
            WriteAddress(writer, client);
            writer.Write(name);
        }
    }

    private static void ReadDnsActivity(BinaryReader reader, DnsActivity activity)
    {
        int domains = Count(reader);
        for (int i = 0; i < domains; i++)
        {
            var client = ReadAddress(reader);
            AddressKey? server = reader.ReadBoolean() ? ReadAddress(reader) : null;
            activity.Restore(client, server, reader.ReadString(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(),
                reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
        }
        int names = Count(reader);
        for (int i = 0; i < names; i++)
            activity.AddName(ReadAddress(reader), reader.ReadString());
    }

    private static void WriteAddress(BinaryWriter writer, in AddressKey address)
    {
        writer.Write(address.Version);
        writer.Write(address.High);
        writer.Write(address.Low);
    }

    private static AddressKey ReadAddress(BinaryReader reader)
    {
        byte version = reader.ReadByte();
        if (version is not (4 or 6))
            throw new InvalidDataException($"The capture snapshot holds an address of IP version {version}.");
        return new AddressKey(version, reader.ReadUInt64(), reader.ReadUInt64());
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
        ReadDnsActivity(reader, names.Dns);
        return names;
    }

    private static NameSource ReadSource(BinaryReader reader)
    {
        var source = (NameSource)reader.ReadByte();
        return Enum.IsDefined(source) ? source : throw new InvalidDataException("The capture snapshot names an unknown name source.");
    }
}
