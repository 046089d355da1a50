namespace PcapViz.Core.Geo;

/// <summary>
/// A GeoIP database that is missing, unreadable, corrupt, or of the wrong kind (an ASN database given
/// where a country or city one was expected, or the reverse). <see cref="Path"/> names the file.
/// </summary>
public sealed class GeoDatabaseException(string path, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string Path { get; } = path;

    internal static GeoDatabaseException NotReadable(string path, string reason, Exception? inner = null) =>
        new(path, $"'{path}' is not a readable MaxMind database: {reason.TrimEnd('.')}.", inner);

    internal static GeoDatabaseException WrongType(string path, string databaseType, string expected) =>
        new(path, $"'{path}' is not {expected}: it is a '{databaseType}' database.");

    internal static GeoDatabaseException Corrupt(string path, string address, Exception inner) =>
        new(path, $"'{path}' is corrupt: looking up {address} failed: {inner.Message.TrimEnd('.')}.", inner);
}
