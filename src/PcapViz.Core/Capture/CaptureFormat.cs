namespace PcapViz.Core.Capture;

public enum CaptureFormat
{
    Pcap,
    PcapNg,
}
