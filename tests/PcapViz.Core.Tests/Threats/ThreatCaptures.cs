using PcapViz.Core.Analysis;

namespace PcapViz.Core.Tests.Threats;

/// <summary>
/// Captures of tests/tools/gen-threats.py (planted threats beside their near misses), made once per test run and
/// read once each; where python3 is missing the tests skip, saying why (or fail, where CI requires the tools: see
/// <see cref="RequiredTool"/>).
/// </summary>
public sealed class ThreatCaptures : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, PcapCapture> _captures = new();
    private readonly object _lock = new();

    public static string Generator { get; } = Path.Combine(Corpus.RepositoryRoot, "tests", "tools", "gen-threats.py");

    public string PathOf(string scenario)
    {
        var python = RequiredTool.Find("python3", "the planted-threat captures come from tests/tools/gen-threats.py.");
        lock (_lock)
        {
            var path = _directory.File(scenario + ".pcap");
            if (!File.Exists(path))
                ExternalTool.Succeed(python, [Generator, path, "--scenario", scenario]);
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
