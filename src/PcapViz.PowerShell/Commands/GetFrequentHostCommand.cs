using System.Management.Automation;
using PcapViz.Core.Analysis;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the most contacted hosts: by distinct peers (PcapViz's --frequent-in/--frequent-out), packets or bytes.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FrequentHost", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(FrequentHost))]
public sealed class GetFrequentHostCommand : TopologyInputCmdlet
{
    private readonly List<PcapTopology> _topologies = [];

    [Parameter]
    public TrafficDirection Direction { get; set; } = TrafficDirection.In;

    [Parameter]
    public HostRanking By { get; set; } = HostRanking.Peers;

    [Parameter]
    [ValidateRange(2, 4)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public int Layer { get; set; } = 3;

    /// <summary>Only the first N rows.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    protected override string AcceptedInput => "PcapCapture, PcapFlow or PcapTopology objects, or capture files";

    protected override bool TryAccept(object? live)
    {
        if (live is not PcapTopology topology)
            return base.TryAccept(live);
        _topologies.Add(topology);
        return true;
    }

    protected override void EndProcessing()
    {
        FinishReading();
        foreach (var topology in _topologies)
            Write(topology);
        if (HasInput)
            Write(Stoppable(stop => TopologyBuilder.Build(Input, new TopologyOptions { Layer = Layer, Geo = Core.Geo.GeoLocator.Default() }, stop)));
    }

    private void Write(PcapTopology topology)
    {
        var rows = FrequentHosts.Rank(topology, Direction, By, Top);
        WriteVerbose($"Ranked the {topology.Nodes.Length:N0} nodes of a layer {topology.Layer} topology by {By} {Direction}: {rows.Count:N0} row(s).");
        WriteObject(rows, enumerateCollection: true);
    }
}
