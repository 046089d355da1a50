using System.Management.Automation;

namespace PcapViz.PowerShell;

/// <summary>Cmdlets that take captures, from the pipeline (Import-Pcap, Import-Clixml, remoting) or as files to read.</summary>
public abstract class CaptureInputCmdlet : CaptureReadingCmdlet
{
    protected const string InputObjectSet = "InputObject";

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
}
