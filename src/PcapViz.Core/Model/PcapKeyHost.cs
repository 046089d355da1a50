namespace PcapViz;

/// <summary>
/// One node of a topology with its centralities: Rank and Score by the measure asked for (By), degrees, bytes,
/// betweenness (with its error bound when sampled), PageRank, articulation point, k-core number and a guessed role.
/// A bare Sort-Object orders key hosts highest score first.
/// </summary>
public sealed class PcapKeyHost : IComparable<PcapKeyHost>, IComparable
{
    public int Rank { get; set; }
    public required string Host { get; init; }
    public double Score { get; set; }
    /// <summary>The measure Rank and Score follow: Betweenness, PageRank, Degree, WeightedDegree or CoreNumber.</summary>
    public required string By { get; init; }
    public int Layer { get; init; }
    /// <summary>What the host serves, as far as its edges' protocols tell: Gateway, DNS server, Domain controller, ...</summary>
    public string? Role { get; init; }
    public bool IsInternal { get; init; }
    public string? Country { get; init; }
    public string? HostName { get; init; }
    public int InDegree { get; init; }
    public int OutDegree { get; init; }
    /// <summary>Distinct neighbours, either direction.</summary>
    public int Degree { get; init; }
    /// <summary>Bytes sent and received.</summary>
    public long WeightedDegree { get; init; }
    /// <summary>The share of ordered node pairs whose shortest paths (undirected) pass through this host, 0 to 1.</summary>
    public double Betweenness { get; init; }
    /// <summary>0 when betweenness is exact; else the bound within which the sample keeps every node's value.</summary>
    public double BetweennessError { get; init; }
    /// <summary>Shortest paths sampled (0 when exact).</summary>
    public int BetweennessSamples { get; init; }
    public double PageRank { get; init; }
    /// <summary>Removing this host splits its part of the graph in two or more.</summary>
    public bool IsArticulationPoint { get; init; }
    /// <summary>The largest k for which the host is in the k-core: every host there has k neighbours or more in it.</summary>
    public int CoreNumber { get; init; }

    public int CompareTo(PcapKeyHost? other)
    {
        if (other is null)
            return -1;
        int byScore = other.Score.CompareTo(Score);
        return byScore != 0 ? byScore : string.CompareOrdinal(Host, other.Host);
    }

    int IComparable.CompareTo(object? obj) => obj is PcapKeyHost other ? CompareTo(other) : -1;

    public override string ToString() => $"{Rank}. {Host} ({By} {Score:0.####})";
}
