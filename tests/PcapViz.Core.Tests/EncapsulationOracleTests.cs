using System.Text.Json;
using PcapViz.Core.Analysis;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
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

    /// <summary>
    /// Cases where the innermost view knowingly differs from tshark's innermost headers (tests/tools/inner-oracle.py),
    /// besides <see cref="KnownDifferences"/>; every other case must agree.
    /// </summary>
    private static readonly Dictionary<string, string> KnownInnerDifferences = new()
    {
        ["deep_4in4_300"] = "tunnels are opened 8 deep (TunnelKinds.MaxDepth); tshark goes on",
        ["deep_gre_200"] = "tunnels are opened 8 deep (TunnelKinds.MaxDepth); tshark goes on",
        ["deep_vxlan_100"] = "tunnels are opened 8 deep (TunnelKinds.MaxDepth); tshark goes on",
        ["tun_gtpu"] = "GTP-U is not opened: the packet counts between the GTP endpoints",
        ["tun_l2tp_ppp_ipv4"] = "L2TP is not opened: the packet counts between the L2TP endpoints",
        ["ppp9_deep_pppoe_in_l2tp"] = "L2TP is not opened: the packet counts between the L2TP endpoints",
        ["tun_mpls_in_udp_6635"] = "MPLS in UDP is not opened: the packet counts between the UDP endpoints",
        ["tun_vxlan_linux_8472"] = "tshark 4.0 reads only port 4789 as VXLAN; 8472 is what Linux's VXLAN driver (and flannel) send to",
        ["tun_vxlan_inner_vlan_arp"] = "the frame inside is ARP, so the packet has no layer 3 inside; the oracle's last IP header is the outer one",
        ["tun_teredo_not_ipv6_stays_udp"] = "tshark reads any payload on the Teredo port as IPv6; we open Teredo only where an IPv6 header fits",
        ["wlan105_amsdu"] = "an A-MSDU's subframes are not nested: the oracle's last IP header is the second subframe's, we count the first as the outer view does",
        ["l2tp_trunc_inner"] = "L2TP is not opened: the packet counts between the L2TP endpoints",
        ["mpls_pw_cw_eth_knownoui"] = "an Ethernet pseudowire over MPLS is a link-layer wrapper here, not a tunnel: the frame's own link addresses stay",
        ["mpls_pw_nocw_eth"] = "tshark reads the label stack's payload as a pseudowire frame by guess; we read it as no network protocol",
        ["tun_vxlan_inner_cut"] = "an inner frame cut inside its Ethernet header is not opened, so the outer frame's layer 2 counts; tshark counts no layer 2",
    };

    [SkippableFact]
    public void Generated_encapsulations_give_tshark_s_outermost_edges_with_no_tunnel_opened()
    {
        var cases = GeneratedCases.Create(KnownDifferences);
        output.WriteLine($"{cases.Compared.Length} cases compared ({cases.Ethernet.Length} on Ethernet at layer 2), {KnownDifferences.Count} known differences left out");
        string oracle = Path.Combine(Corpus.SharedRoot, "tools", "oracle.py");
        var reference = Oracle(cases.Python, oracle, cases.All);
        Assert.Equal(reference.GetProperty("packets").GetInt64(), cases.Captures.Values.Sum(c => c.Packets));
        foreach (int layer in new[] { 3, 4 })
            OracleAgreementTests.AssertEdges(reference.GetProperty("l" + layer), Edges(cases.Captures.Values, layer, TunnelView.Outer), "generated cases", layer);
        OracleAgreementTests.AssertEdges(Oracle(cases.Python, oracle, cases.OnEthernet).GetProperty("l2"),
            Edges(cases.Ethernet.Select(f => cases.Captures[f]), 2, TunnelView.Outer), "generated Ethernet cases", 2);
    }

    [SkippableFact]
    public void Generated_encapsulations_give_tshark_s_innermost_edges_at_every_layer()
    {
        var cases = GeneratedCases.Create(KnownDifferences.Concat(KnownInnerDifferences).ToDictionary());
        Assert.Contains(cases.Compared, f => Path.GetFileName(f).StartsWith("tun_vxlan_in_erspan2", StringComparison.Ordinal));
        Assert.True(cases.Captures.Values.Sum(c => c.TunnelledPackets) >= 30, "the generated cases hold too few tunnelled packets to compare");
        string oracle = Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "inner-oracle.py");
        var reference = Oracle(cases.Python, oracle, cases.All);
        Assert.Equal(reference.GetProperty("packets").GetInt64(), cases.Captures.Values.Sum(c => c.Packets));
        foreach (int layer in new[] { 3, 4 })
            OracleAgreementTests.AssertEdges(reference.GetProperty("l" + layer), Edges(cases.Captures.Values, layer, TunnelView.Inner), "generated cases, innermost", layer);
        OracleAgreementTests.AssertEdges(Oracle(cases.Python, oracle, cases.OnEthernet).GetProperty("l2"),
            Edges(cases.Ethernet.Select(f => cases.Captures[f]), 2, TunnelView.Inner), "generated Ethernet cases, innermost", 2);
    }

    /// <summary>The generated cases, read by us one file each and merged for tshark (once on every link type, once on Ethernet only).</summary>
    private sealed record GeneratedCases(string Python, string[] Compared, string[] Ethernet, Dictionary<string, PcapCapture> Captures, string All, string OnEthernet)
    {
        private static readonly Lazy<(string Folder, string[] Files)> Written = new(() =>
        {
            string python = RequiredTool.Find("python3", "it writes the cases (tests/tools/gen-encapsulations.py) and runs the oracles.");
            var temp = Directory.CreateTempSubdirectory("pcapviz-encapsulations-");
            string cases = Path.Combine(temp.FullName, "cases");
            ExternalTool.Succeed(python, [Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "gen-encapsulations.py"), cases]);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { temp.Delete(recursive: true); } catch (IOException) { } };
            return (temp.FullName, Directory.GetFiles(cases).Order(StringComparer.Ordinal).ToArray());
        });

        public static GeneratedCases Create(IReadOnlyDictionary<string, string> leftOut)
        {
            string python = RequiredTool.Find("python3", "it writes the cases (tests/tools/gen-encapsulations.py) and runs the oracles.");
            RequiredTool.Find("tshark", "the oracles run it as the reference the generated cases are compared with.");
            string mergecap = RequiredTool.Find("mergecap", "it merges the generated cases into one capture for tshark.");
            var (folder, files) = Written.Value;
            Assert.True(files.Length > 300, $"the generator wrote only {files.Length} cases");
            var compared = files.Where(f => !leftOut.ContainsKey(Path.GetFileNameWithoutExtension(f))).ToArray();
            Assert.Equal(files.Length - leftOut.Count, compared.Length);
            var captures = compared.ToDictionary(f => f, f => CaptureAnalyzer.Analyze(f));
            var ethernet = compared.Where(f => captures[f].LinkTypes.SequenceEqual([EthernetLinkType])).ToArray();
            string tag = leftOut.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new GeneratedCases(python, compared, ethernet, captures,
                Merge(mergecap, compared, Path.Combine(folder, $"all-{tag}.pcapng")), Merge(mergecap, ethernet, Path.Combine(folder, $"ethernet-{tag}.pcapng")));
        }
    }

    private static string Merge(string mergecap, string[] files, string merged)
    {
        // Concatenated, not merged by time: each case keeps its own link type as an interface of the pcapng.
        ExternalTool.Succeed(mergecap, ["-a", "-F", "pcapng", "-w", merged, .. files]);
        return merged;
    }

    private static JsonElement Oracle(string python, string oracle, string capture) =>
        JsonDocument.Parse(ExternalTool.Succeed(python, [oracle, capture])).RootElement;

    private static Dictionary<(string Source, string Destination), (long Packets, long Bytes)> Edges(IEnumerable<PcapCapture> captures, int layer, TunnelView view)
    {
        var input = new TopologyInput();
        foreach (var capture in captures)
            input.AddCapture(capture, view);
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = layer }).Edges.ToDictionary(e => (e.Source, e.Destination), e => (e.Packets, e.Bytes));
    }
}
