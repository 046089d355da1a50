using PcapViz.Core.Topology;

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
public sealed class FrequentHost : IComparable<FrequentHost>, IComparable
{
    public long Count { get; init; }
    public required string Host { get; init; }
    /// <summary>The <see cref="TrafficDirection"/> counted, by name: In, Out or Both.</summary>
    public required string Direction { get; init; }
    /// <summary>The <see cref="HostRanking"/> that <see cref="Count"/> is, by name: Peers, Packets or Bytes.</summary>
    public required string By { get; init; }
    public int Peers { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    public string? Country { get; init; }
    public string? HostName { get; init; }

    /// <summary>Most first, then by host address, as the cmdlet emits them.</summary>
    public int CompareTo(FrequentHost? other) =>
        other is null ? -1 : other.Count != Count ? other.Count.CompareTo(Count) : NodeIds.Order.Compare(Host, other.Host);

    // Sort-Object compares through the non-generic interface.
    int IComparable.CompareTo(object? other) => CompareTo(other as FrequentHost);

    public override string ToString() => $"{Host} ({Count})";
}
