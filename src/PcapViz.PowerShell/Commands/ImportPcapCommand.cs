using System.Management.Automation;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Reads pcap and pcapng captures into PcapCapture objects.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "Pcap", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PcapCapture))]
public sealed class ImportPcapCommand : CaptureReadingCmdlet
{
    protected override void EndProcessing() => FinishReading();

    protected override string AcceptedInput => "capture files (paths, FileInfo or PathInfo objects, objects with a PSPath or Path) or PcapCapture objects";

    /// <summary>A capture already read passes through as it is.</summary>
    protected override void OnCapture(PcapCapture capture) => WriteObject(capture);
}
