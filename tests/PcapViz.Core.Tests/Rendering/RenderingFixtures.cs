using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PcapViz.Core.Analysis;
using PcapViz.Core.Geo;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>Topologies for the rendering tests: corpus captures, synthetic large graphs, and hostile labels.</summary>
internal static class RenderingFixtures
{
    private static readonly ConcurrentDictionary<(string, int), PcapTopology> Topologies = new();

    /// <summary>Captures with enough variety to exercise layout: stars, meshes, many components, IPv6, layer 2.</summary>
    public static readonly string[] LayoutCaptures =
    [
        "shared_eth_tls_v4v6_167ips.pcap",
        "shared_many_hosts_srvloc_310ips.pcap",
        "shared_eth_mixed_mpls_pwe_dns_http.pcap",
        "shared_sll_mixed_tcp_dns_dhcp_arp.pcap",
        "shared_eth_dns_llmnr_mdns.pcap",
        "shared_pcapng_11_interfaces_ether_null.pcapng",
    ];

    public static TheoryData<string, int> LayoutCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var capture in LayoutCaptures)
        {
            for (int layer = 2; layer <= 4; layer++)
                data.Add(capture, layer);
        }
        return data;
    }

    public static PcapTopology Corpus(string capture, int layer) => Topologies.GetOrAdd((capture, layer), key =>
    {
        var input = new TopologyInput();
        input.AddCapture(CaptureAnalyzer.Analyze(Tests.Corpus.Capture(key.Item1)));
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = key.Item2, Geo = GeoLocator.Default() });
    });

    /// <summary>
    /// A layer-4 graph of <paramref name="count"/> endpoints: internal clients on ephemeral ports talking to external
    /// servers on 443 (a few servers get most clients), both directions, node totals summed from the edges.
    /// </summary>
    public static PcapTopology SyntheticLayer4(int count, int seed = 7)
    {
        var random = new Random(seed);
        int servers = Math.Max(2, count / 100);
        int clients = count - servers;
        string[] countries = ["DE", "US", "FR", "JP", "BR", "SE"];
        var serverIds = Enumerable.Range(0, servers).Select(s => (Ip: $"203.0.{s / 250}.{s % 250 + 1}", Id: $"203.0.{s / 250}.{s % 250 + 1}:443")).ToArray();
        var clientIds = Enumerable.Range(0, clients).Select(c => (Ip: $"10.{c / 60000}.{c / 250 % 240}.{c % 250 + 1}", Port: 49152 + c % 16000)).Select(c => (c.Ip, c.Port, Id: $"{c.Ip}:{c.Port}")).ToArray();
        var edges = new List<PcapEdge>(2 * clients);
        var start = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        for (int c = 0; c < clients; c++)
        {
            int s = (int)Math.Min(servers - 1, Math.Floor(Math.Pow(random.NextDouble(), 3) * servers));
            long bytes = 100 + random.Next(1_000_000);
            edges.Add(new PcapEdge { Source = clientIds[c].Id, Destination = serverIds[s].Id, Packets = 10, Bytes = bytes, Protocols = ["TCP", "TLS"], FirstSeen = start, LastSeen = start.AddSeconds(c) });
            edges.Add(new PcapEdge { Source = serverIds[s].Id, Destination = clientIds[c].Id, Packets = 12, Bytes = 3 * bytes, Protocols = ["TCP", "TLS"], FirstSeen = start, LastSeen = start.AddSeconds(c) });
        }
        var totals = new Dictionary<string, (int In, int Out, long PacketsSent, long PacketsReceived, long BytesSent, long BytesReceived)>();
        foreach (var e in edges)
        {
            var outbound = totals.GetValueOrDefault(e.Source);
            totals[e.Source] = outbound with { Out = outbound.Out + 1, PacketsSent = outbound.PacketsSent + e.Packets, BytesSent = outbound.BytesSent + e.Bytes };
            var inbound = totals.GetValueOrDefault(e.Destination);
            totals[e.Destination] = inbound with { In = inbound.In + 1, PacketsReceived = inbound.PacketsReceived + e.Packets, BytesReceived = inbound.BytesReceived + e.Bytes };
        }
        PcapNode Make(string id, string address, int port, bool isInternal, string? country, string[] hostNames)
        {
            var t = totals.GetValueOrDefault(id);
            return new PcapNode
            {
                Id = id,
                Address = address,
                Port = port,
                Mac = [],
                IsInternal = isInternal,
                Country = country,
                HostNames = new TextList(hostNames),
                InDegree = t.In,
                OutDegree = t.Out,
                PacketsSent = t.PacketsSent,
                PacketsReceived = t.PacketsReceived,
                BytesSent = t.BytesSent,
                BytesReceived = t.BytesReceived,
            };
        }
        var nodes = clientIds.Select(c => Make(c.Id, c.Ip, c.Port, true, null, []))
            .Concat(serverIds.Select((s, i) => Make(s.Id, s.Ip, 443, false, countries[i % countries.Length], [$"server{i}.example.com"])))
            .ToArray();
        return new PcapTopology
        {
            Layer = 4,
            Nodes = nodes,
            Edges = edges.ToArray(),
            Captures = ["/captures/synthetic.pcap"],
            Packets = edges.Sum(e => e.Packets),
            Bytes = edges.Sum(e => e.Bytes),
        };
    }

    /// <summary>A node whose counters are summed from <paramref name="edges"/>.</summary>
    public static PcapNode Node(string id, string address, int? port, bool isInternal, string? country, string[] hostNames, IReadOnlyList<PcapEdge> edges,
        string? city = null, string? countryName = null, string? asOrganization = null, long? asn = null, string[]? mac = null) => new()
    {
        Id = id,
        Address = address,
        Port = port,
        Mac = new TextList(mac ?? []),
        IsInternal = isInternal,
        Country = country,
        CountryName = countryName,
        City = city,
        Asn = asn,
        AsOrganization = asOrganization,
        HostNames = new TextList(hostNames),
        InDegree = edges.Count(e => e.Destination == id),
        OutDegree = edges.Count(e => e.Source == id),
        PacketsSent = edges.Where(e => e.Source == id).Sum(e => e.Packets),
        PacketsReceived = edges.Where(e => e.Destination == id).Sum(e => e.Packets),
        BytesSent = edges.Where(e => e.Source == id).Sum(e => e.Bytes),
        BytesReceived = edges.Where(e => e.Destination == id).Sum(e => e.Bytes),
    };

    public const string Script = "<script>alert(1)</script>";
    public const string DotBreakout = "\"]; evil [label=\"";
    public const string Controls = "a\nb\r\u0001\u001b[31m";
    public const string Backslashes = "back\\slash\\";
    public const string Entity = "&lt;b&gt; &amp; \\N";

    /// <summary>A layer-3 topology whose capture-derived text is hostile: markup, DOT syntax, control characters.</summary>
    public static PcapTopology Hostile()
    {
        var t0 = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var edges = new[]
        {
            new PcapEdge { Source = "10.0.0.5", Destination = "81.2.69.161", Packets = 7, Bytes = 4200, Protocols = ["TCP", Script], FirstSeen = t0, LastSeen = t0.AddMinutes(1) },
            new PcapEdge { Source = "81.2.69.161", Destination = "10.0.0.5", Packets = 5, Bytes = 1300, Protocols = ["TCP", DotBreakout], FirstSeen = t0, LastSeen = t0.AddMinutes(2) },
            new PcapEdge { Source = "10.0.0.5", Destination = "89.160.20.113", Packets = 3, Bytes = 900, Protocols = [Controls], FirstSeen = t0, LastSeen = t0 },
            new PcapEdge { Source = "10.0.0.6", Destination = "81.2.69.161", Packets = 1, Bytes = 60, Protocols = ["UDP"], FirstSeen = t0, LastSeen = t0 },
        };
        var nodes = new[]
        {
            Node("10.0.0.5", "10.0.0.5", null, true, null, [Script, "second.example"], edges, mac: ["02:00:00:00:00:05"]),
            Node("81.2.69.161", "81.2.69.161", null, false, "GB", [DotBreakout], edges, city: Controls, countryName: "United Kingdom", asOrganization: Script, asn: 64500),
            Node("89.160.20.113", "89.160.20.113", null, false, "SE", [Controls], edges, city: Backslashes, countryName: Entity),
            Node("10.0.0.6", "10.0.0.6", null, true, null, [Backslashes, Entity], edges),
        };
        return new PcapTopology
        {
            Layer = 3,
            Nodes = nodes,
            Edges = edges,
            Captures = ["/tmp/" + Script + ".pcap"],
            Packets = edges.Sum(e => e.Packets),
            Bytes = edges.Sum(e => e.Bytes),
        };
    }

    /// <summary>Every node's circle-and-label box, as the layout reserved it.</summary>
    public static (double[] X, double[] Y, double[] HalfWidth, double[] Above, double[] Below) Boxes(GraphDrawing drawing)
    {
        int n = drawing.Nodes.Count;
        var x = new double[n];
        var y = new double[n];
        var hw = new double[n];
        var above = new double[n];
        var below = new double[n];
        for (int i = 0; i < n; i++)
        {
            var node = drawing.Nodes[i];
            x[i] = node.X;
            y[i] = node.Y;
            double text = node.LabelLines.Count == 0 ? 0 : node.LabelLines.Max(TextMeasure.Width) * drawing.FontSize;
            hw[i] = Math.Max(node.Radius, text / 2);
            above[i] = node.Radius;
            below[i] = node.Radius + drawing.LabelGap + node.LabelLines.Count * drawing.LineHeight;
        }
        return (x, y, hw, above, below);
    }

    public static byte[] Write(IGraphWriter writer, GraphDrawing drawing)
    {
        using var stream = new MemoryStream();
        writer.Write(drawing, stream, CancellationToken.None);
        return stream.ToArray();
    }

    /// <summary>Runs a Graphviz program on <paramref name="input"/>; null when Graphviz is not installed.</summary>
    public static (int ExitCode, string Output, string Errors)? Graphviz(string program, byte[] input, params string[] arguments)
    {
        var executable = GraphvizLayout.Find(program);
        if (executable is null)
            return null;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    public static string Ms(Stopwatch watch) => watch.Elapsed.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";
}
