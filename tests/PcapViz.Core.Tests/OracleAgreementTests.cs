using System.Text.Json;
using PcapViz.Core.Analysis;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests;

/// <summary>
/// Edges summed from our flows equal tshark's, frame for frame and byte for byte: the outermost headers (with no
/// tunnel opened) against shared/corpus/reference, the innermost against tests/tools/inner-oracle.py run live.
/// </summary>
public sealed class OracleAgreementTests
{
    public static TheoryData<string> Captures => Corpus.CaptureNames();

    [Theory]
    [MemberData(nameof(Captures))]
    public void Layer3_and_layer4_edges_equal_tshark(string name)
    {
        var capture = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        var reference = Corpus.Reference(name);
        foreach (int layer in new[] { 3, 4 })
            AssertEdges(reference.GetProperty("l" + layer), Topology(capture, layer), name, layer);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Layer2_edges_equal_tshark_on_ethernet(string name)
    {
        var capture = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        // tshark's reference records Ethernet frames only; 802.11 and cooked captures have no eth layer there.
        if (capture.LinkTypes.Any(t => t.StartsWith("IEEE802_11", StringComparison.Ordinal) || t.StartsWith("PPI", StringComparison.Ordinal)))
            return;
        AssertEdges(Corpus.Reference(name).GetProperty("l2"), Topology(capture, 2), name, 2);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Layer3_degrees_equal_tshark(string name)
    {
        var topology = TopologyBuilder.Build(Input(CaptureAnalyzer.Analyze(Corpus.Capture(name))), new TopologyOptions { Layer = 3 });
        var reference = Corpus.Reference(name);
        var expectedIn = reference.GetProperty("in_degree").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var expectedOut = reference.GetProperty("out_degree").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(expectedIn.OrderBy(p => p.Key, StringComparer.Ordinal), topology.Nodes.ToDictionary(n => n.Id, n => n.InDegree).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expectedOut.OrderBy(p => p.Key, StringComparer.Ordinal), topology.Nodes.ToDictionary(n => n.Id, n => n.OutDegree).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Innermost_edges_equal_tshark_s_innermost_headers(string name)
    {
        string python = RequiredTool.Find("python3", "it runs the innermost oracle (tests/tools/inner-oracle.py).");
        RequiredTool.Find("tshark", "the innermost oracle runs it as the reference.");
        var capture = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        var reference = JsonDocument.Parse(ExternalTool.Succeed(python, [Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "inner-oracle.py"), Corpus.Capture(name)])).RootElement;
        foreach (int layer in new[] { 3, 4 })
            AssertEdges(reference.GetProperty("l" + layer), Topology(capture, layer, TunnelView.Inner), name + " (innermost)", layer);
        // An Ethernet pseudowire over MPLS is read as a link-layer wrapper, not a tunnel: the frame's own link addresses stay.
        bool pseudowire = name == "shared_eth_mixed_mpls_pwe_dns_http.pcap";
        if (!pseudowire && !capture.LinkTypes.Any(t => t.StartsWith("IEEE802_11", StringComparison.Ordinal) || t.StartsWith("PPI", StringComparison.Ordinal)))
            AssertEdges(reference.GetProperty("l2"), Topology(capture, 2, TunnelView.Inner), name + " (innermost)", 2);
    }

    /// <summary>The corpus reference reads the outermost headers: the capture with no tunnel opened.</summary>
    private static TopologyInput Input(PcapCapture capture, TunnelView view = TunnelView.Outer)
    {
        var input = new TopologyInput();
        input.AddCapture(capture, view);
        return input;
    }

    private static Dictionary<(string Source, string Destination), (long Packets, long Bytes)> Topology(PcapCapture capture, int layer, TunnelView view = TunnelView.Outer) =>
        TopologyBuilder.Build(Input(capture, view), new TopologyOptions { Layer = layer }).Edges.ToDictionary(e => (e.Source, e.Destination), e => (e.Packets, e.Bytes));

    [Theory]
    [MemberData(nameof(Captures))]
    public void Packet_count_equals_tshark(string name)
    {
        var capture = CaptureAnalyzer.Analyze(Corpus.Capture(name));
        long expected = Corpus.Reference(name).GetProperty("packets").GetInt64();
        if (capture.Damage is null)
        {
            Assert.Equal(expected, capture.Packets);
        }
        else
        {
            // tshark also shows the damaged record itself; we keep every whole record before it.
            Assert.InRange(capture.Packets, expected - 1, expected);
        }
    }

    internal static void AssertEdges(JsonElement expected, Dictionary<(string Source, string Destination), (long Packets, long Bytes)> actual, string name, int layer)
    {
        var expectedEdges = expected.EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].GetString()!, e[2].GetInt64(), e[3].GetInt64()))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal).ToList();
        var actualEdges = actual.Select(e => (e.Key.Source, e.Key.Destination, e.Value.Packets, e.Value.Bytes))
            .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Destination, StringComparer.Ordinal).ToList();
        var missing = expectedEdges.Except(actualEdges).ToList();
        var extra = actualEdges.Except(expectedEdges).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{name} layer {layer}: missing {string.Join("; ", missing.Take(8))} | extra {string.Join("; ", extra.Take(8))}");
    }
}
