using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Xml.Linq;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Pins the module folder that build.ps1 lays out (out/PcapViz, or PCAPVIZ_MODULE_PATH):
/// a valid manifest whose explicit export lists match what the module really exports,
/// approved verbs, [OutputType] on every cmdlet, no host assemblies shipped, a licence beside everything shipped,
/// a user-facing README, no links but the project's own, and the SDK pin in global.json.
/// </summary>
public sealed class ModuleLayoutTests
{
    private const string ModuleName = "PcapViz";

    private static readonly string[] HostAssemblyPrefixes =
    [
        "System.Management.Automation",
        "Microsoft.PowerShell.",
        "Microsoft.Management.Infrastructure",
        "Microsoft.WSMan.",
    ];

    [Fact]
    public void Manifest_passes_Test_ModuleManifest()
    {
        using var ps = CreatePowerShell();
        ps.AddCommand("Test-ModuleManifest").AddParameter("Path", ManifestPath);

        var result = ps.Invoke<PSModuleInfo>();

        AssertNoErrors(ps);
        var module = Assert.Single(result);
        Assert.Equal(ModuleName, module.Name);
        Assert.Equal("PcapViz.PowerShell.dll", Path.GetFileName(module.RootModule));
        Assert.Equal(new Version(7, 4), module.PowerShellVersion);
        Assert.Contains("Core", module.CompatiblePSEditions);
    }

    [Fact]
    public void Manifest_version_is_stamped_from_Directory_Build_props()
    {
        var props = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        var versionPrefix = props.Descendants("VersionPrefix").Single().Value.Trim();

        using var ps = CreatePowerShell();
        var module = ImportModule(ps);

        Assert.Equal(Version.Parse(versionPrefix), module.Version);
    }

    [Fact]
    public void Module_exports_exactly_the_cmdlets_the_manifest_lists()
    {
        var listed = ManifestList("CmdletsToExport");

        using var ps = CreatePowerShell();
        var module = ImportModule(ps);

        Assert.NotEmpty(listed);
        Assert.Equal(listed.Order(StringComparer.OrdinalIgnoreCase), module.ExportedCmdlets.Keys.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_cmdlet_in_the_assembly_is_listed_in_the_manifest()
    {
        var listed = ManifestList("CmdletsToExport");

        using var ps = CreatePowerShell();
        var module = ImportModule(ps);
        var assembly = module.ImplementingAssembly
            ?? Assembly.LoadFrom(Path.Combine(ModulePath, "PcapViz.PowerShell.dll"));
        var defined = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && typeof(Cmdlet).IsAssignableFrom(t))
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}");

        Assert.Empty(defined.Except(listed, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Module_exports_no_functions_aliases_or_variables()
    {
        Assert.Empty(ManifestList("FunctionsToExport"));
        Assert.Empty(ManifestList("AliasesToExport"));
        Assert.Empty(ManifestList("VariablesToExport"));

        using var ps = CreatePowerShell();
        var module = ImportModule(ps);

        Assert.Empty(module.ExportedFunctions);
        Assert.Empty(module.ExportedAliases);
        Assert.Empty(module.ExportedVariables);
    }

    [Fact]
    public void Exported_cmdlets_use_approved_verbs()
    {
        using var ps = CreatePowerShell();
        var module = ImportModule(ps);
        var approved = ps.AddCommand("Get-Verb").Invoke()
            .Select(v => (string)v.Properties["Verb"].Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        AssertNoErrors(ps);
        Assert.NotEmpty(approved);

        var unapproved = module.ExportedCmdlets.Values.Where(c => !approved.Contains(c.Verb)).Select(c => c.Name);

        Assert.Empty(unapproved);
    }

    [Fact]
    public void Exported_cmdlets_declare_OutputType()
    {
        using var ps = CreatePowerShell();
        var module = ImportModule(ps);

        Assert.NotEmpty(module.ExportedCmdlets);
        var withoutOutputType = module.ExportedCmdlets.Values.Where(c => c.OutputType.Count == 0).Select(c => c.Name);

        Assert.Empty(withoutOutputType);
    }

    [Fact]
    public void Module_folder_ships_the_engine_and_its_dependencies_but_not_the_host()
    {
        var files = Directory.GetFiles(ModulePath).Select(Path.GetFileName).ToList();

        Assert.Contains("PcapViz.PowerShell.dll", files);
        Assert.Contains("PcapViz.Core.dll", files);
        // PacketDotNet is the tests' reference decoder, not part of the import: nothing in the module loads it.
        Assert.DoesNotContain("PacketDotNet.dll", files);
        Assert.Contains("MaxMind.Db.dll", files);
        Assert.DoesNotContain(files, f => HostAssemblyPrefixes.Any(p => f!.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData("FormatsToProcess", "PcapViz.Format.ps1xml")]
    [InlineData("TypesToProcess", "PcapViz.Types.ps1xml")]
    public void Format_and_type_files_in_module_source_are_laid_out_and_loaded(string key, string fileName)
    {
        var source = Path.Combine(RepositoryRoot, "module", fileName);
        if (!File.Exists(source))
        {
            return; // Not written yet: nothing to lay out.
        }

        Assert.True(File.Exists(Path.Combine(ModulePath, fileName)), $"{fileName} is missing from {ModulePath}.");
        Assert.Contains(fileName, ManifestList(key));
    }

    [Fact]
    public void Module_folder_carries_everything_under_module_source()
    {
        var sourceRoot = Path.Combine(RepositoryRoot, "module");
        // The GeoIP database is embedded in PcapViz.Core.dll; only its licence travels as a file.
        var expected = Directory.GetFiles(sourceRoot, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".mmdb", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(sourceRoot, f));

        var missing = expected.Where(f => !File.Exists(Path.Combine(ModulePath, f)));

        Assert.Empty(missing);
        Assert.Empty(Directory.GetFiles(ModulePath, "*.mmdb", SearchOption.AllDirectories));
    }

    [Fact]
    public void Module_folder_carries_native_drawing_libraries_without_their_symbols_and_the_embedded_assets_licences()
    {
        Assert.True(File.Exists(Path.Combine(ModulePath, "runtimes", "linux-x64", "native", "libSkiaSharp.so")));
        Assert.True(File.Exists(Path.Combine(ModulePath, "runtimes", "win-x64", "native", "libSkiaSharp.dll")));
        Assert.Empty(Directory.GetFiles(Path.Combine(ModulePath, "runtimes"), "*.pdb", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(ModulePath, "LICENSE-DejaVu.txt")));
        Assert.True(File.Exists(Path.Combine(ModulePath, "LICENSE-cytoscape.txt")));
    }

    /// <summary>
    /// The licence files that cover each assembly and native library the module folder ships, by file-name prefix
    /// (the longest prefix that matches wins). A binary with no entry fails
    /// Every_shipped_assembly_and_native_library_has_its_licence_beside_it: a new dependency needs its licence here first.
    /// </summary>
    private static readonly (string Prefix, string[] Licences)[] LicencesOfBinaries =
    [
        ("PcapViz.", ["LICENSE"]),
        ("MaxMind.", ["LICENSE-MaxMind-Apache-2.0.txt"]),
        ("Microsoft.Extensions.", ["LICENSE-Microsoft.Extensions-MIT.txt", "LICENSE-Microsoft.Extensions-THIRD-PARTY-NOTICES.txt"]),
        ("SkiaSharp.", ["LICENSE-SkiaSharp-MIT.txt"]),
        // Skia itself (BSD-3-Clause) and the libraries built into it are in SkiaSharp's third-party notices.
        ("libSkiaSharp.", ["LICENSE-SkiaSharp-MIT.txt", "LICENSE-SkiaSharp-THIRD-PARTY-NOTICES.txt"]),
    ];

    /// <summary>Licence texts that are copies of a file the package carries, which the copy must still equal.</summary>
    private static readonly (string Licence, string Package, string FileInPackage)[] LicencesCopiedFromPackages =
    [
        ("LICENSE-SkiaSharp-MIT.txt", "SkiaSharp", "LICENSE.txt"),
        ("LICENSE-SkiaSharp-THIRD-PARTY-NOTICES.txt", "SkiaSharp.NativeAssets.Linux.NoDependencies", "THIRD-PARTY-NOTICES.txt"),
        ("LICENSE-SkiaSharp-THIRD-PARTY-NOTICES.txt", "SkiaSharp.NativeAssets.macOS", "THIRD-PARTY-NOTICES.txt"),
        ("LICENSE-SkiaSharp-THIRD-PARTY-NOTICES.txt", "SkiaSharp.NativeAssets.Win32", "THIRD-PARTY-NOTICES.txt"),
        ("LICENSE-Microsoft.Extensions-THIRD-PARTY-NOTICES.txt", "Microsoft.Extensions.DependencyInjection.Abstractions", "THIRD-PARTY-NOTICES.TXT"),
        ("LICENSE-Microsoft.Extensions-THIRD-PARTY-NOTICES.txt", "Microsoft.Extensions.Options", "THIRD-PARTY-NOTICES.TXT"),
        ("LICENSE-Microsoft.Extensions-THIRD-PARTY-NOTICES.txt", "Microsoft.Extensions.Primitives", "THIRD-PARTY-NOTICES.TXT"),
    ];

    /// <summary>
    /// Licence texts written here because the package names a standard licence (its .nuspec's licence expression)
    /// without carrying the text: the expression must still be that licence, and the text must name the holder.
    /// </summary>
    private static readonly (string Licence, string Package, string Expression, string Holder, string Terms)[] LicencesWrittenForPackages =
    [
        ("LICENSE-MaxMind-Apache-2.0.txt", "MaxMind.Db", "Apache-2.0", "MaxMind, Inc.", "END OF TERMS AND CONDITIONS"),
        ("LICENSE-MaxMind-Apache-2.0.txt", "MaxMind.GeoIP2", "Apache-2.0", "MaxMind, Inc.", "END OF TERMS AND CONDITIONS"),
        ("LICENSE-Microsoft.Extensions-MIT.txt", "Microsoft.Extensions.DependencyInjection.Abstractions", "MIT", "Copyright (c) Microsoft Corporation", MitTerms),
        ("LICENSE-Microsoft.Extensions-MIT.txt", "Microsoft.Extensions.Options", "MIT", "Copyright (c) Microsoft Corporation", MitTerms),
        ("LICENSE-Microsoft.Extensions-MIT.txt", "Microsoft.Extensions.Primitives", "MIT", "Copyright (c) Microsoft Corporation", MitTerms),
    ];

    private const string MitTerms = "The above copyright notice and this permission notice shall be included in all";

    [Fact]
    public void Module_folder_ships_the_projects_MIT_licence_that_the_manifest_states()
    {
        var shipped = Path.Combine(ModulePath, "LICENSE");
        Assert.True(File.Exists(shipped), $"LICENSE is missing from {ModulePath}.");
        var text = File.ReadAllText(shipped);

        using var ps = CreatePowerShell();
        var copyright = ImportModule(ps).Copyright;

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot, "LICENSE")), text);
        Assert.StartsWith("MIT License", text, StringComparison.Ordinal);
        Assert.Contains(MitTerms, text, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) PcapViz contributors", text, StringComparison.Ordinal);
        Assert.Equal("(c) PcapViz contributors. MIT licence.", copyright);
    }

    [Fact]
    public void Every_shipped_assembly_and_native_library_has_its_licence_beside_it()
    {
        var problems = new List<string>();
        var binaries = Directory.GetFiles(ModulePath, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".dll" or ".so" or ".dylib")
            .Select(f => Path.GetRelativePath(ModulePath, f))
            .ToList();
        Assert.NotEmpty(binaries);
        foreach (var binary in binaries)
        {
            var name = Path.GetFileName(binary);
            var entry = LicencesOfBinaries
                .Where(e => name.StartsWith(e.Prefix, StringComparison.Ordinal))
                .OrderByDescending(e => e.Prefix.Length)
                .FirstOrDefault();
            if (entry.Licences is null)
            {
                problems.Add($"{binary}: no licence file is known to cover it (add it to {nameof(LicencesOfBinaries)})");
                continue;
            }
            problems.AddRange(entry.Licences.Where(l => !File.Exists(Path.Combine(ModulePath, l))).Select(l => $"{binary}: {l} is missing"));
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Licence_texts_are_the_packages_own_or_name_the_licence_and_holder_the_package_states()
    {
        var problems = new List<string>();
        foreach (var (licence, package, fileInPackage) in LicencesCopiedFromPackages)
        {
            var original = Path.Combine(PackageFolder(package), fileInPackage);
            var shipped = Path.Combine(ModulePath, licence);
            if (!File.Exists(shipped))
                problems.Add($"{licence}: missing");
            else if (!File.ReadAllBytes(original).AsSpan().SequenceEqual(File.ReadAllBytes(shipped)))
                problems.Add($"{licence}: differs from {original}");
        }
        foreach (var (licence, package, expression, holder, terms) in LicencesWrittenForPackages)
        {
            var nuspec = Directory.GetFiles(PackageFolder(package), "*.nuspec").Single();
            var stated = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "license");
            if (stated.Attribute("type")?.Value != "expression" || stated.Value.Trim() != expression)
                problems.Add($"{licence}: {package} now states its licence as {stated.Attribute("type")?.Value} '{stated.Value.Trim()}', not {expression}");
            var shipped = Path.Combine(ModulePath, licence);
            if (!File.Exists(shipped))
            {
                problems.Add($"{licence}: missing");
                continue;
            }
            var text = File.ReadAllText(shipped);
            if (!text.Contains(holder, StringComparison.Ordinal) || !text.Contains(terms, StringComparison.Ordinal))
                problems.Add($"{licence}: does not carry '{holder}' and the {expression} terms");
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Module_README_names_the_commands_the_about_topic_and_every_licence_file_shipped()
    {
        var readme = Path.Combine(ModulePath, "README.md");
        Assert.True(File.Exists(readme), $"README.md is missing from {ModulePath}.");
        var text = File.ReadAllText(readme);
        var licences = Directory.GetFiles(ModulePath, "LICENSE*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModulePath, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();

        Assert.Contains("Get-Help about_PcapViz", text, StringComparison.Ordinal);
        // The DB-IP licence (CC BY 4.0) requires this attribution wherever its data is used.
        Assert.Contains("IP Geolocation by DB-IP", text, StringComparison.Ordinal);
        foreach (var command in ManifestList("CmdletsToExport"))
            Assert.True(text.Contains($"`{command}`", StringComparison.Ordinal), $"README.md does not name {command}.");
        Assert.Contains("LICENSE-DejaVu.txt", licences);
        Assert.Contains("GeoIP/LICENSE-DB-IP.txt", licences);
        var unnamed = licences.Where(l => !text.Contains($"`{l}`", StringComparison.Ordinal));
        Assert.True(!unnamed.Any(), $"README.md does not name {string.Join(", ", unnamed)}.");
    }

    /// <summary>
    /// The project has no public home yet, so no ProjectUri, and then no LicenseUri or HelpInfoURI either: a generic
    /// licence page (opensource.org) is not the project's licence, and an invented address would be dead. Once there
    /// is a ProjectUri, LicenseUri must be the LICENSE file under it.
    /// </summary>
    [Fact]
    public void Manifest_links_only_to_the_projects_own_pages()
    {
        using var ps = CreatePowerShell();
        var module = ImportModule(ps);
        var project = module.ProjectUri?.AbsoluteUri;

        if (project is null)
        {
            Assert.True(module.LicenseUri is null, $"LicenseUri {module.LicenseUri} is not the project's own licence: without a ProjectUri there is none to link to.");
            Assert.True(module.HelpInfoUri is null, $"HelpInfoURI {module.HelpInfoUri} is not the project's own: without a ProjectUri there is none.");
            return;
        }
        Assert.NotNull(module.LicenseUri);
        Assert.StartsWith(project.TrimEnd('/') + "/", module.LicenseUri!.AbsoluteUri, StringComparison.Ordinal);
        Assert.EndsWith("/LICENSE", module.LicenseUri.AbsolutePath, StringComparison.Ordinal);
        if (module.HelpInfoUri is not null)
            Assert.StartsWith(project.TrimEnd('/') + "/", module.HelpInfoUri, StringComparison.Ordinal);
    }

    /// <summary>
    /// global.json pins the SDK to the major and minor version the tests target, and rolls forward within it, so any
    /// .NET SDK of that version builds and tests the repository; the SDK installed here must satisfy it.
    /// </summary>
    [Fact]
    public void Global_json_pins_the_SDK_of_the_tests_target_framework_and_is_honoured()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "global.json")));
        var sdk = json.RootElement.GetProperty("sdk");
        var pinned = Version.Parse(sdk.GetProperty("version").GetString()!);
        var target = new FrameworkName(typeof(ModuleLayoutTests).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName).Version;

        Assert.Equal((target.Major, target.Minor), (pinned.Major, pinned.Minor));
        Assert.Contains(sdk.GetProperty("rollForward").GetString(), new[] { "latestFeature", "latestPatch" });

        var info = new ProcessStartInfo("dotnet", "--version") { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var dotnet = Process.Start(info)!;
        var used = dotnet.StandardOutput.ReadToEnd().Trim();
        var error = dotnet.StandardError.ReadToEnd();
        dotnet.WaitForExit();
        Assert.True(dotnet.ExitCode == 0, $"dotnet --version in {RepositoryRoot} failed: the installed SDKs do not satisfy global.json.\n{error}");
        var resolved = Version.Parse(used.Split('-')[0]);
        Assert.Equal((pinned.Major, pinned.Minor), (resolved.Major, resolved.Minor));
        Assert.True(resolved >= pinned, $"dotnet --version is {used}, older than global.json's {pinned}.");
    }

    // ---- helpers -------------------------------------------------------------------------

    private static string RepositoryRoot => PcapViz.Core.Tests.Corpus.RepositoryRoot;

    private static string ModulePath { get; } = Path.GetDirectoryName(PowerShellSession.ModulePath)!;

    private static string ManifestPath => Path.Combine(ModulePath, ModuleName + ".psd1");

    private static System.Management.Automation.PowerShell CreatePowerShell() =>
        System.Management.Automation.PowerShell.Create(InitialSessionState.CreateDefault2());

    // Imports the laid-out module into the runspace of ps, and leaves ps ready for the next command.
    private static PSModuleInfo ImportModule(System.Management.Automation.PowerShell ps)
    {
        ps.AddCommand("Import-Module").AddParameter("Name", ModulePath).AddParameter("PassThru");
        var modules = ps.Invoke<PSModuleInfo>();
        AssertNoErrors(ps);
        ps.Commands.Clear();
        return Assert.Single(modules);
    }

    // Reads one list from the laid-out manifest as data (Import-PowerShellDataFile).
    private static List<string> ManifestList(string key)
    {
        using var ps = CreatePowerShell();
        ps.AddCommand("Import-PowerShellDataFile").AddParameter("LiteralPath", ManifestPath);
        var data = (Hashtable)Assert.Single(ps.Invoke()).BaseObject;
        AssertNoErrors(ps);
        return data[key] switch
        {
            null => [],
            string one => [one],
            object[] many => many.Select(o => o.ToString()!).ToList(),
            var other => throw new InvalidOperationException($"{key} is a {other.GetType()}."),
        };
    }

    // The folder of a package the engine restored, from NuGet's own record of the restore (project.assets.json).
    private static string PackageFolder(string id)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "src", "PcapViz.Core", "obj", "project.assets.json")));
        var root = assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
        var library = assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Single(l => l.Name.StartsWith(id + "/", StringComparison.OrdinalIgnoreCase));
        return Path.Combine(root, library.Value.GetProperty("path").GetString()!);
    }

    private static void AssertNoErrors(System.Management.Automation.PowerShell ps)
    {
        var errors = ps.Streams.Error.Select(e => $"{e.FullyQualifiedErrorId}: {e}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
