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

    protected override void EndProcessing() => FinishReading();

    protected override void OnCapture(PcapCapture capture)
    {
        foreach (var flow in ConversationBuilder.Build(capture.GetFlowTable(), capture.FullName))
        {
            StopToken.ThrowIfCancellationRequested();
            WriteObject(flow);
        }
    }
}
