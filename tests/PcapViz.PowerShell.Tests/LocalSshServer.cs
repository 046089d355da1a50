using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PcapViz.Core.Tests;

namespace PcapViz.PowerShell.Tests;

/// <summary>
/// A private OpenSSH server on 127.0.0.1 for remoting over SSH, as a sensor runs it: its own config, host key and
/// authorized key in a temporary folder, a free high port, running as the current user, and the pinned PowerShell
/// (the dotnet tool's 7.6.9) as its powershell subsystem. The machine's own sshd, its config and ~/.ssh are left alone;
/// the client side is <see cref="SessionScript"/>, for the tests' in-process PowerShell. Started on first use, so a
/// machine without sshd or ssh skips the tests that need it (RequiredTool) instead of failing the whole class; one
/// server serves a test class (a class fixture) and is stopped, its folder deleted, on dispose.
/// </summary>
public sealed class LocalSshServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly StringBuilder _log = new();
    private TempDirectory? _folder;
    private Process? _sshd;
    private Exception? _failure;

    /// <summary>The port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The private key the server accepts, for New-PSSession -KeyFilePath.</summary>
    public string KeyFile => Path.Combine(_folder!.Path, "client_key");

    /// <summary>The account the server runs as, and so the only one it can log in: the current user.</summary>
    public static string UserName => Environment.UserName;

    /// <summary>What sshd wrote (with -e, its log goes to standard error): for a failure's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Starts the server on first call, skipping the test where sshd, ssh or ssh-keygen is missing.</summary>
    public void EnsureStarted()
    {
        Skip.If(OperatingSystem.IsWindows(), "the private sshd, its config and its subsystem script are written for Unix");
        var sshd = RequiredTool.FindSystemProgram("sshd", "remoting tests run a private OpenSSH server on 127.0.0.1");
        RequiredTool.Find("ssh", "PowerShell's SSH remoting client runs the ssh program");
        var keygen = RequiredTool.Find("ssh-keygen", "the private SSH server gets its own host and client keys");
        lock (_gate)
        {
            // A server that failed to start fails every test of the class the same way, without trying again.
            if (_failure is not null)
                throw new InvalidOperationException("The private SSH server did not start.", _failure);
            if (_sshd is not null)
                return;
            try
            {
                Start(sshd, keygen);
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }
        }
    }

    /// <summary>
    /// A script that opens an SSH session to this server into $<paramref name="variable"/> and imports the laid-out
    /// module there by its full path (the remote pwsh has its own PSModulePath, which does not hold out/PcapViz).
    /// </summary>
    public string SessionScript(string variable) => $$"""
        ${{variable}} = New-PSSession -HostName 127.0.0.1 -Port {{Port}} -UserName '{{UserName.Replace("'", "''")}}' -KeyFilePath '{{KeyFile}}' -ConnectingTimeout 120000 -ErrorAction Stop -Options @{
            # A private server with a fresh host key each run: nothing to check it against, nothing to remember.
            StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR'
            # Never prompt, and offer only the test's key (not an agent's or ~/.ssh's).
            BatchMode = 'yes'; IdentitiesOnly = 'yes'
        }
        Invoke-Command -Session ${{variable}} -ErrorAction Stop { param($module) Import-Module -Name $module -ErrorAction Stop } -ArgumentList '{{PowerShellSession.ModulePath.Replace("'", "''")}}'
        """;

    private void Start(string sshd, string keygen)
    {
        _folder = new TempDirectory();
        var folder = _folder.Path;
        Run(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "pcapviz-test-host", "-f", Path.Combine(folder, "host_key"));
        Run(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "pcapviz-test-client", "-f", KeyFile);
        File.Copy(KeyFile + ".pub", Path.Combine(folder, "authorized_keys"));
        var subsystem = WriteSubsystem(folder);

        // As root, sshd refuses to start without its privilege separation folder, which the openssh-server package
        // creates only when its service starts (never, in a container or CI). Left in place afterwards: it is the
        // system's own folder, and another sshd may be using it by then.
        if (Environment.UserName == "root" && !Directory.Exists("/run/sshd"))
            Directory.CreateDirectory("/run/sshd");

        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var config = Path.Combine(folder, "sshd_config");
            File.WriteAllText(config, $"""
                Port {Port}
                ListenAddress 127.0.0.1
                HostKey {Path.Combine(folder, "host_key")}
                PidFile {Path.Combine(folder, "sshd.pid")}
                AuthorizedKeysFile {Path.Combine(folder, "authorized_keys")}
                StrictModes no
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                UsePAM no
                UseDNS no
                PrintMotd no
                X11Forwarding no
                MaxStartups 50
                MaxSessions 50
                Subsystem powershell {subsystem}

                """);
            lock (_log)
                _log.Clear();
            if (TryStart(sshd, config))
                return;
            // Another program took the port between FreePort and sshd's bind: try another.
            if (attempt < 3 && Log.Contains("Address already in use", StringComparison.Ordinal))
                continue;
            Stop();
            throw new InvalidOperationException($"sshd did not start listening on 127.0.0.1:{Port}. Its log:\n{Log}");
        }
    }

    private bool TryStart(string sshd, string config)
    {
        // sshd re-executes itself by the path it was started with, so that path is absolute.
        var start = new ProcessStartInfo(sshd) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-D", "-e", "-f", config })
            start.ArgumentList.Add(argument);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sshd = new Process { StartInfo = start, EnableRaisingEvents = true };
        _sshd.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_log)
                _log.AppendLine(e.Data);
            if (e.Data.Contains($"listening on 127.0.0.1 port {Port}", StringComparison.Ordinal))
                listening.TrySetResult();
        };
        _sshd.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (_log)
                _log.AppendLine(e.Data);
        };
        _sshd.Exited += (_, _) => listening.TrySetResult();
        _sshd.Start();
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        listening.Task.Wait(StartTimeout);
        if (listening.Task.IsCompleted && !_sshd.HasExited)
            return true;
        Stop();
        return false;
    }

    /// <summary>
    /// The subsystem sshd runs for "powershell": the dotnet tool's pwsh (the pinned 7.6.9, which can import the
    /// module), started directly through the dotnet host by full paths, since sshd gives it a bare environment and a
    /// working folder outside the repository, where `dotnet pwsh` would find no tool manifest.
    /// </summary>
    private static string WriteSubsystem(string folder)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : RequiredTool.Find("dotnet", "the remote end of the remoting tests is the dotnet tool's pwsh");
        var psHome = RunIn(Corpus.RepositoryRoot, dotnet, "pwsh", "-NoProfile", "-NonInteractive", "-Command", "[Console]::Out.Write($PSHOME)").Trim();
        var entry = Path.Combine(psHome, "pwsh.dll");
        if (!File.Exists(entry))
            throw new FileNotFoundException($"The dotnet tool's PowerShell has no pwsh.dll in {psHome}: run 'dotnet tool restore'.", entry);
        var script = Path.Combine(folder, "pwsh-sshs");
        File.WriteAllText(script, $"""
            #!/bin/sh
            export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
            exec {Quote(dotnet)} exec {Quote(entry)} -sshs -NoLogo

            """);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;

        static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string Run(string program, params string[] arguments) => RunIn(null, program, arguments);

    private static string RunIn(string? workingDirectory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result.Trim()}");
    }

    private void Stop()
    {
        if (_sshd is null)
            return;
        try
        {
            // The whole tree: the listener and the per-connection sshd processes with their pwsh subsystems.
            if (!_sshd.HasExited)
                _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _sshd.Dispose();
        _sshd = null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Stop();
            _folder?.Dispose();
            _folder = null;
        }
    }
}
