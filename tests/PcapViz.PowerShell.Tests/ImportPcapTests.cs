using System.IO.Compression;
using System.Management.Automation;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

public sealed class ImportPcapTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Wildcard_path_yields_one_capture_per_file_in_order()
    {
        var result = _session.Run($"Import-Pcap -Path '{Corpus.PcapDirectory}/shared_raw*.pcap'");
        var captures = result.All<PcapCapture>();
        Assert.Equal(new[] { "shared_rawip4_linktype228_dns.pcap", "shared_rawip6_linktype229_tcp.pcap", "shared_rawip_v4v6_http_dns.pcap" },
            captures.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Capture_reports_totals_times_and_link_types()
    {
        var capture = _session.Run($"Import-Pcap '{Corpus.Capture("shared_bigendian_nanosec_http.pcap")}'").Single<PcapCapture>();
        Assert.Equal(10, capture.Packets);
        Assert.Equal(2198, capture.Bytes);
        Assert.Equal("Pcap", capture.Format);
        Assert.Equal(new[] { "Ethernet(1)" }, capture.LinkTypes);
        Assert.NotNull(capture.FirstSeen);
        Assert.Equal(TimeSpan.Zero, capture.FirstSeen!.Value.Offset);
        Assert.True(capture.LastSeen >= capture.FirstSeen);
        Assert.Equal((capture.LastSeen - capture.FirstSeen)!.Value.TotalSeconds, capture.DurationSeconds);
    }

    [Fact]
    public void Literal_path_with_wildcard_characters_is_read_as_written()
    {
        var odd = _temp.File("odd [name].pcap");
        File.Copy(Corpus.Capture("shared_pppoe_session_udp.pcap"), odd);
        var literal = _session.Run("Import-Pcap -LiteralPath $p", new Dictionary<string, object?> { ["p"] = odd });
        Assert.Equal(2, literal.Single<PcapCapture>().Packets);
        Assert.Empty(literal.Errors);
    }

    [Fact]
    public void Get_ChildItem_pipes_into_Import_Pcap_by_PSPath()
    {
        File.Copy(Corpus.Capture("shared_pppoe_session_udp.pcap"), _temp.File("a [1].pcap"));
        File.Copy(Corpus.Capture("shared_pcapng_11_interfaces_ether_null.pcapng"), _temp.File("b.pcapng"));
        var result = _session.Run($"Get-ChildItem -LiteralPath '{_temp.Path}' | Import-Pcap");
        var captures = result.All<PcapCapture>();
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "a [1].pcap", "b.pcapng" }, captures.Select(c => c.Name));
        Assert.Equal("PcapNg", captures[1].Format);
    }

    [Fact]
    public void Bad_paths_give_one_error_each_and_the_good_file_still_imports()
    {
        var text = _temp.File("notes.txt");
        File.WriteAllText(text, "this is not a capture at all");
        var empty = _temp.File("empty.pcap");
        File.WriteAllBytes(empty, []);
        var missing = _temp.File("missing.pcap");
        var good = Corpus.Capture("shared_pppoe_session_udp.pcap");
        var result = _session.Run("Import-Pcap -LiteralPath $paths",
            new Dictionary<string, object?> { ["paths"] = new[] { missing, _temp.Path, text, empty, good } });

        Assert.Equal("shared_pppoe_session_udp.pcap", result.Single<PcapCapture>().Name);
        var errors = result.Errors.Select(e => (Id: e.FullyQualifiedErrorId.Split(',')[0], e.CategoryInfo.Category, Target: e.TargetObject as string ?? "")).ToList();
        Assert.Equal(new[]
        {
            ("PathNotFound", ErrorCategory.ObjectNotFound, missing),
            ("PathIsDirectory", ErrorCategory.InvalidArgument, _temp.Path),
            ("NotACapture", ErrorCategory.InvalidData, text),
            ("NotACapture", ErrorCategory.InvalidData, empty),
        }, errors.Select(e => (e.Id, e.Category, e.Target)));
        Assert.Contains("empty", result.Errors[3].Exception.Message, StringComparison.Ordinal);
        Assert.All(result.Errors, e => Assert.EndsWith("ImportPcapCommand", e.FullyQualifiedErrorId, StringComparison.Ordinal));
    }

    [Fact]
    public void Wildcard_that_matches_nothing_is_an_error()
    {
        var result = _session.Run($"Import-Pcap -Path '{_temp.Path}/*.pcap'");
        Assert.Empty(result.Output);
        Assert.Equal("PathNotFound", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Truncated_capture_keeps_packets_and_warns_with_file_and_offset()
    {
        var path = Corpus.Capture("shared_truncated_cut_mid_packet_pgsql.pcap");
        var result = _session.Run("Import-Pcap -LiteralPath $p", new Dictionary<string, object?> { ["p"] = path });
        var capture = result.Single<PcapCapture>();
        Assert.Equal(785, capture.Packets);
        Assert.Equal(new FileInfo(path).Length - 1, capture.DamageOffset);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains(path, warning, StringComparison.Ordinal);
        Assert.Contains((new FileInfo(path).Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), warning, StringComparison.Ordinal);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Gzip_compressed_capture_reads_like_the_original()
    {
        var original = Corpus.Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap");
        var gz = _temp.File("sll.pcap.gz");
        using (var input = File.OpenRead(original))
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Optimal))
            input.CopyTo(output);
        var result = _session.Run("Import-Pcap -LiteralPath $a, $b", new Dictionary<string, object?> { ["a"] = original, ["b"] = gz });
        var captures = result.All<PcapCapture>();
        Assert.Equal(2, captures.Count);
        Assert.Equal(captures[0].Packets, captures[1].Packets);
        Assert.Equal(captures[0].Bytes, captures[1].Bytes);
        Assert.Equal(captures[0].FlowCount, captures[1].FlowCount);
        Assert.Equal(captures[0].LastSeen, captures[1].LastSeen);
    }

    [Fact]
    public void Many_files_read_in_parallel_come_back_in_input_order()
    {
        var files = Corpus.Captures.Where(f => !Corpus.IsDamaged(Path.GetFileName(f))).ToArray();
        var result = _session.Run("Import-Pcap -LiteralPath $files -ThrottleLimit 2", new Dictionary<string, object?> { ["files"] = files });
        Assert.Equal(files, result.All<PcapCapture>().Select(c => c.FullName));
    }

    [Fact]
    public void Link_type_nothing_decodes_is_counted_and_reported_once()
    {
        // LINKTYPE 147 (user-defined) has no decoder anywhere: three packets, one warning.
        var path = _temp.File("user147.pcap");
        PcapFile.Write(path, 147, Enumerable.Repeat(new byte[] { 1, 2, 3, 4 }, 3), originalLength: 60);
        var result = _session.Run("Import-Pcap -LiteralPath $p", new Dictionary<string, object?> { ["p"] = path });
        var capture = result.Single<PcapCapture>();
        Assert.Equal(3, capture.Packets);
        Assert.Equal(180, capture.Bytes);
        Assert.Equal(3, capture.UnsupportedLinkTypePackets);
        Assert.Contains("147", Assert.Single(result.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Cmdlet_declares_its_output_type_and_help()
    {
        var result = _session.Run("(Get-Command Import-Pcap).OutputType.Type.FullName; (Get-Help Import-Pcap).Synopsis");
        Assert.Equal("PcapViz.PcapCapture", result.Output[0].BaseObject);
        Assert.False(string.IsNullOrWhiteSpace(result.Output[1].BaseObject as string));
    }
}
