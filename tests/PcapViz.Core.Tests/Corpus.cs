using System.Text.Json;

namespace PcapViz.Core.Tests;

/// <summary>The shared capture corpus, found beside the repository (or where PCAPVIZ_SHARED points).</summary>
public static class Corpus
{
    public static string SharedRoot { get; } = FindShared();

    public static string PcapDirectory => Path.Combine(SharedRoot, "corpus", "pcaps");
    public static string ReferenceDirectory => Path.Combine(SharedRoot, "corpus", "reference");
    public static string GeoIpDirectory => Path.Combine(SharedRoot, "corpus", "geoip");

    public static IEnumerable<string> Captures =>
        Directory.EnumerateFiles(PcapDirectory).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static TheoryData<string> CaptureNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in Captures)
            data.Add(Path.GetFileName(file));
        return data;
    }

    public static string Capture(string name) => Path.Combine(PcapDirectory, name);

    public static bool IsDamaged(string name) => name.Contains("truncated", StringComparison.Ordinal) || name.Contains("corrupt", StringComparison.Ordinal);

    public static JsonElement Reference(string name)
    {
        using var stream = File.OpenRead(Path.Combine(ReferenceDirectory, name + ".json"));
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PcapViz.PowerShell.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("PcapViz.PowerShell.sln was not found above " + AppContext.BaseDirectory);
    }

    private static string FindShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PCAPVIZ_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        var beside = Path.GetFullPath(Path.Combine(FindRepositoryRoot(), "..", "shared"));
        if (Directory.Exists(Path.Combine(beside, "corpus")))
            return beside;
        throw new DirectoryNotFoundException("The shared corpus was not found at " + beside + "; set PCAPVIZ_SHARED.");
    }
}
