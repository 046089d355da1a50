using System.Management.Automation;
using System.Text;
using System.Xml;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// Export-PcapGraph finds and writes its file as PowerShell's own writers (Out-File, Export-Csv) do: paths from the
/// PowerShell location and on the FileSystem provider only, any legal name, errors that name the file asked for,
/// links written through, and -PassThru, -Verbose and progress as Get-Item and the built-in cmdlets give them.
/// </summary>
public sealed class ExportPcapGraphPathTests : IDisposable
{
    private const string SmallCapture = "shared_null_loopback_v4v6.pcap";
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);
    private readonly PowerShellSession _session = new();
    private readonly TempDirectory _temp = new();

    public ExportPcapGraphPathTests() =>
        Assert.Empty(_session.Run("$t = Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 3",
            new Dictionary<string, object?> { ["p"] = Corpus.Capture(SmallCapture), ["dir"] = _temp.Path }).Errors);

    public void Dispose()
    {
        _session.Dispose();
        _temp.Dispose();
    }

    private PowerShellSession.Result Run(string script, Dictionary<string, object?>? variables = null)
    {
        variables ??= [];
        variables["dir"] = _temp.Path;
        return _session.Run(script, variables);
    }

    /// <summary>Every file under the temporary folder, as paths relative to it.</summary>
    private string[] FilesLeft() =>
        Directory.GetFileSystemEntries(_temp.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_temp.Path, f)).Order(StringComparer.Ordinal).ToArray();

    private static void AssertIsSvg(string path)
    {
        var xml = new XmlDocument { XmlResolver = null };
        xml.Load(path);
        Assert.Equal("svg", xml.DocumentElement!.LocalName);
    }

    [Theory]
    [InlineData("Path", "Env:/{0}")]
    [InlineData("LiteralPath", "Env:/{0}")]
    [InlineData("Path", "Variable:/{0}")]
    [InlineData("Path", "Function:/{0}")]
    [InlineData("LiteralPath", "Alias:{0}")]
    [InlineData("Path", "PcapVars:/{0}")]
    public void A_path_on_another_provider_is_NotFileSystemPath_and_writes_nothing(string parameter, string pattern)
    {
        // Unique, because the process folder is shared with every other test.
        var name = "pcapviz-not-fs-" + Guid.NewGuid().ToString("N")[..8] + ".svg";
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, name);
        var strayInProcessFolder = Path.Combine(Environment.CurrentDirectory, name);
        try
        {
            // A drive of a non-file-system provider made by the user, as a registry drive is on Windows.
            var result = Run($$"""
                $null = New-PSDrive -Name PcapVars -PSProvider Variable -Root ''
                Set-Location -LiteralPath $dir
                try { $t | Export-PcapGraph -{{parameter}} $target; 'no error' } catch { $_ }
                """, new() { ["target"] = path });
            var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
            Assert.StartsWith("NotFileSystemPath,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal(path, error.TargetObject);
            Assert.Contains(path, error.Exception.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(strayInProcessFolder), "the picture was written into the process's working folder");
            Assert.Empty(FilesLeft());
            Assert.Empty(Run("Get-ChildItem Env:, Variable:, Function:, Alias: | Where-Object Name -like 'pcapviz-not-fs-*'").Output);
        }
        finally
        {
            File.Delete(strayInProcessFolder);
        }
    }

    [Fact]
    public void A_drive_that_does_not_exist_is_PathNotFound()
    {
        var result = Run("try { $t | Export-PcapGraph NoSuchPcapDrive:/net.svg } catch { $_ }");
        var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.StartsWith("PathNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_PowerShell_location_not_the_process_folder()
    {
        Assert.NotEqual(Path.GetFullPath(_temp.Path), Path.GetFullPath(Environment.CurrentDirectory));
        var inProcessFolder = new[] { "rel.svg", "literal.svg" }.Select(n => Path.Combine(Environment.CurrentDirectory, n)).Where(File.Exists).ToArray();
        var result = Run("""
            Set-Location -LiteralPath $dir
            $t | Export-PcapGraph rel.svg
            $t | Export-PcapGraph -LiteralPath ./literal.svg
            """);
        Assert.Empty(result.Errors);
        AssertIsSvg(_temp.File("rel.svg"));
        AssertIsSvg(_temp.File("literal.svg"));
        // Nothing new appeared beside the test binaries (whatever was there before is not ours to judge).
        Assert.Equal(inProcessFolder, new[] { "rel.svg", "literal.svg" }.Select(n => Path.Combine(Environment.CurrentDirectory, n)).Where(File.Exists).ToArray());
    }

    [Fact]
    public void Home_and_PSDrive_paths_resolve_through_PowerShell()
    {
        Directory.CreateDirectory(_temp.File("home"));
        Directory.CreateDirectory(_temp.File("drive"));
        var result = Run("""
            # The FileSystem provider's home is what ~ means; this session's home is a temporary folder.
            (Get-PSProvider FileSystem).Home = Join-Path $dir 'home'
            $t | Export-PcapGraph ~/home.svg
            $null = New-PSDrive -Name PcapOut -PSProvider FileSystem -Root (Join-Path $dir 'drive')
            $t | Export-PcapGraph PcapOut:/on-drive.svg
            Set-Location PcapOut:/
            $t | Export-PcapGraph -LiteralPath inside-drive.svg -PassThru
            """);
        Assert.Empty(result.Errors);
        AssertIsSvg(_temp.File("home/home.svg"));
        AssertIsSvg(_temp.File("drive/on-drive.svg"));
        AssertIsSvg(_temp.File("drive/inside-drive.svg"));
        var item = Assert.Single(result.Output);
        Assert.Equal("PcapOut", ((PSDriveInfo)item.Properties["PSDrive"].Value).Name);
    }

    [Theory]
    [InlineData(251, 'n')]
    [InlineData(125, 'é')]
    public void A_file_name_of_255_bytes_can_be_written(int repeat, char letter)
    {
        var name = new string(letter, repeat) + (letter == 'n' ? "" : "n") + ".svg";
        Assert.Equal(255, Encoding.UTF8.GetByteCount(name));
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir $name)", new() { ["name"] = name });
        Assert.Empty(result.Errors);
        AssertIsSvg(_temp.File(name));
        Assert.Equal([name], FilesLeft());
    }

    [SkippableFact]
    public void A_name_too_long_for_the_file_system_is_an_error_about_that_name()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows counts name length in UTF-16 units and paths differently; this checks the 255-byte limit of Unix file systems.");
        var name = new string('n', 252) + ".svg";
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir $name)", new() { ["name"] = name });
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("GraphWriteError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(name, error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void A_missing_folder_is_an_error_that_names_the_file_asked_for()
    {
        var target = _temp.File("no-such-folder/net.svg");
        var result = Run("$t | Export-PcapGraph -LiteralPath $target", new() { ["target"] = target });
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("GraphWriteError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.WriteError, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
        Assert.Contains(target, error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void A_directory_as_the_target_is_PathIsDirectory_and_is_left_alone()
    {
        var target = _temp.File("folder.svg");
        Directory.CreateDirectory(target);
        var result = Run("$t | Export-PcapGraph -LiteralPath $target", new() { ["target"] = target });
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("PathIsDirectory,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
        Assert.Contains(target, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(["folder.svg"], FilesLeft());
    }

    [SkippableFact]
    public void A_folder_that_cannot_be_written_is_PermissionDenied_naming_the_file_asked_for()
    {
        if (OperatingSystem.IsWindows())
            throw new SkipException("the folder is made unwritable with Unix permissions");
        string folder;
        if (Environment.IsPrivilegedProcess)
        {
            // Root ignores permission bits (CI runs as root); sysfs refuses new files even to root.
            Skip.IfNot(OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel"), "running as root, and there is no sysfs to stand for a folder root cannot write");
            folder = "/sys/kernel";
        }
        else
        {
            folder = _temp.File("read-only");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var target = Path.Combine(folder, "pcapviz-" + Guid.NewGuid().ToString("N")[..8] + ".svg");
        var before = Directory.GetFileSystemEntries(folder);
        try
        {
            var result = Run("$t | Export-PcapGraph -LiteralPath $target", new() { ["target"] = target });
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("GraphWriteError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Contains(target, error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(before, Directory.GetFileSystemEntries(folder));
            // The progress bar of the layout is closed although the file could not be written.
            var progress = result.Progress.Where(p => p.Activity == "Export-PcapGraph").ToList();
            Assert.NotEmpty(progress);
            Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
        }
        finally
        {
            if (!Environment.IsPrivilegedProcess)
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Stop_while_writing_leaves_neither_the_file_nor_the_temporary_file()
    {
        // A big PNG takes seconds to paint, so the stop arrives while the temporary file is being written.
        var target = _temp.File("stopped.png");
        Assert.Empty(Run("$big = Import-Pcap -LiteralPath $p | Get-PcapTopology -Layer 4",
            new() { ["p"] = Corpus.Capture("shared_many_hosts_srvloc_310ips.pcap"), ["target"] = target }).Errors);
        using var shell = _session.CreateShell();
        shell.AddScript("$big | Export-PcapGraph -LiteralPath $target -MaxNodes 0");
        string[]? whileWriting = null;
        shell.Streams.Progress.DataAdded += (_, e) =>
        {
            var record = shell.Streams.Progress[e.Index];
            if (whileWriting is not null || !record.StatusDescription.StartsWith("Writing", StringComparison.Ordinal))
                return;
            // The first writing report comes once the temporary file exists; the stop is asked for there, on the
            // pipeline thread, so it lands before the painting can end.
            whileWriting = FilesLeft();
            shell.BeginStop(null, null);
            SpinWait.SpinUntil(() => shell.InvocationStateInfo.State != PSInvocationState.Running, HangGuard);
        };
        var invocation = shell.BeginInvoke();
        var finished = Task.Run(() => invocation.AsyncWaitHandle.WaitOne());
        Assert.Same(finished, await Task.WhenAny(finished, Task.Delay(HangGuard)));
        Assert.NotNull(whileWriting);
        Assert.Single(whileWriting!, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.Empty(FilesLeft());
    }

    [SkippableFact]
    public void A_symbolic_link_is_written_through_and_stays_a_link()
    {
        Directory.CreateDirectory(_temp.File("links"));
        Directory.CreateDirectory(_temp.File("real"));
        File.WriteAllText(_temp.File("real/net.svg"), "old");
        var link = _temp.File("links/net.svg");
        try
        {
            File.CreateSymbolicLink(link, Path.Combine("..", "real", "net.svg"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Skip.If(OperatingSystem.IsWindows(), "creating a symbolic link needs Developer Mode or an elevated prompt on Windows: " + e.Message);
            throw;
        }
        var result = Run("$t | Export-PcapGraph -LiteralPath $link -Verbose 4>&1 | ForEach-Object { \"$_\" }", new() { ["link"] = link });
        Assert.Empty(result.Errors);
        var info = new FileInfo(link);
        Assert.Equal(Path.Combine("..", "real", "net.svg"), info.LinkTarget);
        AssertIsSvg(_temp.File("real/net.svg"));
        Assert.Contains(result.Output, v => v.ToString().Contains("symbolic link", StringComparison.Ordinal));
        Assert.Equal(["links", Path.Combine("links", "net.svg"), "real", Path.Combine("real", "net.svg")], FilesLeft());
    }

    [SkippableFact]
    public void NoClobber_refuses_a_symbolic_link_even_a_dangling_one()
    {
        var link = _temp.File("dangling.svg");
        try
        {
            File.CreateSymbolicLink(link, "nowhere.svg");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Skip.If(OperatingSystem.IsWindows(), "creating a symbolic link needs Developer Mode or an elevated prompt on Windows: " + e.Message);
            throw;
        }
        var refused = Run("$t | Export-PcapGraph -LiteralPath $link -NoClobber", new() { ["link"] = link });
        Assert.StartsWith("FileExists,", Assert.Single(refused.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(["dangling.svg"], FilesLeft());
        // Without -NoClobber the link is written through, as Out-File does: the file it names is created.
        Assert.Empty(Run("$t | Export-PcapGraph -LiteralPath $link", new() { ["link"] = link }).Errors);
        AssertIsSvg(_temp.File("nowhere.svg"));
        Assert.Equal("nowhere.svg", new FileInfo(link).LinkTarget);
    }

    [SkippableFact]
    public void An_existing_file_keeps_its_permissions()
    {
        if (OperatingSystem.IsWindows())
            throw new SkipException("Unix permissions");
        var target = _temp.File("private.svg");
        File.WriteAllText(target, "secret");
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(target, Private);
        Assert.Empty(Run("$t | Export-PcapGraph -LiteralPath $target", new() { ["target"] = target }).Errors);
        AssertIsSvg(target);
        Assert.Equal(Private, File.GetUnixFileMode(target));

        // -Force writes a read-only file and, as Out-File -Force, leaves it read-only.
        File.SetAttributes(target, File.GetAttributes(target) | FileAttributes.ReadOnly);
        Assert.Empty(Run("$t | Export-PcapGraph -LiteralPath $target -Force -Format Json", new() { ["target"] = target }).Errors);
        Assert.StartsWith("{", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.True((File.GetAttributes(target) & FileAttributes.ReadOnly) != 0);
    }

    [Fact]
    public void PassThru_gives_the_file_as_Get_Item_does_and_it_pipes_to_Remove_Item()
    {
        var result = Run("""
            Set-Location -LiteralPath $dir
            $f = $t | Export-PcapGraph net.svg -PassThru
            $f
            $g = Get-Item -LiteralPath net.svg
            foreach ($name in 'PSPath', 'PSParentPath', 'PSChildName', 'PSDrive', 'PSProvider', 'PSIsContainer') { $f.$name -eq $g.$name -or "$($f.$name)" -eq "$($g.$name)" }
            $f | Remove-Item
            Test-Path -LiteralPath net.svg
            """);
        Assert.Empty(result.Errors);
        var file = result.Output[0];
        Assert.IsType<FileInfo>(file.BaseObject);
        Assert.Equal("Microsoft.PowerShell.Core\\FileSystem::" + _temp.File("net.svg"), file.Properties["PSPath"].Value);
        Assert.Equal("net.svg", file.Properties["PSChildName"].Value);
        Assert.Equal("FileSystem", ((ProviderInfo)file.Properties["PSProvider"].Value).Name);
        Assert.All(result.Output.Skip(1).Take(6), same => Assert.True((bool)same.BaseObject));
        Assert.False((bool)result.Output[^1].BaseObject);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public void Verbose_tells_the_file_format_engine_counts_bytes_and_time()
    {
        var target = _temp.File("told.svg");
        var result = Run("$t | Export-PcapGraph -LiteralPath $target -Verbose 4>&1 | ForEach-Object { \"$_\" }", new() { ["target"] = target });
        Assert.Empty(result.Errors);
        var verbose = string.Join("\n", result.Output.Select(o => o.ToString()));
        Assert.Contains(target, verbose, StringComparison.Ordinal);
        Assert.Contains("Svg", verbose, StringComparison.Ordinal);
        Assert.Contains("built-in Force layout", verbose, StringComparison.Ordinal);
        var nodes = (int)Run("$t.Nodes.Count").Output[0].BaseObject;
        Assert.Matches($@"Drew {nodes} nodes? and \d+ edges?", verbose);
        var bytes = new FileInfo(target).Length;
        Assert.Contains($"Wrote {bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes of Svg", verbose, StringComparison.Ordinal);
        Assert.Matches(@"in \d+(\.\d+)? (ms|s)", verbose);
    }

    [SkippableFact]
    public void Verbose_names_Graphviz_when_it_lays_the_graph_out()
    {
        RequiredTool.Find("neato", "this test has Export-PcapGraph lay the graph out with Graphviz neato and checks -Verbose says so.");
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir 'gv.json') -LayoutEngine Graphviz -GraphvizLayout neato -Verbose 4>&1 | ForEach-Object { \"$_\" }");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Output, v => v.ToString().Contains("with Graphviz (neato)", StringComparison.Ordinal));
    }

    [Fact]
    public void Progress_ends_with_one_Completed_record_after_the_percentages()
    {
        var result = Run("$big = Import-Pcap -LiteralPath $p | Get-PcapTopology; $big | Export-PcapGraph -LiteralPath (Join-Path $dir 'p.png')",
            new() { ["p"] = Corpus.Capture("shared_many_hosts_srvloc_310ips.pcap") });
        Assert.Empty(result.Errors);
        var progress = result.Progress.Where(p => p.Activity == "Export-PcapGraph").ToList();
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
        Assert.Single(progress, p => p.RecordType == ProgressRecordType.Completed);
        var processing = progress[..^1];
        Assert.All(processing, p => Assert.InRange(p.PercentComplete, 0, 99));
        Assert.Equal(processing.Select(p => p.PercentComplete).Order(), processing.Select(p => p.PercentComplete));
        Assert.True(processing.Select(p => p.PercentComplete).Distinct().Count() > 3, "the layout moved the bar only a few times");
        Assert.StartsWith("Writing p.png (Png)", processing[^1].StatusDescription, StringComparison.Ordinal);
        Assert.Contains(processing, p => p.StatusDescription.StartsWith("Writing p.png (Png): ", StringComparison.Ordinal) && p.StatusDescription.EndsWith("kB", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void File_names_in_messages_are_inert_text()
    {
        Skip.If(OperatingSystem.IsWindows(), "Windows does not allow control characters in file names");
        var name = "evil\u001b[31m\u202e.svg";
        var result = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir $name) -Verbose 4>&1 | ForEach-Object { \"$_\" }", new() { ["name"] = name });
        Assert.Empty(result.Errors);
        Assert.True(File.Exists(_temp.File(name)));
        Assert.NotEmpty(result.Output);
        Assert.All(result.Output, v => Assert.DoesNotContain('\u001b', v.ToString()!));
        Assert.Contains(result.Output, v => v.ToString()!.Contains("evil\\u{001B}[31m\\u{202E}.svg", StringComparison.Ordinal));
        Assert.All(result.Progress, p => Assert.DoesNotContain('\u001b', p.StatusDescription));
        Assert.Contains(result.Progress, p => p.StatusDescription.Contains("evil\\u{001B}", StringComparison.Ordinal));

        var refused = Run("$t | Export-PcapGraph -LiteralPath (Join-Path $dir $name) -NoClobber", new() { ["name"] = name });
        Assert.DoesNotContain('\u001b', Assert.Single(refused.Errors).Exception.Message);
    }
}
