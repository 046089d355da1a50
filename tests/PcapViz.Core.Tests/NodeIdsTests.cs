using System.Net;
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
        var (version, high, low) = Parts(IPAddress.Parse(address));

        Assert.Equal(expected, NodeIds.Address(version, high, low));
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
            var (version, high, low) = Parts(address);
            string text = NodeIds.Address(version, high, low);

            Assert.Equal(address, IPAddress.Parse(text));
            Assert.DoesNotContain(".", text);
            Assert.DoesNotContain(":::", text);
        }
    }

    private static (byte Version, ulong High, ulong Low) Parts(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4)
            return (4, 0, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        return (6, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)));
    }
}
