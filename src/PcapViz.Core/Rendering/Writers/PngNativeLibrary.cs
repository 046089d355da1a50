using System.Reflection;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace PcapViz.Core.Rendering.Writers;

/// <summary>
/// Finds libSkiaSharp where the module ships it. An application finds a package's native library through its deps.json,
/// but PowerShell loads a binary module without one, so nothing looks in &lt;module&gt;/runtimes/&lt;rid&gt;/native/.
/// This resolver does, for the platform and architecture the process runs on, and otherwise leaves the search to .NET.
/// </summary>
internal static class PngNativeLibrary
{
    private const string LibraryName = "libSkiaSharp";
    private static int registered;

    /// <summary>Registers the resolver for the SkiaSharp assembly once; call before the first SkiaSharp call.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(SKObject).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone (the host or another module) already set a resolver for SkiaSharp; theirs stays in charge.
        }
    }

    /// <summary>Where libSkiaSharp may lie for this process, most specific first.</summary>
    public static IReadOnlyList<string> CandidatePaths(IEnumerable<string> baseDirectories, OSPlatform os, Architecture architecture, bool isMusl)
    {
        var arch = architecture.ToString().ToLowerInvariant();
        string file;
        string[] rids;
        if (os == OSPlatform.Windows)
        {
            file = LibraryName + ".dll";
            rids = [$"win-{arch}"];
        }
        else if (os == OSPlatform.OSX)
        {
            file = LibraryName + ".dylib";
            rids = [$"osx-{arch}", "osx"];
        }
        else
        {
            file = LibraryName + ".so";
            rids = isMusl ? [$"linux-musl-{arch}"] : [$"linux-{arch}"];
        }

        var paths = new List<string>();
        foreach (var directory in baseDirectories.Where(d => !string.IsNullOrEmpty(d)).Distinct(StringComparer.Ordinal))
        {
            paths.AddRange(rids.Select(rid => Path.Combine(directory, "runtimes", rid, "native", file)));
            paths.Add(Path.Combine(directory, file));
        }

        return paths;
    }

    internal static OSPlatform CurrentOS() =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows
        : OperatingSystem.IsMacOS() ? OSPlatform.OSX
        : OSPlatform.Linux;

    internal static bool IsMusl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            return Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*.so.1").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static IReadOnlyList<string> CandidatePathsForThisProcess() =>
        CandidatePaths(
            [Path.GetDirectoryName(typeof(PngNativeLibrary).Assembly.Location) ?? string.Empty, Path.GetDirectoryName(typeof(SKObject).Assembly.Location) ?? string.Empty],
            CurrentOS(),
            RuntimeInformation.ProcessArchitecture,
            IsMusl());

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.Contains(LibraryName, StringComparison.OrdinalIgnoreCase))
        {
            return IntPtr.Zero;
        }

        foreach (var path in CandidatePathsForThisProcess())
        {
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
            {
                return handle;
            }
        }

        // Not shipped beside us: let .NET search as usual (deps.json in an application, the system paths).
        return IntPtr.Zero;
    }
}
