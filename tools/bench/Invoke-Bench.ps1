#requires -Version 7.4
<#
.SYNOPSIS
    The speed and memory benchmark behind `build.ps1 -Task Bench`: Import-Pcap beside tshark.

.DESCRIPTION
    1. Generates four synthetic captures with ../shared/tools/gen-pcap.py into -OutDir, once
       (cached; regenerated only when their generator arguments change): 1M and 5M packets, and
       1M and 5M packets over the same flows (--hosts 20 --external 50 --fixed-ports).
    2. Warm engine speed: packets per second of Import-Pcap inside one pwsh (warm.ps1).
    3. End to end: wall time and peak RSS of a fresh
       `dotnet pwsh -NoProfile -Command "Import-Module ...; Import-Pcap FILE | Out-Null"`,
       and of `tshark -q -z conv,ip -r FILE` (measure.py).
    4. Once Get-PcapTopology exists: `Import-Pcap FILE | Get-PcapTopology -Layer 3` warm and fresh,
       and `-Layer 4` warm.
    5. Graphs (graphs.ps1): Get-PcapKeyHost exact and sampled on the largest capture's layer 3 beside
       networkx, and on a 100,000-node graph; Export-PcapGraph of 10,000 and 100,000 nodes to SVG, PNG
       and HTML with folding off, beside Graphviz rendering the same graph.
    Prints a table and writes results.json and results.md to -OutDir. A report, not a test:
    no assertion on time, but any step that fails makes it fail.

.PARAMETER Scale
    Multiplies every packet count (for a quick trial run, e.g. 0.01). build.ps1 uses 1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutDir,
    [Parameter(Mandatory)] [string] $RepoRoot,
    [double] $Scale = 1.0,
    [int] $Repeat = 3
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Invariant = [cultureinfo]::InvariantCulture
$BenchTools = $PSScriptRoot
$Generator = Join-Path $RepoRoot '../shared/tools/gen-pcap.py'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$null = New-Item -ItemType Directory -Path $OutDir -Force
$OutDir = (Resolve-Path -LiteralPath $OutDir).Path

$python = Get-Command -Name python3 -CommandType Application -ErrorAction Ignore | Select-Object -First 1
if (-not $python) { throw 'python3 is needed to generate the benchmark captures (gen-pcap.py) and to measure peak memory.' }
if (-not (Test-Path -LiteralPath $Generator)) { throw "Capture generator not found: $Generator (../shared must sit beside the repository)." }
$tshark = Get-Command -Name tshark -CommandType Application -ErrorAction Ignore | Select-Object -First 1

function Format-Count([long] $n) {
    if ($n % 1000000 -eq 0) { return "$($n / 1000000)M" }
    if ($n % 1000 -eq 0) { return "$($n / 1000)k" }
    return "$n"
}

function Format-Number($Value, [string] $Format) {
    if ($null -eq $Value) { return '-' }
    return ([double]$Value).ToString($Format, $Invariant)
}

# Runs a command under measure.py; returns wall seconds and peak RSS in MB, or throws.
function Measure-Process([string] $What, [string[]] $Command, [string] $StdoutPath) {
    $measureArgs = @((Join-Path $BenchTools 'measure.py'))
    if ($StdoutPath) { $measureArgs += @('--stdout', $StdoutPath) }
    $measureArgs += '--'
    $measureArgs += $Command
    $json = & $python.Source @measureArgs
    if ($LASTEXITCODE -ne 0) { throw "measure.py failed for $What (exit code $LASTEXITCODE)." }
    $m = $json | ConvertFrom-Json
    if ($m.exit_code -ne 0) {
        throw "$What failed (exit code $($m.exit_code)):`n$($m.stderr_tail)"
    }
    [pscustomobject]@{ Seconds = [double]$m.wall_s; PeakMB = [double]$m.peak_rss_kb / 1024 }
}

# The fresh process is this very pwsh (the one the dotnet tool installs), started as an installed pwsh starts:
# directly, not through `dotnet pwsh`, whose tool-manifest lookup is a launcher in front of pwsh and is reported
# on its own line.
$PwshEntry = Join-Path $PSHOME 'pwsh.dll'
function Get-PwshCommand([string] $Script, [switch] $ThroughDotnetTool) {
    $launcher = if ($ThroughDotnetTool -or -not (Test-Path -LiteralPath $PwshEntry)) { @('dotnet', 'pwsh') } else { @('dotnet', 'exec', $PwshEntry) }
    return $launcher + @('-NoProfile', '-NonInteractive', '-Command', $Script)
}

function Quote([string] $Path) { "'" + $Path.Replace("'", "''") + "'" }

# 1. Captures (cached).
$specs = @(
    @{ Packets = 1000000; Fixed = $false }
    @{ Packets = 5000000; Fixed = $false }
    @{ Packets = 1000000; Fixed = $true }
    @{ Packets = 5000000; Fixed = $true }
)
$captures = foreach ($spec in $specs) {
    $packets = [long][Math]::Max(1000, [Math]::Round($spec.Packets * $Scale))
    $genArgs = @('--packets', "$packets")
    $name = "bench-$(Format-Count $packets)"
    if ($spec.Fixed) {
        $genArgs += @('--hosts', '20', '--external', '50', '--fixed-ports')
        $name += '-fixed'
    }
    $file = Join-Path $OutDir "$name.pcap"
    $argsFile = "$file.args"
    $argsText = $genArgs -join ' '
    $cached = (Test-Path -LiteralPath $file) -and (Test-Path -LiteralPath $argsFile) -and
        ((Get-Content -LiteralPath $argsFile -Raw).Trim() -eq $argsText)
    if ($cached) {
        Write-Host "Using cached $file"
    }
    else {
        Write-Host "Generating $file ($argsText)"
        $tmp = "$file.tmp"
        & $python.Source $Generator $tmp @genArgs
        if ($LASTEXITCODE -ne 0) { throw "gen-pcap.py failed for $name (exit code $LASTEXITCODE)." }
        Move-Item -LiteralPath $tmp -Destination $file -Force
        Set-Content -LiteralPath $argsFile -Value $argsText -Encoding utf8NoBOM
    }
    [pscustomobject]@{ Name = "$name.pcap"; File = $file; Fixed = $spec.Fixed; SizeMB = (Get-Item -LiteralPath $file).Length / 1MB }
}

# 2. Warm engine speed, inside one pwsh.
Write-Host ''
Write-Host "Warm runs inside one pwsh (1 warm-up + best of $Repeat):"
$warmJson = Join-Path $OutDir 'warm.json'
$warmList = Join-Path $OutDir 'warm.list'
Set-Content -LiteralPath $warmList -Value @($captures.File) -Encoding utf8NoBOM
& dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $BenchTools 'warm.ps1') `
    -ModulePath $ModulePath -ListPath $warmList -ResultPath $warmJson -Repeat $Repeat
if ($LASTEXITCODE -ne 0) { throw "The warm runs failed (exit code $LASTEXITCODE)." }
$warm = @(Get-Content -LiteralPath $warmJson -Raw | ConvertFrom-Json)

$hasTopology = @($warm | Where-Object { $null -ne $_.Topology3Seconds }).Count -gt 0
$hasThreats = @($warm | Where-Object { $null -ne $_.ThreatSeconds }).Count -gt 0

# 3. and 4. Fresh processes: ours and tshark's.
Write-Host ''
Write-Host 'Fresh processes:'
$importModule = "`$ErrorActionPreference = 'Stop'; Import-Module $(Quote $ModulePath)"
$startup = Measure-Process 'pwsh start-up with Import-Module' (Get-PwshCommand $importModule)
Write-Host ("  pwsh start-up + Import-Module alone: {0:N2} s, {1:N0} MB" -f $startup.Seconds, $startup.PeakMB)
$toolStartup = Measure-Process 'dotnet pwsh start-up with Import-Module' (Get-PwshCommand $importModule -ThroughDotnetTool)
Write-Host ('  the same through dotnet pwsh (tool-manifest lookup first): {0:N2} s' -f $toolStartup.Seconds)

$rows = foreach ($capture in $captures) {
    $w = $warm | Where-Object { $_.File -eq $capture.File } | Select-Object -First 1
    if (-not $w) { throw "No warm result for $($capture.Name)." }
    $prefix = "$importModule; "

    $ours = Measure-Process "Import-Pcap $($capture.Name)" (Get-PwshCommand ($prefix + "Import-Pcap -LiteralPath $(Quote $capture.File) | Out-Null"))
    Write-Host ("  Import-Pcap {0}: {1:N2} s, {2:N0} MB" -f $capture.Name, $ours.Seconds, $ours.PeakMB)

    $topo = $null
    if ($hasTopology) {
        $topo = Measure-Process "Get-PcapTopology $($capture.Name)" (Get-PwshCommand ($prefix + "Import-Pcap -LiteralPath $(Quote $capture.File) | Get-PcapTopology -Layer 3 | Out-Null"))
        Write-Host ("  Import-Pcap | Get-PcapTopology -Layer 3 {0}: {1:N2} s, {2:N0} MB" -f $capture.Name, $topo.Seconds, $topo.PeakMB)
    }

    $threats = $null
    if ($hasThreats) {
        $threats = Measure-Process "Find-PcapThreat $($capture.Name)" (Get-PwshCommand ($prefix + "Import-Pcap -LiteralPath $(Quote $capture.File) | Find-PcapThreat | Out-Null"))
        Write-Host ("  Import-Pcap | Find-PcapThreat {0}: {1:N2} s, {2:N0} MB" -f $capture.Name, $threats.Seconds, $threats.PeakMB)
    }

    $ts = $null
    if ($tshark) {
        $convOut = Join-Path $OutDir "$([IO.Path]::GetFileNameWithoutExtension($capture.Name)).tshark-conv-ip.txt"
        $ts = Measure-Process "tshark $($capture.Name)" @($tshark.Source, '-q', '-z', 'conv,ip', '-r', $capture.File) $convOut
        Write-Host ("  tshark -q -z conv,ip {0}: {1:N2} s, {2:N0} MB" -f $capture.Name, $ts.Seconds, $ts.PeakMB)
    }

    [pscustomobject][ordered]@{
        Capture              = $capture.Name
        Fixed                = $capture.Fixed
        Packets              = [long]$w.Packets
        Flows                = $w.Flows
        SizeMB               = $capture.SizeMB
        WarmPacketsPerSecond = $w.Packets / $w.ImportSeconds
        WarmSeconds          = $w.ImportSeconds
        FreshSeconds         = $ours.Seconds
        FreshPeakMB          = $ours.PeakMB
        TsharkSeconds        = if ($ts) { $ts.Seconds } else { $null }
        TsharkPeakMB         = if ($ts) { $ts.PeakMB } else { $null }
        TsharkOverOurs       = if ($ts) { $ts.Seconds / $ours.Seconds } else { $null }
        Topology3WarmSeconds = if ($hasTopology) { $w.Topology3Seconds } else { $null }
        Topology3WarmOverhead = if ($hasTopology) { $w.Topology3Seconds / $w.ImportSeconds - 1 } else { $null }
        Topology4WarmSeconds = if ($hasTopology) { $w.Topology4Seconds } else { $null }
        TopologyFreshSeconds = if ($topo) { $topo.Seconds } else { $null }
        TopologyFreshPeakMB  = if ($topo) { $topo.PeakMB } else { $null }
        ThreatWarmSeconds    = if ($hasThreats) { $w.ThreatSeconds } else { $null }
        ThreatWarmOverhead   = if ($hasThreats) { $w.ThreatSeconds / $w.ImportSeconds - 1 } else { $null }
        ThreatFreshSeconds   = if ($threats) { $threats.Seconds } else { $null }
        ThreatFreshOverhead  = if ($threats) { $threats.Seconds / $ours.Seconds - 1 } else { $null }
        ThreatFreshPeakMB    = if ($threats) { $threats.PeakMB } else { $null }
        ThreatPeakOverImport = if ($threats) { $threats.PeakMB / $ours.PeakMB - 1 } else { $null }
    }
}

# Report.
$columns = [System.Collections.Generic.List[object]]@(
    @{ Name = 'Capture'; Expression = { $_.Capture } }
    @{ Name = 'Packets'; Expression = { Format-Number $_.Packets 'N0' }; Align = 'Right' }
    @{ Name = 'Flows'; Expression = { Format-Number $_.Flows 'N0' }; Align = 'Right' }
    @{ Name = 'MB'; Expression = { Format-Number $_.SizeMB 'N0' }; Align = 'Right' }
    @{ Name = 'Warm Mpkt/s'; Expression = { Format-Number ($_.WarmPacketsPerSecond / 1e6) 'N2' }; Align = 'Right' }
    @{ Name = 'Fresh s'; Expression = { Format-Number $_.FreshSeconds 'N2' }; Align = 'Right' }
    @{ Name = 'Fresh peak MB'; Expression = { Format-Number $_.FreshPeakMB 'N0' }; Align = 'Right' }
)
if ($tshark) {
    $columns.Add(@{ Name = 'tshark s'; Expression = { Format-Number $_.TsharkSeconds 'N2' }; Align = 'Right' })
    $columns.Add(@{ Name = 'tshark peak MB'; Expression = { Format-Number $_.TsharkPeakMB 'N0' }; Align = 'Right' })
    $columns.Add(@{ Name = 'tshark/ours'; Expression = { (Format-Number $_.TsharkOverOurs 'N1') + 'x' }; Align = 'Right' })
}
if ($hasTopology) {
    $columns.Add(@{ Name = 'L3 warm s'; Expression = { Format-Number $_.Topology3WarmSeconds 'N2' }; Align = 'Right' })
    $columns.Add(@{ Name = 'L3 vs import'; Expression = { (Format-Number (100 * $_.Topology3WarmOverhead) '+0;-0;0') + '%' }; Align = 'Right' })
    $columns.Add(@{ Name = 'L3 fresh s'; Expression = { Format-Number $_.TopologyFreshSeconds 'N2' }; Align = 'Right' })
    $columns.Add(@{ Name = 'L3 peak MB'; Expression = { Format-Number $_.TopologyFreshPeakMB 'N0' }; Align = 'Right' })
    $columns.Add(@{ Name = 'L4 warm s'; Expression = { Format-Number $_.Topology4WarmSeconds 'N2' }; Align = 'Right' })
}
if ($hasThreats) {
    $columns.Add(@{ Name = 'Threat warm s'; Expression = { Format-Number $_.ThreatWarmSeconds 'N2' }; Align = 'Right' })
    $columns.Add(@{ Name = 'vs import'; Expression = { (Format-Number (100 * $_.ThreatWarmOverhead) '+0;-0;0') + '%' }; Align = 'Right' })
    $columns.Add(@{ Name = 'Threat fresh s'; Expression = { Format-Number $_.ThreatFreshSeconds 'N2' }; Align = 'Right' })
    $columns.Add(@{ Name = 'vs import '; Expression = { (Format-Number (100 * $_.ThreatFreshOverhead) '+0;-0;0') + '%' }; Align = 'Right' })
    $columns.Add(@{ Name = 'Threat peak MB'; Expression = { Format-Number $_.ThreatFreshPeakMB 'N0' }; Align = 'Right' })
    $columns.Add(@{ Name = 'peak vs import'; Expression = { (Format-Number (100 * $_.ThreatPeakOverImport) '+0;-0;0') + '%' }; Align = 'Right' })
}

$fixedPair = @($rows | Where-Object Fixed | Sort-Object Packets)
$ratioLines = [System.Collections.Generic.List[string]]::new()
if ($fixedPair.Count -eq 2) {
    $small = $fixedPair[0]; $large = $fixedPair[1]
    $pair = "$($large.Capture) / $($small.Capture)"
    $ratioLines.Add(('Memory over the same flows, {0}: Import-Pcap {1:N2}x ({2:N0} MB / {3:N0} MB)' -f $pair, ($large.FreshPeakMB / $small.FreshPeakMB), $large.FreshPeakMB, $small.FreshPeakMB))
    if ($hasTopology -and $small.TopologyFreshPeakMB) {
        $ratioLines.Add(('  Import-Pcap | Get-PcapTopology -Layer 3 {0:N2}x' -f ($large.TopologyFreshPeakMB / $small.TopologyFreshPeakMB)))
    }
    if ($tshark) {
        $ratioLines.Add(('  tshark {0:N2}x ({1:N0} MB / {2:N0} MB)' -f ($large.TsharkPeakMB / $small.TsharkPeakMB), $large.TsharkPeakMB, $small.TsharkPeakMB))
    }
}

$machine = '{0} cores, {1}, {2}' -f [Environment]::ProcessorCount, [Runtime.InteropServices.RuntimeInformation]::OSDescription, [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
$cpu = (Get-Content -LiteralPath /proc/cpuinfo -ErrorAction Ignore | Select-String -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1)?.Matches[0].Groups[1].Value
$tsharkVersion = if ($tshark) { (& $tshark.Source --version 2>$null | Select-Object -First 1) } else { 'tshark not installed' }
$notes = @(
    "Machine: $machine$(if ($cpu) { ", $cpu" })."
    "Warm: Import-Pcap inside one pwsh on a file in the page cache, best of $Repeat after a warm-up run."
    ('Fresh: a new `pwsh -NoProfile -Command "Import-Module ...; Import-Pcap FILE | Out-Null"` process (the dotnet tool''s pwsh, run as `dotnet exec $PSHOME/pwsh.dll`), wall time and peak RSS; pwsh start-up + Import-Module alone take {0:N2} s and {1:N0} MB of that. Starting it through `dotnet pwsh` instead adds the tool-manifest lookup: {2:N2} s for start-up + Import-Module.' -f $startup.Seconds, $startup.PeakMB, $toolStartup.Seconds)
    "tshark: ``tshark -q -z conv,ip -r FILE`` ($tsharkVersion), wall time and peak RSS."
)
if ($hasThreats) {
    $notes += 'Threats: `Import-Pcap FILE | Find-PcapThreat`, warm (best of runs, against Import-Pcap alone) and in a fresh process (time and peak memory against the fresh Import-Pcap).'
}
if ($hasTopology) {
    $notes += 'L3/L4: `Import-Pcap FILE | Get-PcapTopology -Layer 3` (or 4), warm best-of runs as above (L3 vs import: how much longer than Import-Pcap alone) and a fresh process for layer 3.'
}

Write-Host ''
Write-Host 'Benchmark results'
if (-not $tshark) { Write-Host 'tshark is not installed: its columns are skipped (apt-get install tshark).' -ForegroundColor Yellow }
$rows | Format-Table -Property $columns | Out-String -Width 250 -Stream | Write-Host
foreach ($line in $ratioLines) { Write-Host $line }
Write-Host ''

# Against the targets of issue 2 (a report, not a test).
$big = $rows | Where-Object { -not $_.Fixed } | Sort-Object Packets | Select-Object -Last 1
$targets = [System.Collections.Generic.List[string]]::new()
$slowestWarm = ($rows | Measure-Object -Property WarmPacketsPerSecond -Minimum).Minimum
$targets.Add(('Warm engine speed >= 3 Mpkt/s: slowest file {0:N2} Mpkt/s' -f ($slowestWarm / 1e6)))
if ($tshark -and $big) { $targets.Add(('End to end >= 20x tshark on {0}: {1:N1}x' -f $big.Capture, $big.TsharkOverOurs)) }
$maxPackets = ($rows | Measure-Object -Property Packets -Maximum).Maximum
$peak5M = ($rows | Where-Object Packets -EQ $maxPackets | Measure-Object -Property FreshPeakMB -Maximum).Maximum
$targets.Add(('Peak memory < 600 MB at the largest file: {0:N0} MB' -f $peak5M))
if ($fixedPair.Count -eq 2) { $targets.Add(('Memory over the same flows within 30%: {0:N2}x' -f ($fixedPair[1].FreshPeakMB / $fixedPair[0].FreshPeakMB))) }
if ($hasTopology -and $big) { $targets.Add(('Import-Pcap | Get-PcapTopology -Layer 3 < 10% longer than Import-Pcap on {0} (issue 3): {1:+0;-0;0}%' -f $big.Capture, (100 * $big.Topology3WarmOverhead))) }
Write-Host 'Targets (issue 2):'
foreach ($line in $targets) { Write-Host "  $line" }
foreach ($line in $notes) { Write-Host $line }

# 5. Graphs: key hosts and picture export, beside networkx and Graphviz.
Write-Host ''
Write-Host 'Graphs (key hosts and export, inside one pwsh):'
$graphsJson = Join-Path $OutDir 'graphs.json'
$largest = $captures | Where-Object { -not $_.Fixed } | Sort-Object SizeMB | Select-Object -Last 1
$oneMillion = $captures | Where-Object { -not $_.Fixed } | Sort-Object SizeMB | Select-Object -First 1
& dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $BenchTools 'graphs.ps1') -ModulePath $ModulePath `
    -KeyHostCapture $largest.File -ExportCapture $oneMillion.File -WorkDir $OutDir -ResultPath $graphsJson
if ($LASTEXITCODE -ne 0) { throw "The graph runs failed (exit code $LASTEXITCODE)." }
$graphResults = Get-Content -LiteralPath $graphsJson -Raw | ConvertFrom-Json
$hundredThousand = @($graphResults.Graphs | Where-Object Nodes -GE 100000) | Select-Object -First 1
if ($hundredThousand) {
    Write-Host 'Targets (issue 14):'
    Write-Host ('  Sampled betweenness + PageRank on {0:N0} nodes < 10 s: {1:N1} s' -f $hundredThousand.Nodes, $hundredThousand.KeyHostSeconds)
    Write-Host ('  {0:N0}-node SVG < 20 s: {1:N1} s' -f $hundredThousand.Nodes, $hundredThousand.svgSeconds)
}

# Files for the README.
$mdRows = foreach ($row in $rows) {
    '| ' + (($columns | ForEach-Object { $value = $row | Select-Object -Property @{ Name = 'v'; Expression = $_.Expression }; "$($value.v)" }) -join ' | ') + ' |'
}
$md = @(
    '| ' + (($columns | ForEach-Object { $_.Name }) -join ' | ') + ' |'
    '|' + (($columns | ForEach-Object { if ($_['Align'] -eq 'Right') { '---:' } else { '---' } }) -join '|') + '|'
    $mdRows
    ''
    $ratioLines | ForEach-Object { "$_  " }
    ''
    $notes | ForEach-Object { "$_  " }
)
Set-Content -LiteralPath (Join-Path $OutDir 'results.md') -Value $md -Encoding utf8NoBOM
[pscustomobject]@{ Startup = $startup; ToolStartup = $toolStartup; Rows = @($rows); Graphs = $graphResults; Notes = $notes } | ConvertTo-Json -Depth 6 |
    Set-Content -LiteralPath (Join-Path $OutDir 'results.json') -Encoding utf8NoBOM
Write-Host ''
Write-Host "Wrote $(Join-Path $OutDir 'results.md') and results.json"
