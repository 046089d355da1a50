using System.Management.Automation;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads pcap and pcapng captures into PcapCapture objects.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "Pcap", DefaultParameterSetName = PathSet)]
[OutputType(typeof(PcapCapture))]
public sealed class ImportPcapCommand : CaptureReadingCmdlet
{
    protected override void ProcessRecord() => ReadPathsFromParameters();

    protected override void EndProcessing() => Pump(block: true);

    protected override void OnCapture(PcapCapture capture) => WriteObject(capture);
}
