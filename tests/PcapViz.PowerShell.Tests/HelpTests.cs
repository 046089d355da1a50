using System.IO.Compression;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PcapViz.Core.Tests;
using Xunit.Abstractions;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Pins the help the module ships (en-US/PcapViz.PowerShell.dll-Help.xml and about_PcapViz.help.txt, laid out by build.ps1):
/// every command the module exports has real MAML help (not the syntax PowerShell makes up when there is none),
/// with a description of every parameter it declares, attributes and parameter sets that agree with the code, its output
/// types, related links that resolve, no online address but the project's own, and examples that parse and call it; the
/// examples of the cmdlets listed in Examples_run_without_errors_on_sample_captures run cleanly; about_PcapViz resolves,
/// names every command and has a one-line synopsis; and the help, the about topic and the module's README name
/// command-line options only as the Python PcapViz tool's.
/// A new cmdlet is covered as soon as the manifest exports it (add it to that theory once its examples can run here).
/// -WhatIf and -Confirm, which a cmdlet has only when it supports ShouldProcess, are documented like its own parameters
/// (as PowerShell's own help does); the other common parameters are left to &lt;CommonParameters&gt;.
/// </summary>
public sealed class HelpTests(ITestOutputHelper output) : IDisposable
{
    private const string ModuleName = "PcapViz";
    private const string AboutTopic = "about_PcapViz";

    // Get-Help's view of one command, flattened in PowerShell so the assertions below stay plain C#.
    private const string HelpScript = """
        $help = Get-Help -Name $HelpTestCommandName -Full
        function Get-HelpText($Paragraphs) { (@($Paragraphs) | Where-Object { $_ } | ForEach-Object { "$($_.Text)".Trim() }) -join "`n" }
        [pscustomobject]@{
            Synopsis      = "$($help.Synopsis)".Trim()
            Description   = Get-HelpText $help.description
            Examples      = @(@($help.examples.example) | Where-Object { $_ } | ForEach-Object { "$($_.code)" })
            SyntaxItems   = @(@($help.syntax.syntaxItem) | Where-Object { $_ } | ForEach-Object { (@($_.parameter | Where-Object { $_ } | ForEach-Object { "$($_.name)" }) | Sort-Object) -join ',' })
            Parameters    = @(@($help.parameters.parameter) | Where-Object { $_ } | ForEach-Object {
                [pscustomobject]@{
                    Name          = "$($_.name)"
                    Description   = Get-HelpText $_.description
                    Required      = "$($_.required)"
                    Position      = "$($_.position)"
                    PipelineInput = "$($_.pipelineInput)"
                    Globbing      = "$($_.globbing)"
                    Aliases       = "$($_.aliases)"
                    Type          = "$($_.type.name)"
                }
            })
            InputTypes    = @(@($help.inputTypes.inputType) | Where-Object { $_ } | ForEach-Object { "$($_.type.name)".Trim() } | Where-Object { $_ })
            ReturnTypes   = @(@($help.returnValues.returnValue) | Where-Object { $_ } | ForEach-Object { "$($_.type.name)".Trim() })
            Links         = @(@($help.relatedLinks.navigationLink) | Where-Object { $_ } | ForEach-Object { [pscustomobject]@{ Text = "$($_.linkText)".Trim(); Uri = "$($_.uri)".Trim() } })
        }
        """;

    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Every_exported_command_has_a_synopsis_that_is_not_its_syntax()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var help = HelpOf(command);
            if (string.IsNullOrWhiteSpace(help.Synopsis))
                problems.Add($"{command.Name}: empty synopsis");
            // Without a help file, Get-Help makes the synopsis up from the syntax: "Import-Pcap [-Path] <string[]> ...".
            else if (help.Synopsis.StartsWith(command.Name, StringComparison.OrdinalIgnoreCase) || help.Synopsis.Contains("<CommonParameters>", StringComparison.Ordinal))
                problems.Add($"{command.Name}: the synopsis is the generated syntax, so no help file was found: '{help.Synopsis}'");
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Every_exported_command_has_a_description()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var help = HelpOf(command);
            if (string.IsNullOrWhiteSpace(help.Description))
                problems.Add($"{command.Name}: no description");
            else if (help.Description == help.Synopsis)
                problems.Add($"{command.Name}: the description only repeats the synopsis");
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Every_exported_command_has_examples_whose_code_parses_and_uses_it()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var help = HelpOf(command);
            if (help.Examples.Count == 0)
                problems.Add($"{command.Name}: no example");
            for (int i = 0; i < help.Examples.Count; i++)
            {
                var code = help.Examples[i];
                if (string.IsNullOrWhiteSpace(code))
                {
                    problems.Add($"{command.Name} example {i + 1}: no code");
                    continue;
                }
                var ast = Parser.ParseInput(code, out _, out var errors);
                if (errors.Length > 0)
                {
                    problems.Add($"{command.Name} example {i + 1}: does not parse ({errors[0].Message}): {code}");
                    continue;
                }
                bool usesCommand = ast.FindAll(node => node is CommandAst, searchNestedScriptBlocks: true)
                    .Cast<CommandAst>()
                    .Any(c => string.Equals(c.GetCommandName(), command.Name, StringComparison.OrdinalIgnoreCase));
                if (!usesCommand)
                    problems.Add($"{command.Name} example {i + 1}: does not call {command.Name}: {code}");
            }
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Every_declared_parameter_is_described_and_no_other()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var help = HelpOf(command);
            var declared = DeclaredParameters(command).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var documented = help.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var name in declared.Order(StringComparer.Ordinal))
            {
                if (!documented.TryGetValue(name, out var parameter))
                    problems.Add($"{command.Name} -{name}: declared but not in the help");
                else if (string.IsNullOrWhiteSpace(parameter.Description))
                    problems.Add($"{command.Name} -{name}: no description");
            }
            foreach (var name in documented.Keys.Where(n => !declared.Contains(n)))
                problems.Add($"{command.Name} -{name}: in the help but not declared by the cmdlet");
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Documented_parameter_attributes_match_the_code()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var documented = HelpOf(command).Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in DeclaredParameters(command))
            {
                if (!documented.TryGetValue(parameter.Name, out var doc))
                    continue; // Reported by Every_declared_parameter_is_described_and_no_other.
                void Check(string what, string expected, string actual)
                {
                    if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                        problems.Add($"{command.Name} -{parameter.Name}: {what} is '{actual}' in the help, '{expected}' in the code");
                }

                var sets = parameter.ParameterSets.Values.ToList();
                // Where parameter sets disagree, one help entry cannot state a single value; only agreeing values are pinned.
                if (sets.Select(s => s.IsMandatory).Distinct().Count() == 1)
                    Check("required", sets[0].IsMandatory ? "true" : "false", doc.Required);
                if (sets.Select(s => s.Position).Distinct().Count() == 1)
                    Check("position", sets[0].Position == int.MinValue ? "named" : sets[0].Position.ToString(System.Globalization.CultureInfo.InvariantCulture), doc.Position);
                Check("pipeline input", PipelineInput(sets.Any(s => s.ValueFromPipeline), sets.Any(s => s.ValueFromPipelineByPropertyName)),
                    PipelineInput(IsTrue(doc.PipelineInput) && doc.PipelineInput.Contains("ByValue", StringComparison.OrdinalIgnoreCase),
                        IsTrue(doc.PipelineInput) && doc.PipelineInput.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase)));
                Check("wildcard support", parameter.Attributes.OfType<SupportsWildcardsAttribute>().Any() ? "true" : "false", doc.Globbing);
                Check("aliases", string.Join(", ", parameter.Aliases.Order(StringComparer.OrdinalIgnoreCase)),
                    string.Join(", ", doc.Aliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Where(a => !a.Equals("none", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.OrdinalIgnoreCase)));
                if (!parameter.ParameterType.IsGenericType)
                    Check("type", parameter.ParameterType.FullName!, doc.Type);
            }
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Syntax_has_one_item_per_parameter_set_with_its_parameters()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var expected = command.ParameterSets
                .Select(set => string.Join(",", set.Parameters.Select(p => p.Name).Where(n => !IsCommonParameter(n)).Order(StringComparer.OrdinalIgnoreCase)))
                .Order(StringComparer.OrdinalIgnoreCase).ToList();
            var documented = HelpOf(command).SyntaxItems.Order(StringComparer.OrdinalIgnoreCase).ToList();
            if (!expected.SequenceEqual(documented, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{command.Name}: the help's syntax has parameter sets [{string.Join(" | ", documented)}], the code [{string.Join(" | ", expected)}]");
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Help_names_every_output_type_and_the_input_types_of_pipeline_commands()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            var help = HelpOf(command);
            foreach (var output in command.OutputType.Select(t => t.Name))
            {
                if (!help.ReturnTypes.Contains(output, StringComparer.OrdinalIgnoreCase))
                    problems.Add($"{command.Name}: [OutputType] {output} is not among the help's outputs [{string.Join(", ", help.ReturnTypes)}]");
            }
            bool takesPipelineInput = DeclaredParameters(command).SelectMany(p => p.ParameterSets.Values).Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName);
            if (takesPipelineInput && help.InputTypes.Count == 0)
                problems.Add($"{command.Name}: takes pipeline input but the help names no input type");
        }
        AssertNoProblems(problems);
    }

    [Fact]
    public void Related_links_name_commands_or_topics_that_exist()
    {
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            foreach (var link in HelpOf(command).Links)
            {
                // An outside page is written into the text ("Zeek conn.log: https://..."), not the URI, which Get-Help -Online would open.
                var address = link.Uri.Length > 0 ? link.Uri : OutsideAddress.Match(link.Text) is { Success: true } m ? m.Groups[1].Value : "";
                if (address.Length > 0)
                {
                    if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                        problems.Add($"{command.Name}: related link '{link.Text}' has an address that is not an absolute https address: {address}");
                    continue;
                }
                var found = _session.Run(
                    "[bool](Get-Command -Name $HelpTestLink -ErrorAction Ignore) -or [bool](Get-Help -Name $HelpTestLink -Category HelpFile -ErrorAction Ignore)",
                    new Dictionary<string, object?> { ["HelpTestLink"] = link.Text });
                if (!found.Output.Select(o => o.BaseObject).OfType<bool>().Any(b => b))
                    problems.Add($"{command.Name}: related link '{link.Text}' names no command or help topic");
            }
        }
        AssertNoProblems(problems);
    }

    private static readonly Regex OutsideAddress = new(@"^[^:]+: (\S+)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Get-Help -Online opens the command's HelpUri, which PowerShell takes from the first related link with a URI. The
    /// module has no online help, so no command may promise one, unless it is the project's own (under the manifest's
    /// ProjectUri); and then Get-Help -Online must say there is none instead of opening someone else's page.
    /// </summary>
    [Fact]
    public void Get_Help_Online_promises_no_address_but_the_projects_own()
    {
        var project = _session.Run($"(Get-Module {ModuleName}).ProjectUri").Output.Select(o => o?.BaseObject).OfType<Uri>().SingleOrDefault();
        bool IsOwn(string uri) => project is not null && uri.StartsWith(project.AbsoluteUri.TrimEnd('/') + "/", StringComparison.Ordinal);
        var problems = new List<string>();
        foreach (var command in ExportedCommands())
        {
            // HelpUri is what -Online opens: PowerShell's own type data works it out from the help and the [Cmdlet] attribute.
            var helpUri = Assert.Single(_session.Run("\"$((Get-Command -Name $HelpTestCommandName).HelpUri)\"",
                new Dictionary<string, object?> { ["HelpTestCommandName"] = command.Name }).Output).ToString();
            var promised = HelpOf(command).Links.Select(l => l.Uri).Append(helpUri).Where(u => u.Length > 0).Distinct().ToList();
            problems.AddRange(promised.Where(u => !IsOwn(u)).Select(u => $"{command.Name}: Get-Help -Online would open {u}, not the project's own page"));
            if (promised.Count > 0)
                continue; // Never open a browser from a test.
            var online = _session.Run("Get-Help -Name $HelpTestCommandName -Online", new Dictionary<string, object?> { ["HelpTestCommandName"] = command.Name });
            if (!online.Errors.Any(e => e.FullyQualifiedErrorId == "InvalidOperation,Microsoft.PowerShell.Commands.GetHelpCommand"))
                problems.Add($"{command.Name}: Get-Help -Online did not report that there is no online help: {string.Join("; ", online.Errors.Select(e => e.FullyQualifiedErrorId))}");
        }
        AssertNoProblems(problems);
    }

    /// <summary>Get-Help takes an about topic's synopsis from the first line under SHORT DESCRIPTION only, so it must be one line.</summary>
    [Fact]
    public void About_PcapViz_short_description_is_its_whole_synopsis_on_one_line()
    {
        var lines = File.ReadAllLines(Path.Combine(ModuleFolder, "en-US", AboutTopic + ".help.txt"));
        var heading = Array.IndexOf(lines, "SHORT DESCRIPTION");
        Assert.True(heading >= 0, $"{AboutTopic} has no SHORT DESCRIPTION heading.");
        var shortDescription = lines.Skip(heading + 1).TakeWhile(l => l.Length == 0 || char.IsWhiteSpace(l[0]))
            .Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList();

        var synopsis = Text(Assert.Single(_session.Run($"Get-Help -Name {AboutTopic}").Output), "Synopsis").Trim();

        Assert.True(shortDescription.Count == 1, $"SHORT DESCRIPTION has {shortDescription.Count} lines; Get-Help shows only the first: '{synopsis}'");
        Assert.Equal(shortDescription[0], synopsis);
        Assert.True(synopsis.Length <= 80, $"The synopsis is {synopsis.Length} characters, more than 80: '{synopsis}'");
    }

    /// <summary>
    /// The help speaks PowerShell: a command-line option (--frequent-in, or the "-g" of "PcapViz's -g") belongs to the
    /// Python PcapViz tool, and its paragraph must say so before it, or a reader looks for it among the cmdlets' parameters.
    /// </summary>
    [Fact]
    public void Command_line_options_in_the_help_are_introduced_as_the_Python_PcapViz_tools()
    {
        var maml = XDocument.Load(Path.Combine(ModuleFolder, "en-US", "PcapViz.PowerShell.dll-Help.xml"));
        var paragraphs = maml.Descendants().Where(e => !e.HasElements && e.Value.Trim().Length > 0).Select(e => ("MAML " + e.Name.LocalName, e.Value))
            .Concat(Paragraphs(Path.Combine("en-US", AboutTopic + ".help.txt")))
            .Concat(Paragraphs("README.md"));
        var problems = new List<string>();
        foreach (var (where, raw) in paragraphs)
        {
            var text = Whitespace.Replace(raw, " ");
            foreach (Match option in CommandLineOption.Matches(text))
            {
                if (!text[..option.Index].Contains(PythonTool, StringComparison.Ordinal))
                    problems.Add($"{where}: '{option.Value.Trim()}' is not introduced as the {PythonTool} tool's option: ...{text[Math.Max(0, option.Index - 60)..Math.Min(text.Length, option.Index + 40)]}...");
            }
        }
        AssertNoProblems(problems);
    }

    private const string PythonTool = "Python PcapViz";

    // A GNU-style --option, or a short option credited to a PcapViz that is not named the Python one ("PcapViz's -g").
    private static readonly Regex CommandLineOption = new(@"(?<![\w-])--[A-Za-z][\w-]*|(?<!Python )PcapViz(?: tool)?'s -\w+", RegexOptions.CultureInvariant);

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    // The blank-line separated paragraphs of a text file in the module folder.
    private static IEnumerable<(string Where, string Text)> Paragraphs(string relative) =>
        Regex.Split(File.ReadAllText(Path.Combine(ModuleFolder, relative)).ReplaceLineEndings("\n"), @"\n\s*\n")
            .Where(p => p.Trim().Length > 0)
            .Select(p => (relative, p));

    private static string ModuleFolder => Path.GetDirectoryName(PowerShellSession.ModulePath)!;

    [Fact]
    public void About_PcapViz_resolves_names_every_command_and_credits_DB_IP()
    {
        var result = _session.Run($"Get-Help -Name {AboutTopic}");
        Assert.Empty(result.Errors);
        var topic = Assert.Single(result.Output);
        Assert.Equal("HelpFile", topic.Properties["Category"]?.Value?.ToString());
        Assert.False(string.IsNullOrWhiteSpace(topic.Properties["Synopsis"]?.Value?.ToString()));
        var text = topic.BaseObject.ToString()!;
        Assert.StartsWith("TOPIC", text.TrimStart(), StringComparison.Ordinal);
        // The DB-IP licence (CC BY 4.0) requires this attribution wherever its data is used.
        Assert.Contains("IP Geolocation by DB-IP", text, StringComparison.Ordinal);
        foreach (var command in ExportedCommands())
            Assert.True(text.Contains(command.Name, StringComparison.OrdinalIgnoreCase), $"{AboutTopic} does not mention {command.Name}");
    }

    /// <summary>The examples are real: each one runs without an error on a small tree of sample captures.</summary>
    [SkippableTheory]
    [InlineData("Import-Pcap")]
    [InlineData("Get-PcapFlow")]
    [InlineData("Get-PcapTopology")]
    [InlineData("Get-FrequentHost")]
    [InlineData("Export-PcapGraph")]
    [InlineData("Find-PcapThreat")]
    [InlineData("Get-PcapKeyHost")]
    [InlineData("Compare-PcapTopology")]
    public void Examples_run_without_errors_on_sample_captures(string name)
    {
        var root = CreateExampleTree();
        var examples = HelpOf(Assert.Single(ExportedCommands(), c => c.Name == name)).Examples;
        Assert.NotEmpty(examples);
        var withoutGraphviz = new List<string>();
        for (int i = 0; i < examples.Count; i++)
        {
            var result = _session.Run(ExamplePrelude + examples[i], new Dictionary<string, object?> { ["HelpTestRoot"] = root });
            if (result.Errors.Count > 0 && result.Errors.All(e => e.FullyQualifiedErrorId.StartsWith(GraphvizNotFound, StringComparison.Ordinal))
                && examples[i].Contains("-LayoutEngine Graphviz", StringComparison.OrdinalIgnoreCase))
            {
                // This machine lacks Graphviz: go on with the other examples, then report the test skipped (CI
                // installs Graphviz and requires it, so there the example runs, and a missing Graphviz fails).
                output.WriteLine($"Not run: {name} example {i + 1} needs Graphviz. {result.Errors[0].Exception.Message}");
                withoutGraphviz.Add($"example {i + 1}");
                continue;
            }
            Assert.True(result.Errors.Count == 0,
                $"{name} example {i + 1} wrote errors:\n{examples[i]}\n{string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}"))}");
        }
        RequiredTool.Require(withoutGraphviz.Count == 0, "Graphviz",
            $"the other {name} examples ran cleanly, but {string.Join(", ", withoutGraphviz)} (-LayoutEngine Graphviz) could not run.");
    }

    private const string GraphvizNotFound = "GraphvizNotFound,";

    /// <summary>
    /// Runs before each example, in the same script. Invoke-Item would open the picture an example writes in a viewer
    /// (or fail where there is none), so a function of that name, which PowerShell runs in preference to the cmdlet,
    /// only checks that the file it is given exists.
    /// </summary>
    private const string ExamplePrelude = """
        $ProgressPreference = 'SilentlyContinue'
        Set-Location -LiteralPath $HelpTestRoot
        function Invoke-Item {
            param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [object[]] $Path)
            process {
                foreach ($item in $Path) {
                    $file = if ($item -is [System.IO.FileSystemInfo]) { $item.FullName } else { "$item" }
                    if (-not (Test-Path -LiteralPath $file)) { Write-Error "Invoke-Item: '$file' does not exist." }
                }
            }
        }

        """;

    /// <summary>
    /// The paths the examples use: ./samples (with the planted capture), ./caps (with a damaged capture and a pcapng below it), ./archive, ./incoming,
    /// an odd name, and ./geo with MaxMind's test databases under the names the examples give them.
    /// </summary>
    private string CreateExampleTree()
    {
        var root = _temp.Path;
        string Dir(string relative) => Directory.CreateDirectory(Path.Combine(root, relative)).FullName;
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "sll-mixed-tcp-dns-dhcp-arp.pcap");

        File.Copy(sample, Path.Combine(Dir("samples"), Path.GetFileName(sample)));
        // The demo's planted capture, which Find-PcapThreat's examples read.
        File.Copy(Path.Combine(Corpus.RepositoryRoot, "samples", "planted-threats.pcap.gz"), Path.Combine(root, "samples", "planted-threats.pcap.gz"));
        File.Copy(sample, Path.Combine(root, "odd [name].pcap"));

        var caps = Dir("caps");
        foreach (var name in new[] { "shared_eth_tls_v4v6_167ips.pcap", "shared_truncated_cut_mid_packet_pgsql.pcap", "shared_bigendian_nanosec_http.pcap", "shared_eth_dns_llmnr_mdns.pcap" })
            File.Copy(Corpus.Capture(name), Path.Combine(caps, name));
        File.Copy(Corpus.Capture("shared_pcapng_11_interfaces_ether_null.pcapng"), Path.Combine(Dir("caps/site-b"), "link.pcapng"));

        using (var input = File.OpenRead(Corpus.Capture("shared_sll2_http_mdns_arp.pcap")))
        using (var output = new GZipStream(File.Create(Path.Combine(Dir("archive"), "day1.pcap.gz")), CompressionLevel.Fastest))
            input.CopyTo(output);

        var incoming = Dir("incoming");
        File.Copy(sample, Path.Combine(incoming, "good.pcap"));
        File.WriteAllText(Path.Combine(incoming, "notes.txt"), "not a capture");
        Dir("incoming/older");

        var geo = Dir("geo");
        File.Copy(Path.Combine(Corpus.GeoIpDirectory, "GeoLite2-City-Test.mmdb"), Path.Combine(geo, "GeoLite2-City.mmdb"));
        File.Copy(Path.Combine(Corpus.GeoIpDirectory, "GeoLite2-ASN-Test.mmdb"), Path.Combine(geo, "GeoLite2-ASN.mmdb"));
        return root;
    }

    private List<CommandInfo> ExportedCommands()
    {
        var commands = _session.Run($"Get-Command -Module {ModuleName}").Output.Select(o => (CommandInfo)o.BaseObject).ToList();
        Assert.NotEmpty(commands);
        return commands;
    }

    private static IEnumerable<ParameterMetadata> DeclaredParameters(CommandInfo command) =>
        command.Parameters.Values.Where(p => !IsCommonParameter(p.Name));

    /// <summary>
    /// The parameters every cmdlet has (-Verbose, -ErrorAction, ...), left to &lt;CommonParameters&gt; in help. -WhatIf and
    /// -Confirm (PSCmdlet.OptionalCommonParameters) are not among them: a cmdlet has them only when it supports
    /// ShouldProcess, and then its help documents them like its own parameters.
    /// </summary>
    private static bool IsCommonParameter(string name) => PSCmdlet.CommonParameters.Contains(name);

    private static bool IsTrue(string value) => value.TrimStart().StartsWith("true", StringComparison.OrdinalIgnoreCase);

    private static string PipelineInput(bool byValue, bool byPropertyName) => (byValue, byPropertyName) switch
    {
        (true, true) => "ByValue, ByPropertyName",
        (true, false) => "ByValue",
        (false, true) => "ByPropertyName",
        _ => "none",
    };

    private HelpView HelpOf(CommandInfo command)
    {
        var result = _session.Run(HelpScript, new Dictionary<string, object?> { ["HelpTestCommandName"] = command.Name });
        Assert.Empty(result.Errors);
        var view = Assert.Single(result.Output);
        return new HelpView(
            Text(view, "Synopsis"),
            Text(view, "Description"),
            Items(view, "Examples").Select(o => o.ToString()).ToList(),
            Items(view, "SyntaxItems").Select(o => o.ToString()).ToList(),
            Items(view, "Parameters").Select(p => new ParameterView(Text(p, "Name"), Text(p, "Description"), Text(p, "Required"), Text(p, "Position"),
                Text(p, "PipelineInput"), Text(p, "Globbing"), Text(p, "Aliases"), Text(p, "Type"))).ToList(),
            Items(view, "InputTypes").Select(o => o.ToString()).ToList(),
            Items(view, "ReturnTypes").Select(o => o.ToString()).ToList(),
            Items(view, "Links").Select(l => new LinkView(Text(l, "Text"), Text(l, "Uri"))).ToList());
    }

    private static string Text(PSObject item, string property) => item.Properties[property]?.Value?.ToString() ?? "";

    private static IEnumerable<PSObject> Items(PSObject item, string property) =>
        item.Properties[property]?.Value switch
        {
            null => [],
            PSObject { BaseObject: object[] array } => array.Select(PSObject.AsPSObject),
            object[] array => array.Select(PSObject.AsPSObject),
            var single => [PSObject.AsPSObject(single)],
        };

    private static void AssertNoProblems(List<string> problems)
    {
        if (problems.Count > 0)
            Assert.Fail($"{problems.Count} help problem(s):\n" + string.Join("\n", problems));
    }

    private sealed record HelpView(string Synopsis, string Description, List<string> Examples, List<string> SyntaxItems,
        List<ParameterView> Parameters, List<string> InputTypes, List<string> ReturnTypes, List<LinkView> Links);

    private sealed record ParameterView(string Name, string Description, string Required, string Position, string PipelineInput,
        string Globbing, string Aliases, string Type);

    private sealed record LinkView(string Text, string Uri);
}
