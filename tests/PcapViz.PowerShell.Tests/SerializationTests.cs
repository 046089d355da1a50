using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>Objects that went through Export-Clixml/Import-Clixml or remoting's serializer still feed the cmdlets with the same result.</summary>
public sealed class SerializationTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private Dictionary<string, object?> Variables(string capture) => new()
    {
        ["p"] = Corpus.Capture(capture),
        ["xml"] = _temp.File("objects.xml"),
    };

    private static string EdgeText => "ForEach-Object { $_.Edges | ForEach-Object { '{0} {1} {2} {3} {4}' -f $_.Source, $_.Destination, $_.Packets, $_.Bytes, ($_.Protocols -join '/') } } | Sort-Object";

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Captures_through_CliXml_give_the_same_topology(int layer)
    {
        var result = _session.Run(
            $"$c = Import-Pcap -LiteralPath $p; $c | Export-Clixml -LiteralPath $xml; $r = Import-Clixml -LiteralPath $xml; " +
            $"$r.GetType().FullName; ($c | Get-PcapTopology -Layer {layer} | {EdgeText}) -join \"`n\"; ($r | Get-PcapTopology -Layer {layer} | {EdgeText}) -join \"`n\"",
            Variables("shared_eth_mixed_mpls_pwe_dns_http.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal("PcapViz.PcapCapture", result.Output[0].BaseObject);
        Assert.False(string.IsNullOrEmpty(result.Output[1].BaseObject as string));
        Assert.Equal(result.Output[1].BaseObject, result.Output[2].BaseObject);
    }

    /// <summary>
    /// Every public property of every model type, walked by reflection, survives Export-Clixml and Import-Clixml:
    /// a property added to a type and forgotten in PcapObjectConverter or the snapshot fails here. Types that come
    /// back live (captures, flows, topologies with their nodes and edges, findings) are compared value by value;
    /// the others (key hosts, differences, frequent hosts) as the property bags PowerShell restores.
    /// </summary>
    [Fact]
    public void Every_public_property_of_every_model_type_survives_CliXml()
    {
        var planted = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz");
        var result = _session.Run("""
            $c = Import-Pcap -LiteralPath $p
            $t = $c | Get-PcapTopology -Layer 3
            $objects = [ordered]@{
                Capture    = @($c)
                Flow       = @($c | Get-PcapFlow)
                Topology   = @($t)
                Finding    = @($c | Find-PcapThreat)
                KeyHost    = @($t | Get-PcapKeyHost)
                Difference = @($t | Compare-PcapTopology -ReferenceObject ($c | Get-PcapTopology -Layer 3 -Before $c.FirstSeen.AddHours(1)))
                Frequent   = @($c | Get-FrequentHost)
            }
            foreach ($name in $objects.Keys) {
                $file = Join-Path $dir "$name.xml"
                $objects[$name] | Export-Clixml -LiteralPath $file
                [pscustomobject]@{ Name = $name; Live = $objects[$name]; Back = @(Import-Clixml -LiteralPath $file) }
            }
            # A topology's nodes and edges come back live inside it.
            $back = Import-Clixml -LiteralPath (Join-Path $dir 'Topology.xml')
            [pscustomobject]@{ Name = 'Node'; Live = @($t.Nodes); Back = @($back.Nodes) }
            [pscustomobject]@{ Name = 'Edge'; Live = @($t.Edges); Back = @($back.Edges) }
            """, new Dictionary<string, object?> { ["p"] = planted, ["dir"] = _temp.Path });
        Assert.Empty(result.Errors);
        var live = new[] { typeof(PcapCapture), typeof(PcapFlow), typeof(PcapTopology), typeof(PcapNode), typeof(PcapEdge), typeof(PcapFinding) };
        int compared = 0;
        foreach (var row in result.Output)
        {
            var name = (string)row.Properties["Name"].Value;
            static object[] Items(object value) => (object[])(value is System.Management.Automation.PSObject wrapped ? wrapped.BaseObject : value);
            var originals = Items(row.Properties["Live"].Value).Select(o => System.Management.Automation.PSObject.AsPSObject(o).BaseObject).ToArray();
            var restored = Items(row.Properties["Back"].Value).Select(System.Management.Automation.PSObject.AsPSObject).ToArray();
            Assert.True(originals.Length > 0, $"{name}: nothing to compare");
            Assert.Equal(originals.Length, restored.Length);
            var type = originals[0].GetType();
            for (int i = 0; i < originals.Length; i++)
            {
                foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
                {
                    if (property.GetIndexParameters().Length > 0)
                        continue;
                    var expected = property.GetValue(originals[i]);
                    object? actual;
                    if (live.Contains(type))
                    {
                        Assert.IsType(type, restored[i].BaseObject);
                        actual = property.GetValue(restored[i].BaseObject);
                    }
                    else
                    {
                        actual = restored[i].Properties[property.Name]?.Value;
                        Assert.True(restored[i].Properties[property.Name] is not null, $"{name}.{property.Name} is missing after CliXml");
                    }
                    Assert.True(Same(expected, actual), $"{name} {i + 1}: {property.Name} was {Show(expected)}, came back {Show(actual)}");
                    compared++;
                }
            }
        }
        Assert.True(compared > 1000, $"only {compared} values compared");

        static object? Plain(object? value) => value is System.Management.Automation.PSObject wrapped ? wrapped.BaseObject : value;
        static bool Same(object? expected, object? actual)
        {
            // An enum comes back as its number, wrapped with its name as text.
            if (Plain(expected) is Enum && actual is not null)
                return string.Equals(Plain(expected)!.ToString(), actual.ToString(), StringComparison.Ordinal);
            (expected, actual) = (Plain(expected), Plain(actual));
            if (expected is null || actual is null)
                return expected is null && actual is null;
            if (expected is string || expected.GetType().IsPrimitive || expected is decimal)
                return Equals(expected, actual) || string.Equals(Convert.ToString(expected, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            if (expected is Enum || expected is System.Net.IPAddress)
                return string.Equals(expected.ToString(), actual.ToString(), StringComparison.Ordinal);
            if (expected is DateTimeOffset time)
                return actual is DateTimeOffset other ? other == time
                    : actual is System.Management.Automation.PSCustomObject || actual is System.Management.Automation.PSObject
                        ? Equals(Convert.ToInt64(Plain(System.Management.Automation.PSObject.AsPSObject(actual).Properties["UtcTicks"]?.Value), System.Globalization.CultureInfo.InvariantCulture), time.UtcTicks)
                        : false;
            if (expected is TimeSpan span)
                return actual is TimeSpan back && back == span;
            if (expected is System.Collections.IEnumerable items)
            {
                if (actual is not System.Collections.IEnumerable others)
                    return false;
                var a = items.Cast<object?>().ToList();
                var b = others.Cast<object?>().ToList();
                // Nested model objects (a topology's nodes) are compared on their own rows.
                return a.Count == b.Count && (a.Count == 0 || a[0] is PcapNode or PcapEdge || a.Zip(b).All(pair => Same(pair.First, pair.Second)));
            }
            return Equals(expected, actual) || string.Equals(expected.ToString(), actual.ToString(), StringComparison.Ordinal);
        }
        static string Show(object? value) => value is null ? "null" : $"{Plain(value)} ({Plain(value)!.GetType().Name})";
    }

    [Fact]
    public void Restored_capture_keeps_totals_names_and_damage()
    {
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p -WarningAction SilentlyContinue; $c | Export-Clixml -LiteralPath $xml; $r = Import-Clixml -LiteralPath $xml; $c; $r",
            Variables("shared_truncated_cut_mid_packet_pgsql.pcap"));
        var original = Assert.IsType<PcapCapture>(result.Output[0].BaseObject);
        var restored = Assert.IsType<PcapCapture>(result.Output[1].BaseObject);
        Assert.Equal((original.FullName, original.Packets, original.Bytes, original.CapturedBytes, original.FlowCount, original.FirstSeen, original.LastSeen, original.Damage, original.DamageOffset),
            (restored.FullName, restored.Packets, restored.Bytes, restored.CapturedBytes, restored.FlowCount, restored.FirstSeen, restored.LastSeen, restored.Damage, restored.DamageOffset));
        Assert.Equal(original.LinkTypes, restored.LinkTypes);
    }

    [Fact]
    public void Host_names_survive_the_round_trip()
    {
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p; $c | Export-Clixml -LiteralPath $xml; $r = Import-Clixml -LiteralPath $xml; " +
            "(($c | Get-PcapTopology).Nodes | ForEach-Object { $_.Id + '=' + ($_.HostNames -join ',') } | Sort-Object) -join ';'; " +
            "(($r | Get-PcapTopology).Nodes | ForEach-Object { $_.Id + '=' + ($_.HostNames -join ',') } | Sort-Object) -join ';'",
            Variables("shared_eth_tls_v4v6_167ips.pcap"));
        Assert.Contains("www.", (string)result.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Equal(result.Output[0].BaseObject, result.Output[1].BaseObject);
    }

    [Fact]
    public void Flows_through_CliXml_give_the_same_topology_and_frequent_hosts()
    {
        var result = _session.Run(
            "$f = Import-Pcap -LiteralPath $p | Get-PcapFlow; $f | Export-Clixml -LiteralPath $xml; $r = Import-Clixml -LiteralPath $xml; " +
            $"$r[0].GetType().FullName; ($f | Get-PcapTopology -Layer 4 | {EdgeText}) -join \"`n\"; ($r | Get-PcapTopology -Layer 4 | {EdgeText}) -join \"`n\"; " +
            "($f | Get-FrequentHost -Direction Both -By Bytes | ForEach-Object { '{0}={1}' -f $_.Host, $_.Count }) -join ';'; " +
            "($r | Get-FrequentHost -Direction Both -By Bytes | ForEach-Object { '{0}={1}' -f $_.Host, $_.Count }) -join ';'",
            Variables("shared_sll_mixed_tcp_dns_dhcp_arp.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal("PcapViz.PcapFlow", result.Output[0].BaseObject);
        Assert.Equal(result.Output[1].BaseObject, result.Output[2].BaseObject);
        Assert.Equal(result.Output[3].BaseObject, result.Output[4].BaseObject);
    }

    [Fact]
    public void Topology_through_the_remoting_serializer_ranks_hosts_the_same()
    {
        // PSSerializer at depth 1 is what remoting uses; the topology's own serialization depth keeps nodes and edges whole.
        var result = _session.Run(
            "$t = Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3; " +
            "$r = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($t, 1)); " +
            "$r.GetType().FullName; " +
            "($t | Get-FrequentHost -Direction In | ForEach-Object { '{0}={1}/{2}' -f $_.Host, $_.Count, $_.HostName }) -join ';'; " +
            "($r | Get-FrequentHost -Direction In | ForEach-Object { '{0}={1}/{2}' -f $_.Host, $_.Count, $_.HostName }) -join ';'",
            Variables("shared_eth_tls_v4v6_167ips.pcap"));
        Assert.Empty(result.Errors);
        Assert.Equal("PcapViz.PcapTopology", result.Output[0].BaseObject);
        Assert.Equal(result.Output[1].BaseObject, result.Output[2].BaseObject);
    }

    [Fact]
    public void Capture_through_the_remoting_serializer_merges_with_a_live_one()
    {
        var result = _session.Run(
            "$a = Import-Pcap -LiteralPath $p; $b = Import-Pcap -LiteralPath $q; " +
            "$remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($a, 1)); " +
            $"(@($a, $b) | Get-PcapTopology -Layer 3 | {EdgeText}) -join \"`n\"; (@($remote, $b) | Get-PcapTopology -Layer 3 | {EdgeText}) -join \"`n\"",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture("shared_rawip_v4v6_http_dns.pcap"), ["q"] = Corpus.Capture("shared_rawip4_linktype228_dns.pcap") });
        Assert.Empty(result.Errors);
        Assert.Equal(result.Output[0].BaseObject, result.Output[1].BaseObject);
    }

    [Fact]
    public void The_snapshot_travels_with_a_capture_but_stays_out_of_its_listings()
    {
        var result = _session.Run(
            "$c = Import-Pcap -LiteralPath $p; " +
            "($c | Select-Object * | ForEach-Object { $_.PSObject.Properties.Name }) -join ','; " +
            "$c | ConvertTo-Json -Depth 1 -Compress; " +
            "[System.Management.Automation.PSSerializer]::Serialize($c, 1) -match 'N=\"Snapshot\"'",
            Variables("shared_eth_dns_llmnr_mdns.pcap"));
        Assert.Empty(result.Errors);
        var listed = Assert.IsType<string>(result.Output[0].BaseObject);
        Assert.Contains("FlowCount", listed.Split(','));
        Assert.DoesNotContain("Snapshot", listed.Split(','));
        Assert.DoesNotContain("Snapshot", Assert.IsType<string>(result.Output[1].BaseObject));
        Assert.Equal(true, result.Output[2].BaseObject);
    }
}
