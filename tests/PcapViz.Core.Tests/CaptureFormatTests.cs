using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;

namespace PcapViz.Core.Tests;

/// <summary>The container formats, read from captures built byte by byte: every field lands where the format puts it.</summary>
public sealed class CaptureFormatTests
{
    private const long Second = 1_000_000_000L;
    private const uint Epoch2023 = 1_700_000_000;

    private static readonly byte[] FrameA = Frames.Ethernet(EtherType.Ipv4,
        Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, Frames.Tcp(40000, 80)));
    private static readonly byte[] FrameB = Frames.Ethernet(EtherType.Ipv4,
        Frames.Ipv4("10.0.0.2", "10.0.0.1", 17, Frames.Udp(53, 40001, Frames.Payload(33))), destination: Frames.MacA, source: Frames.MacB);
    private static readonly byte[] RawV4 = Frames.Ipv4("192.0.2.1", "192.0.2.2", 17, Frames.Udp(1000, 2000, Frames.Payload(3)));

    private static (List<ReadPacket> Packets, CaptureDamage? Damage, CaptureFormat Format, int[] LinkTypes) Read(byte[] capture, string fileName = "capture.pcap")
    {
        using var file = new TempCapture(capture, fileName);
        using var reader = CaptureReader.Open(file.Path);
        var (packets, damage) = CaptureBuilder.ReadAll(reader);
        return (packets, damage, reader.Format, reader.LinkTypes.Order().ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Pcap_reads_either_byte_order_and_timestamp_unit_exactly(bool bigEndian, bool nanoseconds)
    {
        uint fraction1 = nanoseconds ? 123_456_789u : 123_456u;
        uint fraction2 = nanoseconds ? 999_999_999u : 999_999u;
        var capture = CaptureBuilder.Pcap(LinkType.Ethernet, bigEndian, nanoseconds)
            .Record(Epoch2023, fraction1, FrameA, originalLength: 1514)
            .Record(Epoch2023 + 1, fraction2, FrameB)
            .Record(0, 0, FrameA)
            .ToArray();

        var (packets, damage, format, linkTypes) = Read(capture);

        Assert.Null(damage);
        Assert.Equal(CaptureFormat.Pcap, format);
        Assert.Equal([LinkType.Ethernet], linkTypes);
        Assert.Equal(3, packets.Count);
        long unit = nanoseconds ? 1 : 1000;
        Assert.Equal(Epoch2023 * Second + fraction1 * unit, packets[0].TimestampNs);
        Assert.Equal((Epoch2023 + 1) * Second + fraction2 * unit, packets[1].TimestampNs);
        Assert.Equal(0, packets[2].TimestampNs);
        Assert.Equal(1514, packets[0].OriginalLength);
        Assert.Equal(FrameB.Length, packets[1].OriginalLength);
        Assert.Equal(FrameA, packets[0].Data);
        Assert.Equal(FrameB, packets[1].Data);
        Assert.All(packets, p => Assert.Equal(LinkType.Ethernet, p.LinkType));
    }

    [Fact]
    public void Pcap_timestamps_after_2038_do_not_wrap()
    {
        // Unsigned 32-bit seconds run to 2106; a signed read would put this in 1901.
        uint seconds = 3_000_000_000;
        var capture = CaptureBuilder.Pcap(nanoseconds: true).Record(seconds, 5, FrameA).ToArray();

        var (packets, _, _, _) = Read(capture);

        Assert.Equal(seconds * Second + 5, Assert.Single(packets).TimestampNs);
    }

    [Fact]
    public void Pcap_link_type_field_upper_bits_carry_fcs_length_not_the_link_type()
    {
        // libpcap's LT_FCS_LENGTH_PRESENT (0x04000000) and LT_FCS_LENGTH (0xF0000000): Ethernet with a 4-byte FCS.
        var capture = CaptureBuilder.Pcap(LinkType.Ethernet).LinkTypeField(0x2400_0001).Record(Epoch2023, 0, FrameA).ToArray();

        var (packets, damage, _, linkTypes) = Read(capture);

        Assert.Null(damage);
        Assert.Equal([LinkType.Ethernet], linkTypes);
        Assert.Equal(LinkType.Ethernet, Assert.Single(packets).LinkType);
    }

    [Fact]
    public void Pcap_with_kuznetzov_magic_skips_the_extended_record_header()
    {
        // Alexey Kuznetzov's patched libpcap: magic a1b2cd34 and 24-byte record headers (ifindex, protocol, pkt_type, pad).
        var header = CaptureBuilder.Pcap(LinkType.Ethernet).ToArray();
        header[0] = 0x34;
        header[1] = 0xCD;
        var extra = new byte[8];
        var capture = Frames.Cat(header,
            Frames.Le32(Epoch2023), Frames.Le32(250_000), Frames.Le32((uint)FrameA.Length), Frames.Le32(1000), extra, FrameA,
            Frames.Le32(Epoch2023 + 1), Frames.Le32(0), Frames.Le32((uint)FrameB.Length), Frames.Le32((uint)FrameB.Length), extra, FrameB);

        var (packets, damage, _, _) = Read(capture);

        Assert.Null(damage);
        Assert.Equal([FrameA, FrameB], packets.Select(p => p.Data).ToArray());
        Assert.Equal([Epoch2023 * Second + 250_000_000, (Epoch2023 + 1) * Second], packets.Select(p => p.TimestampNs).ToArray());
        Assert.Equal(1000, packets[0].OriginalLength);
    }

    [Theory]
    [InlineData(new byte[] { 0x34, 0xCD }, 8)]
    [InlineData(new byte[] { 0xD4, 0xC3 }, 8)]
    [InlineData(new byte[] { 0xD4, 0xC3 }, 4)]
    [InlineData(new byte[] { 0x34, 0xCD }, 12)]
    public void Pcap_record_headers_of_patched_libpcaps_are_recognised_by_their_records(byte[] magic, int extraLength)
    {
        // Red Hat 6.1 (24-byte headers) and Nokia IPSO (20) kept the standard magic, SuSE 6.3 (28) Kuznetzov's.
        var header = CaptureBuilder.Pcap(LinkType.Ethernet).ToArray();
        magic.CopyTo(header, 0);
        var extra = Enumerable.Repeat((byte)0x11, extraLength).ToArray();
        var capture = header;
        for (uint i = 0; i < 5; i++)
        {
            var frame = i % 2 == 0 ? FrameA : FrameB;
            capture = Frames.Cat(capture, Frames.Le32(Epoch2023 + i), Frames.Le32(1000 * i), Frames.Le32((uint)frame.Length), Frames.Le32((uint)frame.Length), extra, frame);
        }

        var (packets, damage, _, _) = Read(capture);

        Assert.Null(damage);
        Assert.Equal([FrameA, FrameB, FrameA, FrameB, FrameA], packets.Select(p => p.Data).ToArray());
    }

    [Fact]
    public void Ordinary_pcap_cut_short_keeps_its_16_byte_record_headers()
    {
        // Read 8 bytes late, the second record's data (a macOS loopback header, IPv6) looks like a clean 24-byte header.
        var first = Frames.Null(24, bigEndianHost: false, RawV4);
        var second = Frames.Cat([0x1E, 0, 0, 0, 0x60, 0, 0, 0], Frames.Payload(80));
        var bytes = CaptureBuilder.Pcap(LinkType.Null).Record(Epoch2023, 5, first).Record(Epoch2023, 6, second).ToArray();
        var cut = bytes[..^30];

        var (packets, damage, _, _) = Read(cut);

        Assert.Equal([first], packets.Select(p => p.Data).ToArray());
        Assert.NotNull(damage);
        Assert.Equal(24 + 16 + first.Length, damage.Offset);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void Pcap_before_version_2_3_has_the_original_length_first(int minorVersion, bool bigEndian)
    {
        var writer = CaptureBuilder.Pcap(LinkType.Ethernet, bigEndian);
        var bytes = writer.RecordHeader(Epoch2023, 0, 1500, (uint)FrameA.Length).Raw(FrameA).RecordHeader(Epoch2023, 1, 1500, (uint)FrameB.Length).Raw(FrameB).ToArray();
        bytes[bigEndian ? 7 : 6] = (byte)minorVersion;

        var (packets, damage, _, _) = Read(bytes);

        Assert.Null(damage);
        Assert.Equal([FrameA, FrameB], packets.Select(p => p.Data).ToArray());
        Assert.Equal([1500, 1500], packets.Select(p => p.OriginalLength).ToArray());
    }

    [Fact]
    public void Wire_length_is_the_original_length_as_recorded_even_below_the_captured_one()
    {
        var bytes = CaptureBuilder.Pcap(LinkType.Ethernet).Record(Epoch2023, 0, FrameA, originalLength: 40).ToArray();

        var (packets, _, _, _) = Read(bytes);

        Assert.Equal(40, packets.Single().OriginalLength);
        Assert.Equal(FrameA, packets.Single().Data);
    }

    [Fact]
    public void Pcapng_with_only_a_section_header_has_no_packets_and_no_damage()
    {
        var (packets, damage, format, linkTypes) = Read(CaptureBuilder.PcapNg().Section().ToArray(), "capture.pcapng");

        Assert.Empty(packets);
        Assert.Null(damage);
        Assert.Equal(CaptureFormat.PcapNg, format);
        Assert.Empty(linkTypes);
    }

    [Fact]
    public void Pcap_record_larger_than_the_initial_buffer_is_read_whole()
    {
        // 3 MB is more than the reader's first buffer; a jumbo record must still come back byte for byte.
        var big = Frames.Payload(3 << 20, 0x77);
        big[0] = 1;
        big[^1] = 2;
        var capture = CaptureBuilder.Pcap(LinkType.Raw, snapLength: 4 << 20).Record(1, 0, big).Record(2, 0, RawV4).ToArray();

        var (packets, damage, _, _) = Read(capture);

        Assert.Null(damage);
        Assert.Equal(2, packets.Count);
        Assert.Equal(big, packets[0].Data);
        Assert.Equal(RawV4, packets[1].Data);
    }

    [Fact]
    public void Pcap_empty_capture_with_only_a_file_header_has_no_packets_and_no_damage()
    {
        var (packets, damage, format, linkTypes) = Read(CaptureBuilder.Pcap(LinkType.LinuxSll).ToArray());

        Assert.Empty(packets);
        Assert.Null(damage);
        Assert.Equal(CaptureFormat.Pcap, format);
        Assert.Equal([LinkType.LinuxSll], linkTypes);
    }

    [Fact]
    public void Pcapng_reads_several_sections_and_interfaces_with_their_own_link_types()
    {
        var capture = CaptureBuilder.PcapNg()
            .Section()
            .Interface(LinkType.Ethernet)
            .Interface(LinkType.Raw)
            .Enhanced(1, 1_000_000, RawV4)
            .Enhanced(0, 2_000_000, FrameA)
            .Section(bigEndian: true)
            .Interface(LinkType.Null, tsresol: 9)
            .Interface(LinkType.Ethernet, tsresol: 3)
            .Enhanced(0, 3 * (ulong)Second, Frames.Null(2, bigEndianHost: true, RawV4))
            .Enhanced(1, 4_000, FrameB)
            .Section()
            .Interface(LinkType.LinuxSll2)
            .Enhanced(0, 5_000_000, Frames.Sll2(EtherType.Ipv4, RawV4))
            .ToArray();

        var (packets, damage, format, linkTypes) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal(CaptureFormat.PcapNg, format);
        Assert.Equal([LinkType.Null, LinkType.Ethernet, LinkType.Raw, LinkType.LinuxSll2], linkTypes);
        Assert.Equal(
            [(LinkType.Raw, 1, 1 * Second), (LinkType.Ethernet, 0, 2 * Second), (LinkType.Null, 0, 3 * Second), (LinkType.Ethernet, 1, 4 * Second), (LinkType.LinuxSll2, 0, 5 * Second)],
            packets.Select(p => (p.LinkType, p.InterfaceId, p.TimestampNs)).ToArray());
        Assert.Equal(RawV4, packets[0].Data);
        Assert.Equal(FrameA, packets[1].Data);
        Assert.Equal(FrameB, packets[3].Data);
    }

    [Theory]
    [InlineData(0, 1_700_000_000UL, 1_700_000_000L * Second)]
    [InlineData(3, 1_700_000_000_123UL, 1_700_000_000_123_000_000L)]
    [InlineData(6, 1_700_000_000_123_456UL, 1_700_000_000_123_456_000L)]
    [InlineData(9, 1_700_000_000_123_456_789UL, 1_700_000_000_123_456_789L)]
    [InlineData(12, 1_700_000_000_123_456_789UL, 1_700_000_000_123_456L)]
    [InlineData(28, 18_000_000_000_000_000_000UL, 1L)]
    [InlineData(30, 18_000_000_000_000_000_000UL, 0L)]
    public void Pcapng_if_tsresol_power_of_ten_converts_timestamps(byte exponent, ulong units, long expectedNs)
    {
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet, tsresol: exponent).Enhanced(0, units, FrameA).ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal(expectedNs, Assert.Single(packets).TimestampNs);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    public void Pcapng_if_tsresol_power_of_two_converts_timestamps(int exponent)
    {
        // Half a unit-second past 1 700 000 000 s: units are 2^-exponent seconds.
        ulong units = ((ulong)Epoch2023 << exponent) + (1UL << (exponent - 1));
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet, tsresol: (byte)(0x80 | exponent)).Enhanced(0, units, FrameA).ToArray();

        var (packets, _, _, _) = Read(capture, "capture.pcapng");

        Assert.Equal(Epoch2023 * Second + Second / 2, Assert.Single(packets).TimestampNs);
    }

    [Theory]
    [InlineData(64, 1UL << 63, Second / 2)]
    [InlineData(70, 1UL << 63, Second / 128)]
    [InlineData(127, ulong.MaxValue, 0L)]
    public void Pcapng_if_tsresol_power_of_two_finer_than_2_to_the_63_is_exact(int exponent, ulong units, long expectedNs)
    {
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet, tsresol: (byte)(0x80 | exponent)).Enhanced(0, units, FrameA).ToArray();

        var (packets, _, _, _) = Read(capture, "capture.pcapng");

        Assert.Equal(expectedNs, Assert.Single(packets).TimestampNs);
    }

    [Fact]
    public void Pcapng_if_tsoffset_adds_seconds_to_every_timestamp_of_its_interface()
    {
        var capture = CaptureBuilder.PcapNg().Section()
            .Interface(LinkType.Ethernet, tsoffset: Epoch2023)
            .Interface(LinkType.Ethernet, tsresol: 9, tsoffset: -100)
            .Interface(LinkType.Ethernet)
            .Enhanced(0, 5_000_123, FrameA)
            .Enhanced(1, 200 * (ulong)Second + 7, FrameA)
            .Enhanced(2, 5_000_123, FrameA)
            .ToArray();

        var (packets, _, _, _) = Read(capture, "capture.pcapng");

        Assert.Equal([(Epoch2023 + 5L) * Second + 123_000, 100 * Second + 7, 5 * Second + 123_000], packets.Select(p => p.TimestampNs).ToArray());
    }

    [Fact]
    public void Pcapng_interface_options_after_an_odd_length_option_are_found()
    {
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet, tsresol: 9, withName: true).Enhanced(0, 42, FrameA).ToArray();

        var (packets, _, _, _) = Read(capture, "capture.pcapng");

        Assert.Equal(42, Assert.Single(packets).TimestampNs);
    }

    [Fact]
    public void Pcapng_big_endian_section_reads_options_and_timestamps_in_its_own_order()
    {
        var capture = CaptureBuilder.PcapNg()
            .Section(bigEndian: true)
            .Interface(LinkType.Raw, tsresol: 0x80 | 10, tsoffset: 1000)
            .Enhanced(0, (5UL << 10) | 256, RawV4, originalLength: 999)
            .ToArray();

        var (packets, damage, _, linkTypes) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal([LinkType.Raw], linkTypes);
        var packet = Assert.Single(packets);
        Assert.Equal(1005 * Second + Second / 4, packet.TimestampNs);
        Assert.Equal(999, packet.OriginalLength);
        Assert.Equal(RawV4, packet.Data);
    }

    [Fact]
    public void Pcapng_enhanced_packet_data_stops_at_its_captured_length_before_padding_and_options()
    {
        var odd = Frames.Cat(FrameA, [1, 2, 3]);
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet);
        var options = writer.Options((2, [0, 0, 0, 1]), (1, "a comment"u8.ToArray()));
        var capture = writer.Enhanced(0, 1, odd, originalLength: 1500, options: options).Enhanced(0, 2, FrameB).ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal(2, packets.Count);
        Assert.Equal(odd, packets[0].Data);
        Assert.Equal(1500, packets[0].OriginalLength);
        Assert.Equal(FrameB, packets[1].Data);
    }

    [Fact]
    public void Pcapng_simple_packet_block_uses_interface_zero_and_carries_no_timestamp()
    {
        var capture = CaptureBuilder.PcapNg().Section()
            .Interface(LinkType.Raw)
            .Interface(LinkType.Ethernet)
            .Simple(RawV4)
            .Simple(Frames.Cat(RawV4, [9]), originalLength: 1400)
            .ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal(2, packets.Count);
        Assert.All(packets, p => Assert.Equal((LinkType.Raw, 0, 0L), (p.LinkType, p.InterfaceId, p.TimestampNs)));
        Assert.Equal(RawV4, packets[0].Data);
        Assert.Equal(RawV4.Length, packets[0].OriginalLength);
        // The original length exceeds what the block holds: the packet was cut at the snap length.
        Assert.Equal(Frames.Cat(RawV4, [9]), packets[1].Data);
        Assert.Equal(1400, packets[1].OriginalLength);
    }

    [Fact]
    public void Pcapng_simple_packet_block_is_cut_to_the_interface_snap_length()
    {
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Raw, snapLength: 20).Simple(RawV4, originalLength: (uint)RawV4.Length).ToArray();

        var (packets, _, _, _) = Read(capture, "capture.pcapng");

        var packet = Assert.Single(packets);
        Assert.Equal(RawV4[..20], packet.Data);
        Assert.Equal(RawV4.Length, packet.OriginalLength);
    }

    [Fact]
    public void Pcapng_obsolete_packet_block_is_read_like_an_enhanced_one()
    {
        var capture = CaptureBuilder.PcapNg().Section()
            .Interface(LinkType.Raw)
            .Interface(LinkType.Ethernet, tsresol: 9)
            .Obsolete(1, 1_234_567_890_123, FrameA, originalLength: 2000)
            .ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        var packet = Assert.Single(packets);
        Assert.Equal((LinkType.Ethernet, 1, 1_234_567_890_123L, 2000), (packet.LinkType, packet.InterfaceId, packet.TimestampNs, packet.OriginalLength));
        Assert.Equal(FrameA, packet.Data);
    }

    [Fact]
    public void Pcapng_blocks_of_unknown_and_non_packet_types_are_skipped()
    {
        var capture = CaptureBuilder.PcapNg()
            .Section(options: [0x03, 0x00, 0x04, 0x00, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 0, 0])
            .Block(0x0000_0BAD, Frames.Payload(13))
            .Interface(LinkType.Ethernet)
            .Block(PcapNgWriter.NameResolutionType, Frames.Cat([1, 0, 8, 0], [10, 0, 0, 1], "host"u8.ToArray(), [0, 0, 0, 0]))
            .Enhanced(0, 1, FrameA)
            .Block(PcapNgWriter.InterfaceStatisticsType, Frames.Payload(12, 0))
            .Block(0x4000_0BAD, [])
            .Block(0x0000_0BAD, Frames.Payload(1000))
            .Enhanced(0, 2, FrameB)
            .ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal([FrameA, FrameB], packets.Select(p => p.Data).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcapng_large_unknown_block_is_skipped_without_limit(bool compressed)
    {
        // 20 MB: larger than the reader's buffer and than any packet block may be; only packet blocks are bounded.
        var capture = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet)
            .Enhanced(0, 1, FrameA)
            .Block(0x0000_0BAD, new byte[20 << 20])
            .Enhanced(0, 2, FrameB)
            .ToArray();
        if (compressed)
            capture = CaptureBuilder.Gzip(capture);

        var (packets, damage, _, _) = Read(capture, compressed ? "capture.pcapng.gz" : "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal([FrameA, FrameB], packets.Select(p => p.Data).ToArray());
    }

    [Fact]
    public void Pcapng_interfaces_are_numbered_afresh_in_each_section()
    {
        var capture = CaptureBuilder.PcapNg()
            .Section().Interface(LinkType.Ethernet).Interface(LinkType.Raw).Enhanced(1, 1, RawV4)
            .Section().Interface(LinkType.Raw).Interface(LinkType.Ethernet).Enhanced(1, 2, FrameA).Enhanced(0, 3, RawV4)
            .ToArray();

        var (packets, damage, _, _) = Read(capture, "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal([LinkType.Raw, LinkType.Ethernet, LinkType.Raw], packets.Select(p => p.LinkType).ToArray());
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void Pcapng_with_random_blocks_of_every_size_round_trips_exactly(int seed, bool compressed)
    {
        // Packets and skipped blocks from empty to several megabytes, so reads and skips straddle every buffer edge.
        var random = new Random(seed);
        var writer = CaptureBuilder.PcapNg();
        var expected = new List<(int LinkType, long TimestampNs, byte[] Data)>();
        var linkTypes = new List<int>();
        for (int section = 0; section < 3; section++)
        {
            writer.Section(bigEndian: random.Next(2) == 0);
            linkTypes.Clear();
            for (int i = random.Next(1, 4); i > 0; i--)
            {
                int linkType = random.Next(1, 300);
                linkTypes.Add(linkType);
                writer.Interface(linkType, tsresol: 9);
            }
            for (int block = 0; block < 60; block++)
            {
                int size = random.Next(10) switch
                {
                    0 => random.Next(1 << 20, 3 << 20),
                    1 => 0,
                    _ => random.Next(1, 2000),
                };
                var data = new byte[size];
                random.NextBytes(data);
                ulong timestamp = (ulong)random.NextInt64(0, long.MaxValue);
                switch (random.Next(5))
                {
                    case 0:
                        writer.Block((uint)random.Next(7, 0x4000), data);
                        break;
                    case 1:
                        writer.Simple(data);
                        expected.Add((linkTypes[0], 0, data));
                        break;
                    case 2:
                        int face = random.Next(linkTypes.Count);
                        writer.Obsolete((ushort)face, timestamp, data);
                        expected.Add((linkTypes[face], (long)timestamp, data));
                        break;
                    default:
                        face = random.Next(linkTypes.Count);
                        writer.Enhanced((uint)face, timestamp, data);
                        expected.Add((linkTypes[face], (long)timestamp, data));
                        break;
                }
            }
        }
        var bytes = writer.ToArray();
        if (compressed)
            bytes = CaptureBuilder.Gzip(bytes);

        var (packets, damage, _, _) = Read(bytes, compressed ? "capture.pcapng.gz" : "capture.pcapng");

        Assert.Null(damage);
        Assert.Equal(expected.Count, packets.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].LinkType, expected[i].TimestampNs), (packets[i].LinkType, packets[i].TimestampNs));
            Assert.True(expected[i].Data.AsSpan().SequenceEqual(packets[i].Data), $"packet {i} of {expected[i].Data.Length} bytes differs");
        }
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void Pcap_with_random_record_sizes_round_trips_exactly(int seed, bool compressed)
    {
        var random = new Random(seed);
        var writer = CaptureBuilder.Pcap(LinkType.Raw, bigEndian: seed % 2 == 1, nanoseconds: true, snapLength: 4 << 20);
        var expected = new List<byte[]>();
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[random.Next(20) == 0 ? random.Next(1 << 20, 3 << 20) : random.Next(0, 3000)];
            random.NextBytes(data);
            writer.Record((uint)i, (uint)random.Next(1_000_000_000), data);
            expected.Add(data);
        }
        var bytes = writer.ToArray();
        if (compressed)
            bytes = CaptureBuilder.Gzip(bytes);

        var (packets, damage, _, _) = Read(bytes, compressed ? "capture.pcap.gz" : "capture.pcap");

        Assert.Null(damage);
        Assert.Equal(expected.Count, packets.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].AsSpan().SequenceEqual(packets[i].Data), $"record {i} of {expected[i].Length} bytes differs");
    }

    public static TheoryData<string> GzipSamples() => new()
    {
        "pcap-le-us",
        "pcap-be-ns",
        "pcapng-two-sections",
    };

    private static byte[] Sample(string kind) => kind switch
    {
        "pcap-le-us" => CaptureBuilder.Pcap().Record(Epoch2023, 1, FrameA).Record(Epoch2023, 2, FrameB).ToArray(),
        "pcap-be-ns" => CaptureBuilder.Pcap(bigEndian: true, nanoseconds: true).Record(Epoch2023, 1, FrameA).Record(Epoch2023, 2, FrameB).ToArray(),
        _ => CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, FrameA)
            .Section(bigEndian: true).Interface(LinkType.Raw, tsresol: 9).Enhanced(0, 2, RawV4).ToArray(),
    };

    [Theory]
    [MemberData(nameof(GzipSamples))]
    public void Gzip_compressed_capture_reads_the_same_as_uncompressed(string kind)
    {
        var plain = Sample(kind);
        string extension = kind.StartsWith("pcapng", StringComparison.Ordinal) ? ".pcapng" : ".pcap";

        var expected = Read(plain, "capture" + extension);
        var actual = Read(CaptureBuilder.Gzip(plain), "capture" + extension + ".gz");

        Assert.Null(actual.Damage);
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.LinkTypes, actual.LinkTypes);
        Assert.Equal(expected.Packets.Count, actual.Packets.Count);
        for (int i = 0; i < expected.Packets.Count; i++)
        {
            Assert.Equal(expected.Packets[i] with { Data = [] }, actual.Packets[i] with { Data = [] });
            Assert.Equal(expected.Packets[i].Data, actual.Packets[i].Data);
        }
    }

    public static TheoryData<string> CorpusForGzip() => new()
    {
        "shared_bigendian_nanosec_http.pcap",
        "shared_pcapng_11_interfaces_ether_null.pcapng",
        "shared_sll_mixed_tcp_dns_dhcp_arp.pcap",
    };

    [Theory]
    [MemberData(nameof(CorpusForGzip))]
    public void Gzip_compressed_corpus_capture_analyzes_the_same_as_uncompressed(string name)
    {
        var plain = File.ReadAllBytes(Corpus.Capture(name));
        using var file = new TempCapture(CaptureBuilder.Gzip(plain), name + ".gz");

        var expected = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        var actual = CaptureAnalyzer.Analyze(file.Path);

        Assert.Null(actual.Damage);
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.LinkTypes, actual.LinkTypes);
        Assert.Equal((expected.Packets, expected.Bytes, expected.CapturedBytes), (actual.Packets, actual.Bytes, actual.CapturedBytes));
        Assert.Equal((expected.FirstSeen, expected.LastSeen), (actual.FirstSeen, actual.LastSeen));
        var expectedFlows = expected.GetFlowTable().Entries.ToDictionary(e => e.Key, e => e.Value.Packets);
        var actualFlows = actual.GetFlowTable().Entries.ToDictionary(e => e.Key, e => e.Value.Packets);
        Assert.Equal(expectedFlows.Count, actualFlows.Count);
        Assert.All(expectedFlows, e => Assert.Equal(e.Value, actualFlows[e.Key]));
    }

    [Fact]
    public void Gzip_capture_whose_trailer_is_cut_off_keeps_every_record_and_reports_the_end()
    {
        var plain = Sample("pcap-le-us");
        var gzip = CaptureBuilder.Gzip(plain);

        var (packets, damage, _, _) = Read(gzip[..^8], "capture.pcap.gz");

        Assert.Equal(Read(plain).Packets.Count, packets.Count);
        Assert.NotNull(damage);
        Assert.Equal(plain.Length, damage.Offset);
        Assert.Contains("decompressed", damage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_capture_with_a_bad_checksum_keeps_the_records_decompressed_before_it()
    {
        var writer = CaptureBuilder.Pcap();
        for (uint i = 0; i < 5000; i++)
            writer.Record(Epoch2023 + i, 0, FrameB);
        var gzip = CaptureBuilder.Gzip(writer.ToArray());
        gzip[^8] ^= 0xFF;

        var (packets, damage, _, _) = Read(gzip, "capture.pcap.gz");

        Assert.NotNull(damage);
        Assert.Contains("does not decompress", damage.Reason, StringComparison.Ordinal);
        // Only what the failing read (64 KB) would have returned is lost: a small part of the file, not all of it.
        Assert.InRange(packets.Count, 5000 - 64 * 1024 / (16 + FrameB.Length) - 1, 4999);
    }

    [Fact]
    public void Gzip_capture_of_several_members_or_with_padding_after_it_is_whole()
    {
        var plain = Sample("pcap-le-us");
        int half = 24 + 16 + FrameA.Length;
        var members = Frames.Cat(CaptureBuilder.Gzip(plain[..half]), CaptureBuilder.Gzip(plain[half..]));
        var padded = Frames.Cat(CaptureBuilder.Gzip(plain), new byte[512]);

        foreach (var bytes in new[] { members, padded })
        {
            var (packets, damage, _, _) = Read(bytes, "capture.pcap.gz");

            Assert.Null(damage);
            Assert.Equal(Read(plain).Packets.Count, packets.Count);
        }
    }

    [Fact]
    public void Gzip_capture_reports_compressed_bytes_read_and_unknown_length()
    {
        var plain = Sample("pcap-le-us");
        var gzip = CaptureBuilder.Gzip(plain);
        using var file = new TempCapture(gzip, "capture.pcap.gz");
        using var reader = CaptureReader.Open(file.Path);

        CaptureBuilder.ReadAll(reader);

        Assert.Equal(-1, reader.FileLength);
        Assert.Equal(gzip.Length, reader.FileBytesRead);
    }
}
