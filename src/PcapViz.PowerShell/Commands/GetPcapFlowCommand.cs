using System.Management.Automation;
using PcapViz.Core.Flows;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the conversations of captures: one PcapFlow per conversation, like a Zeek conn.log row.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PcapFlow", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PcapFlow))]
public sealed class GetPcapFlowCommand : CaptureReadingCmdlet
{
    /// <summary>Inner (the default): the conversations inside tunnels and mirror sessions; Outer: the capture as it reads with no tunnel opened.</summary>
    [Parameter]
    public TunnelView Tunnel { get; set; }

    protected override void EndProcessing() => FinishReading();

    protected override void OnCapture(PcapCapture capture)
    {
        foreach (var flow in ConversationBuilder.Build(capture.GetFlowTable(Tunnel), capture.FullName, Tunnel == TunnelView.Inner ? capture.GetTunnels() : null))
        {
            StopToken.ThrowIfCancellationRequested();
            WriteObject(flow);
        }
    }
}
