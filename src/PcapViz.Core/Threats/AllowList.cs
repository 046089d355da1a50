using System.Net;
using System.Net.Sockets;

namespace PcapViz.Core.Threats;

/// <summary>
/// Addresses, CIDR ranges and domain patterns whose traffic is left out before anything is scored: a flow whose
/// either end is listed (by address, or by a name a DNS answer in the capture gave that address), and DNS activity
/// for a listed name.
/// A domain pattern is a DNS name with <c>*</c> and <c>?</c> wildcards; <c>*.example.com</c> also covers
/// <c>example.com</c> itself. Each entry counts what it removed, for the findings' <c>AllowList</c> text.
/// </summary>
public sealed class AllowList
{
    private readonly List<Entry> _entries = [];

    public static AllowList Empty => new([]);

    /// <exception cref="FormatException">A pattern that is neither an address, a CIDR range nor a DNS name pattern.</exception>
    public AllowList(IEnumerable<string> patterns)
    {
        foreach (var raw in patterns)
        {
            var pattern = raw?.Trim() ?? "";
            if (pattern.Length == 0)
                throw new FormatException("An empty allow-list entry matches nothing; give an address, a CIDR range (198.51.100.0/24) or a domain pattern (*.example.com).");
            _entries.Add(Parse(pattern));
        }
    }

    public bool IsEmpty => _entries.Count == 0;

    public IReadOnlyList<string> Patterns => _entries.Select(e => e.Pattern).ToArray();

    /// <summary>"198.51.100.0/24 (12 flows), *.example.com (3 flows, 40 DNS names)": what each entry removed.</summary>
    public string Describe() => string.Join(", ", _entries.Select(e =>
    {
        var parts = new List<string>();
        if (e.Flows > 0 || e.DnsRows == 0)
            parts.Add($"{e.Flows:N0} flow{(e.Flows == 1 ? "" : "s")}");
        if (e.DnsRows > 0)
            parts.Add($"{e.DnsRows:N0} DNS client-domain pair{(e.DnsRows == 1 ? "" : "s")}");
        return $"{e.Pattern} ({string.Join(", ", parts)})";
    }));

    internal void ResetCounts()
    {
        foreach (var entry in _entries)
        {
            entry.Flows = 0;
            entry.DnsRows = 0;
        }
    }

    /// <summary>The entry that leaves out an address (by range, or by a name the capture gave it), or -1.</summary>
    internal int EntryFor(IPAddress address, Func<IPAddress, IEnumerable<string>> namesOf)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Matches(address, namesOf))
                return i;
        }
        return -1;
    }

    /// <summary>Counts one flow left out by entry <paramref name="entry"/>.</summary>
    internal void CountFlow(int entry) => _entries[entry].Flows++;

    /// <summary>Whether a DNS name (a query, or a registered domain) is left out.</summary>
    internal bool ExcludesName(string name, bool count = true)
    {
        foreach (var entry in _entries)
        {
            if (entry.Domain is not null && entry.MatchesName(name))
            {
                if (count)
                    entry.DnsRows++;
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether a DNS client or server address is left out.</summary>
    internal bool ExcludesAddress(IPAddress address)
    {
        foreach (var entry in _entries)
        {
            if (entry.Network is { } network && network.Contains(Normalize(address)))
            {
                entry.DnsRows++;
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether some domain pattern reaches deeper than <paramref name="domain"/>, so only some names under it are left out.</summary>
    internal bool CoversPartOf(string domain) =>
        _entries.Any(e => e.Domain is not null && !e.MatchesName(domain) && e.Domain.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static Entry Parse(string pattern)
    {
        if (IPAddress.TryParse(pattern, out var address) && !pattern.Contains('/'))
        {
            address = Normalize(address);
            return new Entry(pattern, new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), null);
        }
        if (pattern.Contains('/'))
        {
            if (!TryParseNetwork(pattern, out var network))
                throw new FormatException($"'{pattern}' is not a CIDR range: write an address, a slash and a prefix length whose host bits are zero, as 198.51.100.0/24 or 2001:db8::/32.");
            return new Entry(pattern, network, null);
        }
        var domain = pattern.TrimEnd('.').ToLowerInvariant();
        if (!IsDomainPattern(domain))
            throw new FormatException($"'{pattern}' is not an address, a CIDR range or a domain pattern: domain patterns hold letters, digits, '-', '_', '.', '*' and '?', as *.windowsupdate.com.");
        return new Entry(pattern, null, domain);
    }

    /// <summary>A CIDR range whose host bits are zero: "10.0.0.1/8" is a typing error, not 10.0.0.0/8.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        network = default;
        int slash = text.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) || !IPNetwork.TryParse(text, out network))
            return false;
        return network.BaseAddress.Equals(address);
    }

    private static bool IsDomainPattern(string text)
    {
        if (text.Length is 0 or > 253 || text.StartsWith('.') || text.Contains(".."))
            return false;
        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '?'))
                return false;
        }
        return text.Any(c => c != '*' && c != '.');
    }

    private sealed class Entry(string pattern, IPNetwork? network, string? domain)
    {
        public string Pattern { get; } = pattern;
        public IPNetwork? Network { get; } = network;
        public string? Domain { get; } = domain;
        public long Flows;
        public long DnsRows;

        public bool Matches(IPAddress? address, Func<IPAddress, IEnumerable<string>> namesOf)
        {
            if (address is null)
                return false;
            if (Network is { } network)
                return network.Contains(Normalize(address));
            return namesOf(address).Any(MatchesName);
        }

        public bool MatchesName(string name)
        {
            name = name.TrimEnd('.');
            if (Wildcard(Domain!, name))
                return true;
            // "*.example.com" covers example.com too.
            return Domain!.StartsWith("*.", StringComparison.Ordinal) && string.Equals(Domain[2..], name, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Glob match, case-insensitive, iterative (no backtracking blow-up): '*' any run of characters, '?' one.</summary>
        private static bool Wildcard(string pattern, string text)
        {
            int p = 0, t = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
                {
                    p++;
                    t++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    mark = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++mark;
                }
                else
                {
                    return false;
                }
            }
            while (p < pattern.Length && pattern[p] == '*')
                p++;
            return p == pattern.Length;
        }
    }
}
