using System.Globalization;
using System.Xml;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using static PcapViz.Core.Tests.Rendering.RenderingFixtures;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>GraphML: well-formed, typed keys for every property, values that read back as written.</summary>
public sealed class GraphMlWriterTests
{
    internal const string Ns = "http://graphml.graphdrawing.org/xmlns";

    internal static XmlDocument Parse(byte[] bytes)
    {
        var document = new XmlDocument { XmlResolver = null };
        using var stream = new MemoryStream(bytes);
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        document.Load(reader);
        return document;
    }

    /// <summary>Key name to key id, for one domain (node, edge, graph).</summary>
    internal static Dictionary<string, string> Keys(XmlDocument document, string domain)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("g", Ns);
        return document.SelectNodes($"/g:graphml/g:key[@for='{domain}']", ns)!.Cast<XmlElement>()
            .ToDictionary(k => k.GetAttribute("attr.name"), k => k.GetAttribute("id"));
    }

    /// <summary>Each node's data by key name.</summary>
    internal static List<Dictionary<string, string>> Elements(XmlDocument document, string element, string domain)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("g", Ns);
        var byId = Keys(document, domain).ToDictionary(p => p.Value, p => p.Key);
        return document.SelectNodes($"/g:graphml/g:graph/g:{element}", ns)!.Cast<XmlElement>()
            .Select(e => e.ChildNodes.OfType<XmlElement>().ToDictionary(d => byId[d.GetAttribute("key")], d => d.InnerText))
            .ToList();
    }

    [Theory]
    [MemberData(nameof(LayoutCases), MemberType = typeof(RenderingFixtures))]
    public void GraphMl_is_well_formed_with_a_key_for_every_node_and_edge_property(string capture, int layer)
    {
        var drawing = GraphDrawingBuilder.Build(Corpus(capture, layer), new DrawingOptions { MaxNodes = 40 });

        var document = Parse(Write(new GraphMlWriter(), drawing));

        var nodeKeys = Keys(document, "node");
        foreach (var property in typeof(PcapNode).GetProperties())
            Assert.Contains(Camel(property.Name), nodeKeys.Keys);
        foreach (var name in new[] { "label", "x", "y", "radius", "fillColor", "strokeColor", "foldedCount", "members" })
            Assert.Contains(name, nodeKeys.Keys);
        var edgeKeys = Keys(document, "edge");
        foreach (var property in typeof(PcapEdge).GetProperties().Where(p => p.Name is not ("Source" or "Destination")))
            Assert.Contains(Camel(property.Name), edgeKeys.Keys);
        Assert.Contains("width", edgeKeys.Keys);
        Assert.Contains("color", edgeKeys.Keys);

        var nodes = Elements(document, "node", "node");
        Assert.Equal(drawing.Nodes.Count, nodes.Count);
        for (int i = 0; i < nodes.Count; i++)
        {
            var drawn = drawing.Nodes[i];
            Assert.Equal(drawn.Id, nodes[i]["id"]);
            Assert.Equal(drawn.X, double.Parse(nodes[i]["x"], CultureInfo.InvariantCulture));
            Assert.Equal(drawn.Y, double.Parse(nodes[i]["y"], CultureInfo.InvariantCulture));
            Assert.Equal(drawn.FillColor, nodes[i]["fillColor"]);
            if (drawn.Node is { } n)
            {
                Assert.Equal(n.Address, nodes[i]["address"]);
                Assert.Equal(n.BytesSent, long.Parse(nodes[i]["bytesSent"], CultureInfo.InvariantCulture));
                Assert.Equal(n.IsInternal, bool.Parse(nodes[i]["isInternal"]));
                Assert.Equal(n.InDegree, int.Parse(nodes[i]["inDegree"], CultureInfo.InvariantCulture));
                if (n.Country is not null)
                    Assert.Equal(n.Country, nodes[i]["country"]);
            }
            else
            {
                Assert.Equal(drawn.Members.Sum(m => m.BytesReceived), long.Parse(nodes[i]["bytesReceived"], CultureInfo.InvariantCulture));
            }
        }
        var edges = Elements(document, "edge", "edge");
        Assert.Equal(drawing.Edges.Count, edges.Count);
        Assert.Equal(drawing.Edges.Sum(e => e.Bytes), edges.Sum(e => long.Parse(e["bytes"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void GraphMl_keys_declare_their_types()
    {
        var drawing = GraphDrawingBuilder.Build(Corpus("shared_eth_mixed_mpls_pwe_dns_http.pcap", 4), new DrawingOptions());
        var document = Parse(Write(new GraphMlWriter(), drawing));
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("g", Ns);
        string TypeOf(string domain, string name) => ((XmlElement)document.SelectSingleNode($"/g:graphml/g:key[@for='{domain}'][@attr.name='{name}']", ns)!).GetAttribute("attr.type");

        Assert.Equal("long", TypeOf("node", "bytesSent"));
        Assert.Equal("int", TypeOf("node", "port"));
        Assert.Equal("boolean", TypeOf("node", "isInternal"));
        Assert.Equal("double", TypeOf("node", "x"));
        Assert.Equal("string", TypeOf("node", "hostNames"));
        Assert.Equal("long", TypeOf("edge", "packets"));
        Assert.Equal("string", TypeOf("edge", "firstSeen"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("tab\tnewline\ncr\r", "tab\tnewline\ncr\r")]
    [InlineData("nul\0bell\u0007esc\u001b", "nul\uFFFDbell\uFFFDesc\uFFFD")]
    [InlineData("nonchar\uFFFE", "nonchar\uFFFD")]
    public void Characters_xml_forbids_are_replaced_and_the_rest_kept(string text, string expected)
    {
        Assert.Equal(expected, GraphMlWriter.XmlSafe(text));
    }

    [Fact]
    public void Unpaired_surrogates_are_replaced_and_pairs_kept()
    {
        // Not theory data: xunit would mangle the lone surrogate while serializing the case.
        Assert.Equal("lone\uFFFD pair\U0001F600 \uFFFDend", GraphMlWriter.XmlSafe("lone\uDC00 pair\U0001F600 \uD800end"));
    }
}
