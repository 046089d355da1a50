using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

public sealed class GetPcapFlowTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Flows_sum_to_the_capture_totals()
    {
        var path = Corpus.Capture("shared_eth_tls_v4v6_167ips.pcap");
        var result = _session.Run("$c = Import-Pcap -LiteralPath $p; $c; $c | Get-PcapFlow", new Dictionary<string, object?> { ["p"] = path });
        var capture = Assert.IsType<PcapCapture>(result.Output[0].BaseObject);
        var flows = result.Output.Skip(1).Select(o => Assert.IsType<PcapFlow>(o.BaseObject)).ToList();
        Assert.Equal(capture.Packets, flows.Sum(f => f.Packets));
        Assert.Equal(capture.Bytes, flows.Sum(f => f.Bytes));
        Assert.All(flows, f => Assert.Equal(path, f.Capture));
        Assert.All(flows, f => Assert.Equal(f.SentPackets + f.ReceivedPackets, f.Packets));
    }

    [Fact]
    public void Tcp_conversation_is_oriented_from_the_side_that_sent_the_SYN()
    {
        var flows = _session.Run($"Get-PcapFlow -Path '{Corpus.Capture("shared_bigendian_nanosec_http.pcap")}'").All<PcapFlow>();
        var http = Assert.Single(flows, f => f.Protocol == "TCP");
        // 127.0.0.1:43030 sent the SYN to 127.0.0.1:8000; the reply's earlier-looking ports must not flip it.
        Assert.Equal(43030, http.SourcePort);
        Assert.Equal(8000, http.DestinationPort);
        // Port 8000 says HTTP-Alt; the payload says HTTP, and the payload wins.
        Assert.Equal(("HTTP", "Payload"), (http.Application, http.ApplicationSource));
        Assert.Contains("SYN", http.TcpFlags!.Split(", "));
        Assert.True(http.SentPackets > 0 && http.ReceivedPackets > 0);
        Assert.NotNull(http.SourceMac);
        Assert.True(http.FirstSeen <= http.LastSeen);
    }

    [Fact]
    public void Flows_filter_and_export_to_csv_like_any_object()
    {
        var csv = _temp.File("dns.csv");
        var result = _session.Run(
            "Import-Pcap -LiteralPath $p | Get-PcapFlow | Where-Object DestinationPort -eq 53 | Export-Csv -LiteralPath $csv -NoTypeInformation; Import-Csv -LiteralPath $csv",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture("shared_eth_dns_llmnr_mdns.pcap"), ["csv"] = csv });
        Assert.NotEmpty(result.Output);
        Assert.All(result.Output, row => Assert.Equal("53", row.Properties["DestinationPort"].Value));
        Assert.All(result.Output, row => Assert.Equal("UDP", row.Properties["Protocol"].Value));
    }

    [Fact]
    public void Non_ip_frames_are_link_layer_flows()
    {
        var flows = _session.Run($"Get-PcapFlow -LiteralPath '{Corpus.Capture("shared_gre_pptp_ppp.pcap")}'").All<PcapFlow>();
        var arp = flows.Where(f => f.Protocol == "ARP").ToList();
        Assert.NotEmpty(arp);
        Assert.All(arp, f => Assert.Null(f.SourceAddress));
        Assert.Contains(arp, f => f.DestinationMac == "ff:ff:ff:ff:ff:ff");
    }

    [Fact]
    public void Vlan_is_reported_for_tagged_frames()
    {
        var flows = _session.Run($"Get-PcapFlow -LiteralPath '{Corpus.Capture("shared_vlan_qinq_icmp_cdp.pcap")}'").All<PcapFlow>();
        Assert.Contains(flows, f => f.Vlan is not null && f.Protocol == "ICMP");
    }
}
