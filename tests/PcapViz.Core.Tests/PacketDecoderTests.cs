using PcapViz.Core.Decoding;
using static PcapViz.Core.Tests.Frames;

namespace PcapViz.Core.Tests;

/// <summary>The fast path on hand-built frames: each wrapper is peeled, and tunnels are attributed to the outermost IP.</summary>
public sealed class PacketDecoderTests
{
    private const byte Tcp6 = 6, Udp17 = 17;

    private static readonly byte[] TcpV4 = Ipv4("192.0.2.10", "198.51.100.20", Tcp6, Tcp(49152, 443, (byte)(TcpFlags.SYN | TcpFlags.ACK), Payload(11)));
    private static readonly byte[] UdpV4 = Ipv4("192.0.2.10", "198.51.100.20", Udp17, Udp(5353, 53, Payload(9)));
    private static readonly byte[] TcpV6 = Ipv6("2001:db8::10", "2001:db8:1::20", Tcp6, Tcp(50000, 80, payload: Payload(5)));

    /// <summary>Frames of every kind the tests build; the fuzz test mutates them too.</summary>
    public static IEnumerable<(string Name, int LinkType, byte[] Frame)> SampleFrames()
    {
        yield return ("ethernet ipv4 tcp", LinkType.Ethernet, Ethernet(EtherType.Ipv4, TcpV4));
        yield return ("ethernet ipv6 tcp", LinkType.Ethernet, Ethernet(EtherType.Ipv6, TcpV6));
        yield return ("qinq", LinkType.Ethernet, Ethernet(EtherType.QinQ, Cat(VlanTag(200, EtherType.Vlan), VlanTag(100, EtherType.Ipv4), UdpV4)));
        yield return ("mpls", LinkType.Ethernet, Ethernet(EtherType.Mpls, Cat(MplsLabel(16, false), MplsLabel(17, true), TcpV4)));
        yield return ("mpls pw", LinkType.Ethernet, Ethernet(EtherType.Mpls, Cat(MplsLabel(16, true), new byte[4], Ethernet(EtherType.Ipv4, UdpV4, MacC, MacD))));
        yield return ("pppoe", LinkType.Ethernet, Ethernet(EtherType.PppoeSession, Cat(PppoeSession(0x0021, UdpV4.Length), UdpV4)));
        yield return ("llc snap", LinkType.Ethernet, Ieee8023(Cat(LlcSnap(EtherType.Ipv4), TcpV4)));
        yield return ("ipv6 chain", LinkType.Raw, Ipv6("2001:db8::1", "2001:db8::2", 0, Cat(Ipv6Extension(43), Ipv6Routing(44), Ipv6Fragment(Udp17, 0, true), Udp(1, 2))));
        yield return ("sll", LinkType.LinuxSll, Sll(EtherType.Ipv4, TcpV4));
        yield return ("sll2", LinkType.LinuxSll2, Sll2(EtherType.Ipv6, TcpV6));
        yield return ("null", LinkType.Null, Null(2, false, UdpV4));
        yield return ("radiotap", LinkType.Ieee80211Radiotap, Radiotap(Ieee80211Data(false, true, MacB, MacC, MacA, Cat(LlcSnap(EtherType.Ipv4), UdpV4), qos: true)));
        yield return ("ppi", LinkType.Ppi, Ppi(LinkType.Ieee80211, Ieee80211Data(true, false, MacC, MacA, MacB, Cat(LlcSnap(EtherType.Ipv4), TcpV4))));
        yield return ("arp", LinkType.Ethernet, Ethernet(EtherType.Arp, Arp(MacA, "192.0.2.10", "192.0.2.1")));
        yield return ("ppp", LinkType.Ppp, Cat([0xFF, 0x03, 0x00, 0x21], TcpV4));
        yield return ("ppp compressed", LinkType.PppHdlc, Cat([0x57], TcpV6));
        yield return ("cisco hdlc", LinkType.CiscoHdlc, Cat([0x0F, 0x00], Be16(EtherType.Ipv4), UdpV4));
        yield return ("nflog", LinkType.NfLog, Cat([2, 0, 0, 0], Le16(8), Le16(1), new byte[4], Le16(4 + TcpV4.Length), Le16(9), TcpV4));
        yield return ("pflog", LinkType.PfLog, Cat([61, 2], new byte[62], UdpV4));
        yield return ("pktap", LinkType.PkTap, Cat(Le32(108), Le32(1), Le32(LinkType.Ethernet), new byte[96], Ethernet(EtherType.Ipv4, UdpV4)));
        yield return ("radiotap padded", LinkType.Ieee80211Radiotap,
            Cat([0, 0], Le16(17), Le32(0b11), new byte[8], [0x20], Ieee80211Data(true, false, MacC, MacA, MacB, Cat(new byte[2], LlcSnap(EtherType.Ipv4), UdpV4), qos: true)));
        yield return ("8023 length", LinkType.Ethernet, Cat(Mac(MacB), Mac(MacA), Be16(8 + TcpV4.Length), LlcSnap(EtherType.Ipv4), TcpV4, new byte[6]));
    }

    [Fact]
    public void Every_sample_frame_decodes_to_ports_so_mutating_it_reaches_the_deepest_headers()
    {
        foreach (var (name, linkType, frame) in SampleFrames().Where(f => f.Name != "arp"))
        {
            var p = Decode(linkType, frame);

            Assert.True(p.Status == DecodeStatus.Decoded && p.Has(PacketFlags.HasPorts), $"{name}: {p.Status}, flags {p.Flags}");
        }
    }

    private static void AssertIpv4(in DecodedPacket p, string source, string destination, byte protocol)
    {
        Assert.True(p.Has(PacketFlags.HasIp), "no IP decoded");
        Assert.Equal(4, p.IpVersion);
        Assert.Equal(EtherType.Ipv4, p.EtherType);
        Assert.Equal((source, destination), (Source(p), Destination(p)));
        Assert.Equal(protocol, p.Protocol);
    }

    private static void AssertIpv6(in DecodedPacket p, string source, string destination, byte protocol)
    {
        Assert.True(p.Has(PacketFlags.HasIp), "no IP decoded");
        Assert.Equal(6, p.IpVersion);
        Assert.Equal(EtherType.Ipv6, p.EtherType);
        Assert.Equal((source, destination), (Source(p), Destination(p)));
        Assert.Equal(protocol, p.Protocol);
    }

    private static void AssertPorts(in DecodedPacket p, ushort source, ushort destination)
    {
        Assert.True(p.Has(PacketFlags.HasPorts), "no ports decoded");
        Assert.Equal((source, destination), (p.SourcePort, p.DestinationPort));
    }

    private static void AssertMacs(in DecodedPacket p, ulong source, ulong destination)
    {
        Assert.True(p.Has(PacketFlags.HasMacs), "no MACs decoded");
        Assert.Equal((source, destination), (p.SourceMac, p.DestinationMac));
    }

    [Fact]
    public void A_packet_cut_by_the_snap_length_keeps_the_payload_length_its_headers_declare()
    {
        var frame = Ethernet(EtherType.Ipv4, Ipv4("10.0.0.1", "203.0.113.9", 6, Tcp(40000, 443, (byte)TcpFlags.ACK, new byte[1000])));
        var p = Decode(LinkType.Ethernet, frame.AsSpan(0, 96).ToArray());
        Assert.Equal((96 - 54, 1000), (p.PayloadLength, p.WirePayloadLength));
        var v6 = Decode(LinkType.Ethernet, Ethernet(EtherType.Ipv6, Ipv6("2001:db8::1", "2001:db8::2", 17, Udp(5000, 53, new byte[300]))).AsSpan(0, 80).ToArray());
        Assert.Equal((80 - 14 - 40 - 8, 300), (v6.PayloadLength, v6.WirePayloadLength));
    }

    [Fact]
    public void Ethernet_ipv4_tcp_gives_macs_addresses_ports_flags_and_payload()
    {
        var frame = Ethernet(EtherType.Ipv4, TcpV4);

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
        Assert.Equal((byte)(TcpFlags.SYN | TcpFlags.ACK), p.TcpFlags);
        Assert.Equal((14 + 20 + 20, 11), (p.PayloadOffset, p.PayloadLength));
        Assert.False(p.Has(PacketFlags.HasVlan));
        Assert.False(p.Has(PacketFlags.Fragment));
    }

    [Fact]
    public void Ethernet_padding_after_the_ip_total_length_is_not_payload()
    {
        var frame = Cat(Ethernet(EtherType.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", Udp17, Udp(1, 2, Payload(2)))), new byte[16]);

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(2, p.PayloadLength);
    }

    [Fact]
    public void Ethernet_ipv6_udp_gives_addresses_and_ports()
    {
        var frame = Ethernet(EtherType.Ipv6, Ipv6("fe80::1", "ff02::fb", Udp17, Udp(5353, 5353, Payload(20))));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertIpv6(p, "fe80::1", "ff02::fb", Udp17);
        AssertPorts(p, 5353, 5353);
        Assert.Equal(20, p.PayloadLength);
    }

    [Fact]
    public void Vlan_tag_is_peeled_and_its_id_kept()
    {
        var frame = Ethernet(EtherType.Vlan, Cat(VlanTag(100, EtherType.Ipv4, priority: 5), UdpV4));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.True(p.Has(PacketFlags.HasVlan));
        Assert.Equal(100, p.Vlan);
        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
    }

    [Theory]
    [InlineData(EtherType.QinQ)]
    [InlineData(EtherType.Vlan)]
    [InlineData(EtherType.QinQLegacy)]
    public void Qinq_keeps_the_outer_vlan_id(ushort outerTpid)
    {
        var frame = Ethernet(outerTpid, Cat(VlanTag(200, EtherType.Vlan), VlanTag(100, EtherType.Ipv6), TcpV6));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(200, p.Vlan);
        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        AssertPorts(p, 50000, 80);
    }

    [Fact]
    public void Mpls_label_stack_leads_to_ipv4()
    {
        var frame = Ethernet(EtherType.Mpls, Cat(MplsLabel(16, false), MplsLabel(17, false), MplsLabel(18, true), TcpV4));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
    }

    [Fact]
    public void Mpls_label_leads_to_ipv6()
    {
        var frame = Ethernet(EtherType.Mpls, Cat(MplsLabel(2, true), TcpV6));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
    }

    [Fact]
    public void Mpls_pseudowire_control_word_and_inner_ethernet_lead_to_ip_and_keep_the_outer_macs()
    {
        var inner = Ethernet(EtherType.Vlan, Cat(VlanTag(7, EtherType.Ipv4), UdpV4), MacC, MacD);
        var frame = Ethernet(EtherType.Mpls, Cat(MplsLabel(16, false), MplsLabel(99, true), [0, 0, 0, 1], inner));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
        Assert.Equal(7, p.Vlan);
    }

    [Fact]
    public void Mpls_payload_that_is_not_ip_or_a_pseudowire_stays_mpls()
    {
        var frame = Ethernet(EtherType.Mpls, Cat(MplsLabel(16, true), [0x80, 1, 2, 3, 4]));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.False(p.Has(PacketFlags.HasIp));
        Assert.Equal(EtherType.Mpls, p.EtherType);
    }

    [Fact]
    public void Pppoe_session_leads_to_ipv4()
    {
        var frame = Ethernet(EtherType.PppoeSession, Cat(PppoeSession(0x0021, UdpV4.Length), UdpV4));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
    }

    [Fact]
    public void Pppoe_session_leads_to_ipv6()
    {
        var frame = Ethernet(EtherType.PppoeSession, Cat(PppoeSession(0x0057, TcpV6.Length), TcpV6));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        AssertPorts(p, 50000, 80);
    }

    [Fact]
    public void Pppoe_session_carrying_lcp_is_filed_as_pppoe_without_ip()
    {
        var frame = Ethernet(EtherType.PppoeSession, Cat(PppoeSession(0xC021, 4), [1, 1, 0, 4]));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.False(p.Has(PacketFlags.HasIp));
        Assert.Equal(EtherType.PppoeSession, p.EtherType);
    }

    [Fact]
    public void Llc_snap_with_rfc1042_oui_leads_to_its_ethertype()
    {
        var frame = Ieee8023(Cat(LlcSnap(EtherType.Ipv4), TcpV4));

        var p = Decode(LinkType.Ethernet, frame);

        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
    }

    [Fact]
    public void Llc_snap_with_a_vendor_oui_is_filed_as_snap()
    {
        // Cisco's OUI with protocol 0x2000 is CDP.
        var frame = Ieee8023(Cat(LlcSnap(0x2000, oui: 0x00000C), Payload(30)));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(EtherType.SnapVendor, p.EtherType);
        Assert.False(p.Has(PacketFlags.HasIp));
        AssertMacs(p, MacA, MacB);
    }

    [Fact]
    public void Llc_without_snap_is_filed_under_its_dsap()
    {
        var frame = Ieee8023(Cat([0x42, 0x42, 0x03], Payload(35, 0)));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(EtherType.LlcStp, p.EtherType);
        Assert.Equal(DecodeStatus.Decoded, p.Status);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(40)]
    public void Ipv4_options_are_stepped_over_to_the_transport_header(int optionBytes)
    {
        var options = Payload(optionBytes, 0x01); // NOPs
        var frame = Ethernet(EtherType.Ipv4, Ipv4("10.1.1.1", "10.2.2.2", Tcp6, Tcp(1234, 22, payload: Payload(3)), options));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertIpv4(p, "10.1.1.1", "10.2.2.2", Tcp6);
        AssertPorts(p, 1234, 22);
        Assert.Equal((14 + 20 + optionBytes + 20, 3), (p.PayloadOffset, p.PayloadLength));
    }

    [Fact]
    public void Ipv4_first_fragment_has_ports()
    {
        var frame = Ethernet(EtherType.Ipv4, Ipv4("10.1.1.1", "10.2.2.2", Udp17, Udp(4000, 5000, Payload(100)), moreFragments: true));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.False(p.Has(PacketFlags.Fragment));
        AssertIpv4(p, "10.1.1.1", "10.2.2.2", Udp17);
        AssertPorts(p, 4000, 5000);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ipv4_non_first_fragment_sets_fragment_flag_without_ports(bool moreFragments)
    {
        // Bytes that would read as ports 0x5A5A if mistaken for a UDP header.
        var frame = Ethernet(EtherType.Ipv4, Ipv4("10.1.1.1", "10.2.2.2", Udp17, Payload(64), fragmentOffset: 185, moreFragments: moreFragments));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.True(p.Has(PacketFlags.Fragment));
        Assert.False(p.Has(PacketFlags.HasPorts));
        AssertIpv4(p, "10.1.1.1", "10.2.2.2", Udp17);
        Assert.Equal((0, 0), (p.SourcePort, p.DestinationPort));
    }

    [Fact]
    public void Ipv6_hop_by_hop_routing_and_first_fragment_headers_lead_to_transport_ports()
    {
        var chain = Cat(Ipv6Extension(43), Ipv6Routing(44), Ipv6Fragment(60, 0, more: true), Ipv6Extension(Tcp6, extraUnits: 1), Tcp(8080, 9090, payload: Payload(7)));
        var frame = Ethernet(EtherType.Ipv6, Ipv6("2001:db8::a", "2001:db8::b", 0, chain));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.False(p.Has(PacketFlags.Fragment));
        AssertIpv6(p, "2001:db8::a", "2001:db8::b", Tcp6);
        AssertPorts(p, 8080, 9090);
        Assert.Equal(7, p.PayloadLength);
    }

    [Fact]
    public void Ipv6_non_first_fragment_sets_fragment_flag_and_names_the_fragmented_protocol()
    {
        var chain = Cat(Ipv6Extension(44), Ipv6Fragment(Udp17, 100, more: false), Payload(40));
        var frame = Ethernet(EtherType.Ipv6, Ipv6("2001:db8::a", "2001:db8::b", 0, chain));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.True(p.Has(PacketFlags.Fragment));
        Assert.False(p.Has(PacketFlags.HasPorts));
        AssertIpv6(p, "2001:db8::a", "2001:db8::b", Udp17);
    }

    [Fact]
    public void Ah_after_ipv4_gives_no_ports()
    {
        var frame = Ethernet(EtherType.Ipv4, Ipv4("10.0.0.1", "10.0.0.2", 51, Cat(Ah(Tcp6), Tcp(1111, 2222))));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv4(p, "10.0.0.1", "10.0.0.2", 51);
        Assert.False(p.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void Ah_after_ipv6_gives_no_ports()
    {
        var frame = Ethernet(EtherType.Ipv6, Ipv6("2001:db8::1", "2001:db8::2", 51, Cat(Ah(Udp17), Udp(1111, 2222))));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv6(p, "2001:db8::1", "2001:db8::2", 51);
        Assert.False(p.Has(PacketFlags.HasPorts));
    }

    /// <summary>The outermost headers of a tunnelled packet, as a packet of their own, for the assertions above.</summary>
    private static DecodedPacket OuterOf(in DecodedPacket p)
    {
        Assert.NotEqual(0, p.TunnelDepth);
        return Frames.Outermost(p);
    }

    [Fact]
    public void Gre_gives_the_inner_packet_and_keeps_the_outer_ip()
    {
        var inner = Ipv4("172.16.0.1", "172.16.0.2", Tcp6, Tcp(1, 2));
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", 47, Gre(EtherType.Ipv4, inner)));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv4(p, "172.16.0.1", "172.16.0.2", Tcp6);
        AssertPorts(p, 1, 2);
        AssertMacs(p, MacA, MacB);
        Assert.Equal(TunnelKind.Gre, TunnelKinds.Outermost(p.TunnelKinds));
        var outer = OuterOf(p);
        AssertIpv4(outer, "203.0.113.1", "203.0.113.2", 47);
        Assert.False(outer.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void Vxlan_gives_the_inner_frame_and_keeps_the_outer_udp_flow()
    {
        var inner = Ethernet(EtherType.Ipv4, Ipv4("172.16.0.1", "172.16.0.2", Tcp6, Tcp(1, 2)), MacC, MacD);
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", Udp17, Udp(51000, 4789, Vxlan(inner))));

        var p = Decode(LinkType.Ethernet, frame);

        AssertMacs(p, MacD, MacC);
        AssertIpv4(p, "172.16.0.1", "172.16.0.2", Tcp6);
        AssertPorts(p, 1, 2);
        Assert.Equal((TunnelKind.Vxlan, true), (TunnelKinds.Outermost(p.TunnelKinds), p.HasTunnelId));
        var outer = OuterOf(p);
        AssertMacs(outer, MacA, MacB);
        AssertIpv4(outer, "203.0.113.1", "203.0.113.2", Udp17);
        AssertPorts(outer, 51000, 4789);
    }

    [Fact]
    public void Teredo_gives_the_inner_ipv6_and_keeps_the_outer_ipv4()
    {
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", Udp17, Udp(3544, 40000, TcpV6)));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        AssertPorts(p, 50000, 80);
        var outer = OuterOf(p);
        AssertIpv4(outer, "203.0.113.1", "203.0.113.2", Udp17);
        AssertPorts(outer, 3544, 40000);
    }

    [Fact]
    public void Teredo_port_without_an_ipv6_packet_stays_udp()
    {
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", Udp17, Udp(3544, 40000, Payload(60))));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(0, p.TunnelDepth);
        AssertIpv4(p, "203.0.113.1", "203.0.113.2", Udp17);
        AssertPorts(p, 3544, 40000);
    }

    [Theory]
    [InlineData((byte)4)]
    [InlineData((byte)41)]
    public void Ip_in_ip_gives_the_inner_packet_and_keeps_the_outer_ip(byte protocol)
    {
        var inner = protocol == 4 ? TcpV4 : TcpV6;
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", protocol, inner));

        var p = Decode(LinkType.Ethernet, frame);

        if (protocol == 4)
            AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        else
            AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        var outer = OuterOf(p);
        AssertIpv4(outer, "203.0.113.1", "203.0.113.2", protocol);
        Assert.False(outer.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void Ipv4_in_ipv6_gives_the_inner_ipv4_and_keeps_the_outer_ipv6()
    {
        var frame = Ethernet(EtherType.Ipv6, Ipv6("2001:db8::1", "2001:db8::2", 4, TcpV4));

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
        var outer = OuterOf(p);
        AssertIpv6(outer, "2001:db8::1", "2001:db8::2", 4);
        Assert.False(outer.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void An_unreadable_inner_packet_leaves_the_outer_headers_as_they_were()
    {
        // IP-in-IP whose inner header is cut short: the packet keeps its outer view, untunnelled.
        var frame = Ethernet(EtherType.Ipv4, Ipv4("203.0.113.1", "203.0.113.2", 4, TcpV4[..12]));

        var p = Decode(LinkType.Ethernet, frame);

        Assert.Equal(0, p.TunnelDepth);
        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertIpv4(p, "203.0.113.1", "203.0.113.2", 4);
    }

    [Fact]
    public void Nested_tunnels_stop_at_the_depth_limit()
    {
        var packet = TcpV4;
        for (int i = 0; i < 50; i++)
            packet = Ipv4("203.0.113." + (i + 1), "198.51.100." + (i + 1), 4, packet);

        var p = Decode(LinkType.Ethernet, Ethernet(EtherType.Ipv4, packet));

        Assert.Equal(TunnelKinds.MaxDepth, p.TunnelDepth);
        AssertIpv4(OuterOf(p), "203.0.113.50", "198.51.100.50", 4);
        // The 8th header opened from the outside is the 42nd from the inside.
        AssertIpv4(p, "203.0.113.42", "198.51.100.42", 4);
    }

    [Fact]
    public void Linux_sll_gives_the_ip_and_no_link_addresses()
    {
        // A cooked header names the sender only: with no destination there is no layer-2 conversation to key.
        var frame = Sll(EtherType.Ipv4, TcpV4, source: MacC, packetType: 4);

        var p = Decode(LinkType.LinuxSll, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.Equal((0UL, 0UL), (p.SourceMac, p.DestinationMac));
        Assert.False(p.Has(PacketFlags.HasMacs));
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
    }

    [Fact]
    public void Linux_sll_peels_a_vlan_tag()
    {
        var frame = Sll(EtherType.Vlan, Cat(VlanTag(33, EtherType.Ipv6), TcpV6));

        var p = Decode(LinkType.LinuxSll, frame);

        Assert.Equal(33, p.Vlan);
        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
    }

    [Fact]
    public void Linux_sll_with_llc_protocol_reads_the_llc_header()
    {
        var frame = Sll(0x0004, Cat(LlcSnap(EtherType.Ipv4), UdpV4));

        var p = Decode(LinkType.LinuxSll, frame);

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
    }

    [Fact]
    public void Linux_sll2_gives_the_ip_and_no_link_addresses()
    {
        var frame = Sll2(EtherType.Ipv6, TcpV6, source: MacD);

        var p = Decode(LinkType.LinuxSll2, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.Equal((0UL, PacketFlags.None), (p.SourceMac, p.Flags & PacketFlags.HasMacs));
        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        AssertPorts(p, 50000, 80);
    }

    [Fact]
    public void Linux_sll2_arp_is_filed_as_arp()
    {
        var frame = Sll2(EtherType.Arp, Arp(MacA, "10.0.0.1", "10.0.0.2"));

        var p = Decode(LinkType.LinuxSll2, frame);

        Assert.Equal(EtherType.Arp, p.EtherType);
        Assert.False(p.Has(PacketFlags.HasIp));
    }

    [Theory]
    [InlineData(2u, false)]
    [InlineData(2u, true)]
    [InlineData(24u, false)]
    [InlineData(24u, true)]
    [InlineData(28u, false)]
    [InlineData(28u, true)]
    [InlineData(30u, false)]
    [InlineData(30u, true)]
    public void Null_loopback_reads_the_address_family_in_either_byte_order(uint family, bool bigEndianHost)
    {
        var frame = Null(family, bigEndianHost, family == 2 ? UdpV4 : TcpV6);

        var p = Decode(LinkType.Null, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        if (family == 2)
            AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        else
            AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
        Assert.False(p.Has(PacketFlags.HasMacs));
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(24u)]
    public void Loop_link_type_reads_the_address_family_in_network_order(uint family)
    {
        var frame = Null(family, bigEndianHost: true, family == 2 ? UdpV4 : TcpV6);

        var p = Decode(LinkType.Loop, frame);

        Assert.Equal(family == 2 ? 4 : 6, p.IpVersion);
    }

    [Fact]
    public void Null_loopback_with_an_unknown_family_has_no_ip()
    {
        var p = Decode(LinkType.Null, Null(7, false, UdpV4));

        Assert.False(p.Has(PacketFlags.HasIp));
        Assert.Equal(DecodeStatus.Decoded, p.Status);
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.RawBsd12)]
    [InlineData(LinkType.RawOpenBsd14)]
    public void Raw_link_types_pick_the_ip_version_from_the_first_nibble(int linkType)
    {
        Assert.Equal(4, Decode(linkType, TcpV4).IpVersion);
        Assert.Equal(6, Decode(linkType, TcpV6).IpVersion);
    }

    [Fact]
    public void Ipv4_and_ipv6_link_types_decode_their_own_version_only()
    {
        AssertIpv4(Decode(LinkType.Ipv4, TcpV4), "192.0.2.10", "198.51.100.20", Tcp6);
        AssertIpv6(Decode(LinkType.Ipv6, TcpV6), "2001:db8::10", "2001:db8:1::20", Tcp6);
        Assert.Equal(DecodeStatus.Malformed, Decode(LinkType.Ipv4, TcpV6).Status);
        Assert.Equal(DecodeStatus.Malformed, Decode(LinkType.Ipv6, TcpV4).Status);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Radiotap_80211_data_frame_with_llc_snap_ipv4_gives_source_and_destination_macs(bool toDs, bool fromDs)
    {
        const ulong source = MacA, destination = MacB;
        // Where the 802.11 header puts the source and destination for each combination of the DS bits.
        var (a1, a2, a3, a4) = (toDs, fromDs) switch
        {
            (false, false) => (destination, source, MacC, (ulong?)null),
            (false, true) => (destination, MacC, source, null),
            (true, false) => (MacC, source, destination, null),
            _ => (MacD, MacC, destination, source),
        };
        var frame = Radiotap(Ieee80211Data(toDs, fromDs, a1, a2, a3, Cat(LlcSnap(EtherType.Ipv4), UdpV4), a4, qos: toDs), extraLength: 10);

        var p = Decode(LinkType.Ieee80211Radiotap, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertMacs(p, source, destination);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
    }

    [Fact]
    public void Protected_80211_data_frame_has_macs_but_no_ip()
    {
        var frame = Radiotap(Ieee80211Data(true, false, MacC, MacA, MacB, Payload(60), isProtected: true));

        var p = Decode(LinkType.Ieee80211Radiotap, frame);

        AssertMacs(p, MacA, MacB);
        Assert.False(p.Has(PacketFlags.HasIp));
        Assert.Equal(EtherType.Ieee80211ProtectedData, p.EtherType);
    }

    [Fact]
    public void Beacon_is_management_from_the_access_point_to_broadcast()
    {
        var p = Decode(LinkType.Ieee80211, Ieee80211Beacon(MacC));

        Assert.Equal(EtherType.Ieee80211Management, p.EtherType);
        AssertMacs(p, MacC, 0xFFFF_FFFF_FFFF);
    }

    [Fact]
    public void Ppi_wrapping_80211_data_leads_to_ipv4()
    {
        var frame = Ppi(LinkType.Ieee80211, Ieee80211Data(true, false, MacC, MacA, MacB, Cat(LlcSnap(EtherType.Ipv4), TcpV4)));

        var p = Decode(LinkType.Ppi, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
    }

    [Fact]
    public void Ppi_wrapping_ethernet_leads_to_ipv4()
    {
        var p = Decode(LinkType.Ppi, Ppi(LinkType.Ethernet, Ethernet(EtherType.Ipv4, UdpV4)));

        AssertMacs(p, MacA, MacB);
        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
    }

    [Fact]
    public void Ppi_nested_in_itself_stops_instead_of_recursing_forever()
    {
        var frame = Ethernet(EtherType.Ipv4, UdpV4);
        for (int i = 0; i < 100; i++)
            frame = Ppi(LinkType.Ppi, frame);

        var p = Decode(LinkType.Ppi, frame);

        Assert.Equal(DecodeStatus.Malformed, p.Status);
    }

    [Fact]
    public void Arp_is_filed_as_arp_with_macs_and_no_ip()
    {
        var p = Decode(LinkType.Ethernet, Ethernet(EtherType.Arp, Arp(MacA, "10.0.0.1", "10.0.0.2"), destination: 0xFFFF_FFFF_FFFF));

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.Equal(EtherType.Arp, p.EtherType);
        AssertMacs(p, MacA, 0xFFFF_FFFF_FFFF);
        Assert.False(p.Has(PacketFlags.HasIp));
    }

    [Fact]
    public void Unknown_link_type_is_reported_as_unsupported()
    {
        Assert.Equal(DecodeStatus.UnsupportedLinkType, Decode(147, TcpV4).Status);
    }

    [Fact]
    public void Decoding_resets_every_field_of_the_previous_packet()
    {
        DecodedPacket p = default;
        PacketDecoder.Decode(LinkType.Ethernet, Ethernet(EtherType.Vlan, Cat(VlanTag(9, EtherType.Ipv4), TcpV4)), ref p);
        PacketDecoder.Decode(LinkType.Ethernet, Ethernet(EtherType.Arp, Arp(MacA, "10.0.0.1", "10.0.0.2")), ref p);

        Assert.Equal(PacketFlags.HasMacs, p.Flags);
        Assert.Equal((0, 0, 0, 0UL), (p.Vlan, p.SourcePort, p.IpVersion, p.SourceLow));
    }

    [Fact]
    public void Every_prefix_of_every_sample_frame_decodes_without_reading_past_it()
    {
        DecodedPacket p = default;
        foreach (var (name, linkType, frame) in SampleFrames())
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                PacketDecoder.Decode(linkType, frame.AsSpan(0, length), ref p);
                Assert.True(p.PayloadOffset + p.PayloadLength <= length, $"{name} cut to {length}: payload runs past the data");
                if (length < frame.Length / 2)
                    Assert.True(p.Status != DecodeStatus.Decoded || !p.Has(PacketFlags.HasPorts), $"{name} cut to {length} decoded ports");
            }
        }
    }

    [Fact]
    public void Fast_path_allocates_nothing()
    {
        var frames = SampleFrames().ToArray();
        DecodedPacket p = default;
        foreach (var (_, linkType, frame) in frames)
            PacketDecoder.Decode(linkType, frame, ref p);

        // The least of five runs: the runtime itself may allocate on this thread once (a method promoted to its
        // optimised tier), but an allocation per packet shows in every run.
        long allocated = Enumerable.Range(0, 5).Min(_ =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                foreach (var (_, linkType, frame) in frames)
                    PacketDecoder.Decode(linkType, frame, ref p);
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, allocated);
    }
    [Theory]
    [InlineData(new byte[] { 0xFF, 0x03, 0x00, 0x21 })]
    [InlineData(new byte[] { 0x00, 0x21 })]
    [InlineData(new byte[] { 0xFF, 0x03, 0x21 })]
    [InlineData(new byte[] { 0x21 })]
    [InlineData(new byte[] { 0x0F, 0x00, 0x08, 0x00 })]
    public void Ppp_reads_ipv4_with_or_without_address_bytes_and_with_a_compressed_protocol(byte[] header)
    {
        foreach (int linkType in new[] { LinkType.Ppp, LinkType.PppHdlc })
        {
            var p = Decode(linkType, Cat(header, TcpV4));

            AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
            AssertPorts(p, 49152, 443);
        }
    }

    [Fact]
    public void Ppp_cut_inside_tcp_keeps_addresses_and_ports()
    {
        var p = Decode(LinkType.Ppp, Cat([0xFF, 0x03, 0x00, 0x21], TcpV4[..24]));

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertPorts(p, 49152, 443);
    }

    [Fact]
    public void Cisco_hdlc_carries_an_ethertype()
    {
        var p = Decode(LinkType.CiscoHdlc, Cat([0x0F, 0x00], Be16(EtherType.Ipv6), TcpV6));

        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nflog_finds_the_packet_among_its_attributes_in_either_byte_order(bool bigEndianHost)
    {
        byte[] Host16(int value) => bigEndianHost ? Be16(value) : Le16(value);
        byte[] prefix = Cat(Host16(4 + 6), Host16(10), [.. "drop"u8, 0, 0], [0, 0]);
        var frame = Cat([2, 0, 0, 0], prefix, Host16(4 + UdpV4.Length), Host16(9), UdpV4);

        var p = Decode(LinkType.NfLog, frame);

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
    }

    [Fact]
    public void Pflog_header_length_leads_to_the_packet()
    {
        var header = Cat([61, 24], new byte[62]);

        var p = Decode(LinkType.PfLog, Cat(header, TcpV6));

        AssertIpv6(p, "2001:db8::10", "2001:db8:1::20", Tcp6);
    }

    public static TheoryData<byte[]> PaddedRadiotapHeaders => new()
    {
        // Flags only.
        Cat([0, 0], Le16(9), Le32(0b10), [0x20]),
        // TSFT first: Flags after its 8 bytes, aligned to 8 from the header's start.
        Cat([0, 0], Le16(17), Le32(0b11), new byte[8], [0x20]),
        // An extended presence word pushes the fields 4 bytes on, and TSFT's alignment with them.
        Cat([0, 0], Le16(25), Le32(0x8000_0003), Le32(0), new byte[4], new byte[8], [0x20]),
    };

    [Theory]
    [MemberData(nameof(PaddedRadiotapHeaders))]
    public void Radiotap_data_pad_moves_llc_to_a_four_byte_boundary(byte[] radiotap)
    {
        // Flags 0x20 (data pad): a QoS header of 26 bytes is padded to 28.
        var body = Cat(new byte[2], LlcSnap(EtherType.Ipv4), UdpV4);
        var p = Decode(LinkType.Ieee80211Radiotap, Cat(radiotap, Ieee80211Data(true, false, MacC, MacA, MacB, body, qos: true)));

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        AssertPorts(p, 5353, 53);
    }

    [Fact]
    public void An_aggregate_msdu_is_read_from_its_first_subframe()
    {
        var frame = Ieee80211Data(true, false, MacC, MacA, MacB, Cat(Mac(MacB), Mac(MacA), Be16(8 + UdpV4.Length), LlcSnap(EtherType.Ipv4), UdpV4), qos: true);
        frame[24] |= 0x80;

        var p = Decode(LinkType.Ieee80211, frame);

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
    }

    [Fact]
    public void An_8023_length_leaves_trailing_padding_out_of_the_payload()
    {
        var llc = Cat([0xAA, 0xAA, 0x03, 0, 0, 0], Be16(EtherType.Ipv4), UdpV4);
        var frame = Cat(Mac(MacB), Mac(MacA), Be16(llc.Length), llc, new byte[16]);

        var p = Decode(LinkType.Ethernet, frame);

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Udp17);
        Assert.Equal(9, p.PayloadLength);
    }

    [Fact]
    public void An_8023_length_cuts_off_what_follows_it()
    {
        var llc = Cat([0xAA, 0xAA, 0x03, 0, 0, 0], Be16(EtherType.Ipv4), UdpV4);
        var frame = Cat(Mac(MacB), Mac(MacA), Be16(20), llc);

        var p = Decode(LinkType.Ethernet, frame);

        Assert.False(p.Has(PacketFlags.HasPorts));
        Assert.False(p.Has(PacketFlags.HasIp));
    }

    [Theory]
    [InlineData(EtherType.VnTag, 4)]
    [InlineData(EtherType.RTag, 4)]
    [InlineData(EtherType.ETag, 6)]
    [InlineData(EtherType.CiscoMetaData, 6)]
    public void Tags_before_the_ethertype_are_stepped_over(ushort tag, int length)
    {
        var p = Decode(LinkType.Ethernet, Ethernet(tag, Cat(new byte[length], Be16(EtherType.Ipv4), TcpV4)));

        AssertIpv4(p, "192.0.2.10", "198.51.100.20", Tcp6);
        AssertMacs(p, MacA, MacB);
    }

    [Theory]
    [InlineData(135)]
    [InlineData(139)]
    [InlineData(140)]
    public void Mobility_hip_and_shim6_headers_end_the_ipv6_chain(byte next)
    {
        var p = Decode(LinkType.Raw, Ipv6("2001:db8::10", "2001:db8:1::20", next, Cat(Ipv6Extension(Udp17), Udp(1, 2))));

        Assert.Equal(next, p.Protocol);
        Assert.False(p.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void Ipv6_payload_length_zero_without_hop_by_hop_options_has_no_ports()
    {
        var p = Decode(LinkType.Raw, Ipv6("2001:db8::10", "2001:db8:1::20", Tcp6, Tcp(1, 2), payloadLength: 0));

        Assert.True(p.Has(PacketFlags.HasIp));
        Assert.False(p.Has(PacketFlags.HasPorts));
    }

    [Fact]
    public void Ipv4_header_cut_inside_its_options_is_no_ip()
    {
        var packet = Ipv4("192.0.2.10", "198.51.100.20", Udp17, Udp(1, 2), options: new byte[20]);

        Assert.False(Decode(LinkType.Raw, packet[..30]).Has(PacketFlags.HasIp));
        Assert.True(Decode(LinkType.Raw, packet).Has(PacketFlags.HasIp));
    }
}

/// <summary>The tests' PacketDotNet reference decoder, and the check that the import needs no decoder but its own.</summary>
public sealed class PacketDotNetReferenceTests
{
    /// <summary>
    /// Every link type PacketDotNet parses is on the fast path; for all the others it has no parser. Were that to
    /// change with a new PacketDotNet, the import would count such packets as unsupported, and this test says so.
    /// </summary>
    [Fact]
    public void Every_link_type_packetdotnet_parses_is_on_the_fast_path()
    {
        var parsedElsewhere = new List<string>();
        foreach (var linkType in Enum.GetValues<PacketDotNet.LinkLayers>())
        {
            if (LinkType.IsFastPath((int)linkType))
                continue;
            try
            {
                PacketDotNet.Packet.ParsePacket(linkType, new byte[64]);
                parsedElsewhere.Add($"{linkType} ({(int)linkType})");
            }
            catch (NotImplementedException)
            {
                // No parser: nothing for the import to miss.
            }
            catch (Exception e)
            {
                parsedElsewhere.Add($"{linkType} ({(int)linkType}): {e.GetType().Name}");
            }
        }
        Assert.True(parsedElsewhere.Count == 0, "PacketDotNet parses link types the fast path does not: " + string.Join(", ", parsedElsewhere));
    }

    [Fact]
    public void A_link_type_the_fast_path_does_not_read_is_counted_unsupported_with_one_warning()
    {
        var bytes = CaptureBuilder.Pcap(147).Record(1, 0, Payload(40)).Record(2, 0, Payload(40)).ToArray();
        using var file = new TempCapture(bytes);

        var capture = PcapViz.Core.Analysis.CaptureAnalyzer.Analyze(file.Path);

        Assert.Equal((2L, 2L), (capture.Packets, capture.UnsupportedLinkTypePackets));
        Assert.Single(capture.Warnings, w => w.Contains("cannot be decoded", StringComparison.Ordinal));
        Assert.Empty(capture.GetFlowTable().Entries);
    }

    private static DecodedPacket Decode(int linkType, byte[] frame)
    {
        DecodedPacket p = default;
        PacketDotNetReference.Decode(linkType, frame, ref p);
        return p;
    }

    [Theory]
    [InlineData(LinkType.Ppp, true)]
    [InlineData(LinkType.Ppp, false)]
    [InlineData(LinkType.PppHdlc, true)]
    public void Ppp_link_types_with_or_without_hdlc_framing_are_decoded_through_packetdotnet(int linkType, bool hdlcFraming)
    {
        var ppp = Cat(Be16(0x0021), Ipv4("192.0.2.1", "192.0.2.2", 17, Udp(1000, 53, Payload(4))));
        var frame = hdlcFraming ? Cat([0xFF, 0x03], ppp) : ppp;

        var p = Decode(linkType, frame);

        Assert.Equal(DecodeStatus.Decoded, p.Status);
        Assert.Equal(4, p.IpVersion);
        Assert.Equal(("192.0.2.1", "192.0.2.2"), (Source(p), Destination(p)));
        Assert.Equal((17, (ushort)1000, (ushort)53), (p.Protocol, p.SourcePort, p.DestinationPort));
    }

    [Fact]
    public void Ppp_capture_is_attributed_by_the_analyzer()
    {
        var ppp = Cat([0xFF, 0x03], Be16(0x0021), Ipv4("192.0.2.1", "192.0.2.2", 6, Tcp(1000, 80)));
        var bytes = CaptureBuilder.Pcap(LinkType.Ppp).Record(1, 0, ppp).Record(2, 0, ppp).ToArray();
        using var file = new TempCapture(bytes);

        var capture = PcapViz.Core.Analysis.CaptureAnalyzer.Analyze(file.Path);

        Assert.Equal((2L, 0L, 0L), (capture.Packets, capture.UnsupportedLinkTypePackets, capture.MalformedPackets));
        var flow = Assert.Single(capture.GetFlowTable().Entries);
        Assert.Equal(("192.0.2.1", "192.0.2.2", (ushort)80), (flow.Key.SourceAddress!.ToString(), flow.Key.DestinationAddress!.ToString(), flow.Key.DestinationPort));
    }

    [Theory]
    [InlineData(147)]
    [InlineData(70_000)]
    [InlineData(-1)]
    public void Link_type_packetdotnet_cannot_parse_is_unsupported(int linkType)
    {
        Assert.Equal(DecodeStatus.UnsupportedLinkType, Decode(linkType, Payload(40)).Status);
    }

    [Fact]
    public void Slow_path_agrees_with_the_fast_path_on_ethernet()
    {
        var frame = Ethernet(EtherType.Vlan, Cat(VlanTag(12, EtherType.Ipv4), Ipv4("10.0.0.1", "10.0.0.2", 6, Tcp(1, 2, (byte)TcpFlags.RST))));

        var slow = Decode(LinkType.Ethernet, frame);
        var fast = Frames.Decode(LinkType.Ethernet, frame);

        Assert.Equal(
            (fast.SourceMac, fast.DestinationMac, fast.Vlan, fast.IpVersion, fast.SourceLow, fast.DestinationLow, fast.Protocol, fast.SourcePort, fast.DestinationPort, fast.TcpFlags),
            (slow.SourceMac, slow.DestinationMac, slow.Vlan, slow.IpVersion, slow.SourceLow, slow.DestinationLow, slow.Protocol, slow.SourcePort, slow.DestinationPort, slow.TcpFlags));
    }

    [Fact]
    public void Garbage_on_a_packetdotnet_link_type_does_not_throw()
    {
        var random = new Random(7);
        foreach (int linkType in new[] { LinkType.Ppp, LinkType.Fddi, LinkType.PppHdlc, LinkType.Ethernet, LinkType.LinuxSll, LinkType.Ieee80211Radiotap })
        {
            for (int i = 0; i < 300; i++)
            {
                var frame = new byte[random.Next(0, 100)];
                random.NextBytes(frame);
                var p = Decode(linkType, frame);
                Assert.True(Enum.IsDefined(p.Status));
            }
        }
    }

    [Fact]
    public void Wlan_frames_without_an_EtherType_are_named_for_what_they_are()
    {
        Assert.Equal("802.11-MGMT", EtherType.Name(EtherType.Ieee80211Management));
        Assert.Equal("802.11-CTRL", EtherType.Name(EtherType.Ieee80211Control));
        Assert.Equal("802.11-DATA", EtherType.Name(EtherType.Ieee80211ProtectedData));
        Assert.Equal("STP", EtherType.Name(EtherType.LlcStp));
    }

}
