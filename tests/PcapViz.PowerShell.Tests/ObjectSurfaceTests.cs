using System.Text.Json;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// What a scheduled script gets when it writes PcapViz objects with PowerShell's own cmdlets: every fact whole in
/// ConvertTo-Json (addresses as text, names for enum-like facts, durations as numbers) and Export-Csv (lists as their
/// items, not "System.String[]"), and Sort-Object keeping the order the help promises.
/// </summary>
public sealed class ObjectSurfaceTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private static Dictionary<string, object?> Capture(string name) => new() { ["p"] = Corpus.Capture(name) };

    private JsonElement Json(string script, string capture)
    {
        var result = _session.Run(script, Capture(capture));
        Assert.Empty(result.Errors);
        return JsonDocument.Parse((string)Assert.Single(result.Output).BaseObject).RootElement;
    }

    [Fact]
    public void Flows_in_json_keep_ipv4_and_ipv6_addresses_as_text()
    {
        var flows = Json("Import-Pcap -LiteralPath $p | Get-PcapFlow | ConvertTo-Json -AsArray -Compress", "shared_eth_tls_v4v6_167ips.pcap");
        var sources = flows.EnumerateArray().Select(f => f.GetProperty("SourceAddress")).ToList();
        Assert.All(sources, s => Assert.Equal(JsonValueKind.String, s.ValueKind));
        Assert.Contains(sources, s => s.GetString()!.Contains(':'));
        Assert.Contains(sources, s => s.GetString()!.Contains('.'));
        Assert.All(sources, s => Assert.True(System.Net.IPAddress.TryParse(s.GetString(), out _), s.GetString()));
    }

    [Fact]
    public void Flows_in_json_name_their_flags_and_give_durations_in_seconds()
    {
        var flows = Json("Import-Pcap -LiteralPath $p | Get-PcapFlow | ConvertTo-Json -AsArray -Compress", "shared_eth_mixed_mpls_pwe_dns_http.pcap");
        var tcp = flows.EnumerateArray().First(f => f.GetProperty("Protocol").GetString() == "TCP" && f.GetProperty("Packets").GetInt64() > 3);
        Assert.Equal(JsonValueKind.String, tcp.GetProperty("TcpFlags").ValueKind);
        Assert.Contains("ACK", tcp.GetProperty("TcpFlags").GetString()!.Split(", "));
        var udp = flows.EnumerateArray().First(f => f.GetProperty("Protocol").GetString() == "UDP");
        Assert.Equal(JsonValueKind.Null, udp.GetProperty("TcpFlags").ValueKind);
        var duration = tcp.GetProperty("DurationSeconds");
        Assert.Equal(JsonValueKind.Number, duration.ValueKind);
        var span = tcp.GetProperty("LastSeen").GetDateTimeOffset() - tcp.GetProperty("FirstSeen").GetDateTimeOffset();
        Assert.Equal(span.TotalSeconds, duration.GetDouble(), 6);
        Assert.False(tcp.TryGetProperty("Duration", out _));
    }

    [Fact]
    public void Captures_and_frequent_hosts_in_json_name_their_enums()
    {
        var capture = Json("Import-Pcap -LiteralPath $p | ConvertTo-Json -Compress", "shared_pcapng_11_interfaces_ether_null.pcapng");
        Assert.Equal("PcapNg", capture.GetProperty("Format").GetString());
        Assert.Equal(JsonValueKind.Array, capture.GetProperty("LinkTypes").ValueKind);
        Assert.Equal(JsonValueKind.Number, capture.GetProperty("DurationSeconds").ValueKind);
        var host = Json("Import-Pcap -LiteralPath $p | Get-FrequentHost -Direction Out -By Bytes -Top 1 | ConvertTo-Json -Compress", "shared_sll_mixed_tcp_dns_dhcp_arp.pcap");
        Assert.Equal("Out", host.GetProperty("Direction").GetString());
        Assert.Equal("Bytes", host.GetProperty("By").GetString());
    }

    [Fact]
    public void A_topology_at_the_default_depth_keeps_macs_and_host_names()
    {
        var result = _session.Run(
            "$t = Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3; " +
            "$t | ConvertTo-Json -WarningAction SilentlyContinue; " +
            "@($t.Nodes | Where-Object { $_.Mac.Count -gt 0 } | Select-Object -First 1 -ExpandProperty Mac) -join ', '; " +
            "@($t.Nodes | Where-Object { $_.HostNames.Count -gt 0 } | Select-Object -First 1 -ExpandProperty HostNames) -join ', '",
            Capture("shared_eth_mixed_mpls_pwe_dns_http.pcap"));
        Assert.Empty(result.Errors);
        var json = JsonDocument.Parse((string)result.Output[0].BaseObject).RootElement;
        string mac = (string)result.Output[1].BaseObject, names = (string)result.Output[2].BaseObject;
        Assert.NotEmpty(mac);
        Assert.NotEmpty(names);
        var nodes = json.GetProperty("Nodes").EnumerateArray().ToList();
        Assert.Contains(nodes, n => n.GetProperty("Mac").ToString() == mac);
        Assert.Contains(nodes, n => n.GetProperty("HostNames").ToString() == names);
    }

    [Fact]
    public void Csv_writes_the_items_of_list_properties()
    {
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p; " +
            "($c | Get-PcapTopology -Layer 4).Edges | ConvertTo-Csv | Select-Object -Skip 1 -First 1; " +
            "($c | Get-PcapTopology -Layer 3).Nodes | Where-Object { $_.Mac.Count -gt 0 -and $_.HostNames.Count -gt 0 } | Select-Object -First 1 | ConvertTo-Csv | Select-Object -Skip 1; " +
            "$c | ConvertTo-Csv | Select-Object -Skip 1",
            Capture("shared_eth_mixed_mpls_pwe_dns_http.pcap"));
        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.All(lines, line => Assert.DoesNotContain("System.String[]", line));
        Assert.All(lines, line => Assert.DoesNotContain("TextList", line));
        Assert.Contains("\"TCP", lines[0]);
        Assert.Contains("Ethernet(1)", lines[^1]);
    }

    [Fact]
    public void Group_Object_groups_edges_by_their_protocol_list()
    {
        var result = _session.Run(
            "(Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3).Edges | Group-Object Protocols | ForEach-Object Name",
            Capture("shared_eth_mixed_mpls_pwe_dns_http.pcap"));
        Assert.Empty(result.Errors);
        // Group-Object names a list value by its items in braces, as it does for any collection.
        Assert.Contains("{TCP, HTTP}", result.Output.Select(o => (string)o.BaseObject));
        Assert.DoesNotContain(result.Output.Select(o => (string)o.BaseObject), name => name.Contains("System.", StringComparison.Ordinal));
    }

    [Fact]
    public void Sort_Object_without_a_property_orders_edges_heaviest_first()
    {
        var result = _session.Run(
            "$e = (Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 4).Edges; ($e | Get-Random -Count $e.Count -SetSeed 7 | Sort-Object | ForEach-Object Bytes) -join ' '",
            Capture("shared_eth_tls_v4v6_167ips.pcap"));
        Assert.Empty(result.Errors);
        var bytes = ((string)result.Output[0].BaseObject).Split(' ').Select(long.Parse).ToList();
        Assert.True(bytes.Count > 10);
        Assert.Equal(bytes.OrderDescending(), bytes);
    }

    [Fact]
    public void Sort_Object_orders_frequent_hosts_most_first_and_ties_by_address()
    {
        var result = _session.Run(
            "$h = Import-Pcap -LiteralPath $p | Get-FrequentHost; ($h | Get-Random -Count $h.Count -SetSeed 3 | Sort-Object | ForEach-Object { '{0} {1}' -f $_.Count, $_.Host }) -join ';'; ($h | ForEach-Object { '{0} {1}' -f $_.Count, $_.Host }) -join ';'",
            Capture("shared_eth_tls_v4v6_167ips.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal(result.Output[1].BaseObject, result.Output[0].BaseObject);
        var rows = ((string)result.Output[1].BaseObject).Split(';').Select(r => r.Split(' ')).Select(r => (Count: long.Parse(r[0]), Host: r[1])).ToList();
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i - 1].Count >= rows[i].Count);
            if (rows[i - 1].Count == rows[i].Count)
                Assert.True(Order(rows[i - 1].Host) <= Order(rows[i].Host), $"{rows[i - 1].Host} before {rows[i].Host}");
        }
    }

    /// <summary>IPv4 below IPv6, each by value, for the tie check.</summary>
    private static System.Numerics.BigInteger Order(string host)
    {
        var bytes = System.Net.IPAddress.Parse(host).GetAddressBytes();
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        return bytes.Length == 4 ? value : value + (System.Numerics.BigInteger.One << 128);
    }

    [Fact]
    public void A_capture_pipes_to_Get_Item_through_its_PSPath_even_with_wildcard_characters_in_its_name()
    {
        var odd = _temp.File("odd [name].pcap");
        File.Copy(Corpus.Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap"), odd);
        var result = _session.Run("(Import-Pcap -LiteralPath $p | Get-Item).FullName", new Dictionary<string, object?> { ["p"] = odd });
        Assert.Empty(result.Errors);
        Assert.Equal(odd, result.Single<string>());
    }
}
