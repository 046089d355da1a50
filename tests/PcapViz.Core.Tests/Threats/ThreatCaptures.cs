using PcapViz.Core.Analysis;

namespace PcapViz.Core.Tests.Threats;

/// <summary>
/// Captures of tests/tools/gen-threats.py (planted threats beside their near misses), made once per test run and
/// read once each; tests skip, saying why, where python3 is missing.
/// </summary>
public sealed class ThreatCaptures : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, PcapCapture> _captures = new();
    private readonly object _lock = new();

    public static string? Python { get; } = ExternalTool.Find("python3");

    public static string Generator { get; } = Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "gen-threats.py");

    public string PathOf(string scenario)
    {
        const string why = "python3 is not installed: the planted-threat captures come from tests/tools/gen-threats.py.";
        // CI sets PCAPVIZ_REQUIRE_TOOLS: there a missing tool fails the run instead of skipping the tests.
        if (Python is null && Environment.GetEnvironmentVariable("PCAPVIZ_REQUIRE_TOOLS") == "1")
            throw new InvalidOperationException(why);
        Skip.If(Python is null, why);
        lock (_lock)
        {
            var path = _directory.File(scenario + ".pcap");
            if (!File.Exists(path))
                ExternalTool.Succeed(Python!, [Generator, path, "--scenario", scenario]);
            return path;
        }
    }

    public PcapCapture Capture(string scenario)
    {
        var path = PathOf(scenario);
        lock (_lock)
        {
            if (!_captures.TryGetValue(scenario, out var capture))
                _captures[scenario] = capture = CaptureAnalyzer.Analyze(path);
            return capture;
        }
    }

    public void Dispose() => _directory.Dispose();
}
