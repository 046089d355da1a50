using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Xml.Linq;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Pins the module folder that build.ps1 lays out (out/PcapViz, or PCAPVIZ_MODULE_PATH):
/// a valid manifest whose explicit export lists match what the module really exports,
/// approved verbs, [OutputType] on every cmdlet, and no host assemblies shipped.
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

    private static void AssertNoErrors(System.Management.Automation.PowerShell ps)
    {
        var errors = ps.Streams.Error.Select(e => $"{e.FullyQualifiedErrorId}: {e}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
