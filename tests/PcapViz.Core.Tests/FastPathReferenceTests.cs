using System.Buffers.Binary;
using PacketDotNet;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using Xunit.Abstractions;

namespace PcapViz.Core.Tests;

/// <summary>
/// The zero-allocation decoder against an independent one: every packet of the corpus is decoded by
/// <see cref="PacketDecoder"/> and by PacketDotNet (through <see cref="PacketDotNetReference.Describe"/>), and the two must
/// name the same IP version, addresses, protocol, ports, TCP flags, fragment flag, VLAN and Ethernet MACs.
/// Tunnels need no exception: Describe takes the first IP header PacketDotNet's tree holds (Extract walks from the
/// outside in), which is the outermost one we attribute to, and reads ports only from that header's own payload.
/// </summary>
public sealed class FastPathReferenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Packets PacketDotNet cannot be the judge of, each for a documented reason; nothing else is skipped.
    /// </summary>
    private enum Skip
    {
        None,
        /// <summary>PacketDotNet names the link type but has no parser for it (LINKTYPE_IPV4 228, LINKTYPE_IPV6 229): it throws NotImplementedException.</summary>
        LinkTypeWithoutParser,
        /// <summary>PacketDotNet throws while parsing (its parsers assume whole headers).</summary>
        PacketDotNetThrows,
        /// <summary>
        /// The packet is shorter than its own headers (our status Malformed): how far each decoder goes into a cut-off
        /// header is a matter of taste, and the fast path's rule is pinned by its own tests.
        /// </summary>
        Truncated,
        /// <summary>
        /// PacketDotNet has no MPLS parser and stops at EtherType 0x8847/0x8848, so it finds no IP where we read the IP
        /// (or the Ethernet pseudowire) behind the label stack, as tshark does.
        /// </summary>
        Mpls,
        /// <summary>
        /// A NULL/loopback header that holds an EtherType rather than an AF_ value (Wireshark reads it as an EtherType,
        /// and so do we); PacketDotNet reads only address families and gives up.
        /// </summary>
        LoopbackEtherType,
    }

    private sealed class Tally
    {
        public int Packets, IpPackets, Agree, Plain, PlainAgree;
        public readonly Dictionary<Skip, int> Skipped = [];
        public readonly List<string> Disagreements = [];
    }

    [Fact]
    public void Fast_path_agrees_with_PacketDotNet_on_every_corpus_packet_it_can_judge()
    {
        var total = new Tally();
        var perFile = new List<string>();
        foreach (var path in Corpus.Captures)
        {
            var tally = new Tally();
            using (var reader = CaptureReader.Open(path))
            {
                RawPacket raw = default;
                int index = 0;
                while (reader.ReadNext(ref raw))
                {
                    index++;
                    if (!LinkType.IsFastPath(raw.LinkType))
                        continue;
                    Compare(raw.LinkType, raw.Data, $"{Path.GetFileName(path)} #{index}", tally);
                }
            }
            perFile.Add($"{Path.GetFileName(path)}: {tally.Packets} packets, {tally.IpPackets} IP, {tally.Agree} agree, {tally.Disagreements.Count} disagree, skipped "
                + string.Join(" ", tally.Skipped.Select(s => $"{s.Key}={s.Value}")));
            total.Packets += tally.Packets;
            total.IpPackets += tally.IpPackets;
            total.Agree += tally.Agree;
            total.Plain += tally.Plain;
            total.PlainAgree += tally.PlainAgree;
            total.Disagreements.AddRange(tally.Disagreements);
            foreach (var (skip, count) in tally.Skipped)
                total.Skipped[skip] = total.Skipped.GetValueOrDefault(skip) + count;
        }

        string summary = $"{total.Packets} packets, {total.IpPackets} IP packets, {total.Agree} agree ({100.0 * total.Agree / Math.Max(1, total.IpPackets):F2}%), "
            + $"{total.Disagreements.Count} disagree; plain Ethernet TCP/UDP {total.PlainAgree}/{total.Plain}; skipped "
            + string.Join(", ", total.Skipped.Select(s => $"{s.Key} {s.Value}"));
        output.WriteLine(summary);
        foreach (var line in perFile)
            output.WriteLine("  " + line);
        foreach (var line in total.Disagreements.Take(50))
            output.WriteLine("  DISAGREE " + line);

        Assert.True(total.IpPackets > 10_000, summary);
        Assert.True(total.Agree >= total.IpPackets * 0.9, summary);
        Assert.True(total.Plain > 9_000 && total.PlainAgree == total.Plain, summary);
        Assert.True(total.Disagreements.Count == 0, summary + "\n" + string.Join("\n", total.Disagreements.Take(20)));
    }

    private static void Compare(int linkType, ReadOnlySpan<byte> data, string where, Tally tally)
    {
        tally.Packets++;
        DecodedPacket fast = default;
        PacketDecoder.Decode(linkType, data, ref fast);
        // PacketDotNet reads the outermost headers: a tunnelled packet is compared by the headers it kept of them.
        if (fast.TunnelDepth != 0)
            fast = Frames.Outermost(fast);
        bool plain = IsPlainEthernetTcpUdp(linkType, data, fast);
        if (plain)
            tally.Plain++;

        DecodedPacket reference = default;
        Skip skip = Skip.None;
        try
        {
            var parsed = Packet.ParsePacket((LinkLayers)linkType, data.ToArray());
            PacketDotNetReference.Describe(parsed, ref reference);
            // Describe turns an exception inside PacketDotNet's lazy parsing into Malformed.
            if (reference.Status == DecodeStatus.Malformed)
                skip = Skip.PacketDotNetThrows;
        }
        catch (NotImplementedException)
        {
            skip = Skip.LinkTypeWithoutParser;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            skip = Skip.PacketDotNetThrows;
        }

        bool anyIp = fast.Has(PacketFlags.HasIp) || reference.Has(PacketFlags.HasIp);
        if (anyIp)
            tally.IpPackets++;
        // The specific reasons first: they explain why PacketDotNet found nothing or threw.
        if (skip != Skip.LinkTypeWithoutParser && fast.Has(PacketFlags.HasIp) && !reference.Has(PacketFlags.HasIp))
        {
            if (linkType == LinkType.Ethernet && OuterEtherType(data) is EtherType.Mpls or EtherType.MplsMulticast)
                skip = Skip.Mpls;
            else if (linkType is LinkType.Null && !IsAddressFamily(data))
                skip = Skip.LoopbackEtherType;
        }
        if (skip == Skip.None && fast.Status == DecodeStatus.Malformed)
            skip = Skip.Truncated;
        if (skip != Skip.None)
        {
            tally.Skipped[skip] = tally.Skipped.GetValueOrDefault(skip) + 1;
            return;
        }

        string? difference = Difference(linkType, fast, reference);
        if (difference is null)
        {
            if (anyIp)
                tally.Agree++;
            if (plain)
                tally.PlainAgree++;
        }
        else
        {
            tally.Disagreements.Add($"{where} (link type {linkType}{(plain ? ", plain" : "")}): {difference}");
        }
    }

    private static string? Difference(int linkType, in DecodedPacket fast, in DecodedPacket reference)
    {
        if (fast.Has(PacketFlags.HasIp) != reference.Has(PacketFlags.HasIp))
            return $"IP found by {(fast.Has(PacketFlags.HasIp) ? "fast path" : "PacketDotNet")} only";
        // 802.11 and cooked headers are not Ethernet: Describe reads MACs only from an Ethernet header, and 802.11
        // addresses mean different things under each combination of the DS bits, so only Ethernet MACs are compared.
        if (linkType == LinkType.Ethernet)
        {
            if (fast.Has(PacketFlags.HasMacs) != reference.Has(PacketFlags.HasMacs))
                return "MACs found by one decoder only";
            if (fast.SourceMac != reference.SourceMac || fast.DestinationMac != reference.DestinationMac)
                return $"MACs {fast.SourceMac:X12}>{fast.DestinationMac:X12} vs {reference.SourceMac:X12}>{reference.DestinationMac:X12}";
        }
        if (fast.Has(PacketFlags.HasVlan) && reference.Has(PacketFlags.HasVlan) && fast.Vlan != reference.Vlan)
            return $"VLAN {fast.Vlan} vs {reference.Vlan}";
        if (!fast.Has(PacketFlags.HasIp))
            return null;
        if (fast.IpVersion != reference.IpVersion)
            return $"IP version {fast.IpVersion} vs {reference.IpVersion}";
        if (fast.SourceHigh != reference.SourceHigh || fast.SourceLow != reference.SourceLow
            || fast.DestinationHigh != reference.DestinationHigh || fast.DestinationLow != reference.DestinationLow)
            return $"addresses {Frames.Source(fast)}>{Frames.Destination(fast)} vs {Frames.Source(reference)}>{Frames.Destination(reference)}";
        if (fast.Protocol != reference.Protocol)
            return $"protocol {fast.Protocol} vs {reference.Protocol}";
        if (fast.Has(PacketFlags.Fragment) != reference.Has(PacketFlags.Fragment))
            return "fragment flag differs";
        if (fast.Has(PacketFlags.HasPorts) != reference.Has(PacketFlags.HasPorts))
            return $"ports found by {(fast.Has(PacketFlags.HasPorts) ? "fast path" : "PacketDotNet")} only";
        if (fast.Has(PacketFlags.HasPorts) && (fast.SourcePort != reference.SourcePort || fast.DestinationPort != reference.DestinationPort))
            return $"ports {fast.SourcePort}>{fast.DestinationPort} vs {reference.SourcePort}>{reference.DestinationPort}";
        if (fast.Protocol == 6 && fast.Has(PacketFlags.HasPorts) && fast.TcpFlags != reference.TcpFlags)
            return $"TCP flags 0x{fast.TcpFlags:X2} vs 0x{reference.TcpFlags:X2}";
        return null;
    }

    /// <summary>The EtherType after any VLAN tags, read here independently of both decoders.</summary>
    private static int OuterEtherType(ReadOnlySpan<byte> frame)
    {
        int offset = 12;
        while (frame.Length >= offset + 2)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
            if (type is not (EtherType.Vlan or EtherType.QinQ or EtherType.QinQLegacy))
                return type;
            offset += 4;
        }
        return -1;
    }

    /// <summary>Whether a NULL header holds a known AF_INET/AF_INET6 value in either byte order.</summary>
    private static bool IsAddressFamily(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4)
            return false;
        uint little = BinaryPrimitives.ReadUInt32LittleEndian(frame), big = BinaryPrimitives.ReadUInt32BigEndian(frame);
        return little is 2 or 24 or 28 or 30 || big is 2 or 24 or 28 or 30;
    }

    /// <summary>Ethernet straight to IPv4 or IPv6 (no tag, label or tunnel) carrying a whole, unfragmented TCP or UDP header.</summary>
    private static bool IsPlainEthernetTcpUdp(int linkType, ReadOnlySpan<byte> frame, in DecodedPacket fast) =>
        linkType == LinkType.Ethernet && frame.Length >= 14
        && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) is EtherType.Ipv4 or EtherType.Ipv6
        && fast.Status == DecodeStatus.Decoded && !fast.Has(PacketFlags.Fragment) && fast.Protocol is 6 or 17;
}
