using System.Net;
using PcapViz.Core.Geo;

namespace PcapViz.Core.Tests;

public sealed class GeoAddressClassTests
{
    [Theory]
    // private IPv4, with the edges of each range
    [InlineData("10.0.0.0", true)]
    [InlineData("10.255.255.255", true)]
    [InlineData("9.255.255.255", false)]
    [InlineData("11.0.0.0", false)]
    [InlineData("172.16.0.0", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.32.0.0", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("192.168.255.255", true)]
    [InlineData("192.167.255.255", false)]
    [InlineData("192.169.0.0", false)]
    // shared address space (CGNAT)
    [InlineData("100.64.0.0", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("100.63.255.255", false)]
    [InlineData("100.128.0.0", false)]
    // loopback, link-local, unspecified
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.255.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("169.254.255.255", true)]
    [InlineData("169.253.255.255", false)]
    [InlineData("169.255.0.0", false)]
    [InlineData("0.0.0.0", true)]
    // multicast and broadcast
    [InlineData("224.0.0.251", true)]
    [InlineData("239.255.255.250", true)]
    [InlineData("223.255.255.255", false)]
    [InlineData("255.255.255.255", true)]
    [InlineData("255.255.255.254", false)]
    // public IPv4
    [InlineData("8.8.8.8", false)]
    [InlineData("81.2.69.160", false)]
    [InlineData("185.220.101.42", false)]
    [InlineData("192.0.2.1", false)]
    // IPv6
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("::2", false)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::1%2", true)]
    [InlineData("febf:ffff::1", true)]
    [InlineData("fec0::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fd12:3456:789a::1", true)]
    [InlineData("fbff::1", false)]
    [InlineData("fe00::1", false)]
    [InlineData("ff02::1", true)]
    [InlineData("ff05::1:3", true)]
    [InlineData("2001:4860:4860::8888", false)]
    [InlineData("2001:218::1", false)]
    // IPv4-mapped IPv6 is judged as the IPv4 address inside it
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::ffff:192.168.1.1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:255.255.255.255", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    public void IsInternal_classifies_private_loopback_link_local_multicast_and_broadcast(string address, bool expected)
    {
        Assert.Equal(expected, AddressClass.IsInternal(IPAddress.Parse(address)));
    }

    [Theory]
    // IPv4, from IANA's special-purpose registry, with a neighbour outside where a block's edge could slip
    [InlineData("0.0.0.0", "Unspecified", true)]
    [InlineData("0.1.2.3", "This network", true)]
    [InlineData("10.20.30.40", "Private", true)]
    [InlineData("172.16.0.1", "Private", true)]
    [InlineData("192.168.1.1", "Private", true)]
    [InlineData("100.64.1.1", "Shared address space (CGNAT)", true)]
    [InlineData("100.127.255.255", "Shared address space (CGNAT)", true)]
    [InlineData("100.128.0.0", null, false)]
    [InlineData("127.0.0.1", "Loopback", true)]
    [InlineData("169.254.10.20", "Link-local", true)]
    [InlineData("192.0.0.1", "IPv4 service continuity (DS-Lite)", false)]
    [InlineData("192.0.0.9", "Port Control Protocol anycast", false)]
    [InlineData("192.0.0.100", "IETF protocol assignments", false)]
    [InlineData("192.0.0.170", "NAT64/DNS64 discovery", false)]
    [InlineData("192.0.2.0", "Documentation (RFC 5737)", false)]
    [InlineData("192.0.2.5", "Documentation (RFC 5737)", false)]
    [InlineData("192.0.2.255", "Documentation (RFC 5737)", false)]
    [InlineData("192.0.3.0", null, false)]
    [InlineData("198.51.100.7", "Documentation (RFC 5737)", false)]
    [InlineData("198.51.101.0", null, false)]
    [InlineData("203.0.113.66", "Documentation (RFC 5737)", false)]
    [InlineData("203.0.112.255", null, false)]
    [InlineData("198.18.0.1", "Benchmarking (RFC 2544)", false)]
    [InlineData("198.19.255.255", "Benchmarking (RFC 2544)", false)]
    [InlineData("198.20.0.0", null, false)]
    [InlineData("192.31.196.1", "AS112 DNS", false)]
    [InlineData("192.175.48.6", "AS112 DNS", false)]
    [InlineData("192.52.193.1", "AMT relay anycast", false)]
    [InlineData("192.88.99.1", "6to4 relay anycast (deprecated)", false)]
    [InlineData("224.0.0.251", "Multicast", true)]
    [InlineData("239.255.255.250", "Multicast", true)]
    [InlineData("233.252.0.1", "Multicast documentation (RFC 6676)", true)]
    [InlineData("240.0.0.1", "Reserved", false)]
    [InlineData("255.255.255.254", "Reserved", false)]
    [InlineData("255.255.255.255", "Broadcast", true)]
    [InlineData("8.8.8.8", null, false)]
    [InlineData("223.255.255.255", null, false)]
    // IPv6, from IANA's IPv6 special-purpose registry, with multicast and site-local from its address-space registry
    [InlineData("::", "Unspecified", true)]
    [InlineData("::1", "Loopback", true)]
    [InlineData("64:ff9b::808:808", "IPv4-IPv6 translation (NAT64)", false)]
    [InlineData("64:ff9b:1::1", "IPv4-IPv6 translation, local use", false)]
    [InlineData("64:ff9b:0:0:1::", null, false)]
    [InlineData("100::1", "Discard-only", false)]
    [InlineData("2001::1", "Teredo", false)]
    [InlineData("2001:0:ffff:ffff::1", "Teredo", false)]
    [InlineData("2001:1::1", "Port Control Protocol anycast", false)]
    [InlineData("2001:1::3", "DNS-SD service registration anycast", false)]
    [InlineData("2001:2::1", "Benchmarking (RFC 5180)", false)]
    [InlineData("2001:3::1", "AMT", false)]
    [InlineData("2001:4:112::1", "AS112 DNS", false)]
    [InlineData("2001:10::1", "ORCHID (deprecated)", false)]
    [InlineData("2001:20::1", "ORCHIDv2", false)]
    [InlineData("2001:30::1", "Drone remote ID", false)]
    [InlineData("2001:100::1", "IETF protocol assignments", false)]
    [InlineData("2001:200::1", null, false)]
    [InlineData("2001:db8::1", "Documentation (RFC 3849)", false)]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "Documentation (RFC 3849)", false)]
    [InlineData("2001:db9::1", null, false)]
    [InlineData("2002:c000:204::1", "6to4", false)]
    [InlineData("2003::1", null, false)]
    [InlineData("2620:4f:8000::53", "AS112 DNS", false)]
    [InlineData("3fff::1", "Documentation (RFC 9637)", false)]
    [InlineData("3fff:fff:ffff::1", "Documentation (RFC 9637)", false)]
    [InlineData("3fff:1000::1", null, false)]
    [InlineData("5f00::1", "SRv6 segment identifiers", false)]
    [InlineData("fd12:3456:789a::1", "Unique local (ULA)", true)]
    [InlineData("fc00::1", "Unique local (ULA)", true)]
    [InlineData("fe80::1%2", "Link-local", true)]
    [InlineData("fec0::1", "Site-local (deprecated)", true)]
    [InlineData("ff02::1", "Multicast", true)]
    [InlineData("2001:4860:4860::8888", null, false)]
    // IPv4-mapped IPv6 is labelled as the IPv4 address inside it
    [InlineData("::ffff:192.0.2.5", "Documentation (RFC 5737)", false)]
    [InlineData("::ffff:100.64.1.1", "Shared address space (CGNAT)", true)]
    public void RangeOf_names_each_special_purpose_block(string address, string? label, bool isInternal)
    {
        var ip = IPAddress.Parse(address);
        var range = AddressClass.RangeOf(ip);
        Assert.Equal(label, range?.Label);
        Assert.Equal(isInternal, AddressClass.IsInternal(ip));
        // The decoder's form of the address gives the same answer.
        var (version, high, low) = Decoded(ip);
        Assert.Same(range, AddressClass.RangeOf(version, high, low));
    }

    [Fact]
    public void Every_block_holds_its_first_and_last_address_and_is_most_specific_there_unless_a_smaller_block_sits_inside()
    {
        foreach (var range in AddressClass.Ranges)
        {
            var network = IPAddress.Parse(range.Network[..range.Network.IndexOf('/')]);
            var bytes = network.GetAddressBytes();
            var last = (byte[])bytes.Clone();
            for (int bit = range.PrefixLength; bit < bytes.Length * 8; bit++)
                last[bit / 8] |= (byte)(0x80 >> (bit % 8));
            foreach (var address in new[] { network, new IPAddress(last) })
            {
                var found = AddressClass.RangeOf(address);
                Assert.NotNull(found);
                // Either the block itself, or a more specific one inside it (192.0.0.0/29 inside 192.0.0.0/24).
                Assert.True(found == range || (found.PrefixLength > range.PrefixLength && Inside(found, range)), $"{address} is in {found}, expected {range}");
            }
        }
        Assert.Equal(AddressClass.Ranges.Count, AddressClass.Ranges.Select(r => r.Network).Distinct().Count());
        Assert.All(AddressClass.Ranges, r => Assert.Matches(@"^RFC \d+$", r.Reference));
    }

    [Theory]
    [InlineData("224.0.0.1", true)]
    [InlineData("239.1.2.3", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("240.0.0.1", false)]
    [InlineData("ff05::1:3", true)]
    [InlineData("::ffff:224.0.0.251", true)]
    [InlineData("192.0.2.1", false)]
    [InlineData("fe80::1", false)]
    public void IsGroup_is_multicast_or_the_limited_broadcast(string address, bool expected)
    {
        var (version, high, low) = Decoded(IPAddress.Parse(address));
        Assert.Equal(expected, AddressClass.IsGroup(version, high, low));
    }

    [Theory]
    // The embedded DB-IP database gives these a country (Teredo and 6to4 the registrant's, AS112 the operator's); none is where the host is.
    [InlineData("2001::1")]
    [InlineData("2002:c000:204::1")]
    [InlineData("192.31.196.1")]
    [InlineData("192.0.2.5")]
    public void Special_purpose_addresses_are_never_given_a_country(string address)
    {
        Assert.Null(GeoLocator.Default().Lookup(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_public_address_still_gets_its_country()
    {
        Assert.Equal("US", GeoLocator.Default().Lookup(IPAddress.Parse("8.8.8.8"))?.CountryCode);
    }

    private static bool Inside(AddressRange inner, AddressRange outer) =>
        Contains(outer, IPAddress.Parse(inner.Network[..inner.Network.IndexOf('/')]));

    private static bool Contains(AddressRange range, IPAddress address)
    {
        var network = IPAddress.Parse(range.Network[..range.Network.IndexOf('/')]).GetAddressBytes();
        var bytes = address.GetAddressBytes();
        if (network.Length != bytes.Length)
            return false;
        for (int bit = 0; bit < range.PrefixLength; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((network[bit / 8] & mask) != (bytes[bit / 8] & mask))
                return false;
        }
        return true;
    }

    private static (byte Version, ulong High, ulong Low) Decoded(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4
            ? ((byte)4, 0UL, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : ((byte)6, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void IsInternal_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => AddressClass.IsInternal(null!));
    }
}
