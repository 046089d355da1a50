#requires -Version 7.4
<#
.SYNOPSIS
    Packets per second of Import-Pcap (and of Import-Pcap | Get-PcapTopology -Layer 3 and -Layer 4,
    when that cmdlet exists) on warm files, all measured inside this one pwsh process.

.DESCRIPTION
    For each file: one unmeasured run to warm the page cache and the JIT, then -Repeat measured
    runs; the best run is reported. Writes a JSON array to -ResultPath.
    Called by tools/bench/Invoke-Bench.ps1 (build.ps1 -Task Bench).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # A text file naming one capture per line (a -File invocation cannot pass an array).
    [Parameter(Mandatory)] [string] $ListPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $Repeat = 3
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module -Name $ModulePath -Force
$Files = @(Get-Content -LiteralPath $ListPath | Where-Object { $_ })
$hasTopology = $null -ne (Get-Command -Name Get-PcapTopology -Module PcapViz -ErrorAction Ignore)
$hasThreats = $null -ne (Get-Command -Name Find-PcapThreat -Module PcapViz -ErrorAction Ignore)

function Measure-Best([scriptblock] $Action, [int] $Times) {
    $best = [double]::MaxValue
    for ($i = 0; $i -lt $Times; $i++) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Action
        $sw.Stop()
        $best = [Math]::Min($best, $sw.Elapsed.TotalSeconds)
    }
    return $best
}

$results = foreach ($file in $Files) {
    # Warm-up: page cache and JIT; also gives the packet count.
    $capture = Import-Pcap -LiteralPath $file
    $packets = $capture.Packets
    $flows = $capture.PSObject.Properties['FlowCount']?.Value
    $capture = $null

    $importSeconds = Measure-Best { Import-Pcap -LiteralPath $file | Out-Null } $Repeat
    $topology3Seconds = $null
    $topology4Seconds = $null
    if ($hasTopology) {
        Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 3 | Out-Null
        $topology3Seconds = Measure-Best { Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 3 | Out-Null } $Repeat
        Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 4 | Out-Null
        $topology4Seconds = Measure-Best { Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 4 | Out-Null } $Repeat
    }
    $threatSeconds = $null
    if ($hasThreats) {
        Import-Pcap -LiteralPath $file | Find-PcapThreat | Out-Null
        $threatSeconds = Measure-Best { Import-Pcap -LiteralPath $file | Find-PcapThreat | Out-Null } $Repeat
    }
    $line = "  warm {0}: {1:N0} packets, Import-Pcap {2:N3} s" -f (Split-Path -Leaf $file), $packets, $importSeconds
    if ($hasTopology) { $line += ", | Get-PcapTopology -Layer 3 {0:N3} s, -Layer 4 {1:N3} s" -f $topology3Seconds, $topology4Seconds }
    if ($hasThreats) { $line += ", | Find-PcapThreat {0:N3} s" -f $threatSeconds }
    Write-Host $line
    [pscustomobject]@{
        File             = $file
        Packets          = $packets
        Flows            = $flows
        ImportSeconds    = $importSeconds
        Topology3Seconds = $topology3Seconds
        Topology4Seconds = $topology4Seconds
        ThreatSeconds    = $threatSeconds
    }
}

ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
