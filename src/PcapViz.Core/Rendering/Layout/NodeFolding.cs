using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PcapViz.Core.Rendering.Layout;

/// <summary>One node of a drawing before layout: a topology node, or a group of light nodes folded together.</summary>
internal sealed class DrawItem
{
    public required string Id { get; init; }
    public PcapNode? Node { get; init; }
    public List<PcapNode> Members { get; } = [];
    /// <summary>For a group: its name, e.g. "10.0.3.0/24" or "Germany (DE)".</summary>
    public string? GroupTitle { get; init; }
    /// <summary>For a group: a second line, e.g. "ports 49152-65535" (or null).</summary>
    public string? GroupDetail { get; init; }
    public string GroupNoun { get; init; } = "hosts";
    public bool IsInternal { get; init; }
    public string? Country { get; init; }
    /// <summary>
    /// The special-purpose block ("Documentation (RFC 5737)", "Private") of a node with no country, or of a group
    /// whose members share one; coloured and named in the legend as a country is.
    /// </summary>
    public string? Range { get; init; }
    public long Traffic { get; set; }

    public bool IsGroup => Node is null;
}

/// <summary>
/// Folds the lightest nodes into one node per group once a topology has more nodes than a drawing can show:
/// layer 3 by /24 (IPv4) or /64 (IPv6) subnet for internal addresses and by country for external ones, layer 4 by
/// address and port range, layer 2 by OUI. As many of the heaviest nodes as fit stay themselves; when even the groups
/// are too many, coarser groups are tried (/16 and /48 subnets, then all internal addresses together).
/// </summary>
internal static class NodeFolding
{
    private const int Levels = 3;

    /// <param name="pinned">Nodes kept first, before the heaviest (a finding's hosts, marked key hosts), as far as room allows.</param>
    /// <returns>The drawing's nodes (kept nodes heaviest first, then groups heaviest first) and how many topology nodes went into groups.</returns>
    public static (List<DrawItem> Items, int Folded) Fold(IReadOnlyList<PcapNode> nodes, int layer, int maxNodes, IReadOnlySet<string>? pinned = null)
    {
        // Pinned, then heaviest first; ties by id so the result does not depend on the input's order.
        if (maxNodes <= 0 || nodes.Count <= maxNodes)
            return (nodes.OrderByDescending(Traffic).ThenBy(n => n.Id, StringComparer.Ordinal).Select(n => Single(n, layer)).ToList(), 0);
        var sorted = nodes.OrderByDescending(n => pinned is not null && pinned.Contains(n.Id)).ThenByDescending(Traffic).ThenBy(n => n.Id, StringComparer.Ordinal).ToArray();

        int keep = 0;
        GroupKey[] keys = [];
        for (int level = 0; level < Levels; level++)
        {
            keys = sorted.Select(n => KeyOf(n, layer, level)).ToArray();
            // distinctFrom[i] = number of different groups among sorted[i..]: a suffix scan.
            var distinctFrom = new int[sorted.Length + 1];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = sorted.Length - 1; i >= 0; i--)
            {
                seen.Add(keys[i].Id);
                distinctFrom[i] = seen.Count;
            }
            keep = -1;
            for (int k = Math.Min(maxNodes, sorted.Length); k >= 0; k--)
            {
                if (k + distinctFrom[k] <= maxNodes)
                {
                    keep = k;
                    break;
                }
            }
            if (keep >= 0)
                break;
            keep = 0; // even the coarsest grouping has more groups than maxNodes: draw all groups
        }

        var items = new List<DrawItem>(maxNodes);
        for (int i = 0; i < keep; i++)
            items.Add(Single(sorted[i], layer));
        var groups = new Dictionary<string, (GroupKey Key, List<PcapNode> Members)>(StringComparer.Ordinal);
        var groupOrder = new List<string>();
        for (int i = keep; i < sorted.Length; i++)
        {
            if (!groups.TryGetValue(keys[i].Id, out var group))
            {
                groups[keys[i].Id] = group = (keys[i], []);
                groupOrder.Add(keys[i].Id);
            }
            group.Members.Add(sorted[i]);
        }
        int folded = 0;
        var groupItems = new List<DrawItem>();
        foreach (var id in groupOrder)
        {
            var (key, members) = groups[id];
            if (members.Count == 1)
            {
                // A group of one is the node itself.
                groupItems.Add(Single(members[0], layer));
                continue;
            }
            folded += members.Count;
            var item = new DrawItem
            {
                Id = key.Id,
                GroupTitle = key.Title,
                GroupDetail = key.Detail ?? (key.IsInternal && layer == 3 ? RangesOf(members, layer) : null),
                GroupNoun = layer switch { 2 => "MACs", 3 => "hosts", _ => "endpoints" },
                IsInternal = key.IsInternal,
                Country = key.Country,
                Range = key.Range,
                Traffic = members.Sum(Traffic),
            };
            item.Members.AddRange(members);
            groupItems.Add(item);
        }
        items.AddRange(groupItems.OrderByDescending(g => g.Traffic).ThenBy(g => g.Id, StringComparer.Ordinal));
        return (items, folded);
    }

    public static long Traffic(PcapNode node) => node.BytesSent + node.BytesReceived;

    /// <summary>
    /// The cluster the responder layout puts an item in: its subnet (/24, /64) for an internal host or group, its OUI
    /// at layer 2; null for an external host or group, which goes on the ring.
    /// </summary>
    public static string? ClusterOf(DrawItem item, int layer)
    {
        var node = item.Node ?? item.Members.FirstOrDefault();
        if (node is null)
            return item.Id;
        if (layer == 2)
            return item.IsGroup ? item.Id : MacKey(node, 0).Id;
        if (!item.IsInternal)
            return null;
        return AddressKey(node, 0).Id;
    }

    /// <summary>
    /// The special-purpose block of a layer-3 or layer-4 node's address, read from the address itself so a topology
    /// from anywhere (an older export, a script) is labelled alike; null for a public address or a MAC.
    /// </summary>
    public static Geo.AddressRange? RangeOf(PcapNode node, int layer) =>
        layer != 2 && IPAddress.TryParse(node.Address, out var address) ? Geo.AddressClass.RangeOf(address) : null;

    /// <summary>The blocks an internal group's members are in, "Private, Link-local": what its subnet title does not say.</summary>
    private static string? RangesOf(List<PcapNode> members, int layer)
    {
        var labels = members.Select(m => RangeOf(m, layer)?.Label).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return labels.Count == 0 ? null : TextMeasure.Shorten(string.Join(", ", labels), DrawingStyle.MaxLabelChars);
    }

    private static DrawItem Single(PcapNode node, int layer)
    {
        var country = string.IsNullOrEmpty(node.Country) ? null : node.Country;
        return new()
        {
            Id = node.Id,
            Node = node,
            IsInternal = node.IsInternal,
            Country = country,
            Range = country is null ? RangeOf(node, layer)?.Label : null,
            Traffic = Traffic(node),
        };
    }

    private readonly record struct GroupKey(string Id, string Title, string? Detail, bool IsInternal, string? Country, string? Range = null);

    private static GroupKey KeyOf(PcapNode node, int layer, int level) => layer switch
    {
        2 => MacKey(node, level),
        3 => AddressKey(node, level),
        _ => PortRangeKey(node, level),
    };

    private static GroupKey MacKey(PcapNode node, int level)
    {
        var mac = node.Address;
        bool isOui = mac.Length >= 8 && mac[2] == ':' && mac[5] == ':';
        if (level == 0 && isOui)
        {
            var oui = mac[..8].ToLowerInvariant();
            return new GroupKey("group/oui/" + oui, "OUI " + oui, null, node.IsInternal, null);
        }
        return node.IsInternal
            ? new GroupKey("group/mac/multicast", "Broadcast and multicast", null, true, null)
            : new GroupKey("group/mac/unicast", "Unicast MACs", null, false, null);
    }

    private static GroupKey AddressKey(PcapNode node, int level)
    {
        if (!node.IsInternal)
        {
            var code = string.IsNullOrEmpty(node.Country) ? null : node.Country;
            if (code is null)
            {
                // Documentation, benchmarking, Teredo and the like have no country but are not unknown: one group per block name.
                if (RangeOf(node, 3) is { } range)
                    return new GroupKey("group/range/" + Slug(range.Label), range.Label, null, false, null, range.Label);
                return new GroupKey("group/country/unknown", "External, country unknown", null, false, null);
            }
            var name = node.CountryName ?? Geo.CountryNames.EnglishName(code);
            return new GroupKey("group/country/" + code, name is null ? code : $"{name} ({code})", null, false, code);
        }
        if (level >= 2 || !IPAddress.TryParse(node.Address, out var address))
            return new GroupKey("group/internal", "Internal addresses", null, true, null);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        int prefix = address.AddressFamily == AddressFamily.InterNetwork ? (level == 0 ? 24 : 16) : (level == 0 ? 64 : 48);
        var network = Network(address, prefix) + "/" + prefix.ToString(CultureInfo.InvariantCulture);
        return new GroupKey("group/" + network, network, null, true, null);
    }

    private static GroupKey PortRangeKey(PcapNode node, int level)
    {
        var (range, rangeId) = node.Port switch
        {
            null => ("no port", "none"),
            < 1024 => ("ports 0\u20131023", "well-known"),
            < 49152 => ("ports 1024\u201349151", "registered"),
            _ => ("ports 49152\u201365535", "ephemeral"),
        };
        if (level == 0)
        {
            var country = string.IsNullOrEmpty(node.Country) ? null : node.Country;
            return new GroupKey("group/" + node.Address + "/" + rangeId, node.Address, range, node.IsInternal, country, country is null ? RangeOf(node, 4)?.Label : null);
        }
        var host = AddressKey(node, level == 1 ? 0 : 2);
        return host with { Id = host.Id + "/" + rangeId, Detail = range };
    }

    private static string Slug(string label)
    {
        var slug = new System.Text.StringBuilder(label.Length);
        foreach (char c in label.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        return slug.ToString().TrimEnd('-');
    }

    private static string Network(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes).ToString();
    }
}
