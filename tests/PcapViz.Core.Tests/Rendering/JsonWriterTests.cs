using System.Text.Json;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>JSON: every property, positions, legend, title and credits, read back with System.Text.Json.</summary>
public sealed class JsonWriterTests
{
    internal static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    internal sealed record JsonDrawing(string Title, int Layer, double Width, double Height, double FontSize, int FoldedNodes,
        string[] Attributions, JsonLegend[] Legend, JsonNode[] Nodes, JsonEdge[] Edges);

    internal sealed record JsonLegend(string Color, string Label);

    internal sealed record JsonNode(string Id, string[] LabelLines, double X, double Y, double Radius, string FillColor, string StrokeColor, int FoldedCount,
        string[]? Members, string? Address, int? Port, string[]? Mac, bool? IsInternal, string? Country, string? CountryName, string? City, long? Asn,
        string? AsOrganization, string[]? HostNames, int? InDegree, int? OutDegree, long PacketsSent, long PacketsReceived, long BytesSent, long BytesReceived);

    internal sealed record JsonEdge(string Source, string Destination, double Width, string Color, string? Label, long Packets, long Bytes, string[] Protocols,
        DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, JsonTopologyEdge[] Edges);

    internal sealed record JsonTopologyEdge(string Source, string Destination, long Packets, long Bytes, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string[] Protocols);

    internal static JsonDrawing Read(byte[] json) => JsonSerializer.Deserialize<JsonDrawing>(json, Options)!;

    [Theory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void Json_round_trips_every_node_and_edge_property(string capture, int layer)
    {
        var drawing = GraphDrawingBuilder.Build(Corpus(capture, layer), new DrawingOptions { MaxNodes = 30 });

        var read = Read(Write(new JsonWriter(), drawing));

        Assert.Equal(drawing.Title, read.Title);
        Assert.Equal(drawing.Layer, read.Layer);
        Assert.Equal(drawing.Width, read.Width);
        Assert.Equal(drawing.Height, read.Height);
        Assert.Equal(drawing.FoldedNodes, read.FoldedNodes);
        Assert.Equal(drawing.Attributions, read.Attributions);
        Assert.Equal(drawing.Legend.Select(l => (l.Color, l.Label)), read.Legend.Select(l => (l.Color, l.Label)));
        Assert.Equal(drawing.Nodes.Count, read.Nodes.Length);
        for (int i = 0; i < read.Nodes.Length; i++)
        {
            var (drawn, json) = (drawing.Nodes[i], read.Nodes[i]);
            Assert.Equal(drawn.Id, json.Id);
            Assert.Equal(drawn.LabelLines, json.LabelLines);
            Assert.Equal((drawn.X, drawn.Y, drawn.Radius, drawn.FillColor, drawn.StrokeColor, drawn.FoldedCount), (json.X, json.Y, json.Radius, json.FillColor, json.StrokeColor, json.FoldedCount));
            if (drawn.Node is { } n)
            {
                Assert.Equal((n.Address, n.Port, n.IsInternal, n.Country, n.CountryName, n.City, n.Asn, n.AsOrganization),
                    (json.Address, json.Port, json.IsInternal!.Value, json.Country, json.CountryName, json.City, json.Asn, json.AsOrganization));
                Assert.Equal(n.Mac, json.Mac);
                Assert.Equal(n.HostNames, json.HostNames);
                Assert.Equal((n.InDegree, n.OutDegree, n.PacketsSent, n.PacketsReceived, n.BytesSent, n.BytesReceived),
                    (json.InDegree!.Value, json.OutDegree!.Value, json.PacketsSent, json.PacketsReceived, json.BytesSent, json.BytesReceived));
            }
            else
            {
                Assert.Equal(drawn.Members.Select(m => m.Id), json.Members!);
                Assert.Equal(drawn.Members.Sum(m => m.PacketsSent), json.PacketsSent);
            }
        }
        Assert.Equal(drawing.Edges.Count, read.Edges.Length);
        for (int i = 0; i < read.Edges.Length; i++)
        {
            var (drawn, json) = (drawing.Edges[i], read.Edges[i]);
            Assert.Equal((drawn.Source, drawn.Destination, drawn.Width, drawn.Color, drawn.Label, drawn.Packets, drawn.Bytes),
                (json.Source, json.Destination, json.Width, json.Color, json.Label, json.Packets, json.Bytes));
            Assert.Equal(drawn.Protocols, json.Protocols);
            Assert.Equal(drawn.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes, e.FirstSeen, e.LastSeen, string.Join(",", e.Protocols))),
                json.Edges.Select(e => (e.Source, e.Destination, e.Packets, e.Bytes, e.FirstSeen, e.LastSeen, string.Join(",", e.Protocols))));
        }
    }

    [Fact]
    public void Json_output_is_deterministic()
    {
        var topology = Corpus("shared_eth_tls_v4v6_167ips.pcap", 3);

        Assert.Equal(Write(new JsonWriter(), GraphDrawingBuilder.Build(topology, new DrawingOptions())),
            Write(new JsonWriter(), GraphDrawingBuilder.Build(topology, new DrawingOptions())));
    }
}
