using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Issue 9, "across many sensors": captures, flows, topologies and findings that come back over real SSH remoting
/// (a private sshd on 127.0.0.1, <see cref="LocalSshServer"/>, with the pinned pwsh as its subsystem) give exactly
/// what the same files give read locally. Two sessions stand for two sensors, each with its own captures, and one
/// capture (the bundled sample) seen by both, as two sensors on one link would.
/// </summary>
public sealed class RemotingTests : IClassFixture<RemotingTests.Sensors>
{
    private static readonly string Planted = Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz");

    private static readonly string[] FirstSensorFiles =
    [
        Corpus.Capture("shared_eth_tls_v4v6_167ips.pcap"),
        Corpus.Capture("shared_eth_mixed_mpls_pwe_dns_http.pcap"),
        Corpus.Capture("shared_vlan_qinq_icmp_cdp.pcap"),
        Corpus.Capture("shared_sll_mixed_tcp_dns_dhcp_arp.pcap"),
    ];

    private static readonly string[] SecondSensorFiles =
    [
        // The same bytes as the first sensor's shared_sll_mixed_tcp_dns_dhcp_arp.pcap: one link seen twice.
        Path.Combine(Corpus.RepositoryRoot, "samples", "sll-mixed-tcp-dns-dhcp-arp.pcap"),
        Planted,
        Corpus.Capture("shared_eth_dns_llmnr_mdns.pcap"),
        Corpus.Capture("shared_sll2_http_mdns_arp.pcap"),
    ];

    private readonly Sensors _sensors;

    public RemotingTests(Sensors sensors) => _sensors = sensors;

    /// <summary>
    /// The private SSH server and one in-process PowerShell with a session open to it per sensor ($sensor1, $sensor2,
    /// both in $sensors), each with the module imported and its own capture list in $files; opened on first use, so a
    /// missing sshd skips the tests, and closed, with the server stopped, when the class is done.
    /// </summary>
    public sealed class Sensors : IDisposable
    {
        private readonly object _gate = new();
        private PowerShellSession? _session;

        public LocalSshServer Server { get; } = new();

        public PowerShellSession Open()
        {
            Server.EnsureStarted();
            lock (_gate)
            {
                if (_session is not null)
                    return _session;
                var session = new PowerShellSession();
                var result = session.Run(
                    Server.SessionScript("sensor1") + "\n" + Server.SessionScript("sensor2") + """

                    $sensors = $sensor1, $sensor2
                    Invoke-Command -Session $sensor1 { param($list) $global:files = $list } -ArgumentList (, $files1)
                    Invoke-Command -Session $sensor2 { param($list) $global:files = $list } -ArgumentList (, $files2)
                    foreach ($sensor in $sensors) {
                        Invoke-Command -Session $sensor { "$($PSVersionTable.PSVersion) $((Get-Module PcapViz).ModuleBase) $($files.Count)" }
                    }
                    """,
                    new Dictionary<string, object?> { ["files1"] = FirstSensorFiles, ["files2"] = SecondSensorFiles });
                // The far end is the pinned PowerShell (dotnet-tools.json; the module needs 7.4 or later) running the laid-out module.
                using var tools = JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus.RepositoryRoot, "dotnet-tools.json")));
                var pinned = tools.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString();
                var expected = $"{pinned} {Path.GetDirectoryName(PowerShellSession.ModulePath)} ";
                string[] seen = [.. result.Output.Select(o => o.ToString())];
                if (result.Errors.Count > 0 || !seen.SequenceEqual([expected + FirstSensorFiles.Length, expected + SecondSensorFiles.Length]))
                {
                    session.Run("Get-PSSession | Remove-PSSession");
                    session.Dispose();
                    throw new InvalidOperationException(
                        $"The sensor sessions did not open as expected: {string.Join("; ", result.Errors.Select(e => e.ToString()))} {string.Join("; ", seen)}\nsshd's log:\n{Server.Log}");
                }
                _session = session;
                return session;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_session is not null)
                {
                    _session.Run("Get-PSSession | Remove-PSSession");
                    _session.Dispose();
                    _session = null;
                }
            }
            Server.Dispose();
        }
    }

    private PowerShellSession.Result Run(string script, Dictionary<string, object?>? variables = null)
    {
        var result = _sensors.Open().Run(script, variables);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return result;
    }

    private static T Property<T>(PSObject row, string name) => (T)PSObject.AsPSObject(row.Properties[name].Value).BaseObject;

    private static List<T> Items<T>(PSObject row, string name) =>
        ((IEnumerable)PSObject.AsPSObject(row.Properties[name].Value).BaseObject).Cast<object>().Select(o => (T)PSObject.AsPSObject(o).BaseObject).ToList();

    /// <summary>Every public property, nested objects included, one per line: two live results compared whole.</summary>
    private static string[] Whole(object value) =>
        JsonSerializer.Serialize(value, value.GetType(), new JsonSerializerOptions { WriteIndented = true }).Split('\n');

    /// <summary>The captures as they came back, in arrival order: the order the local reading repeats.</summary>
    private static void AssertEveryFileCameBack(List<string> order)
    {
        Assert.Equal(FirstSensorFiles.Concat(SecondSensorFiles).Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Captures_from_two_sensors_merge_into_the_local_topology(int layer)
    {
        var result = Run("""
            $remote = Invoke-Command -Session $sensors { Import-Pcap -LiteralPath $files } | Tee-Object -Variable back | Get-PcapTopology -Layer $layer
            $local = Import-Pcap -LiteralPath $back.FullName | Get-PcapTopology -Layer $layer
            [pscustomobject]@{ Remote = $remote; Local = $local; Order = @($back.FullName); Types = @($back | ForEach-Object { $_.pstypenames[0] }) }
            """, new() { ["layer"] = layer });
        var row = Assert.Single(result.Output);
        // What crossed the wire were property bags, not live objects: the merge below is the module's rehydration.
        Assert.All(Items<string>(row, "Types"), t => Assert.Equal("Deserialized.PcapViz.PcapCapture", t));
        AssertEveryFileCameBack(Items<string>(row, "Order"));
        var remote = Property<PcapTopology>(row, "Remote");
        var local = Property<PcapTopology>(row, "Local");

        Assert.Equal(local.Edges.Select(EdgeText), remote.Edges.Select(EdgeText));
        Assert.Equal(local.Nodes.Select(NodeText), remote.Nodes.Select(NodeText));
        Assert.Equal(Whole(local), Whole(remote));
        // Not a vacuous match: the merge has names, MACs (layer 2) and the sample's traffic counted twice.
        Assert.Equal(8, remote.Captures.Count);
        Assert.True(remote.Edges.Length > 20, $"only {remote.Edges.Length} edges");
        if (layer == 2)
            Assert.Contains(remote.Nodes, n => n.Mac.Count > 0);
        else
            Assert.Contains(remote.Nodes, n => n.HostNames.Count > 0);

        static string EdgeText(PcapEdge e) => $"{e.Source} {e.Destination} {e.Packets} {e.Bytes} {e.Protocols} {e.FirstSeen.UtcTicks} {e.LastSeen.UtcTicks}";
        static string NodeText(PcapNode n) => $"{n.Id} [{n.HostNames}] [{n.Mac}] {n.Country} {n.Asn} {n.PacketsSent}/{n.PacketsReceived} {n.BytesSent}/{n.BytesReceived}";
    }

    /// <summary>The issue's own form: Invoke-Command -HostName, a fresh connection per sensor, a wildcard path on each.</summary>
    [SkippableFact]
    public void Invoke_Command_HostName_with_a_wildcard_merges_as_if_local()
    {
        using var folder = new TempDirectory();
        foreach (var file in new[] { FirstSensorFiles[1], FirstSensorFiles[2], SecondSensorFiles[3] })
            File.Copy(file, folder.File(Path.GetFileName(file)));
        var server = _sensors.Server;
        _sensors.Open();
        var result = Run($$"""
            $options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR'; BatchMode = 'yes'; IdentitiesOnly = 'yes' }
            $remote = Invoke-Command -HostName '127.0.0.1', '127.0.0.1' -Port {{server.Port}} -UserName $user -KeyFilePath $key -Options $options {
                Import-Module -Name $using:module
                Import-Pcap -Path (Join-Path $using:folder '*.pcap')
            } | Tee-Object -Variable back | Get-PcapTopology -Layer 3
            $local = Import-Pcap -LiteralPath $back.FullName | Get-PcapTopology -Layer 3
            [pscustomobject]@{ Remote = $remote; Local = $local; Order = @($back.FullName) }
            """, new() { ["user"] = LocalSshServer.UserName, ["key"] = server.KeyFile, ["module"] = PowerShellSession.ModulePath, ["folder"] = folder.Path });
        var row = Assert.Single(result.Output);
        // Both connections read all three files: six captures, each file twice.
        Assert.Equal(Directory.GetFiles(folder.Path).SelectMany(f => new[] { f, f }).Order(StringComparer.Ordinal), Items<string>(row, "Order").Order(StringComparer.Ordinal));
        Assert.Equal(Whole(Property<PcapTopology>(row, "Local")), Whole(Property<PcapTopology>(row, "Remote")));
    }

    [SkippableFact]
    public void Frequent_hosts_of_remote_captures_and_remote_topologies_are_the_local_ones()
    {
        var result = Run("""
            $back = @(Invoke-Command -Session $sensors { Import-Pcap -LiteralPath $files })
            $localCaptures = Import-Pcap -LiteralPath $back.FullName
            # One topology per sensor, built there: ranked one by one, as the local topologies of the same files are.
            $topologies = @(Invoke-Command -Session $sensor1, $sensor2 { Import-Pcap -LiteralPath $files | Get-PcapTopology -Layer 3 })
            $localTopologies = $topologies | ForEach-Object { Import-Pcap -LiteralPath $_.Captures | Get-PcapTopology -Layer 3 }
            foreach ($direction in 'In', 'Out', 'Both') {
                foreach ($by in 'Peers', 'Packets', 'Bytes') {
                    [pscustomobject]@{
                        Case = "$direction $by"
                        Remote = @($back | Get-FrequentHost -Direction $direction -By $by)
                        Local = @($localCaptures | Get-FrequentHost -Direction $direction -By $by)
                        RemoteTopology = @($topologies | Get-FrequentHost -Direction $direction -By $by)
                        LocalTopology = @($localTopologies | Get-FrequentHost -Direction $direction -By $by)
                    }
                }
            }
            """);
        Assert.Equal(9, result.Output.Count);
        foreach (var row in result.Output)
        {
            var remote = Items<FrequentHost>(row, "Remote");
            Assert.True(remote.Count > 10, $"{row.Properties["Case"].Value}: only {remote.Count} hosts");
            Assert.Equal(Whole(Items<FrequentHost>(row, "Local")), Whole(remote));
            Assert.Equal(Whole(Items<FrequentHost>(row, "LocalTopology")), Whole(Items<FrequentHost>(row, "RemoteTopology")));
            Assert.Contains(remote, h => h.HostName is not null);
        }
    }

    [SkippableFact]
    public void Flows_of_remote_captures_are_the_local_flows()
    {
        var result = Run("""
            $back = @(Invoke-Command -Session $sensors { Import-Pcap -LiteralPath $files })
            $local = @(Import-Pcap -LiteralPath $back.FullName)
            [pscustomobject]@{
                Remote = @($back | Get-PcapFlow)
                Local = @($local | Get-PcapFlow)
                RemoteTable = ($back | Measure-Object -Property FlowCount -Sum).Sum
                LocalTable = ($local | Measure-Object -Property FlowCount -Sum).Sum
            }
            """);
        var row = Assert.Single(result.Output);
        var remote = Items<PcapFlow>(row, "Remote");
        var local = Items<PcapFlow>(row, "Local");
        Assert.Equal(local.Count, remote.Count);
        Assert.True(remote.Count > 1000, $"only {remote.Count} flows");
        // FlowCount, the capture's own count of its flow table (one entry per direction), travels as it is.
        Assert.Equal(row.Properties["LocalTable"].Value, row.Properties["RemoteTable"].Value);
        Assert.Equal(Whole(local), Whole(remote));
    }

    /// <summary>Flows listed on the sensors (Get-PcapFlow there) and merged here give the topology of the same flows listed here.</summary>
    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Remote_flows_piped_into_a_local_topology_give_the_local_one(int layer)
    {
        var result = Run("""
            $flows = @(Invoke-Command -Session $sensors { Import-Pcap -LiteralPath $files | Get-PcapFlow })
            $remote = $flows | Get-PcapTopology -Layer $layer
            # The same flows, listed here, in the order they arrived (the two sensors' flows interleave).
            $byCapture = @{}
            foreach ($file in @($flows.Capture | Select-Object -Unique)) { $byCapture[$file] = [System.Collections.Generic.Queue[object]]::new(@(Import-Pcap -LiteralPath $file | Get-PcapFlow)) }
            $local = $flows | ForEach-Object { $byCapture[$_.Capture].Dequeue() } | Get-PcapTopology -Layer $layer
            [pscustomobject]@{ Remote = $remote; Local = $local; Flows = $flows.Count; Types = @($flows | ForEach-Object { $_.pstypenames[0] } | Select-Object -Unique) }
            """, new() { ["layer"] = layer });
        var row = Assert.Single(result.Output);
        Assert.Equal(["Deserialized.PcapViz.PcapFlow"], Items<string>(row, "Types"));
        Assert.True(Property<int>(row, "Flows") > 100);
        var remote = Property<PcapTopology>(row, "Remote");
        Assert.True(remote.Edges.Length > 20, $"only {remote.Edges.Length} edges");
        Assert.Equal(Whole(Property<PcapTopology>(row, "Local")), Whole(remote));
    }

    [SkippableFact]
    public void Threats_found_here_in_remote_captures_and_found_on_the_sensor_are_the_local_findings()
    {
        var result = Run("""
            $back = @(Invoke-Command -Session $sensor2 { Import-Pcap -LiteralPath $files })
            $planted = @($back | Where-Object FullName -eq $plantedPath)
            [pscustomobject]@{
                Remote = @($planted | Find-PcapThreat)
                Local = @(Import-Pcap -LiteralPath $plantedPath | Find-PcapThreat)
                OnSensor = @(Invoke-Command -Session $sensor2 { Import-Pcap -LiteralPath $using:plantedPath | Find-PcapThreat })
                MergedRemote = @($back | Find-PcapThreat)
                MergedLocal = @(Import-Pcap -LiteralPath $back.FullName | Find-PcapThreat)
            }
            """, new() { ["plantedPath"] = Planted });
        var row = Assert.Single(result.Output);
        var local = Items<PcapFinding>(row, "Local");
        var remote = Items<PcapFinding>(row, "Remote");
        Assert.Contains(local, f => f.Kind == "Beaconing" && f.Destination == "198.51.100.77:443");
        Assert.Contains(local, f => f.Kind == "DnsTunnel" && f.Domain == "tunnel-c2.net");
        Assert.Equal(Whole(local), Whole(remote));
        Assert.Equal(Whole(Items<PcapFinding>(row, "MergedLocal")), Whole(Items<PcapFinding>(row, "MergedRemote")));

        // Findings made on the sensor come back as property bags (SSH remoting rehydrates with the built-in types
        // only): every property of every finding still holds the local value.
        var onSensor = ((IEnumerable)PSObject.AsPSObject(row.Properties["OnSensor"].Value).BaseObject).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(local.Count, onSensor.Count);
        for (int i = 0; i < local.Count; i++)
        {
            foreach (var property in typeof(PcapFinding).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                var expected = property.GetValue(local[i]);
                var carried = onSensor[i].Properties[property.Name];
                Assert.True(carried is not null, $"finding {i + 1}: {property.Name} did not come back");
                Assert.True(SameValue(expected, carried.Value), $"finding {i + 1} ({local[i]}): {property.Name} was {expected}, came back {carried.Value}");
            }
        }
    }

    /// <summary>A live value and what remoting made of it: text, a list of text, or a DateTimeOffset's UtcTicks.</summary>
    private static bool SameValue(object? expected, object? carried)
    {
        // The bag a DateTimeOffset becomes keeps its properties on the wrapper, not on its PSCustomObject base.
        var actual = carried is PSObject wrapped ? wrapped.BaseObject : carried;
        if (expected is null || actual is null)
            return expected is null && actual is null;
        if (expected is DateTimeOffset time)
        {
            var ticks = actual is DateTimeOffset live ? live.UtcTicks : (carried as PSObject)?.Properties["UtcTicks"]?.Value;
            return ticks is not null && Convert.ToInt64(PSObject.AsPSObject(ticks).BaseObject, CultureInfo.InvariantCulture) == time.UtcTicks;
        }
        if (expected is IEnumerable items and not string)
        {
            return actual is IEnumerable others and not string
                && items.Cast<object?>().Select(Text).SequenceEqual(others.Cast<object?>().Select(Text));
        }
        return Text(expected) == Text(actual);

        static string? Text(object? value) => Convert.ToString(value is PSObject w ? w.BaseObject : value, CultureInfo.InvariantCulture);
    }
}
