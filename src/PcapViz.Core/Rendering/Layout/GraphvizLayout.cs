using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Lays a graph out with an installed Graphviz program: the nodes go in as fixed-size boxes named n0, n1, ... (so
/// nothing from the capture reaches Graphviz), positions come back from <c>-Tplain</c>.
/// </summary>
internal static class GraphvizLayout
{
    public static readonly IReadOnlyList<string> Programs = ["sfdp", "dot", "neato", "fdp"];

    /// <summary>Runs <paramref name="program"/> and returns anchor positions (y down, drawing units).</summary>
    /// <exception cref="GraphvizNotFoundException">The program is not installed.</exception>
    /// <exception cref="GraphvizException">It failed.</exception>
    /// <param name="searchFolders">Where to look for the program; null means PATH and the usual install folders.</param>
    public static (double[] X, double[] Y) Run(LayoutGraph graph, string program, CancellationToken cancellation, IReadOnlyList<string>? searchFolders = null)
    {
        if (!Programs.Contains(program))
            throw new ArgumentException($"'{program}' is not a Graphviz layout this module runs; use one of: {string.Join(", ", Programs)}.", nameof(program));
        var executable = Find(program, searchFolders) ?? throw new GraphvizNotFoundException(program);
        var input = Dot(graph, program);
        var output = Execute(executable, input, cancellation);
        return ReadPlain(graph, output);
    }

    /// <summary>The full path of a Graphviz program on PATH (or in Graphviz's usual install folder on Windows), or null.</summary>
    public static string? Find(string program, IReadOnlyList<string>? searchFolders = null)
    {
        if (searchFolders is not null)
            return ExecutableSearch.Find(program, searchFolders);
        var folders = ExecutableSearch.PathFolders().ToList();
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            foreach (var root in new[] { Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), Environment.GetFolderPath(Environment.SpecialFolder.ProgramFilesX86) })
            {
                if (!string.IsNullOrEmpty(root))
                    folders.Add(Path.Combine(root, "Graphviz", "bin"));
            }
        }
        else
        {
            folders.AddRange(ExecutableSearch.UsualUnixFolders);
        }
        return ExecutableSearch.Find(program, folders);
    }

    internal static string Dot(LayoutGraph graph, string program)
    {
        var text = new StringBuilder(64 + graph.Count * 48 + graph.Edges.Count * 16);
        var inv = CultureInfo.InvariantCulture;
        text.Append(program == "dot" ? "digraph" : "graph").Append(" G {\n");
        text.Append("graph [");
        text.Append(program switch
        {
            "dot" => "nodesep=0.15, ranksep=0.8",
            "sfdp" => "overlap=prism, overlap_scaling=0, sep=\"+4\", K=1.2",
            _ => "overlap=prism, sep=\"+4\"",
        });
        text.Append("];\nnode [shape=box, fixedsize=true, label=\"\"];\n");
        for (int i = 0; i < graph.Count; i++)
        {
            double w = 2 * graph.HalfWidth[i] + NetworkLayout.Padding, h = graph.Above[i] + graph.Below[i] + NetworkLayout.Padding;
            text.Append('n').Append(i).Append(" [width=").Append((w / 72).ToString("0.####", inv)).Append(", height=").Append((h / 72).ToString("0.####", inv)).Append("];\n");
        }
        string arrow = program == "dot" ? " -> " : " -- ";
        foreach (var (a, b) in graph.Edges)
            text.Append('n').Append(a).Append(arrow).Append('n').Append(b).Append(";\n");
        text.Append("}\n");
        return text.ToString();
    }

    internal static (double[] X, double[] Y) ReadPlain(LayoutGraph graph, string plain)
    {
        var x = new double[graph.Count];
        var y = new double[graph.Count];
        var seen = new bool[graph.Count];
        double height = 0;
        var inv = CultureInfo.InvariantCulture;
        foreach (var raw in plain.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 4 && parts[0] == "graph")
            {
                height = double.Parse(parts[3], inv) * 72;
            }
            else if (parts.Length >= 4 && parts[0] == "node" && parts[1].StartsWith('n')
                && int.TryParse(parts[1].AsSpan(1), NumberStyles.None, inv, out int i) && i < graph.Count)
            {
                // Graphviz places the box's centre with y up; the anchor (circle centre) sits Above below the box top.
                double cx = double.Parse(parts[2], inv) * 72;
                double cy = height - double.Parse(parts[3], inv) * 72;
                double boxHeight = graph.Above[i] + graph.Below[i];
                x[i] = cx;
                y[i] = cy - boxHeight / 2 + graph.Above[i];
                seen[i] = true;
            }
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
            throw new GraphvizException($"Graphviz returned no position for node n{missing}.");
        return (x, y);
    }

    private static string Execute(string executable, string input, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-Tplain");
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GraphvizNotFoundException($"Graphviz could not be started ('{executable}'): {e.Message}", e);
        }
        using var kill = cancellation.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        });
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException) when (cancellation.IsCancellationRequested || process.HasExited)
        {
            // The process ended early; its exit code and stderr say why.
        }
        process.WaitForExit();
        cancellation.ThrowIfCancellationRequested();
        var output = stdout.GetAwaiter().GetResult();
        var errors = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new GraphvizException($"{Path.GetFileName(executable)} failed with exit code {process.ExitCode}: {errors.Trim()}");
        return output;
    }
}
