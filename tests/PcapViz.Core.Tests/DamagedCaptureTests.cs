using System.Text;
using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;

namespace PcapViz.Core.Tests;

/// <summary>
/// Files that are not captures fail at once with <see cref="NotACaptureException"/>; captures damaged part-way keep
/// every whole packet before the damage, report where it is, and never throw, hang or allocate what a header claims.
/// </summary>
public sealed class DamagedCaptureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly byte[][] Packets =
    [
        Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, Frames.Tcp(40000, 80))),
        Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.2", "10.0.0.1", 6, Frames.Tcp(80, 40000, payload: Frames.Payload(101)))),
        Frames.Ethernet(EtherType.Ipv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", 17, Frames.Udp(5353, 5353, Frames.Payload(7)))),
        Frames.Ethernet(EtherType.Arp, Frames.Arp(Frames.MacA, "10.0.0.1", "10.0.0.2")),
        Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.3", "10.0.0.1", 1, Frames.Payload(30))),
    ];

    /// <summary>Reads on a worker so that a reader stuck in a loop fails the test instead of hanging the run.</summary>
    private static async Task<(List<ReadPacket> Packets, CaptureDamage? Damage)> ReadWithin(byte[] capture, string fileName = "capture.pcap")
    {
        using var file = new TempCapture(capture, fileName);
        return await Task.Run(() =>
        {
            using var reader = CaptureReader.Open(file.Path);
            var result = CaptureBuilder.ReadAll(reader);
            // Once damaged, the reader stays stopped.
            RawPacket raw = default;
            Assert.False(reader.Damage is not null && reader.ReadNext(ref raw));
            return result;
        }).WaitAsync(Patience);
    }

    private static string WriteAndAnalyzeExpectingNotACapture(byte[] contents, string fileName, out NotACaptureException error)
    {
        using var file = new TempCapture(contents, fileName);
        error = Assert.Throws<NotACaptureException>(() => CaptureReader.Open(file.Path));
        Assert.Throws<NotACaptureException>(() => CaptureAnalyzer.Analyze(file.Path));
        Assert.Equal(file.Path, error.Path);
        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    // ---- Not a capture at all ----

    [Fact]
    public void Empty_file_is_not_a_capture_and_says_it_is_empty()
    {
        string message = WriteAndAnalyzeExpectingNotACapture([], "empty.pcap", out _);

        Assert.Contains("empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_file_is_not_a_capture_and_the_message_names_the_magic_number()
    {
        var text = Encoding.UTF8.GetBytes("GET / HTTP/1.1\r\nHost: example.com\r\n\r\nThis is not a capture.\n");

        string message = WriteAndAnalyzeExpectingNotACapture(text, "notes.pcap", out _);

        Assert.Contains("not a pcap or pcapng capture", message, StringComparison.Ordinal);
        Assert.Contains("magic", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_bytes_are_not_a_capture(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        // Keep the seed's bytes from starting with a real magic number or the gzip signature by chance.
        bytes[0] = 0x42;

        WriteAndAnalyzeExpectingNotACapture(bytes, "random.bin", out _);
    }

    [Theory]
    [InlineData(new byte[] { 0xD4 })]
    [InlineData(new byte[] { 0xD4, 0xC3, 0xB2 })]
    [InlineData(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0 })]
    [InlineData(new byte[] { 0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0 })]
    [InlineData(new byte[] { 0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0 })]
    public void File_cut_inside_its_file_header_is_not_a_capture(byte[] bytes)
    {
        WriteAndAnalyzeExpectingNotACapture(bytes, "short.pcap", out _);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Capture_cut_anywhere_inside_its_file_header_is_not_a_capture(bool pcapng)
    {
        // The pcap file header is 24 bytes; a pcapng file's header is its first section header block (28 here).
        var whole = pcapng
            ? CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).ToArray()
            : CaptureBuilder.Pcap().Record(1, 0, Packets[0]).ToArray();
        int headerLength = pcapng ? 28 : 24;
        for (int length = 1; length < headerLength; length++)
        {
            using var file = new TempCapture(whole[..length], pcapng ? "cut.pcapng" : "cut.pcap");
            Assert.Throws<NotACaptureException>(() => CaptureReader.Open(file.Path));
        }
        using var headerOnly = new TempCapture(whole[..headerLength], pcapng ? "header.pcapng" : "header.pcap");
        using var reader = CaptureReader.Open(headerOnly.Path);
        RawPacket raw = default;
        Assert.False(reader.ReadNext(ref raw));
        Assert.Null(reader.Damage);
    }

    [Fact]
    public void Pcapng_section_header_without_byte_order_magic_is_not_a_capture()
    {
        var bytes = Frames.Cat([0x0A, 0x0D, 0x0D, 0x0A], Frames.Le32(28), Frames.Le32(0xDEADBEEF), new byte[16], Frames.Le32(28));

        string message = WriteAndAnalyzeExpectingNotACapture(bytes, "bad.pcapng", out _);

        Assert.Contains("byte-order magic", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_of_a_text_file_is_not_a_capture()
    {
        WriteAndAnalyzeExpectingNotACapture(CaptureBuilder.Gzip(Encoding.UTF8.GetBytes("just some text, compressed")), "text.pcap.gz", out _);
    }

    [Fact]
    public void Corrupt_gzip_stream_is_not_a_capture()
    {
        var bytes = Frames.Cat([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0xFF], Frames.Payload(64, 0xFF));

        string message = WriteAndAnalyzeExpectingNotACapture(bytes, "corrupt.pcap.gz", out _);

        Assert.Contains("gzip", message, StringComparison.Ordinal);
    }

    // ---- Truncation ----

    private static (byte[] Bytes, long[] RecordStarts) FivePacketPcap()
    {
        var writer = CaptureBuilder.Pcap();
        var starts = new List<long>();
        for (int i = 0; i < Packets.Length; i++)
        {
            starts.Add(writer.Length);
            writer.Record(1_700_000_000, (uint)i, Packets[i]);
        }
        starts.Add(writer.Length);
        return (writer.ToArray(), starts.ToArray());
    }

    [Fact]
    public async Task Pcap_cut_mid_record_header_keeps_every_whole_packet_and_reports_the_record_offset()
    {
        var (bytes, starts) = FivePacketPcap();
        var cut = bytes[..(int)(starts[3] + 7)];

        var (packets, damage) = await ReadWithin(cut);

        Assert.Equal(Packets[..3], packets.Select(p => p.Data).ToArray());
        Assert.NotNull(damage);
        Assert.Equal(starts[3], damage.Offset);
        Assert.Contains("record header", damage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pcap_cut_mid_record_data_keeps_every_whole_packet_and_reports_the_record_offset()
    {
        var (bytes, starts) = FivePacketPcap();
        var cut = bytes[..(int)(starts[4] + 16 + 5)];

        var (packets, damage) = await ReadWithin(cut);

        Assert.Equal(Packets[..4], packets.Select(p => p.Data).ToArray());
        Assert.NotNull(damage);
        Assert.Equal(starts[4], damage.Offset);
    }

    [Fact]
    public async Task Pcap_cut_at_every_length_returns_the_whole_records_before_the_cut()
    {
        var (bytes, starts) = FivePacketPcap();
        for (int length = 24; length <= bytes.Length; length++)
        {
            var (packets, damage) = await ReadWithin(bytes[..length]);

            int whole = starts.Count(s => s > 0 && s <= length) - 1;
            Assert.Equal(Packets[..whole], packets.Select(p => p.Data).ToArray());
            if (starts.Contains(length))
            {
                Assert.Null(damage);
            }
            else
            {
                Assert.NotNull(damage);
                Assert.Equal(starts[whole], damage.Offset);
            }
        }
    }

    private static (byte[] Bytes, long[] PacketBlockStarts) FivePacketPcapNg()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet, tsresol: 9);
        var starts = new List<long>();
        for (int i = 0; i < Packets.Length; i++)
        {
            starts.Add(writer.Length);
            writer.Enhanced(0, (ulong)i, Packets[i]);
        }
        starts.Add(writer.Length);
        return (writer.ToArray(), starts.ToArray());
    }

    [Fact]
    public async Task Pcapng_cut_at_every_length_returns_the_whole_blocks_before_the_cut()
    {
        var (bytes, starts) = FivePacketPcapNg();
        for (int length = (int)starts[0]; length <= bytes.Length; length++)
        {
            var (packets, damage) = await ReadWithin(bytes[..length], "capture.pcapng");

            int whole = starts.Count(s => s <= length) - 1;
            Assert.Equal(Packets[..whole], packets.Select(p => p.Data).ToArray());
            if (starts.Contains(length))
            {
                Assert.Null(damage);
            }
            else
            {
                Assert.NotNull(damage);
                Assert.Equal(starts[whole], damage.Offset);
            }
        }
    }

    [Theory]
    [InlineData(".pcap")]
    [InlineData(".pcapng")]
    public async Task Gzip_capture_cut_short_keeps_what_decompressed_and_reports_damage(string extension)
    {
        var plain = extension == ".pcap" ? FivePacketPcap().Bytes : FivePacketPcapNg().Bytes;
        var gzip = CaptureBuilder.Gzip(plain);
        var cut = gzip[..(gzip.Length * 2 / 3)];

        var (packets, damage) = await ReadWithin(cut, "capture" + extension + ".gz");

        Assert.True(packets.Count < Packets.Length);
        Assert.Equal(Packets[..packets.Count], packets.Select(p => p.Data).ToArray());
        Assert.NotNull(damage);
    }

    // ---- Headers that lie ----

    [Theory]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(0x1000_0000u)]
    [InlineData(0x0100_0001u)]
    public async Task Pcap_record_claiming_gigabytes_is_damage_not_an_allocation(uint claimed)
    {
        var writer = CaptureBuilder.Pcap(snapLength: 0xFFFF_FFFF).Record(1, 0, Packets[0]);
        long start = writer.Length;
        var bytes = writer.RecordHeader(2, 0, claimed, claimed).Raw(Frames.Payload(200)).ToArray();

        var (packets, damage) = await ReadWithin(bytes);

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reading_a_small_file_that_claims_a_huge_record_allocates_far_less_than_the_claim(bool compressed)
    {
        // Just under the reader's hard limit on a record, with a snap length that allows it: only the data that
        // really arrives may be buffered. The compressed file cannot be checked against a file length first.
        uint claimed = (16u << 20) - 16;
        var bytes = CaptureBuilder.Pcap(snapLength: 0xFFFF_FFFF).Record(1, 0, Packets[0])
            .RecordHeader(2, 0, claimed, claimed).Raw(Frames.Payload(300)).ToArray();
        if (compressed)
            bytes = CaptureBuilder.Gzip(bytes);
        using var file = new TempCapture(bytes, compressed ? "claim.pcap.gz" : "claim.pcap");

        long before = GC.GetAllocatedBytesForCurrentThread();
        CaptureDamage? damage;
        int count = 0;
        using (var reader = CaptureReader.Open(file.Path))
        {
            RawPacket raw = default;
            while (reader.ReadNext(ref raw))
                count++;
            damage = reader.Damage;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1, count);
        Assert.NotNull(damage);
        Assert.True(allocated < 8 << 20, $"reading allocated {allocated} bytes for a {bytes.Length}-byte file");
    }

    [Fact]
    public void Reader_allocates_nothing_per_packet()
    {
        static long AllocatedReading(int records)
        {
            var writer = CaptureBuilder.Pcap();
            for (int i = 0; i < records; i++)
                writer.Record(1, (uint)i, Packets[i % Packets.Length]);
            using var file = new TempCapture(writer.ToArray());
            long before = GC.GetAllocatedBytesForCurrentThread();
            using (var reader = CaptureReader.Open(file.Path))
            {
                RawPacket raw = default;
                DecodedPacket decoded = default;
                while (reader.ReadNext(ref raw))
                    PacketDecoder.Decode(raw.LinkType, raw.Data, ref decoded);
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        AllocatedReading(10);
        long few = AllocatedReading(10);
        long many = AllocatedReading(20_000);

        // 20 000 records (about 2 MB) through a buffer that was already big enough: no growth and nothing per packet.
        Assert.True(many - few < 1 << 20, $"10 records allocated {few} bytes, 20 000 allocated {many}");
    }

    [Fact]
    public async Task Pcapng_block_of_length_zero_is_damage()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var bytes = writer.BlockHeader(PcapNgWriter.EnhancedPacketType, 0).Raw(new byte[64]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
        Assert.Contains("invalid length", damage.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PcapNgWriter.EnhancedPacketType, 45u)]
    [InlineData(0x0000_0BADu, 13u)]
    [InlineData(PcapNgWriter.InterfaceDescriptionType, 22u)]
    [InlineData(PcapNgWriter.EnhancedPacketType, 8u)]
    public async Task Pcapng_block_length_not_a_multiple_of_four_or_below_twelve_is_damage(uint type, uint length)
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var bytes = writer.BlockHeader(type, length).Raw(new byte[64]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Theory]
    [InlineData(PcapNgWriter.EnhancedPacketType, false)]
    [InlineData(PcapNgWriter.EnhancedPacketType, true)]
    [InlineData(0x0000_0BADu, false)]
    [InlineData(0x0000_0BADu, true)]
    [InlineData(PcapNgWriter.SectionHeaderType, false)]
    [InlineData(PcapNgWriter.SectionHeaderType, true)]
    public async Task Pcapng_block_running_past_the_end_of_the_file_is_damage(uint type, bool compressed)
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var body = type == PcapNgWriter.SectionHeaderType
            ? Frames.Cat(Frames.Le32(0x1A2B3C4D), Frames.Le32(1), new byte[40])
            : new byte[40];
        var bytes = writer.BlockHeader(type, 4000).Raw(body).ToArray();
        if (compressed)
            bytes = CaptureBuilder.Gzip(bytes);

        var (packets, damage) = await ReadWithin(bytes, compressed ? "capture.pcapng.gz" : "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Theory]
    [InlineData(0xFFFF_FFFCu)]
    [InlineData(0x7FFF_FFFCu)]
    [InlineData(0x0100_0000u + 12)]
    public async Task Pcapng_packet_block_claiming_gigabytes_is_damage(uint length)
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var plain = writer.BlockHeader(PcapNgWriter.EnhancedPacketType, length).Raw(new byte[100]).ToArray();

        foreach (var (bytes, name) in new[] { (plain, "c.pcapng"), (CaptureBuilder.Gzip(plain), "c.pcapng.gz") })
        {
            var (packets, damage) = await ReadWithin(bytes, name);

            Assert.Single(packets);
            Assert.NotNull(damage);
            Assert.Equal(start, damage.Offset);
        }
    }

    [Fact]
    public async Task Pcapng_enhanced_packet_naming_an_undeclared_interface_is_damage()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Interface(LinkType.Raw).Enhanced(1, 1, Frames.Ipv4("10.0.0.1", "10.0.0.2", 1, []));
        long start = writer.Length;
        var bytes = writer.Enhanced(2, 2, Packets[0]).Enhanced(0, 3, Packets[1]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
        Assert.Contains("interface 2", damage.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enhanced")]
    [InlineData("simple")]
    [InlineData("obsolete")]
    public async Task Pcapng_packet_before_any_interface_is_damage(string kind)
    {
        var writer = CaptureBuilder.PcapNg().Section();
        var bytes = (kind switch
        {
            "enhanced" => writer.Enhanced(0, 1, Packets[0]),
            "simple" => writer.Simple(Packets[0]),
            _ => writer.Obsolete(0, 1, Packets[0]),
        }).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Empty(packets);
        Assert.NotNull(damage);
        Assert.Equal(28, damage.Offset);
    }

    [Fact]
    public async Task Pcapng_interface_of_a_previous_section_is_undeclared_in_the_next()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Interface(LinkType.Ethernet).Enhanced(1, 1, Packets[0])
            .Section().Interface(LinkType.Ethernet);
        long start = writer.Length;
        var bytes = writer.Enhanced(1, 2, Packets[1]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Fact]
    public async Task Pcapng_mismatched_trailing_length_is_damage()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var good = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 2, Packets[1]).ToArray();
        // The same enhanced packet block, framed with a trailing length 4 bytes short.
        var block = good[(int)start..];
        var body = block[8..^4];
        var bytes = writer.Framed(PcapNgWriter.EnhancedPacketType, (uint)block.Length, body, 0, (uint)block.Length - 4).Enhanced(0, 3, Packets[2]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
        Assert.Contains("trailing length", damage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pcapng_enhanced_packet_claiming_more_captured_bytes_than_it_holds_is_damage()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var bytes = writer.Enhanced(0, 2, Packets[1], capturedLength: 0xFFFF_FF00).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Theory]
    [InlineData(PcapNgWriter.EnhancedPacketType, 16)]
    [InlineData(PcapNgWriter.ObsoletePacketType, 8)]
    [InlineData(PcapNgWriter.SimplePacketType, 0)]
    [InlineData(PcapNgWriter.InterfaceDescriptionType, 4)]
    public async Task Pcapng_block_shorter_than_its_fixed_fields_is_damage(uint type, int bodyLength)
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var bytes = writer.Block(type, new byte[bodyLength]).Enhanced(0, 2, Packets[1]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Fact]
    public async Task Pcapng_later_section_header_without_byte_order_magic_is_damage_not_an_exception()
    {
        var writer = CaptureBuilder.PcapNg().Section().Interface(LinkType.Ethernet).Enhanced(0, 1, Packets[0]);
        long start = writer.Length;
        var bytes = writer.Block(PcapNgWriter.SectionHeaderType, Frames.Cat(Frames.Le32(0x12345678), new byte[12])).Enhanced(0, 2, Packets[1]).ToArray();

        var (packets, damage) = await ReadWithin(bytes, "capture.pcapng");

        Assert.Single(packets);
        Assert.NotNull(damage);
        Assert.Equal(start, damage.Offset);
    }

    [Fact]
    public void Damaged_capture_analyzes_its_whole_packets_and_reports_the_damage_offset()
    {
        var (bytes, starts) = FivePacketPcap();
        using var file = new TempCapture(bytes[..(int)(starts[4] + 10)]);

        var capture = CaptureAnalyzer.Analyze(file.Path);

        Assert.Equal(4, capture.Packets);
        Assert.Equal(starts[4], capture.DamageOffset);
        Assert.NotNull(capture.Damage);
        Assert.Contains(starts[4].ToString(System.Globalization.CultureInfo.InvariantCulture), capture.Damage, StringComparison.Ordinal);
    }

    // ---- Packets shorter than their own headers ----

    public static TheoryData<string, int, byte[]> ShortPackets() => new()
    {
        { "Ethernet with 10 bytes", LinkType.Ethernet, Frames.Payload(10) },
        { "802.1Q tag cut short", LinkType.Ethernet, Frames.Cat(Frames.EthernetHeader(Frames.MacB, Frames.MacA, EtherType.Vlan), [0, 5]) },
        { "IPv4 with 12 bytes", LinkType.Ethernet, Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, [])[..12]) },
        { "IPv4 IHL 15 but 20 bytes captured", LinkType.Ethernet, Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, [], ihl: 15, totalLength: 60)) },
        { "IPv4 IHL 3", LinkType.Raw, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, Frames.Tcp(1, 2), ihl: 3) },
        { "IPv4 total length below its header", LinkType.Raw, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, Frames.Tcp(1, 2), totalLength: 12) },
        { "TCP with 2 bytes", LinkType.Ethernet, Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, [0x1F, 0x90])) },
        { "TCP with data offset past the capture", LinkType.Raw, Frames.Ipv4("10.0.0.1", "10.0.0.2", 6, Frames.Tcp(1, 2)[..20].Select((b, i) => i == 12 ? (byte)0xF0 : b).ToArray()) },
        { "UDP with 3 bytes", LinkType.Raw, Frames.Ipv4("10.0.0.1", "10.0.0.2", 17, [0, 53, 0]) },
        { "IPv6 with 30 bytes", LinkType.Raw, Frames.Ipv6("2001:db8::1", "2001:db8::2", 6, [])[..30] },
        { "IPv6 extension header cut short", LinkType.Ipv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", 0, [6]) },
        { "IPv6 extension header longer than the packet", LinkType.Ipv6, Frames.Ipv6("2001:db8::1", "2001:db8::2", 0, Frames.Ipv6Extension(6, extraUnits: 30)[..16]) },
        { "PPPoE session cut short", LinkType.Ethernet, Frames.Ethernet(EtherType.PppoeSession, [0x11, 0, 0, 1]) },
        { "MPLS without bottom of stack", LinkType.Ethernet, Frames.Ethernet(EtherType.Mpls, Frames.Cat(Frames.MplsLabel(16, false), Frames.MplsLabel(17, false))) },
        { "SLL with 12 bytes", LinkType.LinuxSll, Frames.Payload(12) },
        { "SLL2 with 19 bytes", LinkType.LinuxSll2, Frames.Payload(19) },
        { "NULL with 3 bytes", LinkType.Null, [2, 0, 0] },
        { "radiotap length past the packet", LinkType.Ieee80211Radiotap, Frames.Cat([0, 0], Frames.Le16(200), new byte[20]) },
        { "802.11 data header cut short", LinkType.Ieee80211, Frames.Ieee80211Data(false, false, Frames.MacB, Frames.MacA, Frames.MacC, [])[..20] },
        { "PPI length past the packet", LinkType.Ppi, Frames.Cat([0, 0], Frames.Le16(64), Frames.Le32(1), new byte[8]) },
        { "raw IP of an unknown version", LinkType.Raw, [0x50, 0, 0, 20] },
        { "empty packet", LinkType.Ethernet, [] },
    };

    [Theory]
    [MemberData(nameof(ShortPackets))]
    public void Packet_shorter_than_its_own_headers_decodes_as_malformed(string what, int linkType, byte[] frame)
    {
        var decoded = Frames.Decode(linkType, frame);

        Assert.True(decoded.Status == DecodeStatus.Malformed, what + ": status " + decoded.Status);
        Assert.InRange(decoded.PayloadOffset + decoded.PayloadLength, 0, frame.Length);
    }

    [Fact]
    public void Malformed_packets_are_counted_by_the_analyzer_and_still_attributed_as_far_as_they_go()
    {
        var writer = CaptureBuilder.Pcap();
        writer.Record(1, 0, Packets[0]);
        writer.Record(2, 0, Frames.Payload(10));
        writer.Record(3, 0, Frames.Ethernet(EtherType.Ipv4, Frames.Ipv4("10.0.0.9", "10.0.0.2", 6, [0x1F, 0x90])));
        using var file = new TempCapture(writer.ToArray());

        var capture = CaptureAnalyzer.Analyze(file.Path);

        Assert.Equal(3, capture.Packets);
        Assert.Equal(2, capture.MalformedPackets);
        Assert.Contains(capture.GetFlowTable().Entries, e => e.Key.HasIp && e.Key.SourceAddress!.ToString() == "10.0.0.9");
    }
}
