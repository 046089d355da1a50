using System.Management.Automation;
using PcapViz.Core.Geo;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Compares a baseline topology (or captures) with a later one: nodes and edges on one side only, and those whose traffic changed by a factor.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "PcapTopology")]
[OutputType(typeof(PcapTopologyDifference))]
public sealed class ComparePcapTopologyCommand : PSCmdlet
{
    private readonly List<object> _difference = [];

    /// <summary>The baseline: one PcapTopology, or PcapCapture objects to build it from.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public object[] ReferenceObject { get; set; } = [];

    /// <summary>What to compare with the baseline: one PcapTopology, or PcapCapture objects; from the pipeline as Compare-Object takes it.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public object[] DifferenceObject { get; set; } = [];

    /// <summary>The layer to build at when captures are given.</summary>
    [Parameter]
    [ValidateRange(2, 4)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public int Layer { get; set; } = 3;

    /// <summary>Packets or bytes growing or shrinking by this factor or more make a node or edge on both sides changed.</summary>
    [Parameter]
    [ValidateRange(1.0, double.MaxValue)]
    public double Factor { get; set; } = 2;

    [Parameter]
    public SwitchParameter IncludeEqual { get; set; }

    protected override void ProcessRecord() => _difference.AddRange(DifferenceObject);

    protected override void EndProcessing()
    {
        var reference = TopologyOf(ReferenceObject, nameof(ReferenceObject));
        var difference = TopologyOf(_difference, nameof(DifferenceObject));
        List<PcapTopologyDifference> results;
        try
        {
            results = TopologyComparison.Compare(reference, difference, Factor, IncludeEqual);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.InvalidTopology, ErrorCategory.InvalidArgument, difference));
            return;
        }
        WriteObject(results, enumerateCollection: true);
    }

    /// <summary>One topology as given, or the topology of the captures given, built at -Layer.</summary>
    private PcapTopology TopologyOf(IEnumerable<object> items, string parameter)
    {
        var objects = items.Select(Rehydration.Live).ToList();
        var topologies = objects.OfType<PcapTopology>().ToList();
        var captures = objects.OfType<PcapCapture>().ToList();
        var other = objects.FirstOrDefault(o => o is not PcapTopology and not PcapCapture);
        if (other is not null || objects.Contains(null) || (topologies.Count > 0 && captures.Count > 0) || topologies.Count > 1 || (topologies.Count == 0 && captures.Count == 0))
        {
            string message = other is not null || objects.Contains(null)
                ? $"-{parameter} takes one PcapTopology or PcapCapture objects; it cannot take a {other?.GetType().FullName ?? "null"}."
                : $"-{parameter} takes one PcapTopology or any number of PcapCapture objects, not {topologies.Count} topologies and {captures.Count} captures.";
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), ErrorIds.InvalidInputObject, ErrorCategory.InvalidArgument, other ?? parameter));
        }
        if (topologies.Count == 1)
            return topologies[0];
        var input = new TopologyInput();
        foreach (var capture in captures)
            input.AddCapture(capture);
        return TopologyBuilder.Build(input, new TopologyOptions { Layer = Layer, Geo = GeoLocator.Default() });
    }
}
