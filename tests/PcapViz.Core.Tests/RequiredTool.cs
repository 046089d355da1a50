using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace PcapViz.Core.Tests;

/// <summary>
/// The one rule for tests that need an outside program (tshark, mergecap, python3, Graphviz, Chromium): where it is
/// installed the test runs; where it is missing the test is reported skipped, saying which program and why; and where
/// PCAPVIZ_REQUIRE_TOOLS=1 (CI's .ci/run sets it) a missing program fails the test instead, so nothing CI is meant to
/// check is quietly left out. Such tests are [SkippableFact] or [SkippableTheory]. Linked into both test projects.
/// </summary>
public static class RequiredTool
{
    /// <summary>The environment variable that turns a missing tool from a skip into a failure.</summary>
    public const string RequireVariable = "PCAPVIZ_REQUIRE_TOOLS";

    /// <summary>True where a missing tool must fail the test rather than skip it (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>
    /// The full path of <paramref name="name"/> on PATH or in the usual Unix folders; where it is missing, the test
    /// is skipped with <paramref name="why"/> (what the test needs it for), or fails where tools are required.
    /// </summary>
    public static string Find(string name, string why)
    {
        var path = Locate(name);
        Require(path is not null, name, why);
        return path!;
    }

    /// <summary>
    /// Goes on where <paramref name="present"/>; otherwise skips the test, naming <paramref name="tool"/> and saying
    /// <paramref name="why"/> it is needed, or, where PCAPVIZ_REQUIRE_TOOLS=1, fails it.
    /// </summary>
    public static void Require([DoesNotReturnIf(false)] bool present, string tool, string why)
    {
        if (present)
            return;
        if (Required)
            throw new InvalidOperationException($"{tool} is not installed, and CI requires it ({RequireVariable}=1): {why}");
        Skip.If(true, $"{tool} is not installed: {why}");
    }

    /// <summary>The full path of <paramref name="name"/> on PATH or in the usual Unix folders, or null: as the module finds Graphviz.</summary>
    public static string? Locate(string name) => ExecutableSearch.Find(name, ExecutableSearch.PathFolders().Concat(ExecutableSearch.UsualUnixFolders));

    /// <summary>
    /// As <see cref="Find"/>, also looking in the system folders (/usr/sbin, /usr/local/sbin), where servers such as
    /// sshd install and which a user's PATH often leaves out.
    /// </summary>
    public static string FindSystemProgram(string name, string why)
    {
        var path = Locate(name) ?? ExecutableSearch.Find(name, ["/usr/sbin", "/usr/local/sbin"]);
        Require(path is not null, name, why);
        return path!;
    }
}
