namespace PcapViz;

/// <summary>
/// A node or edge that differs between two topologies, as Compare-Object writes differences: SideIndicator "&lt;="
/// (only in the reference), "=&gt;" (only in the difference), "&lt;&gt;" (on both, packets or bytes changed by the
/// factor or more) or "==" (unchanged, with -IncludeEqual).
/// </summary>
public sealed class PcapTopologyDifference
{
    /// <summary>Node or Edge.</summary>
    public required string Kind { get; init; }
    /// <summary>The node id, or "source -> destination" for an edge.</summary>
    public required string Id { get; init; }
    public string? Source { get; init; }
    public string? Destination { get; init; }
    public required string SideIndicator { get; init; }
    /// <summary>For nodes: private, link-local, multicast or similar.</summary>
    public bool? IsInternal { get; init; }
    public long? ReferencePackets { get; init; }
    public long? ReferenceBytes { get; init; }
    public long? DifferencePackets { get; init; }
    public long? DifferenceBytes { get; init; }
    /// <summary>Difference bytes over reference bytes, for what is on both sides.</summary>
    public double? BytesFactor { get; init; }

    public override string ToString() => $"{SideIndicator} {Kind} {Id}";
}
