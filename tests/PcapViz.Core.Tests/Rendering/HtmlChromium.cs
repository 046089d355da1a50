using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PcapViz.Core.Tests.Rendering;

/// <summary>
/// Opens a page in a real headless Chromium (Debian's chromium package; CI installs it) and returns the DOM after
/// scripts ran, with the console messages Chromium logged. No network: file:// only, background traffic off.
/// </summary>
internal static partial class HtmlChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string? Executable { get; } = FindExecutable();

    public sealed record Result(string Dom, IReadOnlyList<string> ConsoleLines, string Stderr)
    {
        /// <summary>The attributes the page's script wrote on its hidden #status element.</summary>
        public IReadOnlyDictionary<string, string> Status
        {
            get
            {
                var element = StatusElement().Match(Dom);
                Assert.True(element.Success, "the page has no #status element:\n" + Dom[..Math.Min(Dom.Length, 2000)]);
                return StatusAttribute().Matches(element.Groups[1].Value).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
            }
        }
    }

    public static Result DumpDom(string htmlPath, string fragment = "") => Run(htmlPath, fragment, ["--dump-dom"]);

    public static Result Screenshot(string htmlPath, string pngPath, int width = 1400, int height = 900) =>
        Run(htmlPath, string.Empty, [$"--screenshot={pngPath}", $"--window-size={width},{height}"]);

    private static Result Run(string htmlPath, string fragment, string[] action)
    {
        var profile = Directory.CreateTempSubdirectory("pcapviz-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("Chromium is not installed."))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
            })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var argument in action)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri + fragment);

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Chromium did not finish within 90 seconds.");
            }

            var errors = stderr.GetAwaiter().GetResult();
            var console = errors.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal) || line.Contains("Uncaught", StringComparison.Ordinal)).ToList();
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}:\n{errors}");
            return new Result(stdout.GetAwaiter().GetResult(), console, errors);
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A Chromium helper process may still hold a file for a moment; the temp folder is cleaned later.
            }
        }
    }

    private static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("PCAPVIZ_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return OperatingSystem.IsLinux() ? Candidates.FirstOrDefault(File.Exists) : null;
    }

    [GeneratedRegex("<div id=\"status\"([^>]*)>")]
    private static partial Regex StatusElement();

    [GeneratedRegex("([a-z-]+)=\"([^\"]*)\"")]
    private static partial Regex StatusAttribute();
}
