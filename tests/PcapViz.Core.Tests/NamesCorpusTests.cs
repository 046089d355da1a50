using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using PcapViz.Core.Names;
using PcapViz.Core.Topology;
using Xunit.Abstractions;

namespace PcapViz.Core.Tests;

/// <summary>
/// Names collected from the shared corpus agree with tshark, run here as an independent reference.
/// Where the protocols allow the comparison is exact; where tshark does more than we mean to (it reassembles TCP,
/// it looks inside tunnels and ICMP errors) the rule is spelled out beside the comparison.
/// </summary>
/// <remarks>
/// Where tshark is missing the comparison is reported skipped, saying so (and fails where CI requires the tools: see
/// <see cref="RequiredTool"/>).
/// </remarks>
public sealed class NamesCorpusTests
{
    private static readonly string[] DnsPorts = ["53", "5353", "5355"];
    private readonly ITestOutputHelper _output;

    public NamesCorpusTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<string> Captures => Corpus.CaptureNames();

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Names_agree_with_tshark(string name)
    {
        var rows = Tshark.Rows(_output, Corpus.Capture(name));
        // The record-by-record JSON is slower to make; ask for it only when there are responses to read.
        var answers = rows.Any(r => r["dns.flags.response"] is ["1"])
            ? Tshark.Json(_output, Corpus.Capture(name), "dns.flags.response == 1", "ip ipv6 icmp icmpv6 udp tcp dns mdns llmnr")
            : JsonDocument.Parse("[]").RootElement;
        var names = Collect(Corpus.Capture(name));
        var expected = Expected.From(rows, answers);
        var failures = new List<string>();

        // DNS, mDNS, LLMNR: every (name, address) an A/AAAA answer gives, through CNAME chains: exactly equal.
        Compare(failures, "dns", expected.Dns, [], Pairs(names, NameSource.Dns));
        // TLS and HTTP: names from requests that fit in one segment must all be found; names tshark had to
        // reassemble may be found (when the name happens to be in the first segment) but need not be.
        Compare(failures, "tls", expected.Tls, expected.TlsReassembled, Pairs(names, NameSource.Tls));
        Compare(failures, "http", expected.Http, expected.HttpReassembled, Pairs(names, NameSource.Http));
        Compare(failures, "dhcp", expected.Dhcp, [], Pairs(names, NameSource.Dhcp));
        Compare(failures, "dhcp-mac", expected.DhcpMacs, [],
            names.Macs.SelectMany(m => m.Names.Select(n => (n.Name, NodeIds.Mac(m.Mac)))).ToHashSet());
        var queries = names.DnsQueries.OrderBy(q => q.Key, StringComparer.Ordinal).ToList();
        var expectedQueries = expected.Queries.OrderBy(q => q.Key, StringComparer.Ordinal).ToList();
        if (!queries.SequenceEqual(expectedQueries))
            failures.Add($"dns queries: expected {string.Join(", ", expectedQueries.Except(queries).Take(8))}; got {string.Join(", ", queries.Except(expectedQueries).Take(8))}");

        _output.WriteLine($"{name}: dns {expected.Dns.Count}, tls {expected.Tls.Count}(+{expected.TlsReassembled.Count} reassembled), http {expected.Http.Count}(+{expected.HttpReassembled.Count}), " +
            $"dhcp {expected.Dhcp.Count} ip / {expected.DhcpMacs.Count} mac, {expected.Queries.Count} query names; {expected.SkippedTunnelled} tunnelled or quoted frames left to tshark");
        Assert.True(failures.Count == 0, name + ":\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Corpus_captures_give_the_names_they_are_known_for()
    {
        // Not a tshark comparison: pins that the captures the comparison relies on are not trivially empty.
        var dns = Collect(Corpus.Capture("shared_eth_dns_llmnr_mdns.pcap"));
        Assert.Contains(new HostName("yaels-iphone.local", NameSource.Dns), dns.NamesFor(IPAddress.Parse("fe80::5a1f:aaff:fe4f:3f9d")));
        Assert.Contains(new HostName("accounts.google.co.il", NameSource.Dns), dns.NamesFor(IPAddress.Parse("74.125.206.94")));
        Assert.Contains(new HostName("accounts-cctld.l.google.com", NameSource.Dns), dns.NamesFor(IPAddress.Parse("74.125.206.94")));
        Assert.Equal(4, dns.DnsQueries["bichman"]);

        var tls = Collect(Corpus.Capture("shared_eth_tls_v4v6_167ips.pcap"));
        Assert.Equal(new HostName("www.youtube.com", NameSource.Tls), tls.NamesFor(IPAddress.Parse("2607:f8b0:4005:801::200e"))[0]);
        Assert.Contains(new HostName("elb-ore-amz.nimbus.bitdefender.net", NameSource.Tls), tls.NamesFor(IPAddress.Parse("35.166.183.131")));

        var sll = Collect(Corpus.Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap"));
        Assert.Contains(new HostName("Bichman", NameSource.Dhcp), sll.NamesFor(IPAddress.Parse("10.0.0.5")));
        Assert.Equal([new HostName("Bichman", NameSource.Dhcp)], sll.NamesForMac(0x6c_f0_49_b2_de_6e));
        Assert.Equal(
            [new HostName("www.ynet.co.il", NameSource.Dns), new HostName("ynet.co.il.d4p.net", NameSource.Dns), new HostName("a39.g.akamai.net", NameSource.Dns), new HostName("www.ynet.co.il", NameSource.Http)],
            sll.NamesFor(IPAddress.Parse("212.199.202.69")));

        var raw = Collect(Corpus.Capture("shared_rawip_v4v6_http_dns.pcap"));
        Assert.Contains(new HostName("www.uk6x.com", NameSource.Http), raw.NamesFor(IPAddress.Parse("2001:618:1:8000::5")));
        Assert.Equal([new HostName("Bichman", NameSource.Dhcp)], raw.NamesForMac(0x0a_00_27_00_00_0d));
    }

    /// <summary>The names of one capture, read the way the analyzer reads packets, with caps too large to matter here.</summary>
    private static HostNameCollector Collect(string path)
    {
        var names = new HostNameCollector(maxNamesPerAddress: 10_000, maxAddresses: 1_000_000, maxQueryNames: 1_000_000);
        using var reader = CaptureReader.Open(path);
        RawPacket raw = default;
        DecodedPacket decoded = default;
        while (reader.ReadNext(ref raw))
        {
            if (LinkType.IsFastPath(raw.LinkType))
                PacketDecoder.Decode(raw.LinkType, raw.Data, ref decoded);
            else
                PacketDotNetReference.Decode(raw.LinkType, raw.Data, ref decoded);
            names.Observe(raw.Data, decoded);
        }
        return names;
    }

    private static HashSet<(string Name, string Address)> Pairs(HostNameCollector names, NameSource source) =>
        names.Addresses.SelectMany(a => a.Names.Where(n => n.Source == source).Select(n => (n.Name, a.Address.ToString()))).ToHashSet();

    private static void Compare(List<string> failures, string kind, HashSet<(string, string)> required, HashSet<(string, string)> allowed, HashSet<(string, string)> actual)
    {
        var missing = required.Except(actual).ToList();
        var extra = actual.Except(required).Except(allowed).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            failures.Add($"{kind}: missing {string.Join("; ", missing.Take(8))} | extra {string.Join("; ", extra.Take(8))}");
    }

    /// <summary>What tshark's dissection says each kind of name should be, by the same tying rules as the collector.</summary>
    private sealed class Expected
    {
        public HashSet<(string, string)> Dns { get; } = [];
        public HashSet<(string, string)> Tls { get; } = [];
        public HashSet<(string, string)> TlsReassembled { get; } = [];
        public HashSet<(string, string)> Http { get; } = [];
        public HashSet<(string, string)> HttpReassembled { get; } = [];
        public HashSet<(string, string)> Dhcp { get; } = [];
        public HashSet<(string, string)> DhcpMacs { get; } = [];
        public Dictionary<string, long> Queries { get; } = new(StringComparer.Ordinal);
        public int SkippedTunnelled { get; private set; }

        public static Expected From(List<Dictionary<string, string[]>> rows, JsonElement answers)
        {
            var expected = new Expected();
            foreach (var row in rows)
                expected.Add(row);
            foreach (var packet in answers.EnumerateArray())
                expected.AddAnswers(packet.GetProperty("_source").GetProperty("layers"));
            return expected;
        }

        private void Add(Dictionary<string, string[]> f)
        {
            // We read the transport directly on the outermost IP header (as the flows do); tshark also dissects
            // packets inside tunnels and those quoted by ICMP errors. Such frames carry two IP headers.
            if (f["ip.dst"].Length + f["ipv6.dst"].Length != 1 || f["icmp.type"].Length + f["icmpv6.type"].Length > 0)
            {
                SkippedTunnelled++;
                return;
            }
            string destination = IPAddress.Parse(f["ip.dst"].Concat(f["ipv6.dst"]).Single()).ToString();
            string sourcePort = f["udp.srcport"].Concat(f["tcp.srcport"]).FirstOrDefault() ?? "";
            string destinationPort = f["udp.dstport"].Concat(f["tcp.dstport"]).FirstOrDefault() ?? "";
            bool reassembled = f["tcp.reassembled.length"].Length > 0;

            if (f["dns.flags.opcode"] is ["0"])
            {
                // Questions count when sent towards a DNS port (the collector's rule); answers are read from tshark's JSON.
                if (f["dns.flags.response"] is ["0"] && DnsPorts.Contains(destinationPort))
                {
                    foreach (var question in f["dns.qry.name"].Where(q => q != "<Root>"))
                        Queries[question.ToLowerInvariant()] = Queries.GetValueOrDefault(question.ToLowerInvariant()) + 1;
                }
            }

            if (f["tls.handshake.type"].Contains("1"))
            {
                foreach (var serverName in f["tls.handshake.extensions_server_name"])
                    (reassembled ? TlsReassembled : Tls).Add((serverName.ToLowerInvariant(), destination));
            }

            if (f["http.request.method"].Length > 0 && f["http.host"] is [var host] && HttpHost(host) is { } hostName)
                (reassembled ? HttpReassembled : Http).Add((hostName, destination));

            if (f["dhcp.option.hostname"] is [var dhcpName, ..])
            {
                string client = f["dhcp.ip.client"].FirstOrDefault() ?? "0.0.0.0";
                string requested = f["dhcp.option.requested_ip_address"].FirstOrDefault() ?? "0.0.0.0";
                string your = f["dhcp.ip.your"].FirstOrDefault() ?? "0.0.0.0";
                string address = client != "0.0.0.0" ? client : requested != "0.0.0.0" ? requested : your;
                if (address is not ("0.0.0.0" or "255.255.255.255") && !f["dhcp.option.dhcp"].Contains("4"))
                    Dhcp.Add((dhcpName, address));
                if (f["dhcp.hw.mac_addr"] is [var mac, ..])
                    DhcpMacs.Add((dhcpName, mac));
            }
        }

        /// <summary>
        /// One DNS, mDNS or LLMNR response as tshark's JSON shows it, record by record (the flat field list cannot be
        /// used: an NSEC record's type bitmap repeats dns.resp.type). Answers count from a DNS port, as the collector
        /// reads them; every alias whose CNAME chain reaches an address record names that address.
        /// </summary>
        private void AddAnswers(JsonElement layers)
        {
            var protocols = layers.EnumerateObject().ToList();
            if (protocols.Count(p => p.Name is "ip" or "ipv6") != 1 || protocols.Any(p => p.Name is "icmp" or "icmpv6"))
            {
                SkippedTunnelled++;
                return;
            }
            var transport = protocols.FirstOrDefault(p => p.Name is "udp" or "tcp");
            if (transport.Value.ValueKind != JsonValueKind.Object || !DnsPorts.Contains(First(transport.Value, transport.Name + ".srcport")))
                return;
            foreach (var message in protocols.Where(p => p.Name is "dns" or "mdns" or "llmnr").Select(p => p.Value))
            {
                if (!message.TryGetProperty("dns.flags_tree", out var flags) || First(flags, "dns.flags.opcode") != "0")
                    continue;
                var addresses = new List<(string Owner, string Address)>();
                var aliases = new List<(string Alias, string Target)>();
                foreach (var section in message.EnumerateObject().Where(p => p.Name is "Answers" or "Authoritative nameservers" or "Additional records"))
                {
                    foreach (var record in section.Value.EnumerateObject().Select(r => r.Value))
                    {
                        string owner = First(record, "dns.resp.name")!.ToLowerInvariant();
                        switch (First(record, "dns.resp.type"))
                        {
                            case "1" when First(record, "dns.a") is { } a:
                                addresses.Add((owner, a));
                                break;
                            case "28" when First(record, "dns.aaaa") is { } aaaa:
                                addresses.Add((owner, IPAddress.Parse(aaaa).ToString()));
                                break;
                            case "5" when First(record, "dns.cname") is { } target:
                                aliases.Add((owner, target.ToLowerInvariant()));
                                break;
                        }
                    }
                }
                foreach (var (owner, address) in addresses)
                {
                    var reached = new HashSet<string> { owner };
                    var pending = new Queue<string>([owner]);
                    while (pending.TryDequeue(out var target))
                    {
                        foreach (var (alias, _) in aliases.Where(e => e.Target == target))
                        {
                            if (reached.Add(alias))
                                pending.Enqueue(alias);
                        }
                    }
                    foreach (var name in reached.Where(n => n != "<root>"))
                        Dns.Add((name, address));
                }
            }
        }

        private static string? First(JsonElement element, string property) =>
            element.EnumerateObject().Where(p => p.Name == property).Select(p => p.Value.GetString()).FirstOrDefault();

        /// <summary>The collector's reading of a Host header: lower case, no port, and an address literal is no name.</summary>
        private static string? HttpHost(string host)
        {
            if (host.StartsWith('['))
                return null;
            int colon = host.LastIndexOf(':');
            if (colon >= 0 && host[(colon + 1)..].All(char.IsAsciiDigit))
                host = host[..colon];
            return host.Length == 0 || host.All(c => char.IsAsciiDigit(c) || c == '.') ? null : host.ToLowerInvariant();
        }
    }

    /// <summary>Runs tshark over a capture once and returns each frame's fields; skips the test where tshark is missing.</summary>
    private static class Tshark
    {
        private static readonly string[] Fields =
        [
            "frame.number", "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "icmp.type", "icmpv6.type",
            "tcp.reassembled.length", "dns.flags.response", "dns.flags.opcode", "dns.qry.name", "dns.resp.name", "dns.resp.type",
            "dns.a", "dns.aaaa", "dns.cname", "tls.handshake.type", "tls.handshake.extensions_server_name", "http.request.method",
            "http.host", "dhcp.option.hostname", "dhcp.ip.client", "dhcp.option.requested_ip_address", "dhcp.ip.your",
            "dhcp.hw.mac_addr", "dhcp.option.dhcp",
        ];

        public static List<Dictionary<string, string[]>> Rows(ITestOutputHelper output, string capture)
        {
            string[] arguments = ["-n", "-r", capture, "-Y", "dns || mdns || llmnr || tls.handshake.type == 1 || http.request || dhcp",
                "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=/t", .. Fields.SelectMany(f => new[] { "-e", f })];
            string text = Run(output, arguments);
            var rows = new List<Dictionary<string, string[]>>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var columns = line.Split('\t');
                var row = new Dictionary<string, string[]>(StringComparer.Ordinal);
                for (int i = 0; i < Fields.Length; i++)
                    row[Fields[i]] = i < columns.Length && columns[i].Length > 0 ? columns[i].Split('|') : [];
                rows.Add(row);
            }
            return rows;
        }

        /// <summary>The frames matching <paramref name="filter"/> as tshark's JSON, limited to the given protocols' trees.</summary>
        public static JsonElement Json(ITestOutputHelper output, string capture, string filter, string protocols)
        {
            string text = Run(output, ["-n", "-r", capture, "-Y", filter, "-T", "json", "-J", protocols]);
            // An empty result is printed as nothing at all (or an empty array, depending on the version).
            return string.IsNullOrWhiteSpace(text) ? JsonDocument.Parse("[]").RootElement : JsonDocument.Parse(text).RootElement;
        }

        private static string Run(ITestOutputHelper output, string[] arguments)
        {
            var tshark = RequiredTool.Find("tshark", "it is the reference the collected names are compared with.");
            var (text, exitCode, error) = ExternalTool.Run(tshark, arguments);
            // tshark exits non-zero on a damaged file after printing every frame it could read; that is still a reference.
            if (exitCode != 0)
                output.WriteLine($"tshark exited {exitCode}: {error}");
            return text;
        }
    }
}
