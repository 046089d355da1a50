using System.Runtime.InteropServices;

namespace PcapViz.Core;

/// <summary>Where an outside program (Graphviz, and in tests tshark and its kin) is found: a folder that holds it.</summary>
internal static class ExecutableSearch
{
    /// <summary>Folders programs install to on Unix that a scheduled task's or service's PATH may leave out.</summary>
    public static readonly IReadOnlyList<string> UsualUnixFolders = ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"];

    /// <summary>The folders of PATH, in order.</summary>
    public static IEnumerable<string> PathFolders() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The full path of <paramref name="program"/> (with .exe on Windows) in the first folder that holds it, or null.</summary>
    public static string? Find(string program, IEnumerable<string> folders)
    {
        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? program + ".exe" : program;
        foreach (var folder in folders)
        {
            try
            {
                var candidate = Path.Combine(folder.Trim('"'), name);
                if (File.Exists(candidate))
                    return candidate;
            }
            catch (ArgumentException)
            {
                // A malformed PATH entry: skip it.
            }
        }
        return null;
    }
}
