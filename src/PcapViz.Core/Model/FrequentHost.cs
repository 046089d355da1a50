namespace PcapViz;

public enum TrafficDirection
{
    In,
    Out,
    Both,
}

public enum HostRanking
{
    /// <summary>Distinct hosts talked to: what the Python PcapViz tool's --frequent-in / --frequent-out options count.</summary>
    Peers,
    Packets,
    Bytes,
}

/// <summary>One row of a most-contacted-hosts list; <see cref="Count"/> is the figure the list is ranked by.</summary>
public sealed class FrequentHost : IComparable<FrequentHost>
{
    public long Count { get; init; }
    public required string Host { get; init; }
    public TrafficDirection Direction { get; init; }
    public HostRanking By { get; init; }
    public int Peers { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    public string? Country { get; init; }
    public string? HostName { get; init; }

    /// <summary>Most first, then by host, as the cmdlet emits them.</summary>
    public int CompareTo(FrequentHost? other) =>
        other is null ? -1 : other.Count != Count ? other.Count.CompareTo(Count) : string.CompareOrdinal(Host, other.Host);

    public override string ToString() => $"{Host} ({Count})";
}
