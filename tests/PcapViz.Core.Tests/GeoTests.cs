using System.Net;
using System.Security.Cryptography;
using System.Text;
using MaxMind.Db;
using PcapViz.Core.Geo;

namespace PcapViz.Core.Tests;

/// <summary>
/// The GeoIP engine against MaxMind's test databases (shared corpus, geoip/) and the embedded DB-IP
/// country database. Expected values come from the test databases' source JSON and networks.tsv.
/// </summary>
public sealed class GeoTests
{
    private static string Db(string name) => Path.Combine(Corpus.GeoIpDirectory, name);

    private static readonly string AsnDb = Db("GeoLite2-ASN-Test.mmdb");

    private static GeoInfo? Lookup(GeoLocator locator, string address) => locator.Lookup(IPAddress.Parse(address));

    // ---- MaxMind Country and City databases ----

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoLite2-Country-Test.mmdb")]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void Country_and_city_databases_give_the_country_code_and_english_name_not_the_registered_country(string database)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        // 81.2.69.160/27 is located in GB but registered to US; 89.160.20.112/28 is SE, registered DE.
        var gb = Lookup(locator, "81.2.69.161");
        Assert.NotNull(gb);
        Assert.Equal("GB", gb.CountryCode);
        Assert.Equal("United Kingdom", gb.CountryName);

        var se = Lookup(locator, "89.160.20.113");
        Assert.NotNull(se);
        Assert.Equal("SE", se.CountryCode);
        Assert.Equal("Sweden", se.CountryName);

        Assert.Null(gb.Asn);
        Assert.Null(gb.AsOrganization);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoLite2-Country-Test.mmdb")]
    public void Country_databases_give_no_city(string database)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        Assert.False(locator.HasCities);
        Assert.Equal(new GeoInfo("GB", "United Kingdom", null, null, null), Lookup(locator, "81.2.69.161"));
    }

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void City_databases_put_the_city_in_City_and_the_country_in_CountryCode(string database)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        Assert.True(locator.HasCities);
        Assert.Equal(new GeoInfo("GB", "United Kingdom", "London", null, null), Lookup(locator, "81.2.69.161"));
        Assert.Equal(new GeoInfo("SE", "Sweden", "Linköping", null, null), Lookup(locator, "89.160.20.113"));
        Assert.Equal(new GeoInfo("GB", "United Kingdom", "Boxford", null, null), Lookup(locator, "2.125.160.217"));
        Assert.Equal(new GeoInfo("US", "United States", "Milton", null, null), Lookup(locator, "216.160.83.57"));
    }

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void A_city_record_with_a_country_but_no_city_keeps_its_country_and_is_not_internal(string database)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        // 67.43.156.0/24: country BT, no city (the old PcapViz called such records private).
        var bhutan = Lookup(locator, "67.43.156.1");

        Assert.Equal(new GeoInfo("BT", "Bhutan", null, null, null), bhutan);
        Assert.False(AddressClass.IsInternal(IPAddress.Parse("67.43.156.1")));
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb", "2001:218::1", "JP", "Japan", null)]
    [InlineData("GeoLite2-Country-Test.mmdb", "2001:218:ffff::1", "JP", "Japan", null)]
    [InlineData("GeoIP2-City-Test.mmdb", "2001:480:10::1", "US", "United States", "San Diego")]
    [InlineData("GeoLite2-City-Test.mmdb", "2001:480::5", "US", "United States", "San Diego")]
    public void Ipv6_addresses_are_looked_up(string database, string address, string code, string name, string? city)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        Assert.Equal(new GeoInfo(code, name, city, null, null), Lookup(locator, address));
    }

    [Fact]
    public void Ipv4_mapped_ipv6_addresses_are_looked_up_as_ipv4()
    {
        using var locator = GeoLocator.Open(Db("GeoLite2-City-Test.mmdb"), null);

        Assert.Equal(Lookup(locator, "81.2.69.161"), Lookup(locator, "::ffff:81.2.69.161"));
        Assert.Equal("London", Lookup(locator, "::ffff:81.2.69.161")?.City);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb")]
    [InlineData("GeoLite2-City-Test.mmdb")]
    public void Addresses_the_database_does_not_know_give_null(string database)
    {
        using var locator = GeoLocator.Open(Db(database), null);

        Assert.Null(Lookup(locator, "8.8.8.8"));
        Assert.Null(Lookup(locator, "2606:4700:4700::1111"));
        // 2a02:d500::/29 is in the database but carries only a continent: nothing to report.
        Assert.Null(Lookup(locator, "2a02:d500::1"));
    }

    [Fact]
    public void Internal_addresses_give_null_even_with_a_database_that_would_answer()
    {
        using var locator = GeoLocator.Open(Db("GeoLite2-City-Test.mmdb"), AsnDb);

        foreach (var address in new[] { "10.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "127.0.0.1", "169.254.1.1", "224.0.0.251", "255.255.255.255", "::1", "fe80::1", "fd00::1", "ff02::1", "::ffff:192.168.0.1" })
            Assert.Null(Lookup(locator, address));
    }

    // ---- ASN database ----

    [Theory]
    [InlineData("89.160.20.113", 29518L, "Bredband2 AB")]
    [InlineData("1.0.0.1", 15169L, "Google Inc.")]
    [InlineData("12.81.92.1", 7018L, "AT&T Services")]
    [InlineData("2001:1700::1", 6730L, "Sunrise Communications AG")]
    [InlineData("208.110.194.1", 11025L, null)]
    public void The_asn_database_gives_the_as_number_and_organisation(string address, long asn, string? organisation)
    {
        using var locator = GeoLocator.Open(Db("GeoIP2-Country-Test.mmdb"), AsnDb);

        var info = Lookup(locator, address);

        Assert.NotNull(info);
        Assert.Equal(asn, info.Asn);
        Assert.Equal(organisation, info.AsOrganization);
    }

    [Fact]
    public void City_and_asn_databases_combine_into_one_record()
    {
        using var locator = GeoLocator.Open(Db("GeoIP2-City-Test.mmdb"), AsnDb);

        Assert.Equal(new GeoInfo("SE", "Sweden", "Linköping", 29518, "Bredband2 AB"), Lookup(locator, "89.160.20.113"));
        // Known to the city database only, and to the ASN database only:
        Assert.Equal(new GeoInfo("GB", "United Kingdom", "London", null, null), Lookup(locator, "81.2.69.161"));
        Assert.Equal(new GeoInfo(null, null, null, 15169, "Google Inc."), Lookup(locator, "1.0.0.1"));
        Assert.Null(Lookup(locator, "2001:db8::1"));
        Assert.Equal(AsnDb, locator.AsnDatabase);
        Assert.Equal(Db("GeoIP2-City-Test.mmdb"), locator.LocationDatabase);
        Assert.Equal("GeoIP2-City", locator.LocationDatabaseType);
    }

    [Fact]
    public void Without_a_country_database_the_embedded_one_gives_countries_beside_the_asn()
    {
        using var locator = GeoLocator.Open(null, AsnDb);

        var info = Lookup(locator, "89.160.20.113");

        Assert.Equal(new GeoInfo("SE", "Sweden", null, 29518, "Bredband2 AB"), info);
        Assert.StartsWith("embedded:", locator.LocationDatabase, StringComparison.Ordinal);
        Assert.Contains(GeoLocator.DbIpAttribution, locator.Attributions);
        Assert.Contains(GeoLocator.GeoLite2Attribution, locator.Attributions);
    }

    // ---- The embedded DB-IP database ----

    [Theory]
    [InlineData("8.8.8.8", "US", "United States")]
    [InlineData("9.9.9.9", "US", "United States")]
    [InlineData("193.0.6.139", "NL", "Netherlands")]
    [InlineData("81.2.69.161", "GB", "United Kingdom")]
    [InlineData("89.160.20.113", "SE", "Sweden")]
    [InlineData("::ffff:8.8.8.8", "US", "United States")]
    [InlineData("2001:218::1", "JP", "Japan")]
    [InlineData("2a00:1450:4001:800::200e", "DE", "Germany")]
    public void The_embedded_default_knows_the_country_of_well_known_public_addresses(string address, string code, string name)
    {
        var info = Lookup(GeoLocator.Default(), address);

        Assert.Equal(new GeoInfo(code, name, null, null, null), info);
    }

    [Theory]
    [InlineData("10.0.0.8")]
    [InlineData("192.168.1.1")]
    [InlineData("172.20.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("ff02::fb")]
    public void The_embedded_default_gives_no_country_for_internal_addresses(string address)
    {
        Assert.Null(Lookup(GeoLocator.Default(), address));
    }

    [Fact]
    public void The_default_locator_is_shared_and_survives_dispose()
    {
        var locator = GeoLocator.Default();
        locator.Dispose();

        Assert.Same(locator, GeoLocator.Default());
        Assert.Equal("US", Lookup(locator, "8.8.8.8")?.CountryCode);
        Assert.Equal("country ipvAll", locator.LocationDatabaseType);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 20, 32, 58, TimeSpan.Zero), locator.LocationDatabaseBuildDate);
        Assert.False(locator.HasCities);
        Assert.Null(locator.AsnDatabase);
        Assert.Equal([GeoLocator.DbIpAttribution], locator.Attributions);
    }

    [Fact]
    public void The_embedded_database_is_the_module_file_and_ships_with_its_licence()
    {
        string file = Path.Combine(Corpus.RepositoryRoot, "module", "GeoIP", "dbip-country.mmdb");
        using var resource = typeof(GeoLocator).Assembly.GetManifestResourceStream("PcapViz.Core.Geo.dbip-country.mmdb");
        Assert.NotNull(resource);

        Assert.Equal(SHA256.HashData(File.ReadAllBytes(file)), SHA256.HashData(resource));

        string licence = File.ReadAllText(Path.Combine(Corpus.RepositoryRoot, "module", "GeoIP", "LICENSE-DB-IP.txt"));
        Assert.Contains("IP Geolocation by DB-IP", licence, StringComparison.Ordinal);
        Assert.Contains("Creative Commons Attribution 4.0", licence, StringComparison.Ordinal);
        Assert.Contains("https://creativecommons.org/licenses/by/4.0/", licence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_module_copy_of_the_db_ip_database_can_be_opened_by_path()
    {
        string file = Path.Combine(Corpus.RepositoryRoot, "module", "GeoIP", "dbip-country.mmdb");
        using var locator = GeoLocator.Open(file, null);

        Assert.Equal(new GeoInfo("US", "United States", null, null, null), Lookup(locator, "8.8.8.8"));
        Assert.Equal(Lookup(GeoLocator.Default(), "2001:218::1"), Lookup(locator, "2001:218::1"));
        Assert.Equal([GeoLocator.DbIpAttribution], locator.Attributions);
    }

    [Fact]
    public void Every_country_code_in_the_embedded_database_has_an_english_name()
    {
        using var stream = typeof(GeoLocator).Assembly.GetManifestResourceStream("PcapViz.Core.Geo.dbip-country.mmdb")!;
        using var reader = new Reader(stream);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in reader.FindAll<GeoDatabase.CountryCodeRecord>())
            codes.Add(node.Data.CountryCode!);

        Assert.True(codes.Count > 200, $"only {codes.Count} country codes");
        var unnamed = codes.Where(code => CountryNames.EnglishName(code) is null).Order().ToList();
        Assert.Empty(unnamed);
    }

    [Theory]
    [InlineData("GB", null, "United Kingdom")]
    [InlineData("gb", null, "United Kingdom")]
    [InlineData("DE", "Deutschland", "Germany")]
    [InlineData("EH", null, "Western Sahara")]
    [InlineData("EU", null, "European Union")]
    [InlineData("EU", "Europe", "Europe")]
    [InlineData("ZZ", null, null)]
    [InlineData("ZZ", "Unknown", "Unknown")]
    [InlineData("", null, null)]
    [InlineData(null, null, null)]
    [InlineData("USA", null, null)]
    [InlineData("1A", null, null)]
    [InlineData("en-US", null, null)]
    public void Country_names_come_from_the_iso_code_and_never_throw(string? code, string? databaseName, string? expected)
    {
        Assert.Equal(expected, CountryNames.EnglishName(code, databaseName));
    }

    // ---- Broken, missing and wrong databases ----

    [Theory]
    [InlineData("GeoIP2-City-Test-Invalid-Node-Count.mmdb")]
    [InlineData("libmaxminddb-corrupt-search-tree.mmdb")]
    public void Broken_databases_are_a_GeoDatabaseException_naming_the_file(string database)
    {
        string path = Db(database);

        var asCountry = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(path, null));
        var asAsn = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(null, path));

        foreach (var error in new[] { asCountry, asAsn })
        {
            Assert.Equal(path, error.Path);
            Assert.Contains(database, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_database_whose_search_tree_is_broken_throughout_fails_at_open_not_mid_capture()
    {
        string path = Db("GeoIP2-City-Test-Invalid-Node-Count.mmdb");

        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(path, null));

        Assert.StartsWith($"'{path}' is corrupt", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDatabaseException>(error.InnerException);
    }

    [Fact]
    public void A_missing_file_is_a_GeoDatabaseException_naming_the_file()
    {
        using var temp = new TempDirectory();
        string path = temp.File("no-such.mmdb");

        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(path, null));

        Assert.Equal(path, error.Path);
        Assert.Equal($"'{path}' is not a readable MaxMind database: the file does not exist.", error.Message);
        Assert.Equal(path, Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(null, path)).Path);
    }

    [Fact]
    public void A_relative_path_is_reported_in_full()
    {
        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open("no-such-geo-database.mmdb", null));

        Assert.Equal(Path.GetFullPath("no-such-geo-database.mmdb"), error.Path);
    }

    [Fact]
    public void A_text_file_is_a_GeoDatabaseException_naming_the_file()
    {
        using var temp = new TempDirectory();
        string path = temp.File("notes.mmdb");
        File.WriteAllText(path, "This is not a MaxMind database.\n" + string.Concat(Enumerable.Repeat("just text\n", 200)));

        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(path, null));

        Assert.Equal(path, error.Path);
        Assert.StartsWith($"'{path}' is not a readable MaxMind database: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDatabaseException>(error.InnerException);
    }

    [Fact]
    public void An_empty_file_and_a_directory_are_GeoDatabaseExceptions_naming_them()
    {
        using var temp = new TempDirectory();
        string empty = temp.File("empty.mmdb");
        File.WriteAllBytes(empty, []);
        string directory = temp.File("folder.mmdb");
        Directory.CreateDirectory(directory);

        Assert.Equal($"'{empty}' is not a readable MaxMind database: the file is empty.", Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(empty, null)).Message);
        Assert.Equal($"'{directory}' is not a readable MaxMind database: it is a directory.", Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(directory, null)).Message);
    }

    [Fact]
    public void A_truncated_database_is_a_GeoDatabaseException_naming_the_file()
    {
        using var temp = new TempDirectory();
        string path = temp.File("truncated.mmdb");
        File.WriteAllBytes(path, File.ReadAllBytes(Db("GeoLite2-City-Test.mmdb"))[..4000]);

        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(path, null));

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void An_asn_database_given_as_the_country_database_is_a_GeoDatabaseException()
    {
        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(AsnDb, null));

        Assert.Equal(AsnDb, error.Path);
        Assert.Equal($"'{AsnDb}' is not a country or city database (GeoIP2 or GeoLite2 Country or City): it is a 'GeoLite2-ASN' database.", error.Message);
    }

    [Theory]
    [InlineData("GeoIP2-Country-Test.mmdb", "GeoIP2-Country")]
    [InlineData("GeoLite2-City-Test.mmdb", "GeoLite2-City")]
    public void A_country_or_city_database_given_as_the_asn_database_is_a_GeoDatabaseException(string database, string type)
    {
        string path = Db(database);

        var error = Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(null, path));

        Assert.Equal(path, error.Path);
        Assert.Equal($"'{path}' is not an ASN database (GeoLite2-ASN): it is a '{type}' database.", error.Message);
    }

    [Fact]
    public void A_record_that_is_corrupt_fails_its_lookup_with_a_GeoDatabaseException_and_spares_the_others()
    {
        // The data section's one "United Kingdom" string gets a control byte naming no type (extended type 92):
        // the database opens, Sweden still resolves, and only lookups that decode that string fail.
        using var temp = new TempDirectory();
        string path = temp.File("bad-record.mmdb");
        byte[] bytes = File.ReadAllBytes(Db("GeoLite2-Country-Test.mmdb"));
        byte[] needle = Encoding.UTF8.GetBytes("United Kingdom");
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        Assert.Equal(0x4E, bytes[at - 1]); // UTF-8 string of 14 bytes
        bytes[at - 1] = 0x0E;
        File.WriteAllBytes(path, bytes);

        using var locator = GeoLocator.Open(path, null);

        Assert.Equal("SE", Lookup(locator, "89.160.20.113")?.CountryCode);
        for (int attempt = 0; attempt < 2; attempt++) // failures are not cached as "unknown"
        {
            var error = Assert.Throws<GeoDatabaseException>(() => Lookup(locator, "81.2.69.161"));
            Assert.Equal(path, error.Path);
            Assert.StartsWith($"'{path}' is corrupt: looking up 81.2.69.161 failed: ", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal("SE", Lookup(locator, "89.160.20.120")?.CountryCode);
    }

    [Fact]
    public void A_bad_asn_database_does_not_leak_the_country_database()
    {
        using var temp = new TempDirectory();
        string copy = temp.File("country.mmdb");
        File.Copy(Db("GeoLite2-Country-Test.mmdb"), copy);

        Assert.Throws<GeoDatabaseException>(() => GeoLocator.Open(copy, temp.File("missing-asn.mmdb")));

        File.Delete(copy); // would fail on Windows if the memory map were still open
        Assert.False(File.Exists(copy));
    }

    [Fact]
    public void Blank_paths_are_argument_errors_and_null_means_none()
    {
        Assert.Throws<ArgumentException>(() => GeoLocator.Open("", null));
        Assert.Throws<ArgumentException>(() => GeoLocator.Open(null, "  "));
        using var locator = GeoLocator.Open(null, null);
        Assert.Equal("US", Lookup(locator, "8.8.8.8")?.CountryCode);
    }

    // ---- Lifetime, caching, threads ----

    [Fact]
    public void A_disposed_locator_refuses_lookups()
    {
        var locator = GeoLocator.Open(Db("GeoLite2-Country-Test.mmdb"), AsnDb);
        locator.Dispose();
        locator.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Lookup(locator, "81.2.69.161"));
    }

    [Fact]
    public void Repeated_lookups_come_from_the_cache()
    {
        using var locator = GeoLocator.Open(Db("GeoLite2-City-Test.mmdb"), AsnDb);

        var first = Lookup(locator, "89.160.20.113");

        Assert.NotNull(first);
        Assert.Same(first, Lookup(locator, "89.160.20.113"));
        Assert.Same(first, Lookup(locator, "::ffff:89.160.20.113"));
    }

    [Fact]
    public void Concurrent_lookups_from_several_threads_give_the_same_answers_as_one_thread()
    {
        var addresses = TestAddresses();
        Assert.True(addresses.Count > 500);
        Dictionary<IPAddress, GeoInfo?> expected;
        using (var single = GeoLocator.Open(Db("GeoIP2-City-Test.mmdb"), AsnDb))
            expected = addresses.ToDictionary(a => a, single.Lookup);
        Assert.True(expected.Values.Count(v => v?.City is not null) > 5);
        Assert.True(expected.Values.Count(v => v?.Asn is not null) > 400);
        Dictionary<IPAddress, GeoInfo?> expectedDefault;
        using (var embedded = GeoLocator.Open(null, null))
            expectedDefault = addresses.ToDictionary(a => a, embedded.Lookup);

        using var shared = GeoLocator.Open(Db("GeoIP2-City-Test.mmdb"), AsnDb);
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var order = addresses.OrderBy(a => HashCode.Combine(a, worker)).ToList(); // each thread in its own order
            for (int round = 0; round < 3; round++)
            {
                foreach (var address in order)
                {
                    if (!Equals(expected[address], shared.Lookup(address)))
                        mismatches.Add($"{address} on worker {worker}");
                    if (!Equals(expectedDefault[address], GeoLocator.Default().Lookup(address)))
                        mismatches.Add($"{address} on worker {worker} (default)");
                }
            }
        });

        Assert.Empty(mismatches);
    }

    private static readonly Lazy<List<IPAddress>> AllTestAddresses = new(() =>
    {
        // One address inside each network of the ASN and Country indexes, plus some nobody knows.
        var addresses = new HashSet<IPAddress>();
        foreach (var index in new[] { "GeoLite2-ASN-Test.networks.tsv", "GeoIP2-Country-Test.networks.tsv" })
        {
            foreach (var line in File.ReadLines(Db(index)))
            {
                if (line.StartsWith('#') || line.Length == 0)
                    continue;
                var network = line.Split('\t')[0];
                var bytes = IPAddress.Parse(network.Split('/')[0]).GetAddressBytes();
                bytes[^1] |= 1;
                addresses.Add(new IPAddress(bytes));
            }
        }
        for (int i = 0; i < 50; i++)
            addresses.Add(IPAddress.Parse($"198.51.{i}.7"));
        addresses.Add(IPAddress.Parse("10.1.2.3"));
        addresses.Add(IPAddress.Parse("fe80::1"));
        return addresses.ToList();
    });

    private static List<IPAddress> TestAddresses() => AllTestAddresses.Value;
}
