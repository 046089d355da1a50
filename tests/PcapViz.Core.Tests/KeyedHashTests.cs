using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;

namespace PcapViz.Core.Tests;

public class KeyedHashTests
{
    /// <summary>The flow key's hash before it was keyed: fields times fixed constants, combined by XOR.</summary>
    private static int LinearHash(in FlowKey k)
    {
        ulong h = k.SourceLow * 0x9E3779B97F4A7C15UL;
        h ^= k.DestinationLow * 0xC2B2AE3D27D4EB4FUL;
        h ^= ((ulong)k.SourcePort << 48 | (ulong)k.DestinationPort << 32 | (ulong)k.Vlan << 16 | k.EtherType) * 0x165667B19E3779F9UL;
        h ^= (k.SourceHigh ^ (k.DestinationHigh << 1)) * 0x27D4EB2F165667C5UL;
        h ^= (k.SourceMac ^ (k.DestinationMac << 3) ^ ((ulong)k.Protocol << 56) ^ ((ulong)k.Flags << 48) ^ ((ulong)k.IpVersion << 40)) * 0x94D049BB133111EBUL;
        h ^= h >> 29;
        return (int)h ^ (int)(h >> 32);
    }

    /// <summary>The inverse of an odd number modulo 2^64 (Newton's iteration), to solve a linear hash for a field.</summary>
    private static ulong Inverse(ulong odd)
    {
        ulong inverse = odd;
        for (int i = 0; i < 5; i++)
            inverse *= 2 - odd * inverse;
        return inverse;
    }

    [Fact]
    public void Flows_crafted_to_collide_under_a_fixed_linear_hash_spread_over_the_table()
    {
        // A capture's author can pick each IPv6 source's high half so that its term cancels the low half's: every flow
        // then has one hash, one probe chain, and the import turns quadratic. A keyed, sequential mix leaves nothing to solve.
        const ulong destinationHigh = 0x20010DB8UL << 32;
        var keys = Enumerable.Range(1, 10_000).Select(i =>
        {
            ulong low = (ulong)i * 0x1000193UL;
            ulong high = ((0x5EED5EED5EED5EEDUL ^ (low * 0x9E3779B97F4A7C15UL)) * Inverse(0x27D4EB2F165667C5UL)) ^ (destinationHigh << 1);
            return new FlowKey(0, 0, 0, 0x86DD, 6, high, low, destinationHigh, 1, 17, 5353, 5353, PacketFlags.HasIp | PacketFlags.HasPorts);
        }).ToList();
        Assert.Single(keys.Select(k => LinearHash(k)).Distinct());

        Assert.InRange(keys.Select(k => k.GetHashCode()).Distinct().Count(), 9_900, 10_000);
        var table = new FlowTable();
        foreach (var key in keys)
            table.GetOrAdd(key).Add(1, 100, 0, 0);
        Assert.Equal(10_000, table.Count);
    }
}
