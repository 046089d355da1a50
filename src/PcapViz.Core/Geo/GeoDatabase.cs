using System.Net;
using System.Net.Sockets;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace PcapViz.Core.Geo;

/// <summary>How a database's records are shaped, decided from the database type in its metadata.</summary>
internal enum GeoDatabaseKind
{
    /// <summary>One <c>country_code</c> per network (DB-IP as repackaged by ip-location-db: "country ipvAll").</summary>
    CountryCode,
    /// <summary>GeoIP2/GeoLite2 Country (or DB-IP's own Country Lite mmdb, which shares the schema).</summary>
    Country,
    /// <summary>GeoIP2/GeoLite2 City.</summary>
    City,
    /// <summary>GeoIP2 Enterprise: a City record with more traits.</summary>
    Enterprise,
    /// <summary>GeoLite2 ASN.</summary>
    Asn,
}

/// <summary>
/// One open database file (or the embedded one). Lookups are thread-safe; any failure inside the
/// MaxMind readers comes out as a <see cref="GeoDatabaseException"/> naming the file.
/// </summary>
internal sealed class GeoDatabase : IDisposable
{
    internal const string EmbeddedResourceName = "PcapViz.Core.Geo.dbip-country.mmdb";
    internal const string EmbeddedPath = "embedded:" + EmbeddedResourceName;

    // Looked up once at open so a database whose search tree is broken throughout fails there,
    // not halfway through a capture.
    private static readonly IPAddress[] Probes =
    [
        IPAddress.Parse("1.1.1.1"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("198.41.0.4"),
        IPAddress.Parse("2001:4860:4860::8888"), IPAddress.Parse("2a00:1450::1"),
    ];

    private readonly Reader? _flat;
    private readonly DatabaseReader? _maxMind;
    private readonly bool _ipv4Only;

    private GeoDatabase(string path, GeoDatabaseKind kind, Metadata metadata, Reader? flat, DatabaseReader? maxMind)
    {
        Path = path;
        Kind = kind;
        DatabaseType = metadata.DatabaseType;
        BuildDate = new DateTimeOffset(DateTime.SpecifyKind(metadata.BuildDate, DateTimeKind.Utc));
        _ipv4Only = metadata.IPVersion == 4;
        _flat = flat;
        _maxMind = maxMind;
    }

    /// <summary>The full path of the file, or <see cref="EmbeddedPath"/>.</summary>
    public string Path { get; }

    public GeoDatabaseKind Kind { get; }

    /// <summary>The database_type from the metadata, e.g. "GeoLite2-City".</summary>
    public string DatabaseType { get; }

    public DateTimeOffset BuildDate { get; }

    /// <summary>The database built into this assembly, shared process-wide and never closed.</summary>
    public bool IsEmbedded => Path == EmbeddedPath;

    public bool IsDbIp => IsEmbedded || Kind == GeoDatabaseKind.CountryCode || DatabaseType.StartsWith("DBIP", StringComparison.OrdinalIgnoreCase);

    public static GeoDatabase OpenEmbedded()
    {
        using var stream = typeof(GeoDatabase).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw GeoDatabaseException.NotReadable(EmbeddedPath, "the resource is missing from " + typeof(GeoDatabase).Assembly.GetName().Name);
        Reader reader;
        try
        {
            reader = new Reader(stream); // copies the stream into memory; the stream can go
        }
        catch (Exception ex) when (IsDatabaseFault(ex))
        {
            throw GeoDatabaseException.NotReadable(EmbeddedPath, ex.Message, ex);
        }
        return new GeoDatabase(EmbeddedPath, GeoDatabaseKind.CountryCode, reader.Metadata, reader, null);
    }

    /// <summary>Opens a country or city database; anything else is a <see cref="GeoDatabaseException"/>.</summary>
    public static GeoDatabase OpenLocation(string path) =>
        OpenFile(path, asn: false);

    /// <summary>Opens an ASN database; anything else is a <see cref="GeoDatabaseException"/>.</summary>
    public static GeoDatabase OpenAsn(string path) =>
        OpenFile(path, asn: true);

    private static GeoDatabase OpenFile(string path, bool asn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = FullPath(path);
        try
        {
            if (Directory.Exists(full))
                throw GeoDatabaseException.NotReadable(full, "it is a directory");
            if (!File.Exists(full))
                throw GeoDatabaseException.NotReadable(full, "the file does not exist");
            if (new FileInfo(full).Length == 0)
                throw GeoDatabaseException.NotReadable(full, "the file is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw GeoDatabaseException.NotReadable(full, ex.Message, ex);
        }

        DatabaseReader maxMind;
        try
        {
            maxMind = new DatabaseReader(full, FileAccessMode.MemoryMapped);
        }
        catch (Exception ex) when (IsDatabaseFault(ex))
        {
            throw GeoDatabaseException.NotReadable(full, ex.Message, ex);
        }

        GeoDatabase? database = null;
        try
        {
            var metadata = maxMind.Metadata;
            var kind = Classify(metadata.DatabaseType);
            if (asn && kind != GeoDatabaseKind.Asn)
                throw GeoDatabaseException.WrongType(full, metadata.DatabaseType, "an ASN database (GeoLite2-ASN)");
            if (!asn && kind is null or GeoDatabaseKind.Asn)
                throw GeoDatabaseException.WrongType(full, metadata.DatabaseType, "a country or city database (GeoIP2 or GeoLite2 Country or City)");

            if (kind == GeoDatabaseKind.CountryCode)
            {
                // Not the GeoIP2 schema: read its records directly.
                maxMind.Dispose();
                Reader flat;
                try
                {
                    flat = new Reader(full, FileAccessMode.MemoryMapped);
                }
                catch (Exception ex) when (IsDatabaseFault(ex))
                {
                    throw GeoDatabaseException.NotReadable(full, ex.Message, ex);
                }
                database = new GeoDatabase(full, kind.Value, flat.Metadata, flat, null);
            }
            else
            {
                database = new GeoDatabase(full, kind!.Value, metadata, null, maxMind);
            }

            foreach (var probe in Probes)
                database.Find(probe);
            return database;
        }
        catch
        {
            if (database is not null)
                database.Dispose();
            else
                maxMind.Dispose();
            throw;
        }
    }

    /// <summary>The kind of database a metadata database_type names, or null for kinds we cannot use.</summary>
    internal static GeoDatabaseKind? Classify(string databaseType)
    {
        // The same substring tests MaxMind's DatabaseReader applies before each kind of lookup.
        if (databaseType.Contains("GeoLite2-ASN", StringComparison.Ordinal))
            return GeoDatabaseKind.Asn;
        if (databaseType.Contains("Enterprise", StringComparison.Ordinal))
            return GeoDatabaseKind.Enterprise;
        if (databaseType.Contains("City", StringComparison.Ordinal))
            return GeoDatabaseKind.City;
        if (databaseType.Contains("Country", StringComparison.Ordinal))
            return GeoDatabaseKind.Country;
        if (databaseType.StartsWith("country ipv", StringComparison.Ordinal))
            return GeoDatabaseKind.CountryCode;
        return null;
    }

    /// <summary>
    /// The record for <paramref name="address"/> (already normalised: IPv4-mapped addresses as IPv4),
    /// or null when the database has no network for it or the network says nothing we use.
    /// </summary>
    public GeoInfo? Find(IPAddress address)
    {
        if (_ipv4Only && address.AddressFamily == AddressFamily.InterNetworkV6)
            return null;
        try
        {
            return Kind switch
            {
                GeoDatabaseKind.CountryCode => FromCode(_flat!.Find<CountryCodeRecord>(address)?.CountryCode),
                GeoDatabaseKind.Country => _maxMind!.TryCountry(address, out var country)
                    ? Place(country.Country.IsoCode, country.Country.Name, null)
                    : null,
                GeoDatabaseKind.City => _maxMind!.TryCity(address, out var city)
                    ? Place(city.Country.IsoCode, city.Country.Name, city.City.Name)
                    : null,
                GeoDatabaseKind.Enterprise => _maxMind!.TryEnterprise(address, out var enterprise)
                    ? Place(enterprise.Country.IsoCode, enterprise.Country.Name, enterprise.City.Name)
                    : null,
                GeoDatabaseKind.Asn => _maxMind!.TryAsn(address, out var asn)
                    && (asn.AutonomousSystemNumber is not null || !string.IsNullOrEmpty(asn.AutonomousSystemOrganization))
                    ? new GeoInfo(null, null, null, asn.AutonomousSystemNumber, NullIfEmpty(asn.AutonomousSystemOrganization))
                    : null,
                _ => null,
            };
        }
        catch (Exception ex) when (IsDatabaseFault(ex))
        {
            throw GeoDatabaseException.Corrupt(Path, address.ToString(), ex);
        }
    }

    private static GeoInfo? FromCode(string? code) =>
        string.IsNullOrEmpty(code) ? null : new GeoInfo(code, CountryNames.EnglishName(code), null, null, null);

    private static GeoInfo? Place(string? code, string? databaseCountryName, string? city)
    {
        code = NullIfEmpty(code);
        city = NullIfEmpty(city);
        if (code is null && city is null)
            return null;
        string? name = code is null ? NullIfEmpty(databaseCountryName) : CountryNames.EnglishName(code, databaseCountryName);
        return new GeoInfo(code, name, city, null, null);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Failures that mean "this database is bad", as opposed to the process being in trouble.</summary>
    internal static bool IsDatabaseFault(Exception ex) =>
        ex is not (OutOfMemoryException or StackOverflowException or ThreadAbortException or OperationCanceledException
            or ObjectDisposedException or GeoDatabaseException);

    private static string FullPath(string path)
    {
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            throw GeoDatabaseException.NotReadable(path, ex.Message, ex);
        }
    }

    public void Dispose()
    {
        _flat?.Dispose();
        _maxMind?.Dispose();
    }

    /// <summary>A record of the ip-location-db country databases: just the ISO code.</summary>
    internal sealed class CountryCodeRecord
    {
        [MapKey("country_code")]
        public string? CountryCode { get; init; }
    }
}
