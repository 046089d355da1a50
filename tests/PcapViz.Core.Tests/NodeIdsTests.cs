using System.Net;
using PcapViz.Core.Names;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Tests;

public sealed class NodeIdsTests
{
    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("fe80::5efe:10.0.0.1", "fe80::5efe:a00:1")]
    [InlineData("::10.0.0.1", "::a00:1")]
    [InlineData("::ffff:10.0.0.1", "::ffff:a00:1")]
    [InlineData("64:ff9b::10.0.0.1", "64:ff9b::a00:1")]
    [InlineData("FF02::1:FF00:0001", "ff02::1:ff00:1")]
    public void Addresses_are_written_in_rfc_5952_form(string address, string expected)
    {
        var key = AddressKey.From(IPAddress.Parse(address))!.Value;

        Assert.Equal(expected, NodeIds.Address(key.Version, key.High, key.Low));
    }

    [Fact]
    public void Every_written_ipv6_address_reads_back_as_itself()
    {
        var random = new Random(20261127);
        Span<byte> bytes = stackalloc byte[16];
        for (int i = 0; i < 5000; i++)
        {
            random.NextBytes(bytes);
            // Zero groups at random, so that runs of every length and position come up.
            for (int group = 0; group < 8; group++)
            {
                if (random.Next(3) == 0)
                    bytes[(group * 2)..(group * 2 + 2)].Clear();
            }
            var address = new IPAddress(bytes);
            var key = AddressKey.From(address)!.Value;
            string text = NodeIds.Address(key.Version, key.High, key.Low);

            Assert.Equal(address, IPAddress.Parse(text));
            Assert.DoesNotContain(".", text);
            Assert.DoesNotContain(":::", text);
        }
    }
}
