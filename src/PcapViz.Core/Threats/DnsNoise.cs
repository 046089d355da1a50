namespace PcapViz.Core.Threats;

/// <summary>
/// Domains whose many long, random-looking names are how they work, not data being carried: reverse lookups and
/// link-local names (RITA leaves out .arpa and .local too), reputation lookups by antivirus products and mail
/// filters, which encode file hashes and addresses in names. Names of the kind no tunnel uses
/// (QNAME-minimisation probes, trust-anchor signals, WPAD and ISATAP discovery) are left out when they are read
/// (see DnsActivity).
/// </summary>
internal static class DnsNoise
{
    private static readonly string[] BenignDomains =
    [
        "arpa", "local",
        // Antivirus file and URL reputation.
        "mcafee.com", "sophosxl.net", "e5.sk", "eset.com", "trendmicro.com", "avast.com", "avg.com", "bitdefender.net",
        // Mail-filter block and allow lists (DNSBL/URIBL).
        "spamhaus.org", "spamcop.net", "sorbs.net", "barracudacentral.org", "surbl.org", "uribl.com", "dnswl.org",
        "mailspike.net", "senderscore.com", "abuseat.org", "spameatingmonkey.net",
    ];

    /// <summary>Whether a registered domain (or a suffix such as "arpa") is known to carry names by design.</summary>
    public static bool IsBenignDomain(string domain)
    {
        foreach (var benign in BenignDomains)
        {
            if (domain.Equals(benign, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + benign, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the part of a name below its registered domain is only a discovery or signalling label, never data:
    /// wpad, isatap, autodiscover, a lone "_" (QNAME minimisation) or "_ta-" with key tags (RFC 8145). Only the whole
    /// part counts, so "wpad.&lt;data&gt;.example" is no way to hide a tunnel.
    /// </summary>
    public static bool IsSignallingName(ReadOnlySpan<char> below)
    {
        if (below is "wpad" or "isatap" or "autodiscover" or "_")
            return true;
        if (!below.StartsWith("_ta-") || below.Length > 4 + 5 * 16)
            return false;
        foreach (char c in below[4..])
        {
            if (!(char.IsAsciiHexDigit(c) || c == '-'))
                return false;
        }
        return true;
    }
}
