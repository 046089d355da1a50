using System.Net;

namespace PcapViz.Core.Threats;

/// <summary>
/// Every threshold the detectors use, with its default and where the default comes from. Four-value thresholds are
/// RITA's scoring bands: below the first there is no finding, and the score rises through 0.2, 0.4 and 0.6 to 0.8 at
/// the fourth (activecm/rita v5, config <c>scoring</c>); modifiers such as prevalence move it from there.
/// </summary>
public sealed class ThreatOptions
{
    /// <summary>The kinds to look for; all when null.</summary>
    public IReadOnlySet<ThreatKind>? Kinds { get; init; }

    public AllowList AllowList { get; init; } = AllowList.Empty;

    /// <summary>What counts as internal; when null, private, shared, link-local and unique-local ranges (see AddressClass).</summary>
    public IReadOnlyList<IPNetwork>? InternalNetworks { get; init; }

    /// <summary>Distinct connection start times (or bursts) a beacon needs: RITA's unique_connection_threshold, 4.</summary>
    public int MinimumConnections { get; init; } = 4;

    /// <summary>Bands for the 0-1 beacon score: RITA's beacon score_thresholds 50/70/90/100, as fractions.</summary>
    public double[] BeaconThresholds { get; init; } = [0.5, 0.7, 0.9, 1.0];

    /// <summary>
    /// Where irregular timing stops being a beacon: the beacon score is multiplied by 1 - (MAD/median)/this, so that
    /// at 0.6 a fixed interval keeps its score, ±20% jitter (MAD/median 0.1) keeps five sixths of it, and exponential
    /// (Poisson) timing, whose MAD/median is 0.69, scores 0. Ours: RITA's score alone rates Poisson traffic of
    /// constant size about 0.8.
    /// </summary>
    public double IrregularIntervalRatio { get; init; } = 0.6;

    /// <summary>Connections per day from which a pair is a strobe: RITA's 86,400 (one a second over a day), taken as a rate over the capture and no less than ten minutes' worth.</summary>
    public long StrobeConnectionsPerDay { get; init; } = 86_400;

    /// <summary>
    /// The strobe rate is taken over the capture's span, but never over less than this, so that a handful of
    /// connections in a short capture is no strobe: 10 minutes (ours; 600 connections at RITA's rate).
    /// </summary>
    public TimeSpan StrobeMinimumSpan { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Connection start times kept per pair: RITA's cap of 86,400 (groupArray(86400)); a pair past it is a strobe.</summary>
    public int MaximumTimestamps { get; init; } = 86_400;

    /// <summary>RITA's histogram_mode_sensitivity: bar heights within this fraction of the tallest count as one mode.</summary>
    public double HistogramModeSensitivity { get; init; } = 0.05;

    /// <summary>
    /// Busy bins the bimodal histogram fit needs: 6 (ours; RITA's histogram_bimodal_min_hours_seen is 11 non-empty
    /// bins, but here empty bins count as a mode, so the duration minimum of 6 serves).
    /// </summary>
    public int BimodalMinimumBins { get; init; } = 6;

    /// <summary>RITA's duration_min_hours_seen (6 of 24 bins) and duration_consistency_ideal_hours_seen (12).</summary>
    public int DurationMinimumBins { get; init; } = 6;
    public int DurationIdealBins { get; init; } = 12;

    /// <summary>
    /// A beacon to a known periodic service (NTP on UDP 123, identified by its payload) scores at most this: its timing
    /// is a beacon's by design. Ours: Low, so it is listed but never ranks with a real beacon.
    /// </summary>
    public double PeriodicServiceScore { get; init; } = 0.3;

    /// <summary>Bands for the longest single connection: RITA's long_connection_score_thresholds, 1 h, 4 h, 8 h, 12 h.</summary>
    public TimeSpan[] LongConnectionThresholds { get; init; } =
        [TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(12)];

    /// <summary>A UDP (or other connectionless) flow with a silence longer than this is not one connection: Zeek's udp_inactivity_timeout, 1 min.</summary>
    public TimeSpan UdpInactivityTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Bands for distinct names a client asks under one domain: RITA's c2_score_thresholds 100/500/800/1000.</summary>
    public int[] SubdomainThresholds { get; init; } = [100, 500, 800, 1000];

    /// <summary>A label this long is suspicious: 52 characters, as the tunnels and common DNS-tunnel hunts (iodine and dnscat2 fill labels to 52-63).</summary>
    public int SuspiciousLabelLength { get; init; } = 52;

    /// <summary>
    /// Below the first subdomain band, a domain is still a tunnel when at least this many distinct names mostly have
    /// suspicious labels and the queries are mostly TXT/NULL/ANY or the names are random (ours: 20, so that a few CDN
    /// hashes under one domain never are).
    /// </summary>
    public int MinimumTunnelNames { get; init; } = 20;

    /// <summary>
    /// The share of a domain's names (long labels) or queries (TXT/NULL/ANY, NXDOMAIN answers) from which that trait
    /// counts for a tunnel: 0.5, most of them (ours: one long name among hundreds is a CDN's, most of them is data).
    /// </summary>
    public double TunnelTraitShare { get; init; } = 0.5;

    /// <summary>Mean entropy of the names below the domain, in bits per character, that counts as random: 3.5 (ours; hex-, base32- and base64-encoded data of 52 characters reach 3.7 to 5, words and host names stay near 3).</summary>
    public double EntropyThreshold { get; init; } = 3.5;

    /// <summary>Bands for payload bytes a host uploads to one destination: 1 MB, 10 MB, 100 MB, 1 GB (ours, after RITA's bands).</summary>
    public long[] UploadThresholds { get; init; } = [1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>The producer-consumer ratio an upload needs: 0.4 (FloCon 2014's PCR, where 0.4 and above is an upload-heavy exchange).</summary>
    public double MinimumProducerConsumerRatio { get; init; } = 0.4;

    /// <summary>RITA's prevalence modifier: at or under 2% of internal hosts a destination is rare (+0.15), at or over 50% common (-0.15).</summary>
    public double RarePrevalence { get; init; } = 0.02;
    public double CommonPrevalence { get; init; } = 0.5;
    public double PrevalenceModifier { get; init; } = 0.15;

    /// <summary>RITA's c2_over_dns_direct_conn_score_increase: a tunnel domain whose addresses no host connects to, +0.15.</summary>
    public double NoDirectConnectionModifier { get; init; } = 0.15;

    /// <summary>Scores for a port carrying another identified protocol, and carrying random data: 0.6 and 0.5 (ours).</summary>
    public double MismatchScore { get; init; } = 0.6;
    public double RandomPayloadScore { get; init; } = 0.5;

    /// <summary>Hosts seen in a baseline (an earlier capture or topology); a finding toward a host not among them is first seen.</summary>
    public IReadOnlySet<IPAddress>? BaselineHosts { get; init; }

    /// <summary>Registered domains asked in the baseline's DNS; a DNS tunnel under another is first seen.</summary>
    public IReadOnlySet<string>? BaselineDomains { get; init; }

    /// <summary>RITA's first_seen_score_increase: a destination first seen since the baseline, +0.15.</summary>
    public double FirstSeenModifier { get; init; } = 0.15;

    public bool Wants(ThreatKind kind) => Kinds is null || Kinds.Contains(kind);
}
