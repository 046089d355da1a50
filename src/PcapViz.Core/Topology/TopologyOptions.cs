using System.Net;
using PcapViz.Core.Geo;

namespace PcapViz.Core.Topology;

/// <summary>What to draw and what to leave out. Filters keep or drop whole flows.</summary>
public sealed class TopologyOptions
{
    public int Layer { get; init; } = 3;
    /// <summary>Keep only flows carrying one of these protocols (TCP, UDP, ICMP, ARP, DNS, HTTP, TLS, NTP, ...).</summary>
    public IReadOnlyCollection<string>? Protocols { get; init; }
    public IReadOnlyCollection<string>? ExcludedProtocols { get; init; }
    /// <summary>Keep only flows with an end inside one of these networks.</summary>
    public IReadOnlyCollection<IpNetwork>? Addresses { get; init; }
    /// <summary>Keep only flows with an end on one of these ports.</summary>
    public IReadOnlyCollection<int>? Ports { get; init; }
    /// <summary>Keep flows active at or after this time (a flow that overlaps the window counts whole).</summary>
    public DateTimeOffset? After { get; init; }
    public DateTimeOffset? Before { get; init; }
    /// <summary>Country, city and ASN for external addresses; null leaves them empty.</summary>
    public GeoLocator? Geo { get; init; }
    /// <summary>
    /// Extra names (reverse DNS), asked for only when the user opts in: called once per build, with every distinct
    /// unicast IP address of the graph's nodes and the build's token, so the lookups can run side by side.
    /// </summary>
    public Func<IReadOnlyList<IPAddress>, CancellationToken, IReadOnlyDictionary<IPAddress, IReadOnlyList<string>>>? ResolveNames { get; init; }
}

/// <summary>An IP address with a prefix length: "10.0.0.0/8", "2001:db8::/32", or a single address.</summary>
public readonly record struct IpNetwork(IPAddress Network, int PrefixLength)
{
    public static IpNetwork Parse(string text)
    {
        if (!TryParse(text, out var network))
            throw new FormatException($"'{text}' is not an IP address or CIDR network.");
        return network;
    }

    public static bool TryParse(string text, out IpNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText.Trim('[', ']'), out var address))
            return false;
        int maxPrefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
            return false;
        network = new IpNetwork(address, prefix);
        return true;
    }

    public bool Contains(byte version, ulong high, ulong low)
    {
        bool isV4 = Network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        if (isV4 != (version == 4))
            return false;
        var bytes = Network.GetAddressBytes();
        if (isV4)
        {
            uint net = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
            uint mask = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
            return ((uint)low & mask) == (net & mask);
        }
        ulong netHigh = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        ulong netLow = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8));
        ulong maskHigh = PrefixLength >= 64 ? ulong.MaxValue : PrefixLength == 0 ? 0 : ulong.MaxValue << (64 - PrefixLength);
        ulong maskLow = PrefixLength <= 64 ? 0 : PrefixLength == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - PrefixLength);
        return (high & maskHigh) == (netHigh & maskHigh) && (low & maskLow) == (netLow & maskLow);
    }

    public override string ToString() => $"{Network}/{PrefixLength}";
}
