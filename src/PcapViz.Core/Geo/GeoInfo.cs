namespace PcapViz.Core.Geo;

/// <summary>
/// What the databases know about one public address. <see cref="CountryCode"/> is ISO 3166-1 alpha-2
/// and <see cref="CountryName"/> its English name; <see cref="City"/> is the English city name, and
/// only a City database has one. <see cref="Asn"/> and <see cref="AsOrganization"/> come from an ASN
/// database. Any of them may be null when the database does not say.
/// </summary>
public sealed record GeoInfo(string? CountryCode, string? CountryName, string? City, long? Asn, string? AsOrganization);
