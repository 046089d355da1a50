using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>An in-process PowerShell with the laid-out module (out/PcapViz, as build.ps1 makes it) imported.</summary>
public sealed class PowerShellSession : IDisposable
{
    public static string ModulePath { get; } = FindModule();

    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ModulePath);
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    /// <summary>Runs a script; non-terminating errors and warnings are kept in the returned streams.</summary>
    public Result Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        if (variables is not null)
        {
            foreach (var (name, value) in variables)
                _runspace.SessionStateProxy.SetVariable(name, value);
        }
        var output = shell.AddScript(script).Invoke();
        return new Result(output, shell.Streams.Error.ToList(), shell.Streams.Warning.Select(w => w.Message).ToList(), shell.Streams.Progress.ToList());
    }

    public System.Management.Automation.PowerShell CreateShell()
    {
        var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        return shell;
    }

    public void Dispose() => _runspace.Dispose();

    private static string FindModule()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PCAPVIZ_MODULE_PATH");
        var path = string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(Corpus.RepositoryRoot, "out", "PcapViz") : fromEnvironment;
        var manifest = Path.Combine(path, "PcapViz.psd1");
        if (!File.Exists(manifest))
            throw new FileNotFoundException($"The laid-out module is missing at {path}: run 'dotnet pwsh ./build.ps1 -Task Build' first.", manifest);
        return manifest;
    }

    public sealed record Result(Collection<PSObject> Output, List<ErrorRecord> Errors, List<string> Warnings, List<ProgressRecord> Progress)
    {
        public T Single<T>() => Assert.IsType<T>(Assert.Single(Output).BaseObject);

        public List<T> All<T>() => Output.Select(o => Assert.IsType<T>(o.BaseObject)).ToList();
    }
}
