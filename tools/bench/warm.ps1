#requires -Version 7.4
<#
.SYNOPSIS
    Packets per second of Import-Pcap (and Import-Pcap | Get-PcapTopology -Layer 3, when that
    cmdlet exists) on warm files, all measured inside this one pwsh process.

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
    $topologySeconds = $null
    if ($hasTopology) {
        Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 3 | Out-Null
        $topologySeconds = Measure-Best { Import-Pcap -LiteralPath $file | Get-PcapTopology -Layer 3 | Out-Null } $Repeat
    }
    Write-Host ("  warm {0}: {1:N0} packets, {2:N3} s" -f (Split-Path -Leaf $file), $packets, $importSeconds)
    [pscustomobject]@{
        File            = $file
        Packets         = $packets
        Flows           = $flows
        ImportSeconds   = $importSeconds
        TopologySeconds = $topologySeconds
    }
}

ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
