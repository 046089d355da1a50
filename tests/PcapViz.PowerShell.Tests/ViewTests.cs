using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PcapViz.Core;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// The default views (module/PcapViz.Format.ps1xml) as a person at a console reads them: real objects from the bundled
/// samples, a copy of the sample whose file name holds terminal escapes, and objects rehydrated from a CliXml file
/// whose host names and addresses were edited to hold them (what a hostile shared .clixml delivers), each written with
/// Out-String at 80 and 120 columns.
/// </summary>
public sealed class ViewTests(ViewTests.Views views) : IClassFixture<ViewTests.Views>
{
    /// <summary>An OSC window-title sequence ended by BEL, then a C1 CSI: both act on a terminal if printed raw.</summary>
    private const string Hostile = "\u001b]0;evil\u0007\u009b31m";

    public static TheoryData<string, int> ViewsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var view in Views.Names)
        {
            data.Add(view, 80);
            data.Add(view, 120);
        }
        return data;
    }

    [Fact]
    public void Every_output_type_of_every_cmdlet_has_a_table_and_a_list_view()
    {
        var result = views.Session.Run("Get-Command -Module PcapViz | ForEach-Object OutputType | ForEach-Object { $_.Type.FullName } | Where-Object { $_ -like 'PcapViz.*' } | Sort-Object -Unique");
        Assert.Empty(result.Errors);
        var outputTypes = result.Output.Select(o => o.ToString()).Append("PcapViz.PcapNode").Append("PcapViz.PcapEdge").ToList();
        Assert.Contains("PcapViz.PcapCapture", outputTypes);
        foreach (var type in outputTypes)
        {
            var selected = Views.Format.Descendants("View").Where(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == type).ToList();
            Assert.True(selected.Any(v => v.Element("TableControl") is not null), $"{type} has no table view");
            Assert.True(selected.Any(v => v.Element("ListControl") is not null), $"{type} has no list view");
            // The table comes first: it is the view Out-Default picks.
            Assert.NotNull(selected[0].Element("TableControl"));
            Assert.Contains(type["PcapViz.".Length..], Views.Names);
        }
    }

    [Fact]
    public void Every_table_gives_its_first_column_a_width_so_PowerShell_never_sizes_it_from_the_first_rows()
    {
        // With no width on the first column, Out-Default sizes every column from the rows of its first 300 ms and then
        // drops columns from the right that do not fit: the table would depend on the data and on timing.
        foreach (var table in Views.Format.Descendants("TableControl"))
            Assert.NotNull(table.Descendants("TableColumnHeader").First().Element("Width"));
    }

    [Fact]
    public void Views_write_sizes_and_durations_through_Units_and_the_type_is_reachable_from_the_module_session()
    {
        var text = Views.Format.ToString();
        Assert.DoesNotContain("1KB", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("1MB", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("[timespan]", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[PcapViz.Core.Units]::Bytes(", text);
        Assert.Contains("[PcapViz.Core.Units]::Duration(", text);
        var result = views.Session.Run("[PcapViz.Core.Units]::Bytes(1234567); [PcapViz.Core.Units]::Duration(303.0); [PcapViz.Core.InertText]::Of(\"a`e[2Jb\")");
        Assert.Empty(result.Errors);
        Assert.Equal(["1.2 MB", "5 min 3 s", "a\\u{001B}[2Jb"], result.Output.Select(o => o.ToString()));
    }

    [Theory]
    [MemberData(nameof(ViewsAndWidths))]
    public void The_table_fits_the_width_with_every_header_whole_on_one_line(string view, int width)
    {
        var lines = views.Table(view, width);
        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        int dashes = lines.FindIndex(line => line.Contains('-') && line.Trim(' ', '-').Length == 0);
        Assert.True(dashes > 0, string.Join('\n', lines));
        // A header too long for its column wraps onto the next line, above the dashes; then this line lacks its tail.
        var header = lines[dashes - 1];
        Assert.Equal("", lines[dashes - 2].Trim());
        foreach (var label in Views.Labels(view))
            Assert.Matches("(^| )" + Regex.Escape(label) + "( |$)", header);
        Assert.Equal(Views.Labels(view).Count, lines[dashes].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [MemberData(nameof(ViewsAndWidths))]
    public void Each_row_holds_its_addresses_whole_and_its_sizes_and_durations_as_Units_writes_them(string view, int width)
    {
        var lines = views.Table(view, width);
        int checkedRows = 0;
        foreach (var item in views.Items(view))
        {
            var cells = Views.RowCells(item, width);
            if (cells.Count == 0)
                continue;
            Assert.True(lines.Any(line => cells.All(line.Contains)), $"no {width}-column row of {view} holds all of [{string.Join(" | ", cells)}]:\n{string.Join('\n', lines)}");
            checkedRows++;
        }
        Assert.True(checkedRows > 0);
    }

    [Fact]
    public void An_ipv4_address_and_port_is_never_cut_at_80_columns_and_ipv6_endpoints_fit_at_120()
    {
        var flows = views.Items("PcapFlow").Cast<PcapFlow>().ToList();
        var real = flows.Where(f => System.Net.IPAddress.TryParse(f.SourceAddress, out _) && System.Net.IPAddress.TryParse(f.DestinationAddress, out _) && f.SourcePort is not null).ToList();
        var v4 = real.Select(f => Views.Endpoint(f.DestinationAddress, f.DestinationPort, null)).Where(e => e.Contains('.')).MaxBy(e => e.Length)!;
        var v6 = real.Select(f => Views.Endpoint(f.SourceAddress, f.SourcePort, null)).Where(e => e.StartsWith('[')).MaxBy(e => e.Length)!;
        Assert.True(v4.Length >= 18, v4);
        Assert.Contains(views.Table("PcapFlow", 80), line => line.Contains(v4));
        Assert.Contains(views.Table("PcapFlow", 120), line => line.Contains(v6));
        Assert.Contains(views.Table("PcapEdge", 80), line => line.Contains("255.255.255.255:67"));
        Assert.Contains(views.Table("PcapNode", 80), line => line.Contains("255.255.255.255:67"));
    }

    [Theory]
    [MemberData(nameof(ViewsAndWidths))]
    public void No_control_character_from_a_file_name_or_a_host_name_reaches_the_console(string view, int width)
    {
        var table = string.Join('\n', views.Table(view, width));
        var list = string.Join('\n', views.List(view, width));
        foreach (var text in new[] { table, list })
        {
            var unsafeChars = text.Where(c => (c < ' ' && c != '\n') || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069');
            Assert.Empty(unsafeChars.Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture)));
        }
        // The hostile text is shown, escaped, not dropped.
        Assert.Contains("\\u{001B}", list);
    }

    [Theory]
    [MemberData(nameof(ViewsAndWidths))]
    public void Format_List_shows_sizes_and_durations_in_human_units_with_the_exact_figure(string view, int width)
    {
        var lines = views.List(view, width);
        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        // Wide enough that no value wraps, so each figure can be found on its own line.
        var whole = views.List(view, 4000);
        int figures = 0;
        foreach (var item in views.Items(view))
        {
            foreach (var (label, text) in Views.ListFigures(item))
            {
                Assert.Contains(whole, line => Regex.IsMatch(line, "^" + Regex.Escape(label) + @" +: .*" + Regex.Escape(text)));
                figures++;
            }
        }
        Assert.True(figures > 0);
    }

    [Fact]
    public void The_capture_list_view_writes_bytes_and_duration_as_the_help_says()
    {
        var list = views.List("PcapCapture", 80);
        Assert.Contains(list, line => Regex.IsMatch(line, @"^Bytes +: 452 kB \(451,558 bytes\)$"));
        Assert.Contains(list, line => Regex.IsMatch(line, @"^DurationSeconds +: 51 s \(51\.017912 s\)$"));
        Assert.Contains(list, line => Regex.IsMatch(line, @"^Name +: sll\\u\{001B\}\]0;evil\\u\{0007\}\\u\{009B\}31m\.pcap$"));
    }

    /// <summary>One session with every view's objects in $views, built once for the class.</summary>
    public sealed class Views : IDisposable
    {
        public static readonly string[] Names =
            ["PcapCapture", "PcapFlow", "PcapTopology", "PcapNode", "PcapEdge", "FrequentHost", "PcapFinding", "PcapKeyHost", "PcapTopologyDifference"];

        public static XDocument Format { get; } = XDocument.Load(Path.Combine(Path.GetDirectoryName(PowerShellSession.ModulePath)!, "PcapViz.Format.ps1xml"));

        private readonly TempDirectory _temp = new();
        private readonly Dictionary<string, List<object>> _items = [];
        private readonly Dictionary<(string, int, bool), List<string>> _text = [];

        public PowerShellSession Session { get; } = new();

        public Views()
        {
            var samples = Path.Combine(Corpus.RepositoryRoot, "samples");
            var evilSample = _temp.File("sll" + Hostile + ".pcap");
            var evilPlanted = _temp.File("planted" + Hostile + ".pcap.gz");
            File.Copy(Path.Combine(samples, "sll-mixed-tcp-dns-dhcp-arp.pcap"), evilSample);
            File.Copy(Path.Combine(samples, "planted-threats.pcap.gz"), evilPlanted);
            var result = Session.Run(
                """
                $ProgressPreference = 'SilentlyContinue'
                # Nothing is stripped on the way out, and PowerShell adds no colours of its own (it still ends each
                # header with a reset, which Text() takes off): any control character left came from a view.
                $PSStyle.OutputRendering = 'Ansi'
                $PSStyle.Formatting.TableHeader = ''
                $PSStyle.Formatting.FormatAccent = ''
                $PSStyle.Formatting.CustomTableHeaderLabel = ''
                $sample = Import-Pcap -LiteralPath (Join-Path $samples 'sll-mixed-tcp-dns-dhcp-arp.pcap')
                $planted = Import-Pcap -LiteralPath (Join-Path $samples 'planted-threats.pcap.gz')
                $evil = Import-Pcap -LiteralPath $evilSample
                $evilThreats = Import-Pcap -LiteralPath $evilPlanted
                function Hostile($objects, [hashtable] $edits) {
                    $file = Join-Path $temp ([guid]::NewGuid().ToString('N') + '.clixml')
                    $objects | Export-Clixml -LiteralPath $file -Depth 6
                    $text = [IO.File]::ReadAllText($file)
                    foreach ($edit in $edits.GetEnumerator()) { $text = $text.Replace($edit.Key, $edit.Value) }
                    [IO.File]::WriteAllText($file, $text)
                    Import-Clixml -LiteralPath $file
                }
                # CliXml writes characters XML cannot hold as _xHHHH_; Import-Clixml turns them back into the characters.
                $escape = '_x001B_]0;evil_x0007__x009B_31m'
                $l3 = $sample | Get-PcapTopology -Layer 3
                $l4 = $sample | Get-PcapTopology -Layer 4
                $hostile3 = Hostile $l3 @{ 'www.ynet.co.il' = "www.ynet.co.il$escape"; '127.0.0.1' = "127.0.0.1$escape" }
                $hostile4 = Hostile $l4 @{ 'Bichman' = "Bich${escape}man" }
                $plantedL3 = $planted | Get-PcapTopology -Layer 3
                $views = [ordered]@{
                    PcapCapture = @($sample, $planted, $evil)
                    PcapFlow = @(@($sample | Get-PcapFlow) + @($planted | Get-PcapFlow | Sort-Object Bytes -Descending | Select-Object -First 20) + @(Hostile @($evil | Get-PcapFlow) @{ '10.0.0.138' = "10.0.0.138$escape" }))
                    PcapTopology = @(($sample | Get-PcapTopology -Layer 2), $l3, $l4, $plantedL3, ($evil | Get-PcapTopology -Layer 3), $hostile3)
                    PcapNode = @($l3.Nodes + $l4.Nodes + $plantedL3.Nodes + $hostile3.Nodes + $hostile4.Nodes)
                    PcapEdge = @($l3.Edges + $l4.Edges + $hostile3.Edges)
                    FrequentHost = @(@($l3 | Get-FrequentHost) + @($l4 | Get-FrequentHost -Direction Out -By Bytes) + @($hostile3 | Get-FrequentHost -By Packets) + @($hostile4 | Get-FrequentHost))
                    PcapFinding = @(@($evilThreats | Find-PcapThreat) + @(Hostile @($planted | Find-PcapThreat) @{ 'tunnel-c2.net' = "tunnel-c2.net$escape" }))
                    PcapKeyHost = @(@($plantedL3 | Get-PcapKeyHost -Top 12) + @($hostile3 | Get-PcapKeyHost))
                    PcapTopologyDifference = @(Compare-PcapTopology $l3 $plantedL3 | Select-Object -First 12) + @(Compare-PcapTopology $l3 $hostile3)
                }
                foreach ($name in $views.Keys) { [pscustomobject]@{ View = $name; Items = $views[$name] } }
                """,
                new Dictionary<string, object?> { ["samples"] = samples, ["temp"] = _temp.Path, ["evilSample"] = evilSample, ["evilPlanted"] = evilPlanted });
            Assert.Empty(result.Errors);
            foreach (var row in result.Output)
            {
                var value = row.Properties["Items"].Value;
                var items = ((object[])(value is PSObject wrapped ? wrapped.BaseObject : value)).Select(o => o is PSObject p ? p.BaseObject : o).ToList();
                Assert.NotEmpty(items);
                _items[(string)row.Properties["View"].Value] = items;
            }
            Assert.Equal(Names.Order(), _items.Keys.Order());
        }

        public void Dispose()
        {
            Session.Dispose();
            _temp.Dispose();
        }

        public IReadOnlyList<object> Items(string view) => _items[view];

        public List<string> Table(string view, int width) => Text(view, width, list: false);

        public List<string> List(string view, int width) => Text(view, width, list: true);

        private List<string> Text(string view, int width, bool list)
        {
            if (_text.TryGetValue((view, width, list), out var cached))
                return cached;
            var result = Session.Run(
                list ? "$views[$view] | Format-List | Out-String -Width $width" : "$views[$view] | Out-String -Width $width",
                new Dictionary<string, object?> { ["view"] = view, ["width"] = width });
            Assert.Empty(result.Errors);
            var text = ((string)Assert.Single(result.Output).BaseObject).Replace("\u001b[0m", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
            var lines = text.Split('\n').ToList();
            _text[(view, width, list)] = lines;
            return lines;
        }

        public static List<string> Labels(string view) =>
            Format.Descendants("View")
                .First(v => v.Element("Name")?.Value == view && v.Element("TableControl") is not null)
                .Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToList();

        private static string N0(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        public static string Endpoint(string? address, int? port, string? mac) =>
            string.IsNullOrEmpty(address) ? mac ?? "" : port is null ? address : address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";

        /// <summary>
        /// Cells that must stand whole on one row: every figure, and every address up to an IPv4 address and port
        /// (21 characters, the room the tables keep at 80 columns); IPv6 and long names only at 120.
        /// </summary>
        public static List<string> RowCells(object item, int width)
        {
            var cells = new List<string>();
            void Text(string? value, int room80, int room120)
            {
                var shown = InertText.Of(value ?? "");
                if (shown.Length > 0 && shown.Length <= (width >= 120 ? room120 : room80))
                    cells.Add(shown);
            }
            switch (item)
            {
                case PcapCapture c:
                    cells.AddRange([N0(c.Packets), Units.Bytes(c.Bytes), N0(c.FlowCount), Units.Duration(c.DurationSeconds)]);
                    Text(c.Name, 22, 62);
                    break;
                case PcapFlow f:
                    cells.AddRange([Units.Bytes(f.SentBytes), Units.Bytes(f.ReceivedBytes), Units.Duration(f.DurationSeconds)]);
                    Text(f.Protocol, 6, 6);
                    Text(Endpoint(f.SourceAddress, f.SourcePort, f.SourceMac), 21, 41);
                    Text(Endpoint(f.DestinationAddress, f.DestinationPort, f.DestinationMac), 21, 41);
                    break;
                case PcapTopology t:
                    cells.AddRange([N0(t.Nodes.Length), N0(t.Edges.Length), N0(t.Packets), Units.Bytes(t.Bytes)]);
                    break;
                case PcapNode n:
                    cells.AddRange([Units.Bytes(n.BytesSent), Units.Bytes(n.BytesReceived)]);
                    Text(n.Id, 21, 41);
                    Text(n.Country, 8, 8);
                    break;
                case PcapEdge e:
                    cells.AddRange([N0(e.Packets), Units.Bytes(e.Bytes)]);
                    Text(e.Source, 21, 41);
                    Text(e.Destination, 21, 41);
                    Text(string.Join(", ", e.Protocols), 14, 14);
                    break;
                case FrequentHost h:
                    cells.AddRange([N0(h.Packets), Units.Bytes(h.Bytes)]);
                    Text(h.Host, 21, 41);
                    Text(h.HostName, 21, 41);
                    break;
                case PcapFinding f:
                    cells.AddRange([f.Kind, f.Severity, f.Score.ToString("0.00", CultureInfo.InvariantCulture)]);
                    Text(f.Source, 15, 15);
                    Text(f.Domain ?? f.Destination, 21, 21);
                    break;
                case PcapKeyHost k:
                    cells.AddRange([k.Betweenness.ToString("0.000", CultureInfo.InvariantCulture), k.PageRank.ToString("0.0000", CultureInfo.InvariantCulture)]);
                    Text(k.Host, 21, 41);
                    break;
                case PcapTopologyDifference d:
                    if (d.ReferenceBytes is { } before)
                        cells.Add(Units.Bytes(before));
                    if (d.DifferenceBytes is { } after)
                        cells.Add(Units.Bytes(after));
                    Text(d.Id, 46, 86);
                    break;
                default:
                    throw new ArgumentException($"No cells known for a {item.GetType()}.");
            }
            return cells;
        }

        private static string Exact(long bytes) => $"{Units.Bytes(bytes)} ({N0(bytes)} bytes)";

        private static string Exact(double seconds) => $"{Units.Duration(seconds)} ({seconds.ToString(CultureInfo.InvariantCulture)} s)";

        /// <summary>The list view's byte and duration lines: label, then the human figure and the exact one.</summary>
        public static IEnumerable<(string Label, string Text)> ListFigures(object item)
        {
            switch (item)
            {
                case PcapCapture c:
                    yield return ("Bytes", Exact(c.Bytes));
                    yield return ("CapturedBytes", Exact(c.CapturedBytes));
                    yield return ("DurationSeconds", Exact(c.DurationSeconds));
                    break;
                case PcapFlow f:
                    yield return ("Bytes", Exact(f.Bytes));
                    yield return ("SentBytes", Exact(f.SentBytes));
                    yield return ("ReceivedBytes", Exact(f.ReceivedBytes));
                    yield return ("SentPayloadBytes", Exact(f.SentPayloadBytes));
                    yield return ("ReceivedPayloadBytes", Exact(f.ReceivedPayloadBytes));
                    yield return ("DurationSeconds", Exact(f.DurationSeconds));
                    break;
                case PcapTopology t:
                    yield return ("Bytes", Exact(t.Bytes));
                    break;
                case PcapNode n:
                    yield return ("BytesSent", Exact(n.BytesSent));
                    yield return ("BytesReceived", Exact(n.BytesReceived));
                    break;
                case PcapEdge e:
                    yield return ("Bytes", Exact(e.Bytes));
                    break;
                case FrequentHost h:
                    yield return ("Bytes", Exact(h.Bytes));
                    if (h.By == "Bytes")
                        yield return ("Count", Exact(h.Count));
                    break;
                case PcapFinding f:
                    if (f.BytesSent is { } sent)
                        yield return ("Evidence", "BytesSent=" + Exact(sent));
                    if (f.IntervalSeconds is { } interval)
                        yield return ("Evidence", "IntervalSeconds=" + Exact(interval));
                    if (f.LongestConnectionSeconds is { } longest)
                        yield return ("Evidence", "LongestConnectionSeconds=" + Exact(longest));
                    break;
                case PcapKeyHost k:
                    yield return ("WeightedDegree", Exact(k.WeightedDegree));
                    break;
                case PcapTopologyDifference d:
                    if (d.ReferenceBytes is { } before)
                        yield return ("ReferenceBytes", Exact(before));
                    if (d.DifferenceBytes is { } after)
                        yield return ("DifferenceBytes", Exact(after));
                    break;
            }
        }
    }
}
