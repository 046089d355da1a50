using System.Net;
using System.Text;
using PcapViz.Core.Decoding;
using PcapViz.Core.Names;
using static PcapViz.Core.Tests.Frames;
using static PcapViz.Core.Tests.NamesFrames;

namespace PcapViz.Core.Tests;

/// <summary>Host names read from hand-built packets: each source, the hostile cases, the caps and merging.</summary>
public sealed class NamesTests
{
    private const string Resolver = "192.0.2.53", Client = "192.0.2.10";

    private static byte[] Answer(string question, params byte[][] answers) => UdpFrame(Resolver, Client, 53, 40000, DnsResponse(question, answers));

    [Fact]
    public void Dns_a_and_aaaa_answers_name_their_addresses()
    {
        var names = new HostNameCollector();
        names.Observe(Answer("www.example.com", A(DnsName("www.example.com"), "93.184.216.34")));
        names.Observe(UdpFrame("2001:db8::53", "2001:db8::10", 53, 40001,
            DnsResponse("www.example.com", Aaaa(DnsName("www.example.com"), "2606:2800:220:1:248:1893:25c8:1946"))));

        Assert.Equal(new HostName("www.example.com", NameSource.Dns), Assert.Single(names.NamesFor(IPAddress.Parse("93.184.216.34"))));
        Assert.Equal(["www.example.com"], names.Names("2606:2800:220:1:248:1893:25c8:1946"));
        Assert.Empty(names.NamesFor(IPAddress.Parse(Resolver)));
        Assert.Equal(2, names.AddressCount);
    }

    [Fact]
    public void Dns_cname_chain_ties_the_asked_name_and_every_alias_to_the_final_address()
    {
        var names = new HostNameCollector();
        // Compressed as a server would: every name after the question points back into the message.
        var header = DnsHeader(true, 1, 4);
        var question = Question(DnsName("www.ynet.co.il"));
        int questionName = header.Length;
        var edgekey = Cat(DnsName("www.ynet.co.il.edgekey.net"));
        var answer1 = Cname(Pointer(questionName), edgekey);
        int edgekeyName = header.Length + question.Length + answer1.Length - edgekey.Length;
        var akamai = DnsName("e12476.b.akamaiedge.net");
        var answer2 = Cname(Pointer(edgekeyName), akamai);
        int akamaiName = header.Length + question.Length + answer1.Length + answer2.Length - akamai.Length;
        var answer3 = A(Pointer(akamaiName), "23.221.143.117");
        var answer4 = A(Pointer(akamaiName), "23.221.143.118");
        names.Observe(UdpFrame(Resolver, Client, 53, 40000, Cat(header, question, answer1, answer2, answer3, answer4)));

        string[] expected = ["www.ynet.co.il", "www.ynet.co.il.edgekey.net", "e12476.b.akamaiedge.net"];
        Assert.Equal(expected, names.Names("23.221.143.117"));
        Assert.Equal(expected, names.Names("23.221.143.118"));
    }

    [Fact]
    public void Dns_cname_records_in_any_order_and_branches_are_followed()
    {
        var names = new HostNameCollector();
        names.Observe(Answer("a.example",
            A(DnsName("final.example"), "198.51.100.7"),
            Cname(DnsName("b.example"), DnsName("final.example")),
            Cname(DnsName("a.example"), DnsName("b.example")),
            Cname(DnsName("other.example"), DnsName("final.example")),
            Cname(DnsName("unrelated.example"), DnsName("elsewhere.example"))));

        var got = names.Names("198.51.100.7");
        Assert.Equal(4, got.Length);
        Assert.Equal("final.example", got[^1]);
        Assert.Equal(["a.example", "b.example", "final.example", "other.example"], got.Order());
        Assert.True(Array.IndexOf(got, "a.example") < Array.IndexOf(got, "b.example"));
    }

    [Fact]
    public void Dns_cname_loops_end()
    {
        var names = new HostNameCollector();
        names.Observe(Answer("a.example",
            Cname(DnsName("a.example"), DnsName("b.example")),
            Cname(DnsName("b.example"), DnsName("a.example")),
            Cname(DnsName("c.example"), DnsName("c.example")),
            A(DnsName("a.example"), "198.51.100.8")));

        Assert.Equal(["a.example", "b.example"], names.Names("198.51.100.8").Order());
    }

    [Fact]
    public void Dns_compression_pointer_loops_and_bad_offsets_give_no_name_and_no_hang()
    {
        var names = new HostNameCollector();
        var header = DnsHeader(true, 0, 3);
        int first = header.Length;
        // A pointer to itself; a name pointing into its own record's data, which points back at the name; a pointer past the end.
        var self = A(Pointer(first), "198.51.100.1");
        int second = first + self.Length;
        var mutual = Cat(Pointer(second + 12), Be16(1), Be16(1), Be32(60), Be16(4), Pointer(second), [0, 0]);
        var outside = A(Pointer(0x3FFF), "198.51.100.3");
        names.Observe(UdpFrame(Resolver, Client, 53, 40000, Cat(header, self, mutual, outside)));

        Assert.Equal(0, names.AddressCount);
    }

    [Fact]
    public void Dns_truncated_response_keeps_the_records_before_the_cut()
    {
        var message = DnsResponse("x.example", A(DnsName("x.example"), "198.51.100.20"), A(DnsName("y.example"), "198.51.100.21"));
        var names = new HostNameCollector();
        names.Observe(UdpFrame(Resolver, Client, 53, 40000, message[..^2]));

        Assert.Equal(["x.example"], names.Names("198.51.100.20"));
        Assert.Empty(names.Names("198.51.100.21"));
    }

    [Fact]
    public void Dns_answers_are_believed_only_from_a_dns_port_and_only_for_standard_queries()
    {
        var names = new HostNameCollector();
        var response = DnsResponse("x.example", A(DnsName("x.example"), "198.51.100.30"));
        names.Observe(UdpFrame(Client, Resolver, 40000, 53, response));
        names.Observe(UdpFrame(Resolver, Client, 54, 40000, response));
        var update = Cat(DnsHeader(true, 1, 1, opcode: 5), Question(DnsName("x.example")), A(DnsName("x.example"), "198.51.100.31"));
        names.Observe(UdpFrame(Resolver, Client, 53, 40000, update));
        var chaos = Cat(DnsHeader(true, 1, 1), Question(DnsName("x.example")), Record(DnsName("x.example"), 1, [198, 51, 100, 32], @class: 3));
        names.Observe(UdpFrame(Resolver, Client, 53, 40000, chaos));

        Assert.Equal(0, names.AddressCount);
        Assert.Empty(names.DnsQueries);
    }

    [Fact]
    public void Mdns_and_llmnr_answers_name_addresses()
    {
        var names = new HostNameCollector();
        // mDNS announcements carry no question and set the cache-flush bit in the class.
        var announcement = Cat(DnsHeader(true, 0, 2), Record(DnsName("MyPrinter.local"), 1, [192, 168, 1, 20], @class: 0x8001),
            Record(DnsName("MyPrinter.local"), 28, IPAddress.Parse("fe80::20").GetAddressBytes(), @class: 0x8001));
        names.Observe(UdpFrame("192.168.1.20", "224.0.0.251", 5353, 5353, announcement));
        names.Observe(UdpFrame("fe80::30", "fe80::10", 5355, 50000, DnsResponse("desktop-7", Aaaa(DnsName("desktop-7"), "fe80::30"))));

        Assert.Equal(["myprinter.local"], names.Names("192.168.1.20"));
        Assert.Equal(["myprinter.local"], names.Names("fe80::20"));
        Assert.Equal(["desktop-7"], names.Names("fe80::30"));
    }

    [Fact]
    public void Dns_queries_are_counted_by_name_and_responses_are_not()
    {
        var names = new HostNameCollector();
        names.Observe(UdpFrame(Client, Resolver, 40000, 53, DnsQuery("AAAA.tunnel.example", "b.tunnel.example")));
        names.Observe(UdpFrame(Client, Resolver, 40001, 53, DnsQuery("aaaa.tunnel.example")));
        names.Observe(TcpFrame(Client, Resolver, 40002, 53, Cat(Be16(DnsQuery("c.tunnel.example").Length), DnsQuery("c.tunnel.example"))));
        names.Observe(UdpFrame("192.168.1.9", "224.0.0.251", 5353, 5353, DnsQuery("_ipp._tcp.local")));
        names.Observe(Answer("aaaa.tunnel.example", A(DnsName("aaaa.tunnel.example"), "198.51.100.40")));

        Assert.Equal(new Dictionary<string, long>
        {
            ["aaaa.tunnel.example"] = 2,
            ["b.tunnel.example"] = 1,
            ["c.tunnel.example"] = 1,
            ["_ipp._tcp.local"] = 1,
        }, names.DnsQueries);
    }

    [Fact]
    public void Dns_over_tcp_is_read_when_the_whole_message_is_in_the_segment()
    {
        var message = DnsResponse("t.example", A(DnsName("t.example"), "198.51.100.50"));
        var names = new HostNameCollector();
        names.Observe(TcpFrame(Resolver, Client, 53, 40000, Cat(Be16(message.Length), message)));
        names.Observe(TcpFrame(Resolver, Client, 53, 40000, Cat(Be16(message.Length + 1), message, [0])[..^2]));

        Assert.Equal(["t.example"], names.Names("198.51.100.50"));
        Assert.Equal(1, names.AddressCount);
    }

    [Fact]
    public void Dns_names_are_lower_cased_and_unprintable_bytes_escaped()
    {
        var names = new HostNameCollector();
        var hostile = DnsName([.. "Evil"u8, 0x00, 0x1B, (byte)' ', 0xFF], [.. "a.b"u8], [.. "c\\065"u8], [.. "<Script>"u8], [.. "COM"u8]);
        names.Observe(Answer("x", A(hostile, "198.51.100.60")));

        Assert.Equal(@"evil\000\027\032\255.a\.b.c\\065.<script>.com", Assert.Single(names.Names("198.51.100.60")));
    }

    [Fact]
    public void Dns_names_longer_than_255_bytes_and_reserved_label_types_are_refused()
    {
        var label = Enumerable.Repeat((byte)'a', 63).ToArray();
        var names = new HostNameCollector();
        names.Observe(Answer("x", A(DnsName(label, label, label, label), "198.51.100.70")));
        names.Observe(Answer("x", A([0x41, 0x01, 0x00], "198.51.100.71")));
        names.Observe(Answer("x", A(DnsName(label, label, label, label[..61]), "198.51.100.72")));

        Assert.Empty(names.Names("198.51.100.70"));
        Assert.Empty(names.Names("198.51.100.71"));
        Assert.Equal(253, Assert.Single(names.Names("198.51.100.72")).Length);
    }

    [Fact]
    public void Tls_client_hello_names_the_server_it_was_sent_to()
    {
        var names = new HostNameCollector();
        names.Observe(TcpFrame(Client, "198.51.100.80", 50000, 443, ClientHello("Www.Example.ORG")));
        names.Observe(TcpFrame("2001:db8::10", "2001:db8::443", 50001, 8443, ClientHello("v6.example.org")));
        // A ServerHello names nothing.
        names.Observe(TcpFrame("198.51.100.80", Client, 443, 50000, [0x16, 3, 3, 0, 10, 2, 0, 0, 6, 3, 3, 0, 0, 0, 0]));

        Assert.Equal(new HostName("www.example.org", NameSource.Tls), Assert.Single(names.NamesFor(IPAddress.Parse("198.51.100.80"))));
        Assert.Equal(["v6.example.org"], names.Names("2001:db8::443"));
        Assert.Empty(names.Names(Client));
    }

    [Fact]
    public void Tls_name_cut_by_the_end_of_the_segment_is_not_taken()
    {
        var hello = ClientHello("cut.example.org");
        int nameEnd = hello.AsSpan().IndexOf("cut.example.org"u8) + "cut.example.org".Length;
        var names = new HostNameCollector();
        names.Observe(TcpFrame(Client, "198.51.100.81", 50000, 443, hello[..(nameEnd - 1)]));
        Assert.Equal(0, names.AddressCount);

        // Cut after the name: the rest of the hello is in the next segment, which we do not need.
        names.Observe(TcpFrame(Client, "198.51.100.81", 50000, 443, hello[..nameEnd]));
        Assert.Equal(["cut.example.org"], names.Names("198.51.100.81"));
    }

    [Fact]
    public void Http_host_header_names_the_server_without_its_port()
    {
        var names = new HostNameCollector();
        names.Observe(TcpFrame(Client, "198.51.100.90", 50000, 80, "GET /index.html HTTP/1.1\r\nUser-Agent: x\r\nHOST:  WWW.Example.COM:8080 \r\n\r\n"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.91", 50000, 80, "POST / HTTP/1.0\nhost: plain.example\n\n"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.92", 50000, 80, "GET / HTTP/1.1\r\nHost: 198.51.100.92\r\n\r\n"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.93", 50000, 80, "GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.94", 50000, 80, "GET / HTTP/1.1\r\nHost: unfinished.exam"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.95", 50000, 80, "GET / HTTP/1.1\r\nX: y\r\n\r\nHost: body.example\r\n"u8.ToArray()));
        names.Observe(TcpFrame(Client, "198.51.100.96", 50000, 25, "HELO Host: smtp.example\r\n"u8.ToArray()));
        names.Observe(TcpFrame("198.51.100.90", Client, 80, 50000, "HTTP/1.1 200 OK\r\nHost: reply.example\r\n\r\n"u8.ToArray()));

        Assert.Equal(new HostName("www.example.com", NameSource.Http), Assert.Single(names.NamesFor(IPAddress.Parse("198.51.100.90"))));
        Assert.Equal(["plain.example"], names.Names("198.51.100.91"));
        Assert.Equal(2, names.AddressCount);
    }

    [Fact]
    public void Dhcp_host_name_is_tied_to_client_address_and_hardware_address()
    {
        var names = new HostNameCollector();
        const ulong macA = 0x6c_f0_49_b2_de_6e, macB = 0x0a_00_27_00_00_0d, macC = 0x02_11_11_11_11_11, macD = 0x02_22_22_22_22_22;
        // ciaddr first, then the requested address (option 50), then yiaddr; a NUL after the name is padding.
        names.Observe(DhcpFrame(Dhcp(1, "10.0.0.5", "0.0.0.0", macA, Cat(Option(53, [8]), Option(12, "Bichman"u8.ToArray()), Option(50, [10, 0, 0, 99])))));
        names.Observe(DhcpFrame(Dhcp(1, "0.0.0.0", "0.0.0.0", macB, Cat(Option(53, [3]), Option(50, [10, 0, 0, 6]), Option(12, "laptop\0"u8.ToArray())))));
        names.Observe(DhcpFrame(Dhcp(2, "0.0.0.0", "10.0.0.7", macC, Cat(Option(53, [5]), Option(12, "Phone"u8.ToArray()))), fromClient: false));
        // A DHCPDECLINE names an address the client refused: only the hardware address gets the name.
        names.Observe(DhcpFrame(Dhcp(1, "0.0.0.0", "0.0.0.0", macD, Cat(Option(53, [4]), Option(50, [10, 0, 0, 8]), Option(12, "decliner"u8.ToArray())))));

        Assert.Equal(new HostName("Bichman", NameSource.Dhcp), Assert.Single(names.NamesFor(IPAddress.Parse("10.0.0.5"))));
        Assert.Equal(["laptop"], names.Names("10.0.0.6"));
        Assert.Equal(["Phone"], names.Names("10.0.0.7"));
        Assert.Empty(names.Names("10.0.0.8"));
        Assert.Empty(names.Names("10.0.0.99"));
        Assert.Equal("Bichman", Assert.Single(names.NamesForMac(macA)).Name);
        Assert.Equal("decliner", Assert.Single(names.NamesForMac(macD)).Name);
        Assert.Equal([macA, macB, macC, macD], names.Macs.Select(m => m.Mac));
    }

    [Fact]
    public void Dhcp_options_moved_into_the_file_field_are_read()
    {
        var file = Cat(Option(12, "overloaded"u8.ToArray()), [255]);
        var names = new HostNameCollector();
        names.Observe(DhcpFrame(Dhcp(1, "10.0.0.9", "0.0.0.0", 0x02_33_33_33_33_33, Option(52, [1]), file)));

        Assert.Equal(["overloaded"], names.Names("10.0.0.9"));
    }

    [Fact]
    public void Names_per_address_are_capped_and_the_first_seen_win()
    {
        var names = new HostNameCollector(maxNamesPerAddress: 3, maxAddresses: 2, maxQueryNames: 2);
        for (int i = 0; i < 10; i++)
            names.Observe(Answer("x", A(DnsName($"n{i}.example"), "198.51.100.100")));
        names.Observe(TcpFrame(Client, "198.51.100.100", 50000, 443, ClientHello("n0.example")));
        names.Observe(Answer("x", A(DnsName("n0.example"), "198.51.100.100")));
        names.Observe(Answer("x", A(DnsName("second.example"), "198.51.100.101")));
        names.Observe(Answer("x", A(DnsName("third.example"), "198.51.100.102")));
        names.Observe(UdpFrame(Client, Resolver, 40000, 53, DnsQuery("q1", "q2", "q3", "q1", "q4")));

        Assert.Equal(["n0.example", "n1.example", "n2.example"], names.Names("198.51.100.100"));
        Assert.Equal(["second.example"], names.Names("198.51.100.101"));
        Assert.Empty(names.Names("198.51.100.102"));
        Assert.Equal(7 + 1 + 1, names.NamesDropped);
        Assert.Equal(new Dictionary<string, long> { ["q1"] = 2, ["q2"] = 1 }, names.DnsQueries);
        Assert.Equal(2, names.QueriesDropped);
    }

    [Fact]
    public void The_same_name_from_two_sources_is_kept_once_per_source()
    {
        var names = new HostNameCollector();
        names.Observe(Answer("both.example", A(DnsName("both.example"), "198.51.100.110")));
        names.Observe(TcpFrame(Client, "198.51.100.110", 50000, 443, ClientHello("both.example")));
        names.Observe(TcpFrame(Client, "198.51.100.110", 50001, 443, ClientHello("BOTH.example")));

        Assert.Equal([new HostName("both.example", NameSource.Dns), new HostName("both.example", NameSource.Tls)], names.NamesFor(IPAddress.Parse("198.51.100.110")));
    }

    [Fact]
    public void Merge_is_associative_and_equals_one_collector_that_saw_everything()
    {
        var random = new Random(20251127);
        var frames = Enumerable.Range(0, 300).Select(_ => RandomNamingFrame(random)).ToArray();
        var parts = new[] { frames[..100], frames[100..200], frames[200..] };
        HostNameCollector Collect(byte[][] part)
        {
            var c = new HostNameCollector(maxNamesPerAddress: 4, HostNameCollector.DefaultMaxAddresses, HostNameCollector.DefaultMaxQueryNames);
            foreach (var frame in part)
                c.Observe(frame);
            return c;
        }

        var left = Collect(parts[0]);
        left.Merge(Collect(parts[1]));
        left.Merge(Collect(parts[2]));
        var right = Collect(parts[1]);
        right.Merge(Collect(parts[2]));
        var rightOuter = Collect(parts[0]);
        rightOuter.Merge(right);
        var whole = Collect(frames);

        Assert.Equal(Snapshot(whole), Snapshot(left));
        Assert.Equal(Snapshot(whole), Snapshot(rightOuter));
        Assert.True(whole.AddressCount > 5 && whole.DnsQueries.Count > 5);
        Assert.Throws<ArgumentException>(() => whole.Merge(whole));
    }

    private static byte[] RandomNamingFrame(Random random)
    {
        string address = $"198.51.100.{random.Next(8)}";
        string name = $"h{random.Next(12)}.example";
        return random.Next(5) switch
        {
            0 => Answer(name, Cname(DnsName("alias-" + name), DnsName(name)), A(DnsName(name), address)),
            1 => TcpFrame(Client, address, 50000, 443, ClientHello(name)),
            2 => TcpFrame(Client, address, 50000, 80, Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {name}\r\n\r\n")),
            3 => DhcpFrame(Dhcp(1, address, "0.0.0.0", 0x0200_0000_0000UL + (ulong)random.Next(4), Option(12, Encoding.ASCII.GetBytes(name)))),
            _ => UdpFrame(Client, Resolver, 40000, 53, DnsQuery(name)),
        };
    }

    private static string Snapshot(HostNameCollector names) =>
        string.Join("\n", names.Addresses.Select(a => a.Address + " " + string.Join(",", a.Names)))
        + "\n" + string.Join("\n", names.Macs.Select(m => m.Mac + " " + string.Join(",", m.Names)))
        + "\n" + string.Join("\n", names.DnsQueries.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => q.Key + "=" + q.Value));

    [Fact]
    public void Random_and_mutated_payloads_never_throw()
    {
        var random = new Random(1234567);
        var seeds = new[]
        {
            DnsResponse("a.example", Cname(DnsName("a.example"), DnsName("b.example")), A(DnsName("b.example"), "198.51.100.1")),
            DnsQuery("q.example"),
            ClientHello("fuzz.example"),
            "GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n"u8.ToArray(),
            Dhcp(1, "10.0.0.1", "0.0.0.0", 0x02_00_00_00_00_09, Cat(Option(52, [3]), Option(12, "fuzz"u8.ToArray()), Option(50, [10, 0, 0, 2]))),
        };
        var names = new HostNameCollector();
        for (int i = 0; i < 6000; i++)
        {
            byte[] payload;
            if (i % 2 == 0)
            {
                payload = new byte[random.Next(0, 600)];
                random.NextBytes(payload);
                // Steer half of the random payloads past the first-byte checks.
                if (payload.Length > 0 && random.Next(2) == 0)
                    payload[0] = random.Next(2) == 0 ? (byte)0x16 : (byte)'G';
            }
            else
            {
                var seed = seeds[random.Next(seeds.Length)];
                payload = seed[..random.Next(0, seed.Length + 1)];
                for (int m = random.Next(1, 6); m > 0 && payload.Length > 0; m--)
                    payload[random.Next(payload.Length)] = (byte)random.Next(256);
            }
            byte[] frame = (i % 7) switch
            {
                0 => UdpFrame(Resolver, Client, 53, 40000, payload),
                1 => UdpFrame(Client, Resolver, 40000, 53, payload),
                2 => UdpFrame("fe80::1", "ff02::fb", 5353, 5353, payload),
                3 => UdpFrame("0.0.0.0", "255.255.255.255", 68, 67, payload),
                4 => TcpFrame(Client, "198.51.100.200", 50000, 443, payload),
                5 => TcpFrame(Resolver, Client, 53, 40000, payload),
                _ => TcpFrame(Client, "198.51.100.201", 50000, 80, payload),
            };
            names.Observe(frame);
        }

        // The mutated seeds still reach the parsers often enough to yield names, all of them harmless text.
        Assert.True(names.AddressCount > 0 && names.MacCount > 0 && names.DnsQueries.Count > 0);
        foreach (var entry in names.Addresses.Concat<object>(names.Macs))
        {
            var list = entry is AddressNames a ? a.Names : ((MacNames)entry).Names;
            Assert.All(list, n => Assert.True(n.Name.Length is > 0 and <= HostNameCollector.MaxNameChars
                && n.Name.All(c => c is >= (char)0x21 and <= (char)0x7E), n.Name));
        }
    }

    [Fact]
    public void Observe_allocates_nothing_for_packets_without_names_or_with_names_already_known()
    {
        var names = new HostNameCollector();
        var frames = new[]
        {
            TcpFrame(Client, "198.51.100.1", 50000, 443, [0x17, 3, 3, 0, 4, 1, 2, 3, 4]),
            TcpFrame(Client, "198.51.100.1", 50000, 22, "SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray()),
            UdpFrame(Client, "198.51.100.1", 40000, 123, new byte[48]),
            UdpFrame(Client, "198.51.100.1", 40000, 443, new byte[1200]),
            Answer("known.example", Cname(DnsName("known.example"), DnsName("cdn.example")), A(DnsName("cdn.example"), "198.51.100.2")),
            UdpFrame(Client, Resolver, 40000, 53, DnsQuery("known.example")),
            TcpFrame(Client, "198.51.100.2", 50000, 443, ClientHello("known.example")),
            TcpFrame(Client, "198.51.100.2", 50000, 80, "GET / HTTP/1.1\r\nHost: known.example\r\n\r\n"u8.ToArray()),
        };
        var decoded = frames.Select(Decode).ToArray();
        for (int i = 0; i < frames.Length; i++)
            names.Observe(frames[i], decoded[i]);

        // The least of five runs: the runtime itself may allocate on this thread once (a method promoted to its
        // optimised tier), but an allocation per packet shows in every run.
        long allocated = long.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int round = 0; round < 1000; round++)
            {
                for (int i = 0; i < frames.Length; i++)
                    names.Observe(frames[i], decoded[i]);
            }
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(5001, names.DnsQueries["known.example"]);
    }

    [Fact]
    public void Packets_the_decoder_could_not_finish_are_ignored()
    {
        var names = new HostNameCollector();
        var frame = Answer("x.example", A(DnsName("x.example"), "198.51.100.120"));
        // Inconsistent payload bounds (as a buggy caller might pass) are refused rather than read.
        var decoded = Decode(frame);
        decoded.PayloadOffset = frame.Length - 2;
        names.Observe(frame, decoded);
        names.Observe(frame.AsSpan(0, 30), Decode(frame));
        DecodedPacket empty = default;
        names.Observe(frame, empty);

        Assert.Equal(0, names.AddressCount);
    }
}
