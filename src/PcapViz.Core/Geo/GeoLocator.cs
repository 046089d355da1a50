using System.Collections.Concurrent;
using System.Net;

namespace PcapViz.Core.Geo;

/// <summary>
/// Looks up the country, city and autonomous system of public addresses. <see cref="Default"/> needs
/// nothing: it reads DB-IP's country database embedded in this assembly. <see cref="Open"/> takes a
/// MaxMind GeoIP2/GeoLite2 Country or City database and, optionally, a GeoLite2-ASN database.
/// Lookups are thread-safe and cached; special-purpose addresses (<see cref="AddressClass.RangeOf(IPAddress)"/>:
/// private, documentation, Teredo and the rest) are never looked up.
/// </summary>
public sealed class GeoLocator : IDisposable
{
    /// <summary>The credit DB-IP's CC BY 4.0 licence asks for wherever its data is shown.</summary>
    public const string DbIpAttribution = "IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0";

    /// <summary>The credit MaxMind asks for wherever GeoLite2 data is shown.</summary>
    public const string GeoLite2Attribution = "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com";

    // Enough for any capture's distinct addresses; past it the cache starts again rather than grow without bound.
    internal const int CacheCapacity = 1 << 20;

    // The embedded database is read once per process and shared by every locator that uses it.
    private static readonly Lazy<GeoDatabase> Embedded = new(GeoDatabase.OpenEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<GeoLocator> Shared = new(() => new GeoLocator(Embedded.Value, null, shared: true), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly GeoDatabase _location;
    private readonly GeoDatabase? _asn;
    private readonly bool _shared;
    private readonly ConcurrentDictionary<IPAddress, GeoInfo?> _cache = new();
    private volatile bool _disposed;

    private GeoLocator(GeoDatabase location, GeoDatabase? asn, bool shared)
    {
        _location = location;
        _asn = asn;
        _shared = shared;
    }

    /// <summary>
    /// The shared locator over the embedded DB-IP country database: countries only, offline, no
    /// configuration. Disposing it does nothing.
    /// </summary>
    public static GeoLocator Default() => Shared.Value;

    /// <summary>
    /// A locator over the given databases. <paramref name="geoDatabasePath"/> is a GeoIP2 or GeoLite2
    /// Country or City database (which of the two is read from its metadata); when null the embedded DB-IP
    /// country database is used. <paramref name="asnDatabasePath"/> is an optional GeoLite2-ASN database.
    /// </summary>
    /// <exception cref="GeoDatabaseException">A file is missing, unreadable, corrupt, or the wrong kind of database.</exception>
    public static GeoLocator Open(string? geoDatabasePath, string? asnDatabasePath)
    {
        if (geoDatabasePath is not null)
            ArgumentException.ThrowIfNullOrWhiteSpace(geoDatabasePath);
        if (asnDatabasePath is not null)
            ArgumentException.ThrowIfNullOrWhiteSpace(asnDatabasePath);

        var location = geoDatabasePath is null ? Embedded.Value : GeoDatabase.OpenLocation(geoDatabasePath);
        try
        {
            var asn = asnDatabasePath is null ? null : GeoDatabase.OpenAsn(asnDatabasePath);
            return new GeoLocator(location, asn, shared: false);
        }
        catch
        {
            if (geoDatabasePath is not null)
                location.Dispose();
            throw;
        }
    }

    /// <summary>Where countries (and cities) come from: a full path, or "embedded:..." for the built-in database.</summary>
    public string LocationDatabase => _location.Path;

    /// <summary>The database_type of the location database, e.g. "GeoLite2-City" (the embedded one says "country ipvAll").</summary>
    public string LocationDatabaseType => _location.DatabaseType;

    /// <summary>When the location database was built (UTC).</summary>
    public DateTimeOffset LocationDatabaseBuildDate => _location.BuildDate;

    /// <summary>True when the location database has cities.</summary>
    public bool HasCities => _location.Kind is GeoDatabaseKind.City or GeoDatabaseKind.Enterprise;

    /// <summary>The full path of the ASN database, or null when there is none.</summary>
    public string? AsnDatabase => _asn?.Path;

    /// <summary>The credits to show with results from these databases, one per data source.</summary>
    public IReadOnlyList<string> Attributions
    {
        get
        {
            var credits = new List<string>(2);
            if (_location.IsDbIp)
                credits.Add(DbIpAttribution);
            if (_location.DatabaseType.StartsWith("GeoLite2", StringComparison.Ordinal) || _asn is not null)
                credits.Add(GeoLite2Attribution);
            return credits;
        }
    }

    /// <summary>
    /// What the databases know about <paramref name="address"/>, or null when it is in a special-purpose block or no
    /// database knows it. IPv4-mapped IPv6 addresses are looked up as IPv4. A database's answer for a special-purpose
    /// block (some give Teredo, 6to4 or AS112 space a country) describes its registrant, not the host, so it is not asked.
    /// </summary>
    /// <exception cref="GeoDatabaseException">The database turned out to be corrupt.</exception>
    public GeoInfo? Lookup(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (AddressClass.RangeOf(address) is not null)
            return null;
        if (_cache.TryGetValue(address, out var cached))
            return cached;

        var found = Find(address);
        if (_cache.Count >= CacheCapacity)
            _cache.Clear();
        _cache.TryAdd(address, found);
        return found;
    }

    private GeoInfo? Find(IPAddress address)
    {
        var place = _location.Find(address);
        var network = _asn?.Find(address);
        if (network is null)
            return place;
        if (place is null)
            return network;
        return place with { Asn = network.Asn, AsOrganization = network.AsOrganization };
    }

    /// <summary>Closes the database files. The shared <see cref="Default"/> locator is never closed.</summary>
    public void Dispose()
    {
        if (_shared || _disposed)
            return;
        _disposed = true;
        _cache.Clear();
        if (!_location.IsEmbedded)
            _location.Dispose();
        _asn?.Dispose();
    }
}
