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
    private const string InputObjectSet = "InputObject";

    /// <summary>Captures from Import-Pcap.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public PcapCapture[] InputObject { get; set; } = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var capture in InputObject)
                OnCapture(capture);
            return;
        }
        ReadPathsFromParameters();
    }

    protected override void EndProcessing() => Pump(block: true);

    protected override void OnCapture(PcapCapture capture)
    {
        foreach (var flow in ConversationBuilder.Build(capture.GetFlowTable(), capture.Path))
        {
            StopToken.ThrowIfCancellationRequested();
            WriteObject(flow);
        }
    }
}
