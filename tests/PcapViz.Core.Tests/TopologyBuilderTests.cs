using System.Net;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests;

public class TopologyBuilderTests
{
    private static PcapFlow Flow(string source, string destination, int ipProtocol, int? sourcePort = null, int? destinationPort = null, long bytes = 100,
        string? sourceMac = null, string? destinationMac = null) => new()
    {
        Protocol = "x",
        SourceAddress = source,
        DestinationAddress = destination,
        IpProtocol = ipProtocol,
        EtherType = 0x0800,
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        SourceMac = sourceMac,
        DestinationMac = destinationMac,
        SentPackets = 1,
        SentBytes = bytes,
        FirstSeen = DateTimeOffset.UnixEpoch.AddSeconds(ipProtocol),
        LastSeen = DateTimeOffset.UnixEpoch.AddSeconds(ipProtocol + 1),
        Capture = "synthetic",
    };

    private static PcapTopology Build(IEnumerable<PcapFlow> flows, int layer = 3)
    {
        var input = new TopologyInput();
        foreach (var flow in flows)
            input.AddFlow(flow);
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = layer });
    }

    [Fact]
    public void An_edge_keeps_every_protocol_however_many_a_hostile_capture_shows()
    {
        // Every IP protocol number between two hosts, plus a web and a DNS conversation: far more names than fit inline.
        var flows = Enumerable.Range(0, 256).Select(p => Flow("10.0.0.1", "192.0.2.9", p)).ToList();
        flows.Add(Flow("10.0.0.1", "192.0.2.9", 6, 40000, 443));
        flows.Add(Flow("10.0.0.1", "192.0.2.9", 17, 40001, 53));

        var edge = Assert.Single(Build(flows).Edges);

        var expected = Enumerable.Range(0, 256).Select(p => Core.Flows.ProtocolNames.IpProtocol((byte)p)).Distinct().Concat(["TLS", "DNS"]).ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), edge.Protocols.Order(StringComparer.Ordinal));
        Assert.Equal(["TLS", "DNS"], edge.Protocols.TakeLast(2));
        Assert.Equal(258, edge.Packets);
        Assert.Equal(258 * 100, edge.Bytes);
        Assert.Equal(DateTimeOffset.UnixEpoch, edge.FirstSeen);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(256), edge.LastSeen);
    }

    [Fact]
    public void Edges_run_heaviest_first_with_ties_in_address_order_whatever_the_input_order()
    {
        var flows = new[]
        {
            Flow("10.0.0.9", "10.0.0.1", 17, 5000, 5001, bytes: 50),
            Flow("10.0.0.2", "10.0.0.1", 17, 5000, 5001, bytes: 50),
            Flow("10.0.0.1", "10.0.0.2", 17, 5000, 5001, bytes: 900),
            Flow("10.0.0.10", "10.0.0.1", 17, 5000, 5001, bytes: 50),
        };
        string Order(IEnumerable<PcapFlow> input) => string.Join(" ", Build(input).Edges.Select(e => $"{e.Source}>{e.Destination}"));

        Assert.Equal("10.0.0.1>10.0.0.2 10.0.0.2>10.0.0.1 10.0.0.9>10.0.0.1 10.0.0.10>10.0.0.1", Order(flows));
        Assert.Equal(Order(flows), Order(flows.Reverse()));
        var nodes = Build(flows).Nodes.Select(n => n.Id).ToArray();
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.9", "10.0.0.10"], nodes);
    }

    [Fact]
    public void Nodes_list_the_link_addresses_seen_for_them_sorted_and_shared_across_endpoints_of_a_host()
    {
        var flows = new[]
        {
            Flow("10.0.0.1", "192.0.2.9", 6, 40000, 443, sourceMac: "00:00:00:00:00:0a", destinationMac: "00:00:00:00:00:ff"),
            Flow("10.0.0.1", "192.0.2.9", 6, 40001, 443, sourceMac: "00:00:00:00:00:0a", destinationMac: "00:00:00:00:00:fe"),
            Flow("10.0.0.1", "192.0.2.9", 6, 40002, 443, sourceMac: "00:00:00:00:00:0a", destinationMac: "00:00:00:00:00:01"),
        };

        var layer3 = Build(flows);
        Assert.Equal(["00:00:00:00:00:0a"], layer3.Nodes.Single(n => n.Id == "10.0.0.1").Mac);
        Assert.Equal(["00:00:00:00:00:01", "00:00:00:00:00:fe", "00:00:00:00:00:ff"], layer3.Nodes.Single(n => n.Id == "192.0.2.9").Mac);

        var layer4 = Build(flows, layer: 4);
        Assert.Equal(4, layer4.Nodes.Length);
        Assert.All(layer4.Nodes.Where(n => n.Address == "10.0.0.1"), n => Assert.Equal(["00:00:00:00:00:0a"], n.Mac));
        Assert.Equal(["00:00:00:00:00:01", "00:00:00:00:00:fe", "00:00:00:00:00:ff"], layer4.Nodes.Single(n => n.Id == "192.0.2.9:443").Mac);
        Assert.Equal(3, layer4.Nodes.Single(n => n.Id == "192.0.2.9:443").InDegree);
    }
}
