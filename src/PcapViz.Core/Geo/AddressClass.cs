using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace PcapViz.Core.Geo;

/// <summary>
/// One block of special-purpose addresses: what it is called where users see it (<see cref="Label"/>, e.g.
/// "Documentation (RFC 5737)"), whether its addresses stay inside a site or a host (<see cref="IsInternal"/>), and
/// whether they name a group of hosts rather than one (<see cref="IsGroup"/>).
/// </summary>
public sealed class AddressRange
{
    internal AddressRange(string network, string label, string reference, bool isInternal = false, bool isGroup = false)
    {
        Network = network;
        Label = label;
        Reference = reference;
        IsInternal = isInternal;
        IsGroup = isGroup;
        int slash = network.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(network[..slash]);
        PrefixLength = int.Parse(network[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        if (written == 4)
        {
            Version = 4;
            MaskLow = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
            Low = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }
        else
        {
            Version = 6;
            MaskHigh = PrefixLength >= 64 ? ulong.MaxValue : PrefixLength == 0 ? 0 : ulong.MaxValue << (64 - PrefixLength);
            MaskLow = PrefixLength <= 64 ? 0 : PrefixLength == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - PrefixLength);
            High = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            Low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        }
        if ((High & ~MaskHigh) != 0 || (Low & ~MaskLow) != 0)
            throw new ArgumentException($"{network} has host bits set.", nameof(network));
    }

    /// <summary>The block in CIDR form, "192.0.2.0/24".</summary>
    public string Network { get; }

    public int PrefixLength { get; }

    /// <summary>What the block is, for people: "Private", "Link-local", "Documentation (RFC 3849)".</summary>
    public string Label { get; }

    /// <summary>The document that set the block aside, "RFC 5737".</summary>
    public string Reference { get; }

    /// <summary>Private, shared (CGNAT), loopback, link-local, unique-local, site-local, multicast, broadcast, unspecified.</summary>
    public bool IsInternal { get; }

    /// <summary>Multicast or the limited broadcast: addresses no single host answers for.</summary>
    public bool IsGroup { get; }

    internal byte Version { get; }
    internal ulong High { get; }
    internal ulong Low { get; }
    internal ulong MaskHigh { get; }
    internal ulong MaskLow { get; }

    internal bool Contains(ulong high, ulong low) => (high & MaskHigh) == High && (low & MaskLow) == Low;

    public override string ToString() => $"{Network} {Label}";
}

/// <summary>
/// Which addresses belong to no place on the map: the special-purpose blocks, each with the name users see. They are
/// never looked up in a geolocation database (which for some, such as Teredo and 6to4, would answer with a country
/// that says nothing about the host).
/// </summary>
public static class AddressClass
{
    // The one table. Its source is IANA's special-purpose address registries,
    //   https://www.iana.org/assignments/iana-ipv4-special-registry/ (RFC 6890, RFC 8190) and
    //   https://www.iana.org/assignments/iana-ipv6-special-registry/,
    // with the few blocks other IANA registries set aside added: IPv4 multicast 224/4 (ipv4-address-space, RFC 5771)
    // and its documentation block (RFC 6676), the limited broadcast (RFC 919, RFC 8190), IPv6 multicast ff00::/8 and
    // the deprecated site-local fec0::/10 (ipv6-address-space, RFC 4291, RFC 3879). IPv4-mapped IPv6 (::ffff:0:0/96)
    // is not here: such an address is judged as the IPv4 address inside it.
    // IsInternal keeps the meaning detectors and layouts rely on (stays inside a site or host); documentation,
    // benchmarking and tunnel blocks are external but labelled. The most specific block wins.
    private static readonly AddressRange[] Table =
    [
        // IPv4
        new("0.0.0.0/8", "This network", "RFC 791", isInternal: true),
        new("0.0.0.0/32", "Unspecified", "RFC 1122", isInternal: true),
        new("10.0.0.0/8", "Private", "RFC 1918", isInternal: true),
        new("100.64.0.0/10", "Shared address space (CGNAT)", "RFC 6598", isInternal: true),
        new("127.0.0.0/8", "Loopback", "RFC 1122", isInternal: true),
        new("169.254.0.0/16", "Link-local", "RFC 3927", isInternal: true),
        new("172.16.0.0/12", "Private", "RFC 1918", isInternal: true),
        new("192.0.0.0/24", "IETF protocol assignments", "RFC 6890"),
        new("192.0.0.0/29", "IPv4 service continuity (DS-Lite)", "RFC 7335"),
        new("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
        new("192.0.0.9/32", "Port Control Protocol anycast", "RFC 7723"),
        new("192.0.0.10/32", "TURN anycast", "RFC 8155"),
        new("192.0.0.170/32", "NAT64/DNS64 discovery", "RFC 7050"),
        new("192.0.0.171/32", "NAT64/DNS64 discovery", "RFC 7050"),
        new("192.0.2.0/24", "Documentation (RFC 5737)", "RFC 5737"),
        new("192.31.196.0/24", "AS112 DNS", "RFC 7535"),
        new("192.52.193.0/24", "AMT relay anycast", "RFC 7450"),
        new("192.88.99.0/24", "6to4 relay anycast (deprecated)", "RFC 7526"),
        new("192.168.0.0/16", "Private", "RFC 1918", isInternal: true),
        new("192.175.48.0/24", "AS112 DNS", "RFC 7534"),
        new("198.18.0.0/15", "Benchmarking (RFC 2544)", "RFC 2544"),
        new("198.51.100.0/24", "Documentation (RFC 5737)", "RFC 5737"),
        new("203.0.113.0/24", "Documentation (RFC 5737)", "RFC 5737"),
        new("224.0.0.0/4", "Multicast", "RFC 5771", isInternal: true, isGroup: true),
        new("233.252.0.0/24", "Multicast documentation (RFC 6676)", "RFC 6676", isInternal: true, isGroup: true),
        new("240.0.0.0/4", "Reserved", "RFC 1112"),
        new("255.255.255.255/32", "Broadcast", "RFC 8190", isInternal: true, isGroup: true),

        // IPv6
        new("::/128", "Unspecified", "RFC 4291", isInternal: true),
        new("::1/128", "Loopback", "RFC 4291", isInternal: true),
        new("64:ff9b::/96", "IPv4-IPv6 translation (NAT64)", "RFC 6052"),
        new("64:ff9b:1::/48", "IPv4-IPv6 translation, local use", "RFC 8215"),
        new("100::/64", "Discard-only", "RFC 6666"),
        new("2001::/23", "IETF protocol assignments", "RFC 2928"),
        new("2001::/32", "Teredo", "RFC 4380"),
        new("2001:1::1/128", "Port Control Protocol anycast", "RFC 7723"),
        new("2001:1::2/128", "TURN anycast", "RFC 8155"),
        new("2001:1::3/128", "DNS-SD service registration anycast", "RFC 9665"),
        new("2001:2::/48", "Benchmarking (RFC 5180)", "RFC 5180"),
        new("2001:3::/32", "AMT", "RFC 7450"),
        new("2001:4:112::/48", "AS112 DNS", "RFC 7535"),
        new("2001:10::/28", "ORCHID (deprecated)", "RFC 4843"),
        new("2001:20::/28", "ORCHIDv2", "RFC 7343"),
        new("2001:30::/28", "Drone remote ID", "RFC 9374"),
        new("2001:db8::/32", "Documentation (RFC 3849)", "RFC 3849"),
        new("2002::/16", "6to4", "RFC 3056"),
        new("2620:4f:8000::/48", "AS112 DNS", "RFC 7534"),
        new("3fff::/20", "Documentation (RFC 9637)", "RFC 9637"),
        new("5f00::/16", "SRv6 segment identifiers", "RFC 9602"),
        new("fc00::/7", "Unique local (ULA)", "RFC 4193", isInternal: true),
        new("fe80::/10", "Link-local", "RFC 4291", isInternal: true),
        new("fec0::/10", "Site-local (deprecated)", "RFC 3879", isInternal: true),
        new("ff00::/8", "Multicast", "RFC 4291", isInternal: true, isGroup: true),
    ];

    // The table by first byte, most specific first, so a lookup (once per flow in the detectors) tries a block or two.
    private static readonly AddressRange[][] V4ByFirstByte = Buckets(4);
    private static readonly AddressRange[][] V6ByFirstByte = Buckets(6);

    /// <summary>Every special-purpose block PcapViz knows, IPv4 then IPv6.</summary>
    public static IReadOnlyList<AddressRange> Ranges => Table;

    /// <summary>The most specific special-purpose block holding <paramref name="address"/>, or null for an ordinary public address.</summary>
    public static AddressRange? RangeOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int written);
        return written == 4
            ? RangeOf(4, 0, BinaryPrimitives.ReadUInt32BigEndian(b))
            : RangeOf(6, BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
    }

    /// <summary>As <see cref="RangeOf(IPAddress)"/>, for an address held as the decoder holds it (IPv4 in the low 32 bits); IPv4-mapped IPv6 is judged as IPv4.</summary>
    public static AddressRange? RangeOf(byte version, ulong high, ulong low)
    {
        if (version == 6 && high == 0 && (low >> 32) == 0xFFFF)
        {
            version = 4;
            low &= 0xFFFFFFFF;
        }
        var candidates = version == 4 ? V4ByFirstByte[(byte)(low >> 24)] : V6ByFirstByte[(byte)(high >> 56)];
        if (version == 4)
            high = 0;
        foreach (var range in candidates)
        {
            if (range.Contains(high, low))
                return range;
        }
        return null;
    }

    /// <summary>
    /// True for addresses that stay inside a site or a host: private (10/8, 172.16/12, 192.168/16),
    /// shared CGNAT space (100.64/10), IPv6 unique-local (fc00::/7) and site-local (fec0::/10), loopback,
    /// link-local (169.254/16, fe80::/10), multicast, the limited broadcast 255.255.255.255, the
    /// unspecified and "this network" addresses (0/8, ::), and IPv4-mapped IPv6 forms of all of these.
    /// </summary>
    public static bool IsInternal(IPAddress address) => RangeOf(address)?.IsInternal == true;

    /// <summary>As <see cref="IsInternal(IPAddress)"/>, for an address held as the decoder holds it (IPv4 in the low 32 bits).</summary>
    public static bool IsInternal(byte version, ulong high, ulong low) => RangeOf(version, high, low)?.IsInternal == true;

    /// <summary>Multicast (224/4, ff00::/8) or the limited broadcast: addresses no single host answers for.</summary>
    public static bool IsGroup(byte version, ulong high, ulong low) => RangeOf(version, high, low)?.IsGroup == true;

    private static AddressRange[][] Buckets(byte version)
    {
        var buckets = new List<AddressRange>[256];
        for (int i = 0; i < buckets.Length; i++)
            buckets[i] = [];
        foreach (var range in Table.Where(r => r.Version == version).OrderByDescending(r => r.PrefixLength))
        {
            // The first bytes a block covers: one for a /8 or longer, several for 224/4 or fc00::/7.
            ulong first = version == 4 ? range.Low >> 24 : range.High >> 56;
            int span = range.PrefixLength >= 8 ? 1 : 1 << (8 - range.PrefixLength);
            for (ulong b = first; b < first + (ulong)span; b++)
                buckets[b].Add(range);
        }
        return buckets.Select(b => b.ToArray()).ToArray();
    }
}
