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

    [Fact]
    public void IsInternal_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => AddressClass.IsInternal(null!));
    }
}
