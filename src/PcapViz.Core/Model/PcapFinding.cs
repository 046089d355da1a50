namespace PcapViz;

/// <summary>What Find-PcapThreat looks for.</summary>
public enum ThreatKind
{
    /// <summary>An internal host sends far more than it receives to an external destination few others use.</summary>
    Exfiltration,
    /// <summary>Connections (or bursts inside one flow) at regular intervals and of regular sizes.</summary>
    Beaconing,
    /// <summary>So many connections that timing says nothing: one a second or more, over the capture.</summary>
    Strobe,
    /// <summary>A single connection that lasts an hour or more.</summary>
    LongConnection,
    /// <summary>Many distinct names, long random labels or TXT/NULL records under one domain: data carried in DNS.</summary>
    DnsTunnel,
    /// <summary>A well-known port carrying another protocol, or random data where a known protocol belongs.</summary>
    ProtocolMismatch,
}

/// <summary>
/// One finding: what was found, between whom, how sure (Score 0 to 1, Severity from it), why in one sentence, and the
/// numbers behind the score. Properties that do not apply to a finding's kind are null, so every finding has the
/// same columns in Export-Csv. A bare Sort-Object orders findings highest score first.
/// </summary>
public sealed record PcapFinding : IComparable<PcapFinding>, IComparable
{
    public required string Kind { get; init; }
    public string Severity => SeverityOf(Score);
    public double Score { get; init; }
    public required string Source { get; init; }
    /// <summary>The destination host, or host:port where the port matters (beacons, long connections, mismatches).</summary>
    public string? Destination { get; init; }
    /// <summary>The registered domain, for DNS findings.</summary>
    public string? Domain { get; init; }
    public required string Reason { get; init; }
    public string? SourceName { get; init; }
    public string? DestinationName { get; init; }
    /// <summary>Transport and port, as "TCP/443".</summary>
    public string? Protocol { get; init; }

    /// <summary>The detector's own score before it is bucketed and modified (beacons: RITA's 0-1 beacon score).</summary>
    public double? RawScore { get; init; }
    /// <summary>What prevalence (and any other modifier) added to or took from the score.</summary>
    public double? Modifier { get; init; }
    public int? Connections { get; init; }
    public long? BytesSent { get; init; }
    public long? BytesReceived { get; init; }
    /// <summary>(sent - received) / (sent + received) over payload bytes: 1 is a pure upload, -1 a pure download.</summary>
    public double? ProducerConsumerRatio { get; init; }
    /// <summary>Internal hosts that talk to the destination.</summary>
    public int? PrevalenceHosts { get; init; }
    /// <summary><see cref="PrevalenceHosts"/> over all internal hosts seen.</summary>
    public double? Prevalence { get; init; }

    /// <summary>"Connections" or "Bursts in one flow": what the beacon's timestamps are.</summary>
    public string? Evidence { get; init; }
    /// <summary>The median interval between connections (the mean, for bursts in one flow), in seconds.</summary>
    public double? IntervalSeconds { get; init; }
    /// <summary>The median absolute deviation of the intervals (the standard deviation, for bursts in one flow), in seconds.</summary>
    public double? IntervalDeviationSeconds { get; init; }
    public double? TimestampScore { get; init; }
    public double? SizeScore { get; init; }
    public double? HistogramScore { get; init; }
    public double? DurationScore { get; init; }

    public double? LongestConnectionSeconds { get; init; }
    public double? TotalDurationSeconds { get; init; }

    public long? Queries { get; init; }
    public int? Names { get; init; }
    public int? LongestLabel { get; init; }
    /// <summary>Names with a label at least as long as the suspicious label length.</summary>
    public int? LongLabelNames { get; init; }
    /// <summary>Mean Shannon entropy of the names below the domain, in bits per character.</summary>
    public double? Entropy { get; init; }
    /// <summary>TXT, NULL and ANY queries.</summary>
    public long? TxtQueries { get; init; }
    public long? NxDomainResponses { get; init; }
    public long? ResponseBytes { get; init; }

    /// <summary>The protocol the port promises, and what the payload is.</summary>
    public string? ExpectedProtocol { get; init; }
    public string? ObservedProtocol { get; init; }

    /// <summary>True when a baseline was given and the destination (the domain, for DNS) is not in it; null without a baseline.</summary>
    public bool? NewSinceBaseline { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>The capture files scored together (text: their paths joined by ", ").</summary>
    public TextList Captures { get; init; } = new([]);
    /// <summary>The allow list in force and what each entry removed; empty when none was given.</summary>
    public string AllowList { get; init; } = "";

    /// <summary>The severities <see cref="SeverityOf"/> gives, highest first.</summary>
    public static IReadOnlyList<string> Severities { get; } = ["Critical", "High", "Medium", "Low"];

    /// <summary>RITA's bands: above 0.8 Critical, 0.6 High, 0.4 Medium, below that Low.</summary>
    public static string SeverityOf(double score) => score switch
    {
        > 0.8 => "Critical",
        >= 0.6 => "High",
        >= 0.4 => "Medium",
        _ => "Low",
    };

    /// <summary>Highest score first, then by kind, source and destination, so the order is the same every run.</summary>
    public int CompareTo(PcapFinding? other)
    {
        if (other is null)
            return -1;
        int byScore = other.Score.CompareTo(Score);
        if (byScore != 0)
            return byScore;
        int byKind = string.CompareOrdinal(Kind, other.Kind);
        if (byKind != 0)
            return byKind;
        int bySource = string.CompareOrdinal(Source, other.Source);
        return bySource != 0 ? bySource : string.CompareOrdinal(Destination, other.Destination);
    }

    int IComparable.CompareTo(object? obj) => obj is PcapFinding other ? CompareTo(other) : -1;

    public override string ToString() => $"{Kind} {Source} -> {Destination ?? Domain} ({Score:0.00})";
}
