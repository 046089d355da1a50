using System.Management.Automation;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell;

/// <summary>Cmdlets that gather captures and conversations from the pipeline into one graph, emitted at the end like Group-Object.</summary>
public abstract class TopologyInputCmdlet : CaptureReadingCmdlet
{
    protected const string InputObjectSet = "InputObject";

    /// <summary>PcapCapture objects from Import-Pcap or PcapFlow objects from Get-PcapFlow (after Where-Object, say).</summary>
    /// <remarks>
    /// Typed object[] so that a PcapCapture binds here on PowerShell's first, exact-type pass; as PSObject[] it would
    /// bind to -Path through the capture's Path property instead, and the file would be read again.
    /// </remarks>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public object[] InputObject { get; set; } = [];

    protected TopologyInput Input { get; } = new();

    /// <summary>What the cmdlet reads from the pipeline, for the error a wrong object gets.</summary>
    protected virtual string AcceptedInput => "PcapCapture or PcapFlow objects, or capture files";

    protected override void ProcessRecord()
    {
        if (ParameterSetName != InputObjectSet)
        {
            ReadPathsFromParameters();
            return;
        }
        // Captures, flows and topologies that came back over SSH remoting are still property bags here.
        foreach (var item in InputObject)
            Accept(PSObject.AsPSObject(Rehydration.Live(item)!));
    }

    /// <summary>Takes one pipeline object; false when it is of no type this cmdlet reads (an error was written).</summary>
    protected virtual bool Accept(PSObject item)
    {
        switch (item?.BaseObject)
        {
            case PcapCapture capture:
                OnCapture(capture);
                return true;
            case PcapFlow flow:
                Input.AddFlow(flow);
                return true;
            case FileInfo file:
                ReadPaths([file.FullName], literal: true);
                return true;
            case string path:
                ReadPaths([path], literal: false);
                return true;
            default:
                var type = item?.BaseObject?.GetType().FullName ?? "null";
                WriteError(new ErrorRecord(
                    new ArgumentException($"{MyInvocation.MyCommand.Name} reads {AcceptedInput}; it cannot read a {type}."),
                    ErrorIds.InvalidInputObject, ErrorCategory.InvalidType, item));
                return false;
        }
    }

    protected override void OnCapture(PcapCapture capture) => Input.AddCapture(capture);
}
