using System.Globalization;
using PcapViz.Core.Analysis;
using PcapViz.Core.Rendering;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>
/// Drawings built by hand for the SVG, PNG and HTML writer tests, so they do not depend on the layout code: a small
/// styled graph, one whose every string is hostile, a large grid, and a corpus capture laid out by a tiny force layout.
/// </summary>
internal static class SvgPngHtmlSamples
{
    public static readonly string[] HostileStrings =
    [
        "<script>alert(1)</script>",
        "\"]; evil [label=\"",
        "a\nb\r\u0001\u001b[31m",
        "</script><script>alert(2)</script>",
        "line\u2028separator\u2029end",
        "<img src=x onerror=\"alert(3)\">",
        "<!-- comment",
        "]]><x>&amp;",
    ];

    public static PcapNode Node(string address, bool internalHost = true, string[]? hostNames = null, string? country = null) => new()
    {
        Id = address,
        Address = address,
        Mac = ["00:11:22:33:44:55"],
        IsInternal = internalHost,
        Country = country,
        CountryName = country switch { "SE" => "Sweden", "GB" => "United Kingdom", "US" => "United States", _ => null },
        HostNames = new TextList(hostNames ?? []),
        PacketsSent = 10,
        PacketsReceived = 12,
        BytesSent = 1500,
        BytesReceived = 64000,
        InDegree = 1,
        OutDegree = 2,
    };

    public static PcapEdge TopologyEdge(string source, string destination, long bytes, params string[] protocols) => new()
    {
        Source = source,
        Destination = destination,
        Packets = Math.Max(1, bytes / 500),
        Bytes = bytes,
        FirstSeen = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero),
        LastSeen = new DateTimeOffset(2024, 5, 1, 12, 5, 0, TimeSpan.Zero),
        Protocols = new TextList(protocols),
    };

    public static DrawnEdge Edge(string source, string destination, long bytes, string? label, params string[] protocols) =>
        new(source, destination, 1 + Math.Log10(Math.Max(bytes, 1)) / 2, "#7f8c9a", label, Math.Max(1, bytes / 500), bytes, protocols,
            [TopologyEdge(source, destination, bytes, protocols)]);

    /// <summary>Five hosts, a folded group, both directions between two hosts, and a self-loop.</summary>
    public static GraphDrawing Small()
    {
        DrawnNode[] nodes =
        [
            new("10.0.0.8", ["10.0.0.8", "laptop.lan"], 120, 140, 16, "#4e79a7", "#2d4a66", Node("10.0.0.8", hostNames: ["laptop.lan"]), 0),
            new("10.0.0.1", ["10.0.0.1", "gateway"], 320, 90, 12, "#4e79a7", "#2d4a66", Node("10.0.0.1", hostNames: ["gateway"]), 0),
            new("89.160.20.115", ["89.160.20.115", "files.example.se", "(Linköping, Sweden)"], 420, 260, 20, "#f28e2b", "#8a4d12", Node("89.160.20.115", false, ["files.example.se"], "SE"), 0),
            new("81.2.69.161", ["81.2.69.161", "(London, United Kingdom)"], 150, 330, 10, "#59a14f", "#2f5a2a", Node("81.2.69.161", false, country: "GB"), 0),
            new("other:US", ["3 hosts in United States"], 560, 120, 9, "#bab0ac", "#6b6461", null, 3)
            {
                Members = [Node("3.3.3.1", false, ["cdn.example.com"], "US"), Node("3.3.3.2", false, country: "US"), Node("3.3.3.3", false, country: "US")],
            },
        ];
        DrawnEdge[] edges =
        [
            Edge("10.0.0.8", "89.160.20.115", 2_400_000, "2.4 MB\nTCP, TLS", "TCP", "TLS"),
            Edge("89.160.20.115", "10.0.0.8", 38_000, "38.0 kB\nTCP, TLS", "TCP", "TLS"),
            Edge("10.0.0.8", "10.0.0.1", 4_200, "4.2 kB\nUDP, DNS", "UDP", "DNS"),
            Edge("10.0.0.1", "10.0.0.8", 6_100, "6.1 kB\nUDP, DNS", "UDP", "DNS"),
            Edge("81.2.69.161", "10.0.0.8", 900, "900 B\nICMP", "ICMP"),
            Edge("10.0.0.8", "other:US", 12_000, "12.0 kB\nTCP, HTTP", "TCP", "HTTP"),
            Edge("10.0.0.1", "10.0.0.1", 300, "300 B\nUDP", "UDP"),
        ];
        return new GraphDrawing
        {
            Title = "Layer 3: sample.pcap",
            Layer = 3,
            Nodes = nodes,
            Edges = edges,
            Legend = [new("#4e79a7", "Internal"), new("#f28e2b", "Sweden"), new("#59a14f", "United Kingdom"), new("#bab0ac", "Folded group")],
            Width = 600,
            Height = 360,
            Attributions = ["IP Geolocation by DB-IP (https://db-ip.com)"],
            FoldedNodes = 3,
        };
    }

    /// <summary>Every string a capture (or a careless caller) can put into a drawing is hostile.</summary>
    public static GraphDrawing Hostile()
    {
        var nodes = new List<DrawnNode>();
        var edges = new List<DrawnEdge>();
        for (var i = 0; i < HostileStrings.Length; i++)
        {
            var evil = HostileStrings[i];
            var id = $"10.0.0.{i + 1} {evil}";
            var node = Node(id, hostNames: [evil]);
            nodes.Add(new DrawnNode(id, [$"10.0.0.{i + 1}", evil], 100 + (i % 4 * 180), 100 + (i / 4 * 180), 10, "#4e79a7\"><script>alert(4)</script>", "#222", node, 0));
        }

        for (var i = 1; i < nodes.Count; i++)
        {
            var evil = HostileStrings[i % HostileStrings.Length];
            edges.Add(new DrawnEdge(nodes[0].Id, nodes[i].Id, 2, "red\" onload=\"alert(5)", evil, 3, 3000, [evil], [TopologyEdge(nodes[0].Id, nodes[i].Id, 3000, evil)]));
        }

        return new GraphDrawing
        {
            Title = "Layer 3: <script>alert('title')</script>.pcap\u2028",
            Layer = 3,
            Nodes = nodes,
            Edges = edges,
            Legend = [new("#4e79a7", "</script><script>alert(6)</script>"), new("url(javascript:alert(7))", "\u001b[31mred")],
            Width = 800,
            Height = 400,
            Attributions = ["<b>IP Geolocation by DB-IP</b> </script>"],
        };
    }

    /// <summary>A square grid of <paramref name="count"/> nodes, each linked to its right and lower neighbour.</summary>
    public static GraphDrawing Grid(int count, double spacing = 60)
    {
        var side = (int)Math.Ceiling(Math.Sqrt(count));
        var nodes = new List<DrawnNode>(count);
        var edges = new List<DrawnEdge>();
        for (var i = 0; i < count; i++)
        {
            var address = Address(i);
            nodes.Add(new DrawnNode(address, [address], (i % side) * spacing, (i / side) * spacing, 5, i % 3 == 0 ? "#f28e2b" : "#4e79a7", "#333333", Node(address), 0));
        }

        for (var i = 0; i < count; i++)
        {
            if ((i % side) + 1 < side && i + 1 < count)
            {
                edges.Add(Edge(Address(i), Address(i + 1), 1000 + i, null, "TCP"));
            }

            if (i + side < count)
            {
                edges.Add(Edge(Address(i), Address(i + side), 2000 + i, null, "UDP"));
            }
        }

        return new GraphDrawing
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Layer 3: grid of {count}"),
            Layer = 3,
            Nodes = nodes,
            Edges = edges,
            Legend = [new("#4e79a7", "Internal"), new("#f28e2b", "External")],
            Width = side * spacing,
            Height = side * spacing,
            Attributions = ["IP Geolocation by DB-IP"],
        };

        static string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");
    }

    /// <summary>
    /// A real corpus capture's layer-3 topology, laid out here by a small deterministic spring layout (the product's
    /// layout lives elsewhere), styled the way Export-PcapGraph styles it: colour by scope, size and width by traffic.
    /// </summary>
    public static GraphDrawing FromCorpus(string captureName, int layer = 3)
    {
        var input = new TopologyInput();
        input.AddCapture(CaptureAnalyzer.Analyze(Corpus.Capture(captureName)));
        var topology = TopologyBuilder.Build(input, new TopologyOptions { Layer = layer });
        var positions = SpringLayout(topology);
        var maxBytes = Math.Max(1, topology.Nodes.Max(n => n.BytesSent + n.BytesReceived));
        var maxEdge = Math.Max(1, topology.Edges.Max(e => e.Bytes));
        var nodes = topology.Nodes.Select((n, i) =>
        {
            var lines = new List<string> { n.Port is null ? n.Address : $"{n.Address}:{n.Port}" };
            lines.AddRange(n.HostNames.Take(1));
            if (n.CountryName is not null)
            {
                lines.Add(n.City is null ? $"({n.CountryName})" : $"({n.City}, {n.CountryName})");
            }

            var radius = 6 + (14 * Math.Sqrt((double)(n.BytesSent + n.BytesReceived) / maxBytes));
            return new DrawnNode(n.Id, lines, positions[i].X, positions[i].Y, radius, n.IsInternal ? "#4e79a7" : "#f28e2b", n.IsInternal ? "#2d4a66" : "#8a4d12", n, 0);
        }).ToList();
        var edges = topology.Edges.Select(e => new DrawnEdge(
            e.Source, e.Destination, 0.8 + (5 * Math.Sqrt((double)e.Bytes / maxEdge)), "#8c96a0",
            $"{Units.Bytes(e.Bytes)}\n{string.Join(", ", e.Protocols)}", e.Packets, e.Bytes, e.Protocols, [e])).ToList();
        var minX = positions.Min(p => p.X);
        var minY = positions.Min(p => p.Y);
        return new GraphDrawing
        {
            Title = $"Layer {layer}: {captureName}",
            Layer = layer,
            Nodes = nodes.Select(n => n with { X = n.X - minX, Y = n.Y - minY }).ToList(),
            Edges = edges,
            Legend = [new("#4e79a7", "Internal"), new("#f28e2b", "External")],
            Width = positions.Max(p => p.X) - minX,
            Height = positions.Max(p => p.Y) - minY,
            Attributions = ["IP Geolocation by DB-IP (https://db-ip.com)"],
        };
    }

    private static (double X, double Y)[] SpringLayout(PcapTopology topology)
    {
        var count = topology.Nodes.Length;
        var index = topology.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var random = new Random(7);
        var x = new double[count];
        var y = new double[count];
        for (var i = 0; i < count; i++)
        {
            x[i] = random.NextDouble() * 600;
            y[i] = random.NextDouble() * 600;
        }

        var k = 110.0;
        var links = topology.Edges.Select(e => (index[e.Source], index[e.Destination])).Where(p => p.Item1 != p.Item2).ToArray();
        for (var step = 0; step < 300; step++)
        {
            var temperature = 60.0 * (1 - (step / 300.0)) + 1;
            var dx = new double[count];
            var dy = new double[count];
            for (var i = 0; i < count; i++)
            {
                for (var j = i + 1; j < count; j++)
                {
                    var ddx = x[i] - x[j];
                    var ddy = y[i] - y[j];
                    var d2 = Math.Max((ddx * ddx) + (ddy * ddy), 0.01);
                    if (d2 > 9 * k * k)
                    {
                        continue;
                    }

                    var force = k * k / d2;
                    dx[i] += ddx * force; dy[i] += ddy * force;
                    dx[j] -= ddx * force; dy[j] -= ddy * force;
                }
            }

            foreach (var (a, b) in links)
            {
                var ddx = x[a] - x[b];
                var ddy = y[a] - y[b];
                var d = Math.Max(Math.Sqrt((ddx * ddx) + (ddy * ddy)), 0.01);
                var force = d / k;
                dx[a] -= ddx * force; dy[a] -= ddy * force;
                dx[b] += ddx * force; dy[b] += ddy * force;
            }

            for (var i = 0; i < count; i++)
            {
                // A weak pull to the centre keeps separate components on the page.
                dx[i] -= (x[i] - 300) * 0.05;
                dy[i] -= (y[i] - 300) * 0.05;
                var length = Math.Max(Math.Sqrt((dx[i] * dx[i]) + (dy[i] * dy[i])), 0.01);
                x[i] += dx[i] / length * Math.Min(length, temperature);
                y[i] += dy[i] / length * Math.Min(length, temperature);
            }
        }

        return Enumerable.Range(0, count).Select(i => (x[i], y[i])).ToArray();
    }
}
