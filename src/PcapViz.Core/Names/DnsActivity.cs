using System.Net;
using System.Runtime.CompilerServices;

namespace PcapViz.Core.Names;

/// <summary>What one client asked of one registered domain over DNS (port 53), as the import saw it.</summary>
/// <param name="LongestLabels">Distinct names by the length of their longest label below the registered domain (index 63: 63 or more).</param>
public sealed record DnsDomainActivity(
    IPAddress Client,
    IPAddress? Server,
    string Domain,
    long Queries,
    int Names,
    long TxtQueries,
    long NullQueries,
    long AnyQueries,
    long Responses,
    long NxDomainResponses,
    long ResponseBytes,
    double MeanEntropy,
    int LongestLabel,
    IReadOnlyList<int> LongestLabels,
    long FirstNs,
    long LastNs)
{
    /// <summary>Distinct names with a label of at least <paramref name="length"/> characters below the registered domain.</summary>
    public int NamesWithLabelOf(int length)
    {
        int count = 0;
        for (int i = Math.Clamp(length, 0, LongestLabels.Count); i < LongestLabels.Count; i++)
            count += LongestLabels[i];
        return count;
    }
}

/// <summary>
/// DNS evidence for tunnel and C2 detection, gathered in the import's single pass: per client and registered domain
/// (<see cref="PublicSuffixList"/>), the distinct names asked, the shape of their labels (longest label, entropy),
/// TXT, NULL and ANY queries, NXDOMAIN answers and answer bytes. Memory grows with distinct names and with
/// (client, domain) pairs, each under a cap; what a cap turns away is counted in <see cref="NamesDropped"/> and
/// <see cref="DomainsDropped"/>. The shape of a name is worked out once, when the name is first seen for its client.
/// </summary>
public sealed class DnsActivity
{
    public const int DefaultMaxNames = 1_000_000;
    public const int DefaultMaxDomains = 200_000;
    private const int LabelBuckets = 64;
    private const ushort TypeNull = 10, TypeTxt = 16, TypeAny = 255;
    private const int NxDomain = 3;
    /// <summary>Characters of a key before the name: version, two 16-digit halves, a bar.</summary>
    private const int ClientPrefixLength = 34;

    private struct DomainEntry
    {
        public AddressKey Client;
        public AddressKey Server;
        public bool HasServer;
        public long Queries, TxtQueries, NullQueries, AnyQueries, Responses, NxDomain, ResponseBytes;
        public long FirstNs, LastNs;
        public int Names;
        public double EntropySum;
        public int[] LongestLabels;
    }

    private readonly int _maxNames;
    private readonly int _maxDomains;
    /// <summary>"client|name" for each distinct name a client asked.</summary>
    private readonly SpanKeyedTable<bool> _names = new();
    /// <summary>"client|registered domain".</summary>
    private readonly SpanKeyedTable<DomainEntry> _domains = new();

    public DnsActivity(int maxNames = DefaultMaxNames, int maxDomains = DefaultMaxDomains)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDomains);
        _maxNames = maxNames;
        _maxDomains = maxDomains;
    }

    /// <summary>New names not counted because the table of distinct names was full.</summary>
    public long NamesDropped { get; private set; }

    /// <summary>Queries and answers not counted because the table of (client, domain) pairs was full.</summary>
    public long DomainsDropped { get; private set; }

    public int DistinctNames => _names.Count;

    public int DomainCount => _domains.Count;

    public IEnumerable<DnsDomainActivity> Domains
    {
        get
        {
            for (int i = 0; i < _domains.Count; i++)
            {
                ref readonly var entry = ref _domains.ValueAt(i);
                int longest = 0;
                for (int length = LabelBuckets - 1; length > 0; length--)
                {
                    if (entry.LongestLabels[length] > 0)
                    {
                        longest = length;
                        break;
                    }
                }
                yield return new DnsDomainActivity(entry.Client.ToIPAddress(), entry.HasServer ? entry.Server.ToIPAddress() : null,
                    _domains.KeyAt(i)[ClientPrefixLength..], entry.Queries, entry.Names, entry.TxtQueries, entry.NullQueries, entry.AnyQueries,
                    entry.Responses, entry.NxDomain, entry.ResponseBytes, entry.Names > 0 ? entry.EntropySum / entry.Names : 0,
                    longest, entry.LongestLabels.AsReadOnly(), entry.FirstNs, entry.LastNs);
            }
        }
    }

    /// <summary>Every distinct (client, name) pair, for snapshots.</summary>
    internal IEnumerable<(AddressKey Client, string Name)> NamesAsked
    {
        get
        {
            for (int i = 0; i < _names.Count; i++)
            {
                string key = _names.KeyAt(i);
                yield return (ParseClient(key), key[ClientPrefixLength..]);
            }
        }
    }

    internal void Query(in AddressKey client, in AddressKey server, ReadOnlySpan<char> name, ushort type, long timestampNs)
    {
        ref var entry = ref Entry(client, server, name, timestampNs);
        if (Unsafe.IsNullRef(ref entry))
            return;
        entry.Queries++;
        switch (type)
        {
            case TypeTxt:
                entry.TxtQueries++;
                break;
            case TypeNull:
                entry.NullQueries++;
                break;
            case TypeAny:
                entry.AnyQueries++;
                break;
        }
    }

    internal void Response(in AddressKey client, in AddressKey server, ReadOnlySpan<char> name, int responseCode, int messageLength, long timestampNs)
    {
        // An answer counts for the name it answers, but only a question makes a name one the client asked: unsolicited
        // answers from port 53 must not make a host look like a tunnel's client.
        ref var entry = ref Entry(client, server, name, timestampNs, countName: false);
        if (Unsafe.IsNullRef(ref entry))
            return;
        entry.Responses++;
        entry.ResponseBytes += messageLength;
        if (responseCode == NxDomain)
            entry.NxDomain++;
    }

    /// <summary>Adds another capture's activity: distinct names stay distinct across captures, counts add up.</summary>
    public void Merge(DnsActivity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
            throw new ArgumentException("Activity cannot be merged into itself.", nameof(other));
        for (int i = 0; i < other._domains.Count; i++)
        {
            ref readonly var theirs = ref other._domains.ValueAt(i);
            AddCounts(other._domains.KeyAt(i), theirs);
        }
        foreach (var (client, name) in other.NamesAsked)
            AddName(client, name);
        NamesDropped += other.NamesDropped;
        DomainsDropped += other.DomainsDropped;
    }

    /// <summary>Restores a (client, domain) pair's counts, as <see cref="Domains"/> gives them, from a snapshot; its names come back through <see cref="AddName"/>.</summary>
    internal void Restore(in AddressKey client, AddressKey? server, string domain, long queries, long txt, long nulls, long any,
        long responses, long nxDomain, long responseBytes, long firstNs, long lastNs)
    {
        if (domain.Length is 0 or > HostNameCollector.MaxNameChars)
            throw new InvalidDataException($"The capture snapshot names a DNS domain of {domain.Length} characters.");
        Span<char> key = stackalloc char[ClientPrefixLength + domain.Length];
        WriteClient(client, key);
        domain.AsSpan().CopyTo(key[ClientPrefixLength..]);
        AddCounts(key.ToString(), new DomainEntry
        {
            Client = client, Server = server ?? default, HasServer = server is not null, Queries = queries, TxtQueries = txt, NullQueries = nulls,
            AnyQueries = any, Responses = responses, NxDomain = nxDomain, ResponseBytes = responseBytes, FirstNs = firstNs, LastNs = lastNs,
        });
    }

    /// <summary>Every distinct name, by the client that asked it and its registered domain: built once, for recounting.</summary>
    internal ILookup<(AddressKey Client, string Domain), string> NamesByClientAndDomain() =>
        NamesAsked.ToLookup(n => (n.Client, PublicSuffixList.RegisteredDomain(n.Name).ToString()), n => n.Name);

    /// <summary>A pair's activity with only the names <paramref name="keep"/> accepts counted (for allow lists that reach below a domain).</summary>
    internal static DnsDomainActivity Recount(DnsDomainActivity row, ILookup<(AddressKey Client, string Domain), string> namesByClientAndDomain, Func<string, bool> keep)
    {
        var labels = new int[LabelBuckets];
        int names = 0;
        double entropy = 0;
        foreach (var name in namesByClientAndDomain[(AddressKey.From(row.Client)!.Value, row.Domain)])
        {
            if (!keep(name))
                continue;
            var below = name.AsSpan(0, Math.Max(0, name.Length - row.Domain.Length - 1));
            names++;
            entropy += Entropy(below);
            labels[Math.Min(LabelBuckets - 1, LongestLabel(below))]++;
        }
        int longest = Array.FindLastIndex(labels, c => c > 0);
        return row with { Names = names, MeanEntropy = names > 0 ? entropy / names : 0, LongestLabels = labels, LongestLabel = Math.Max(0, longest) };
    }

    private void AddCounts(string key, in DomainEntry theirs)
    {
        ref var entry = ref GetDomain(key, theirs.Client, theirs.FirstNs, out _);
        if (Unsafe.IsNullRef(ref entry))
            return;
        if (theirs.HasServer && !entry.HasServer)
        {
            entry.Server = theirs.Server;
            entry.HasServer = true;
        }
        entry.Queries += theirs.Queries;
        entry.TxtQueries += theirs.TxtQueries;
        entry.NullQueries += theirs.NullQueries;
        entry.AnyQueries += theirs.AnyQueries;
        entry.Responses += theirs.Responses;
        entry.NxDomain += theirs.NxDomain;
        entry.ResponseBytes += theirs.ResponseBytes;
        entry.FirstNs = Math.Min(entry.FirstNs, theirs.FirstNs);
        entry.LastNs = Math.Max(entry.LastNs, theirs.LastNs);
    }

    /// <summary>Counts a name for its client once, with its shape; used by live parsing, merging and snapshots alike.</summary>
    internal void AddName(in AddressKey client, ReadOnlySpan<char> name) => Entry(client, default, name, long.MinValue, hasServer: false);

    private ref DomainEntry Entry(scoped in AddressKey client, scoped in AddressKey server, scoped ReadOnlySpan<char> name, long timestampNs,
        bool hasServer = true, bool countName = true)
    {
        name = name.TrimEnd('.');
        if (name.IsEmpty || name.Length > HostNameCollector.MaxNameChars)
            return ref Unsafe.NullRef<DomainEntry>();
        var domain = PublicSuffixList.RegisteredDomain(name);
        if (Threats.DnsNoise.IsSignallingName(name[..Math.Max(0, name.Length - domain.Length - 1)]))
            return ref Unsafe.NullRef<DomainEntry>();
        Span<char> key = stackalloc char[ClientPrefixLength + name.Length];
        WriteClient(client, key);
        domain.CopyTo(key[ClientPrefixLength..]);
        ref var entry = ref GetDomain(key[..(ClientPrefixLength + domain.Length)], client, timestampNs, out _);
        if (Unsafe.IsNullRef(ref entry))
            return ref entry;
        if (hasServer && !entry.HasServer)
        {
            entry.Server = server;
            entry.HasServer = true;
        }
        if (timestampNs != long.MinValue)
        {
            entry.FirstNs = Math.Min(entry.FirstNs, timestampNs);
            entry.LastNs = Math.Max(entry.LastNs, timestampNs);
        }

        if (!countName)
            return ref entry;
        name.CopyTo(key[ClientPrefixLength..]);
        ref bool known = ref _names.Find(key);
        if (Unsafe.IsNullRef(ref known))
        {
            if (_names.Count >= _maxNames)
            {
                NamesDropped++;
                return ref entry;
            }
            _names.GetOrAdd(key, out _);
            var below = name[..Math.Max(0, name.Length - domain.Length - 1)];
            entry.Names++;
            entry.EntropySum += Entropy(below);
            entry.LongestLabels[Math.Min(LabelBuckets - 1, LongestLabel(below))]++;
        }
        return ref entry;
    }

    private ref DomainEntry GetDomain(scoped ReadOnlySpan<char> key, scoped in AddressKey client, long timestampNs, out bool added)
    {
        ref var existing = ref _domains.Find(key);
        if (!Unsafe.IsNullRef(ref existing))
        {
            added = false;
            return ref existing;
        }
        if (_domains.Count >= _maxDomains)
        {
            DomainsDropped++;
            added = false;
            return ref Unsafe.NullRef<DomainEntry>();
        }
        int index = _domains.GetOrAdd(key, out added);
        ref var entry = ref _domains.ValueAt(index);
        entry.Client = client;
        entry.LongestLabels = new int[LabelBuckets];
        entry.FirstNs = timestampNs == long.MinValue ? long.MaxValue : timestampNs;
        entry.LastNs = timestampNs == long.MinValue ? long.MinValue : timestampNs;
        return ref entry;
    }

    private static void WriteClient(in AddressKey client, Span<char> key)
    {
        key[0] = client.Version == 6 ? '6' : '4';
        client.High.TryFormat(key.Slice(1, 16), out _, "x16");
        client.Low.TryFormat(key.Slice(17, 16), out _, "x16");
        key[ClientPrefixLength - 1] = '|';
    }

    private static AddressKey ParseClient(string key) => new(
        key[0] == '6' ? (byte)6 : (byte)4,
        ulong.Parse(key.AsSpan(1, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
        ulong.Parse(key.AsSpan(17, 16), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The longest dot-separated label of a name, in characters.</summary>
    internal static int LongestLabel(ReadOnlySpan<char> name)
    {
        int longest = 0, current = 0;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '.' && (i == 0 || name[i - 1] != '\\'))
            {
                current = 0;
                continue;
            }
            current++;
            longest = Math.Max(longest, current);
        }
        return longest;
    }

    /// <summary>Shannon entropy of a name's characters (dots left out), in bits per character.</summary>
    internal static double Entropy(ReadOnlySpan<char> name)
    {
        Span<int> counts = stackalloc int[128];
        counts.Clear();
        int total = 0;
        foreach (char c in name)
        {
            if (c == '.')
                continue;
            counts[c & 0x7F]++;
            total++;
        }
        if (total == 0)
            return 0;
        double entropy = 0;
        foreach (int count in counts)
        {
            if (count == 0)
                continue;
            double p = (double)count / total;
            entropy -= p * Math.Log2(p);
        }
        return entropy;
    }
}
