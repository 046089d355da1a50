using System.Management.Automation;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Ranks the hosts of a topology by betweenness, PageRank, degree, bytes or k-core, with articulation points and guessed roles.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PcapKeyHost")]
[OutputType(typeof(PcapKeyHost))]
public sealed class GetPcapKeyHostCommand : StoppableCmdlet
{
    private static readonly KeyHostOptions Defaults = new();

    /// <summary>Topologies from Get-PcapTopology (also brought back by Import-Clixml or remoting).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public PcapTopology[] InputObject { get; set; } = [];

    [Parameter]
    public KeyHostRanking By { get; set; } = Defaults.By;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? ExactBetweennessLimit { get; set; }

    [Parameter]
    [ValidateRange(0.0001, 0.5)]
    public double BetweennessError { get; set; } = Defaults.BetweennessError;

    [Parameter]
    [ValidateRange(0.5, 0.999999)]
    public double BetweennessConfidence { get; set; } = Defaults.BetweennessConfidence;

    [Parameter]
    public int Seed { get; set; } = Defaults.Seed;

    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double Damping { get; set; } = Defaults.Damping;

    protected override void ProcessRecord()
    {
        var options = new KeyHostOptions
        {
            By = By,
            ExactBetweennessLimit = ExactBetweennessLimit,
            BetweennessError = BetweennessError,
            BetweennessConfidence = BetweennessConfidence,
            Seed = Seed,
            Damping = Damping,
        };
        foreach (var topology in InputObject)
        {
            if (topology is null)
                continue;
            var hosts = Stoppable(stop => KeyHosts.Rank(topology, options, stop));
            int samples = hosts.FirstOrDefault()?.BetweennessSamples ?? 0;
            WriteVerbose($"Layer {topology.Layer}: {topology.Nodes.Length:N0} nodes, {topology.Edges.Length:N0} edges; betweenness {(samples == 0 ? "exact (Brandes)" : $"sampled over {samples:N0} shortest paths, within {BetweennessError} with probability {BetweennessConfidence}")}.");
            foreach (var host in Top is { } top ? hosts.Take(top) : hosts)
                WriteObject(host);
        }
    }

}
