using System.Text.Json;
using PcapViz.Core.Analysis;
using PcapViz.Core.Decoding;
using PcapViz.Core.Topology;
using Xunit.Abstractions;

namespace PcapViz.Core.Tests;

/// <summary>
/// Beyond the corpus: hundreds of generated encapsulations (tests/tools/gen-encapsulations.py: link types, tags,
/// tunnels, extension headers, truncations, malformed headers) give the same edges as tshark run live on them through
/// the shared oracle. tshark reads the cases merged into one capture, so it runs once; we read every case file as
/// it was written, so our reading of each container (classic pcap of either byte order, pcapng) is compared too.
/// </summary>
public sealed class EncapsulationOracleTests(ITestOutputHelper output)
{
    /// <summary>Cases where we knowingly differ from tshark 4.0, and why; every other case must agree.</summary>
    private static readonly Dictionary<string, string> KnownDifferences = new()
    {
        // The oracle's own text for IPv4-mapped addresses depends on its Python: 3.11 writes ::ffff:a00:1, 3.13 ::ffff:10.0.0.1.
        ["addrfmt_00"] = "IPv4-mapped IPv6 text differs between the oracle's Python versions",
        ["addrfmt_15"] = "IPv4-mapped IPv6 text differs between the oracle's Python versions",
        ["addrfmt_all"] = "holds the IPv4-mapped addresses of addrfmt_00 and addrfmt_15",
        ["mpls219_ipv4"] = "tshark 4.0 cannot read link type MPLS (219) at all, so its packet count is 0",
        ["mpls_pw_cw_eth"] = "tshark finds an Ethernet pseudowire by a vendor OUI heuristic; we read any control word of 0 as one",
        ["mpls_pw_nocw_eth_knownoui"] = "an Ethernet pseudowire without control word: tshark's OUI heuristic finds it, we do not guess",
        ["eth_vlan_stack_31"] = "tshark stops at its own tag nesting limit; we peel all 31 tags",
        ["eth_isl_eth_ipv4"] = "Cisco ISL framing is not decoded",
        ["eth_cisco_isl_like"] = "Cisco ISL framing is not decoded",
        ["ip6_hbh_opt_len_overrun"] = "tshark gives up on a hop-by-hop option running past its header; we step over the header by its own length",
        ["ip6_jumbogram"] = "a Jumbo option with an invalid length: tshark drops the ports, we bound the packet by the capture",
        ["null0_ppp_ff03"] = "PPP framing under a NULL link header is not decoded",
        ["null0_af2_bepcap_ppp"] = "PPP framing under a NULL link header is not decoded",
        ["null0_hdr_irix_af2"] = "IRIX's 16-bit address family in the NULL header is not decoded",
        ["null0_bepcap_hdr_irix_af2"] = "IRIX's 16-bit address family in the NULL header is not decoded",
        ["ppp9_bcp_ethernet"] = "bridged Ethernet over PPP (BCP) is not decoded",
        ["ppp9_poison_bcp_then_good"] = "bridged Ethernet over PPP (BCP) is not decoded",
        ["ppp9_vj_uncompressed"] = "Van Jacobson compressed TCP/IP over PPP is not decoded",
        ["ppp9_poison_vj_then_good"] = "Van Jacobson compressed TCP/IP over PPP is not decoded",
        ["ppp9_poison_mp_then_good"] = "multilink PPP fragments are not reassembled",
        ["chdlc104_ethbridge"] = "bridged Ethernet over Cisco HDLC is not decoded",
        ["sll113_proto0003_eth"] = "a whole Ethernet frame inside a cooked header (protocol 3) is not decoded",
        ["sll113_radiotap_803"] = "radiotap inside a cooked header is not decoded",
        ["erf197_eth_ipv4"] = "ERF records inside pcap are not decoded",
        ["frelay107_nlpid_ip"] = "Frame Relay is not decoded",
        ["upperpdu252_ip"] = "Wireshark's exported PDUs are not decoded",
        ["wlan105_mesh_qos"] = "802.11s mesh control is not decoded",
        ["wlan105_mesh_qos_fromds"] = "802.11s mesh control is not decoded",
    };

    /// <summary>The oracle's layer 2 counts frames that begin with Ethernet only: the cases on that link type alone.</summary>
    private static readonly string EthernetLinkType = LinkType.Label(LinkType.Ethernet);

    [SkippableFact]
    public void Generated_encapsulations_give_tshark_s_edges_at_every_layer()
    {
        string python = RequiredTool.Find("python3", "it writes the cases (tests/tools/gen-encapsulations.py) and runs the shared oracle.");
        RequiredTool.Find("tshark", "the shared oracle runs it as the reference the generated cases are compared with.");
        string mergecap = RequiredTool.Find("mergecap", "it merges the generated cases into one capture for tshark.");
        using var temp = new TempDirectory();
        string cases = Path.Combine(temp.Path, "cases");
        ExternalTool.Succeed(python, [Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "gen-encapsulations.py"), cases]);
        var files = Directory.GetFiles(cases).Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length > 300, $"the generator wrote only {files.Length} cases");
        var compared = files.Where(f => !KnownDifferences.ContainsKey(Path.GetFileNameWithoutExtension(f))).ToArray();
        Assert.Equal(files.Length - KnownDifferences.Count, compared.Length);

        var captures = compared.ToDictionary(f => f, f => CaptureAnalyzer.Analyze(f));
        var ethernet = compared.Where(f => captures[f].LinkTypes.SequenceEqual([EthernetLinkType])).ToArray();
        string all = Merge(mergecap, compared, Path.Combine(temp.Path, "all.pcapng"));
        string onEthernet = Merge(mergecap, ethernet, Path.Combine(temp.Path, "ethernet.pcapng"));
        output.WriteLine($"{compared.Length} cases compared ({ethernet.Length} on Ethernet at layer 2), {KnownDifferences.Count} known differences left out");

        var reference = Oracle(python, all);
        Assert.Equal(reference.GetProperty("packets").GetInt64(), captures.Values.Sum(c => c.Packets));
        foreach (int layer in new[] { 3, 4 })
            OracleAgreementTests.AssertEdges(reference.GetProperty("l" + layer), Edges(captures.Values, layer), "generated cases", layer);
        OracleAgreementTests.AssertEdges(Oracle(python, onEthernet).GetProperty("l2"), Edges(ethernet.Select(f => captures[f]), 2), "generated Ethernet cases", 2);
    }

    private static string Merge(string mergecap, string[] files, string merged)
    {
        // Concatenated, not merged by time: each case keeps its own link type as an interface of the pcapng.
        ExternalTool.Succeed(mergecap, ["-a", "-F", "pcapng", "-w", merged, .. files]);
        return merged;
    }

    private static JsonElement Oracle(string python, string capture) =>
        JsonDocument.Parse(ExternalTool.Succeed(python, [Path.Combine(Corpus.SharedRoot, "tools", "oracle.py"), capture])).RootElement;

    private static Dictionary<(string Source, string Destination), (long Packets, long Bytes)> Edges(IEnumerable<PcapCapture> captures, int layer)
    {
        var input = new TopologyInput();
        foreach (var capture in captures)
            input.AddCapture(capture);
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = layer }).Edges.ToDictionary(e => (e.Source, e.Destination), e => (e.Packets, e.Bytes));
    }
}
