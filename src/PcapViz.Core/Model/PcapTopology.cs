namespace PcapViz;

/// <summary>A directed communication graph at layer 2 (MAC), 3 (IP) or 4 (IP:port), summed exactly from flows.</summary>
public sealed class PcapTopology
{
    public required int Layer { get; init; }
    public required PcapNode[] Nodes { get; init; }
    public required PcapEdge[] Edges { get; init; }
    /// <summary>The capture files the graph was built from.</summary>
    public required TextList Captures { get; init; }
    /// <summary>Packets on the graph's edges.</summary>
    public long Packets { get; init; }
    public long Bytes { get; init; }
    /// <summary>Credits for the data on the nodes, such as the GeoIP database that gave their countries.</summary>
    public TextList Attributions { get; init; } = TextList.Empty;

    public override string ToString() => $"Layer {Layer}: {Nodes.Length} nodes, {Edges.Length} edges";
}

/// <summary>One ordered (source, destination) pair with what travelled on it.</summary>
public sealed class PcapEdge : IComparable<PcapEdge>, IComparable
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public long Packets { get; init; }
    /// <summary>Sum of wire lengths.</summary>
    public long Bytes { get; init; }
    // Kept as UTC ticks: a large layer-4 graph has millions of edges, and a DateTimeOffset takes twice the room.
    private readonly long _firstSeenUtcTicks;
    private readonly long _lastSeenUtcTicks;

    /// <summary>In UTC, as every capture timestamp is.</summary>
    public DateTimeOffset FirstSeen { get => new(_firstSeenUtcTicks, TimeSpan.Zero); init => _firstSeenUtcTicks = value.UtcTicks; }
    public DateTimeOffset LastSeen { get => new(_lastSeenUtcTicks, TimeSpan.Zero); init => _lastSeenUtcTicks = value.UtcTicks; }
    /// <summary>Edges with the same protocols share one array: read it, do not change it.</summary>
    public required TextList Protocols { get; init; }

    /// <summary>Heaviest first, so Sort-Object and [Array]::Sort agree with how the cmdlets order edges.</summary>
    public int CompareTo(PcapEdge? other) => other is null ? -1 : other.Bytes.CompareTo(Bytes);

    // Sort-Object compares through the non-generic interface.
    int IComparable.CompareTo(object? other) => CompareTo(other as PcapEdge);

    public override string ToString() => $"{Source} -> {Destination}";
}

/// <summary>A host (layer 2, 3) or endpoint (layer 4) with its traffic, location and names.</summary>
public sealed class PcapNode
{
    public required string Id { get; init; }
    /// <summary>The IP address (layers 3 and 4) or MAC address (layer 2).</summary>
    public required string Address { get; init; }
    public int? Port { get; init; }
    /// <summary>
    /// At layer 3 and 4, the link addresses seen for this IP (a router's for remote hosts). Nodes with the same single
    /// address share one array: read it, do not change it.
    /// </summary>
    public required TextList Mac { get; init; }
    /// <summary>Private, loopback, link-local, multicast or broadcast.</summary>
    public bool IsInternal { get; init; }
    public string? Country { get; init; }
    /// <summary>The country's English name or, for a special-purpose address, what its block is: "Private", "Documentation (RFC 5737)".</summary>
    public string? CountryName { get; init; }
    public string? City { get; init; }
    public long? Asn { get; init; }
    public string? AsOrganization { get; init; }
    /// <summary>Names the capture itself gave this address (DNS answers, TLS SNI, HTTP Host, DHCP), and reverse DNS when asked for.</summary>
    public required TextList HostNames { get; init; }
    public int InDegree { get; init; }
    public int OutDegree { get; init; }
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long BytesSent { get; init; }
    public long BytesReceived { get; init; }

    public override string ToString() => Id;
}
