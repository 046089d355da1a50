using System.Diagnostics;

namespace PcapViz.Core.Tests;

/// <summary>Runs the outside programs the reference tests use (tshark, mergecap, python3), found by <see cref="RequiredTool.Find"/>.</summary>
internal static class ExternalTool
{
    /// <summary>Runs a program to its end: its standard output, exit code and standard error.</summary>
    public static (string Output, int ExitCode, string Error) Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (text, process.ExitCode, error.Result.Trim());
    }

    /// <summary>As <see cref="Run"/>, failing the test when the program does not succeed.</summary>
    public static string Succeed(string program, IEnumerable<string> arguments)
    {
        var (output, exitCode, error) = Run(program, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{Path.GetFileName(program)} exited {exitCode}: {error}");
    }
}
