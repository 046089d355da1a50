#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages the PcapViz module.

.DESCRIPTION
    Build    dotnet publish the cmdlet project and lay out a clean, importable module at out/PcapViz
             (Import-Module ./out/PcapViz), with ModuleVersion stamped from Directory.Build.props.
    Test     Build, then dotnet test the solution; the PowerShell tests import out/PcapViz
             (its absolute path is passed in PCAPVIZ_MODULE_PATH).
    Demo     Build, then run samples/demo.ps1 on the bundled sample in a fresh pwsh; results go to out/demo/.
    Bench    Build, generate synthetic captures (cached in out/bench/) and compare Import-Pcap with tshark;
             then, where OpenSSH is installed, Import-Pcap brought back over SSH remoting (tools/bench/remoting.ps1).
    Package  Build, then zip out/PcapViz to out/PcapViz-<version>.zip.

    Run it with the pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Bench', 'Demo', 'Package')]
    [string] $Task = 'Build',

    [string] $Configuration = 'Release'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Native exit codes are checked explicitly (Invoke-Native), so a failing tool reports what failed.
$PSNativeCommandUseErrorActionPreference = $false
$ProgressPreference = 'SilentlyContinue'

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleName = 'PcapViz'
$ModuleOut = Join-Path $OutDir $ModuleName
$PublishDir = Join-Path $OutDir 'publish'
$Solution = Join-Path $Root 'PcapViz.PowerShell.sln'
$CmdletProject = Join-Path $Root 'src/PcapViz.PowerShell/PcapViz.PowerShell.csproj'
$ModuleSource = Join-Path $Root 'module'

# Assemblies the PowerShell host provides: never ship them in the module folder.
$HostAssemblyPatterns = @(
    'System.Management.Automation.dll'
    'Microsoft.PowerShell.*.dll'
    'Microsoft.Management.Infrastructure*.dll'
    'Microsoft.WSMan.*.dll'
)

# Platforms whose native libraries ship with the module: those PowerShell 7.4+ runs on.
$NativeRuntimes = @('linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'osx', 'win-x64', 'win-arm64')

function Write-Step([string] $Message) {
    Write-Host ''
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $What = $FilePath
    )
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE)."
    }
}

function Get-ModuleVersion {
    $props = Join-Path $Root 'Directory.Build.props'
    $node = ([xml](Get-Content -LiteralPath $props -Raw)).SelectSingleNode('//VersionPrefix')
    if ($null -eq $node -or [string]::IsNullOrWhiteSpace($node.InnerText)) {
        throw "No <VersionPrefix> in $props."
    }
    $version = $node.InnerText.Trim()
    $null = [version]::Parse($version)
    return $version
}

# Writes the laid-out manifest with ModuleVersion stamped; a format or type file the manifest lists and the
# module folder lacks stops the build, rather than leaving a module whose views are silently missing.
function Write-StampedManifest([string] $Version) {
    $text = Get-Content -LiteralPath (Join-Path $ModuleSource "$ModuleName.psd1") -Raw
    $versionLine = "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'"
    if (-not [regex]::IsMatch($text, $versionLine)) {
        throw "module/$ModuleName.psd1 has no ModuleVersion = '...' line to stamp."
    }
    foreach ($list in [regex]::Matches($text, '(?m)^\s*(?:FormatsToProcess|TypesToProcess)\s*=\s*@\(([^)]*)\)')) {
        foreach ($name in [regex]::Matches($list.Groups[1].Value, "'([^']+)'")) {
            if (-not (Test-Path -LiteralPath (Join-Path $ModuleOut $name.Groups[1].Value))) {
                throw "module/$ModuleName.psd1 lists $($name.Groups[1].Value), which the module folder lacks."
            }
        }
    }
    $stamped = [regex]::Replace($text, $versionLine, "`${1}'$Version'")
    Set-Content -LiteralPath (Join-Path $ModuleOut "$ModuleName.psd1") -Value $stamped -Encoding utf8NoBOM -NoNewline
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Write-Step "Build $ModuleName $version ($Configuration)"

    if (Test-Path -LiteralPath $PublishDir) { Remove-Item -LiteralPath $PublishDir -Recurse -Force }
    Invoke-Native dotnet @('publish', $CmdletProject, '-c', $Configuration, '-o', $PublishDir, '--nologo') -What 'dotnet publish'

    Write-Step "Lay out $ModuleOut"
    if (Test-Path -LiteralPath $ModuleOut) { Remove-Item -LiteralPath $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut

    # The cmdlet assembly, the engine and their dependencies; not the host's own assemblies.
    foreach ($file in Get-ChildItem -LiteralPath $PublishDir -File) {
        $isAssembly = $file.Extension -eq '.dll'
        $isOwnSymbols = $file.Extension -eq '.pdb' -and $file.Name -like "$ModuleName.*"
        if (-not ($isAssembly -or $isOwnSymbols)) { continue }
        if ($HostAssemblyPatterns | Where-Object { $file.Name -like $_ }) { continue }
        Copy-Item -LiteralPath $file.FullName -Destination $ModuleOut
    }
    # Native libraries (SkiaSharp's, for PNG) for the platforms PowerShell 7.4+ runs on; their symbol files are
    # about 100 MB each and stay out.
    $runtimes = Join-Path $PublishDir 'runtimes'
    foreach ($rid in $NativeRuntimes) {
        $native = Join-Path $runtimes $rid 'native'
        if (-not (Test-Path -LiteralPath $native)) { continue }
        $target = Join-Path $ModuleOut 'runtimes' $rid 'native'
        $null = New-Item -ItemType Directory -Path $target -Force
        Get-ChildItem -LiteralPath $native -File | Where-Object Extension -ne '.pdb' | Copy-Item -Destination $target
    }

    # Everything under module/ (format and type files, GeoIP/, en-US/ help, ...) except the manifest source,
    # which is stamped below, and the GeoIP database itself, which the engine carries embedded.
    foreach ($file in Get-ChildItem -LiteralPath $ModuleSource -File -Recurse -Force) {
        $relative = [System.IO.Path]::GetRelativePath($ModuleSource, $file.FullName)
        if ($relative -eq "$ModuleName.psd1" -or $file.Extension -eq '.mmdb') { continue }
        $target = Join-Path $ModuleOut $relative
        $null = New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force
        Copy-Item -LiteralPath $file.FullName -Destination $target -Force
    }
    # Licences of what the engine embeds (the drawing font, the HTML page's script library).
    Get-ChildItem -Path (Join-Path $Root 'src/PcapViz.Core/Rendering/Assets/LICENSE-*') -File | Copy-Item -Destination $ModuleOut
    # Licence and credit files at the repository root.
    foreach ($pattern in 'LICENSE*', 'NOTICE*', 'THIRD-PARTY-NOTICES*', 'CREDITS*') {
        Get-ChildItem -Path (Join-Path $Root $pattern) -File -ErrorAction SilentlyContinue |
            Copy-Item -Destination $ModuleOut
    }

    Write-StampedManifest $version
    $manifest = Test-ModuleManifest -Path (Join-Path $ModuleOut "$ModuleName.psd1") -ErrorAction Stop
    foreach ($required in @($manifest.RootModule, 'PcapViz.Core.dll')) {
        if (-not (Test-Path -LiteralPath (Join-Path $ModuleOut $required))) {
            throw "The laid-out module lacks $required."
        }
    }
    Write-Host "Module $ModuleName $($manifest.Version) laid out at $ModuleOut"
}

function Invoke-Test {
    Invoke-Build
    Write-Step "Test ($Configuration)"
    $env:PCAPVIZ_MODULE_PATH = (Resolve-Path -LiteralPath $ModuleOut).Path

    # Stream dotnet test's output as it comes, and keep its per-assembly summary lines:
    #   Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 3 s - X.dll (net10.0)
    $summaryPattern = '^\s*(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+),\s+Total:\s+(\d+)'
    $failed = 0; $passed = 0; $skipped = 0; $assemblies = 0
    Write-Host "> dotnet test $Solution -c $Configuration" -ForegroundColor DarkGray
    & {
        $ErrorActionPreference = 'Continue'
        dotnet test $Solution -c $Configuration --nologo 2>&1
    } | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match $summaryPattern) {
            $failed += [int]$Matches[1]; $passed += [int]$Matches[2]; $skipped += [int]$Matches[3]
            $assemblies++
        }
    }
    $exitCode = $LASTEXITCODE

    Write-Host ''
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($exitCode -ne 0) { throw "dotnet test failed (exit code $exitCode)." }
    if ($assemblies -eq 0 -or $passed -eq 0) { throw 'dotnet test ran no test.' }
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo: the bundled sample, in a fresh pwsh'
    $demoOut = Join-Path $OutDir 'demo'
    Invoke-Native dotnet @(
        'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'samples/demo.ps1'),
        '-ModulePath', $ModuleOut, '-OutDir', $demoOut
    ) -What 'The demo'
}

function Invoke-Bench {
    Invoke-Build
    Write-Step 'Bench'
    & (Join-Path $Root 'tools/bench/Invoke-Bench.ps1') -ModulePath $ModuleOut -OutDir (Join-Path $OutDir 'bench') -RepoRoot $Root

    # Remoting (issue 9): the 1M capture brought back over a private SSH server on 127.0.0.1, where OpenSSH is installed.
    if ($IsLinux -and (Get-Command -Name ssh -CommandType Application -ErrorAction Ignore) -and
        ((Get-Command -Name sshd -CommandType Application -ErrorAction Ignore) -or (Test-Path -LiteralPath '/usr/sbin/sshd'))) {
        Write-Step 'Bench: remoting over SSH'
        & (Join-Path $Root 'tools/bench/remoting.ps1') -ModulePath $ModuleOut -OutDir (Join-Path $OutDir 'bench') -RepoRoot $Root
    }
    else {
        Write-Host 'Remoting bench skipped: it needs Linux with OpenSSH (sshd and ssh) installed.'
    }
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    $zip = Join-Path $OutDir "$ModuleName-$version.zip"
    Write-Step "Package $zip"
    if (Test-Path -LiteralPath $zip) { Remove-Item -LiteralPath $zip -Force }
    Compress-Archive -Path $ModuleOut -DestinationPath $zip
    Write-Host "Wrote $zip"
}

Push-Location -LiteralPath $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Package' { Invoke-Package }
    }
    Write-Host ''
    Write-Host "$Task succeeded." -ForegroundColor Green
    exit 0
}
catch {
    Write-Host ''
    Write-Host "$Task FAILED: $($_.Exception.Message)" -ForegroundColor Red
    if ($_.InvocationInfo -and $_.InvocationInfo.PositionMessage) {
        Write-Host $_.InvocationInfo.PositionMessage -ForegroundColor DarkGray
    }
    exit 1
}
finally {
    Pop-Location
}
