using System.Management.Automation;
using PcapViz.Core.Flows;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell;

/// <summary>Cmdlets that gather captures and conversations from the pipeline into one graph, emitted at the end like Group-Object.</summary>
public abstract class TopologyInputCmdlet : CaptureReadingCmdlet
{
    protected TopologyInput Input { get; } = new();

    protected override string AcceptedInput => "PcapCapture or PcapFlow objects, or capture files";

    /// <summary>
    /// Inner (the default): tunnelled and mirrored packets count in the conversations inside; Outer: as they read with
    /// no tunnel opened, between the tunnel endpoints.
    /// </summary>
    [Parameter]
    public TunnelView Tunnel { get; set; }

    private bool _warnedOfTunnelledFlows;

    /// <summary>
    /// True once a capture or flow arrived. No input, no output: an empty pipeline or a mistyped file name must not
    /// become an empty topology (and then an empty picture).
    /// </summary>
    protected bool HasInput { get; private set; }

    protected override bool TryAccept(object? live)
    {
        if (live is not PcapFlow flow)
            return false;
        HasInput = true;
        if (Tunnel == TunnelView.Outer && flow.Tunnel is not null && !_warnedOfTunnelledFlows)
        {
            _warnedOfTunnelledFlows = true;
            WriteWarning("-Tunnel Outer reads the outer headers from captures; flows already hold the conversation inside their tunnel " +
                "and are counted as they are. For the outer view of flows, pipe 'Get-PcapFlow -Tunnel Outer'.");
        }
        Input.AddFlow(flow);
        return true;
    }

    protected override void OnCapture(PcapCapture capture)
    {
        HasInput = true;
        Input.AddCapture(capture, Tunnel);
    }
}
