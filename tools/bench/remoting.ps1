#requires -Version 7.4
<#
.SYNOPSIS
    What bringing a capture back over SSH remoting costs: bytes over the wire and time, beside the local Import-Pcap.

.DESCRIPTION
    Issue 9's sensors read their captures where they are and send back the PcapCapture objects
    (Invoke-Command -HostName sensor1, sensor2 { Import-Pcap ... } | Get-PcapTopology). This measures that on the
    1M-packet capture of build.ps1 -Task Bench (the same generator, arguments and cache in -OutDir, so either
    script reuses the other's file), over a private OpenSSH server on 127.0.0.1 (its own config, keys and port in
    a temporary folder, the dotnet tool's pwsh as its powershell subsystem, stopped at the end):

      local      Import-Pcap in this pwsh, and its | Get-PcapTopology -Layer 3
      sensor     Import-Pcap inside the remote pwsh alone (what the sensor spends reading)
      remote     Invoke-Command -Session { Import-Pcap FILE } end to end, and the capture it brings back
                 | Get-PcapTopology -Layer 3 here (made live again from its snapshot)
      bytes      the CLIXML the sensor's serializer makes of the capture (PSSerializer at remoting's depth, UTF-8),
                 what the ssh client handed to this pwsh (the PSRP stream, decrypted: /proc/<ssh>/io wchar) and
                 what it read from its socket (encrypted, on the wire: /proc/<ssh>/io rchar)

    Each timing is the best of -Repeat runs after a warm-up. Writes remoting.json to -OutDir. A report, not a
    test: no assertion on time; a step that fails makes it fail. Loopback SSH has no network latency or
    bandwidth limit, so on a real link the transfer is the bytes divided by its bandwidth.

.EXAMPLE
    dotnet pwsh -File tools/bench/remoting.ps1 -ModulePath out/PcapViz -OutDir out/bench -RepoRoot .
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutDir,
    [Parameter(Mandatory)] [string] $RepoRoot,
    [long] $Packets = 1000000,
    [int] $Repeat = 3
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Invariant = [cultureinfo]::InvariantCulture
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$RepoRoot = (Resolve-Path -LiteralPath $RepoRoot).Path
$Generator = Join-Path $RepoRoot '../shared/tools/gen-pcap.py'
$null = New-Item -ItemType Directory -Path $OutDir -Force
$OutDir = (Resolve-Path -LiteralPath $OutDir).Path
if (-not $IsLinux) { throw 'The SSH measurement reads /proc: it runs on Linux.' }

function Find-Program([string] $Name, [string[]] $Folders = @()) {
    $found = Get-Command -Name $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($found) { return $found.Source }
    foreach ($folder in $Folders) {
        $candidate = Join-Path $folder $Name
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    throw "$Name is needed (apt-get install openssh-server openssh-client python3)."
}
$python = Find-Program python3
$sshd = Find-Program sshd @('/usr/sbin', '/usr/local/sbin')
$keygen = Find-Program ssh-keygen
$null = Find-Program ssh

function Invoke-Checked([string] $FilePath, [string[]] $ArgumentList) {
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed (exit code $LASTEXITCODE)." }
}

function Format-Count([long] $n) {
    if ($n % 1000000 -eq 0) { return "$($n / 1000000)M" }
    if ($n % 1000 -eq 0) { return "$($n / 1000)k" }
    return "$n"
}

# 1. The capture, exactly as Invoke-Bench.ps1 names, generates and caches it.
$genArgs = @('--packets', "$Packets")
$file = Join-Path $OutDir "bench-$(Format-Count $Packets).pcap"
$argsFile = "$file.args"
$argsText = $genArgs -join ' '
if ((Test-Path -LiteralPath $file) -and (Test-Path -LiteralPath $argsFile) -and ((Get-Content -LiteralPath $argsFile -Raw).Trim() -eq $argsText)) {
    Write-Host "Using cached $file"
}
else {
    if (-not (Test-Path -LiteralPath $Generator)) { throw "Capture generator not found: $Generator (../shared must sit beside the repository)." }
    Write-Host "Generating $file ($argsText)"
    Invoke-Checked $python (@($Generator, "$file.tmp") + $genArgs)
    Move-Item -LiteralPath "$file.tmp" -Destination $file -Force
    Set-Content -LiteralPath $argsFile -Value $argsText -Encoding utf8NoBOM
}
$fileBytes = (Get-Item -LiteralPath $file).Length

# 2. A private sshd on 127.0.0.1, as the remoting tests start it (tests/PcapViz.PowerShell.Tests/LocalSshServer.cs).
$work = Join-Path ([IO.Path]::GetTempPath()) "pcapviz-remoting-$([guid]::NewGuid().ToString('N'))"
$null = New-Item -ItemType Directory -Path $work
$server = $null
$session = $null
try {
    Invoke-Checked $keygen @('-q', '-t', 'ed25519', '-N', '', '-f', (Join-Path $work 'host_key'))
    Invoke-Checked $keygen @('-q', '-t', 'ed25519', '-N', '', '-f', (Join-Path $work 'client_key'))
    Copy-Item -LiteralPath (Join-Path $work 'client_key.pub') -Destination (Join-Path $work 'authorized_keys')
    # This very pwsh (the dotnet tool's, when run as build.ps1 runs it) is the sensor's subsystem, started by full
    # paths: sshd gives it a bare environment and a working folder where `dotnet pwsh` finds no tool manifest.
    $self = (Get-Process -Id $PID).Path
    $start = if ((Split-Path -Leaf $self) -like 'dotnet*') { "'$self' exec '$(Join-Path $PSHOME 'pwsh.dll')'" } else { "'$self'" }
    $subsystem = Join-Path $work 'pwsh-sshs'
    Set-Content -LiteralPath $subsystem -Encoding utf8NoBOM -Value @(
        '#!/bin/sh'
        'export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off'
        "exec $start -sshs -NoLogo")
    Invoke-Checked chmod @('700', $subsystem)
    if ((id -u) -eq '0' -and -not (Test-Path -LiteralPath '/run/sshd')) { $null = New-Item -ItemType Directory -Path '/run/sshd' }

    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $config = Join-Path $work 'sshd_config'
    Set-Content -LiteralPath $config -Encoding utf8NoBOM -Value @(
        "Port $port", 'ListenAddress 127.0.0.1', "HostKey $(Join-Path $work 'host_key')", "PidFile $(Join-Path $work 'sshd.pid')",
        "AuthorizedKeysFile $(Join-Path $work 'authorized_keys')", 'StrictModes no', 'PubkeyAuthentication yes',
        'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'UsePAM no',
        'UseDNS no', 'PrintMotd no', "Subsystem powershell $subsystem")
    $server = Start-Process -FilePath $sshd -ArgumentList @('-D', '-e', '-f', $config) -PassThru -RedirectStandardError (Join-Path $work 'sshd.log')
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Select-String -LiteralPath (Join-Path $work 'sshd.log') -Pattern "listening on 127.0.0.1 port $port" -Quiet -ErrorAction Ignore)) {
        if ($server.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "sshd did not start: $(Get-Content -LiteralPath (Join-Path $work 'sshd.log') -Raw)" }
        Start-Sleep -Milliseconds 100
    }

    $options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR'; BatchMode = 'yes'; IdentitiesOnly = 'yes' }
    $session = New-PSSession -HostName 127.0.0.1 -Port $port -UserName ([Environment]::UserName) -KeyFilePath (Join-Path $work 'client_key') -Options $options
    # The ssh client this pwsh started for the session: its I/O counters are what crossed the connection.
    $ssh = @(Get-Process -Name ssh | Where-Object { $_.Parent -and $_.Parent.Id -eq $PID -and (Get-Content -LiteralPath "/proc/$($_.Id)/cmdline" -Raw) -match "\b$port\b" })
    if ($ssh.Count -ne 1) { throw "Found $($ssh.Count) ssh client processes for the session, not one." }
    function Get-SshIo {
        $io = @{}
        foreach ($line in Get-Content -LiteralPath "/proc/$($ssh[0].Id)/io") { $name, $value = $line -split ':\s*'; $io[$name] = [long]$value }
        $io
    }

    Import-Module -Name $ModulePath
    Invoke-Command -Session $session { param($m) Import-Module -Name $m } -ArgumentList $ModulePath
    $sample = Join-Path $RepoRoot 'samples/sll-mixed-tcp-dns-dhcp-arp.pcap'
    # Warm-up, both ends: the JIT, the page cache and the remoting pipeline.
    $null = Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 3
    $null = Invoke-Command -Session $session { Import-Pcap -LiteralPath $using:sample } | Get-PcapTopology -Layer 3
    $null = Invoke-Command -Session $session { $null = Import-Pcap -LiteralPath $using:file }

    function Measure-Best([scriptblock] $Action) {
        $best = [double]::MaxValue
        for ($i = 0; $i -lt $Repeat; $i++) {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers()
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = & $Action
            $best = [Math]::Min($best, $sw.Elapsed.TotalSeconds)
        }
        $best
    }

    Write-Host "Measuring ($Repeat runs each, best kept)..."
    $local = Measure-Best { Import-Pcap -LiteralPath $file }
    $localCapture = Import-Pcap -LiteralPath $file
    $localTopology = Measure-Best { $localCapture | Get-PcapTopology -Layer 3 }
    $sensor = (1..$Repeat | ForEach-Object {
            Invoke-Command -Session $session { [GC]::Collect(); (Measure-Command { $null = Import-Pcap -LiteralPath $using:file }).TotalSeconds }
        } | Measure-Object -Minimum).Minimum

    $remote = [double]::MaxValue
    $wire = $null
    for ($i = 0; $i -lt $Repeat; $i++) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $before = Get-SshIo
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $back = Invoke-Command -Session $session { Import-Pcap -LiteralPath $using:file }
        $seconds = $sw.Elapsed.TotalSeconds
        $after = Get-SshIo
        $remote = [Math]::Min($remote, $seconds)
        $wire = @{ Received = $after.rchar - $before.rchar; Delivered = $after.wchar - $before.wchar }
    }
    $remoteTopology = Measure-Best { $back | Get-PcapTopology -Layer 3 }
    if (@($back).Count -ne 1 -or $back.pstypenames[0] -ne 'Deserialized.PcapViz.PcapCapture') { throw 'What came back is not one deserialized capture.' }
    $same = ($back | Get-PcapTopology -Layer 3 | ConvertTo-Json -Depth 5 -Compress) -ceq ($localCapture | Get-PcapTopology -Layer 3 | ConvertTo-Json -Depth 5 -Compress)
    if (-not $same) { throw 'The capture that came back gives another layer 3 topology than the local one.' }

    # What the sensor's serializer makes of the capture: remoting serializes at depth 1 (no SerializationDepth is
    # set for captures) with the sensor's type table, which adds the hidden Snapshot (bytes, base64 in CLIXML).
    $clixml = Invoke-Command -Session $session {
        $c = Import-Pcap -LiteralPath $using:file
        [pscustomobject]@{
            Bytes = [Text.Encoding]::UTF8.GetByteCount([System.Management.Automation.PSSerializer]::Serialize($c, 1))
            Snapshot = $c.Snapshot.Length
            Flows = $c.FlowCount
        }
    }

    $result = [ordered]@{
        File = $file
        Packets = $Packets
        FileBytes = $fileBytes
        Flows = $clixml.Flows
        SnapshotBytes = $clixml.Snapshot
        ClixmlBytes = $clixml.Bytes
        PsrpBytesDelivered = $wire.Delivered
        WireBytesReceived = $wire.Received
        LocalImportSeconds = $local
        SensorImportSeconds = $sensor
        RemoteImportSeconds = $remote
        LocalTopology3Seconds = $localTopology
        RemoteCaptureTopology3Seconds = $remoteTopology
        Repeat = $Repeat
    }
    $result | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $OutDir 'remoting.json') -Encoding utf8NoBOM

    $mb = { param($b) ([double]$b / 1MB).ToString('N1', $Invariant) + ' MB' }
    $s = { param($t) ([double]$t).ToString('N2', $Invariant) + ' s' }
    Write-Host ''
    Write-Host "Remoting a $(Format-Count $Packets)-packet capture ($(& $mb $fileBytes) file, $($clixml.Flows.ToString('N0', $Invariant)) flows) over SSH on 127.0.0.1:"
    Write-Host "  Import-Pcap here                                $(& $s $local)"
    Write-Host "  Import-Pcap on the sensor alone                 $(& $s $sensor)"
    Write-Host "  Invoke-Command { Import-Pcap } end to end       $(& $s $remote)"
    Write-Host "  | Get-PcapTopology -Layer 3, local capture      $(& $s $localTopology)"
    Write-Host "  | Get-PcapTopology -Layer 3, remote capture     $(& $s $remoteTopology)  (same topology: $same)"
    Write-Host "  capture snapshot                                $(& $mb $clixml.Snapshot)"
    Write-Host "  CLIXML of the capture (depth 1, UTF-8)          $(& $mb $clixml.Bytes)"
    Write-Host "  PSRP stream the ssh client delivered            $(& $mb $wire.Delivered)"
    Write-Host "  read from the SSH socket (on the wire)          $(& $mb $wire.Received)"
    Write-Host "Wrote $(Join-Path $OutDir 'remoting.json')"
}
finally {
    if ($session) { Remove-PSSession -Session $session }
    if ($server -and -not $server.HasExited) {
        # The listener and the per-connection sshd processes under it.
        foreach ($child in @(Get-Process | Where-Object { $_.Parent -and $_.Parent.Id -eq $server.Id })) { Stop-Process -Id $child.Id -Force -ErrorAction Ignore }
        Stop-Process -Id $server.Id -Force -ErrorAction Ignore
    }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
