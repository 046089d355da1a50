#requires -Version 7.4
<#
.SYNOPSIS
    The PcapViz demo: the main job on the bundled sample capture, with embedded defaults.

.DESCRIPTION
    Run by `dotnet pwsh ./build.ps1 -Task Demo` in a fresh pwsh after the module is built,
    or directly once out/PcapViz exists:  dotnet pwsh ./samples/demo.ps1

    Each step is one entry in $steps: a title, the cmdlet it needs (optional; the step is skipped
    when the module lacks it) and a script block that prints what a person reads and writes its
    files into $OutDir. To extend the demo, add a step.
    Needs no Graphviz and no network.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PcapViz'),
    [string] $OutDir = (Join-Path $PSScriptRoot '../out/demo'),
    [string] $Sample = (Join-Path $PSScriptRoot 'sll-mixed-tcp-dns-dhcp-arp.pcap'),
    # A generated capture with planted threats (tests/tools/gen-threats.py --scenario demo): the bundled real
    # sample holds none, so Find-PcapThreat is shown on this one.
    [string] $PlantedSample = (Join-Path $PSScriptRoot 'planted-threats.pcap.gz')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module -Name (Resolve-Path -LiteralPath $ModulePath).Path -Force
$null = New-Item -ItemType Directory -Path $OutDir -Force
$OutDir = (Resolve-Path -LiteralPath $OutDir).Path
$Sample = (Resolve-Path -LiteralPath $Sample).Path
$PlantedSample = (Resolve-Path -LiteralPath $PlantedSample).Path

# Tables are printed at a fixed, generous width so they read the same in a terminal and in a log.
function Show([Parameter(ValueFromPipeline)] $InputObject) {
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { $items | Out-String -Width 160 -Stream | Write-Host }
}

$state = @{}
$written = [System.Collections.Generic.List[string]]::new()

$steps = @(
    @{
        Title = 'Capture summary (Import-Pcap)'
        Run   = {
            $state.Capture = Import-Pcap -LiteralPath $Sample
            $state.Capture | Show
            $state.Capture | Format-List | Show
            $file = Join-Path $OutDir 'capture.txt'
            $state.Capture | Format-List | Out-File -LiteralPath $file -Width 160
            $written.Add($file)
        }
    }
    @{
        Title = 'Top 10 conversations by bytes (Get-PcapFlow)'
        Run   = {
            $state.Flows = @($state.Capture | Get-PcapFlow)
            $state.Flows | Sort-Object Bytes -Descending | Select-Object -First 10 | Format-Table | Show
            Write-Host "$($state.Flows.Count) conversations in all."
            $file = Join-Path $OutDir 'flows.csv'
            $state.Flows | Sort-Object Bytes -Descending | Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
        }
    }
    @{
        Title    = 'Layer-3 topology: the 10 heaviest edges (Get-PcapTopology -Layer 3)'
        Requires = 'Get-PcapTopology'
        Run      = {
            $topology = $state.Capture | Get-PcapTopology -Layer 3
            $topology | Format-List Layer, Packets, Bytes, @{ Name = 'Nodes'; Expression = { $_.Nodes.Count } }, @{ Name = 'Edges'; Expression = { $_.Edges.Count } } | Show
            $topology.Edges | Sort-Object Bytes -Descending | Select-Object -First 10 | Format-Table | Show
            $file = Join-Path $OutDir 'topology-layer3-edges.csv'
            $topology.Edges | Sort-Object Bytes -Descending |
                Select-Object Source, Destination, Packets, Bytes, FirstSeen, LastSeen, @{ Name = 'Protocols'; Expression = { $_.Protocols -join ' ' } } |
                Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
            $file = Join-Path $OutDir 'topology-layer3-nodes.csv'
            $topology.Nodes | Sort-Object BytesReceived -Descending |
                Select-Object Id, IsInternal, Country, CountryName, InDegree, OutDegree, PacketsSent, PacketsReceived, BytesSent, BytesReceived,
                    @{ Name = 'HostNames'; Expression = { $_.HostNames -join ' ' } } |
                Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
        }
    }
    @{
        Title    = 'Most contacted hosts (Get-FrequentHost -Direction In -Top 10)'
        Requires = 'Get-FrequentHost'
        Run      = {
            $hosts = @($state.Capture | Get-FrequentHost -Direction In -Top 10)
            $hosts | Format-Table | Show
            $file = Join-Path $OutDir 'frequent-hosts-in.csv'
            $hosts | Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
        }
    }
    @{
        Title    = 'Findings (Find-PcapThreat) on the bundled sample, then on a planted capture'
        Requires = 'Find-PcapThreat'
        Run      = {
            $onSample = @($state.Capture | Find-PcapThreat)
            Write-Host "The bundled sample: $($onSample.Count) finding(s)."
            $onSample | Format-Table | Show
            Write-Host "The planted capture ($(Split-Path -Leaf $PlantedSample)): six hours of an 8-host office with planted threats."
            $findings = @(Import-Pcap -LiteralPath $PlantedSample | Find-PcapThreat)
            $findings | Format-Table Kind, Severity, Score, Source, Destination, Reason -Wrap | Show
            $findings | Select-Object -First 1 | Format-List | Show
            $file = Join-Path $OutDir 'findings.csv'
            $findings | Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
            $file = Join-Path $OutDir 'findings.json'
            $findings | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $file
            $written.Add($file)
        }
    }
    @{
        Title    = 'Key hosts of the planted capture (Get-PcapKeyHost -Top 10)'
        Requires = 'Get-PcapKeyHost'
        Run      = {
            $state.Planted = Import-Pcap -LiteralPath $PlantedSample
            $keyHosts = @($state.Planted | Get-PcapTopology -Layer 3 | Get-PcapKeyHost)
            $keyHosts | Select-Object -First 10 | Format-Table | Show
            $file = Join-Path $OutDir 'key-hosts.csv'
            $keyHosts | Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
        }
    }
    @{
        Title    = 'What the day added after its first two and a half hours (Compare-PcapTopology)'
        Requires = 'Compare-PcapTopology'
        Run      = {
            $early = $state.Planted | Get-PcapTopology -Layer 3 -Before '2026-11-02T02:30:00Z'
            $changes = @($state.Planted | Get-PcapTopology -Layer 3 | Compare-PcapTopology -ReferenceObject $early)
            $new = @($changes | Where-Object SideIndicator -eq '=>')
            Write-Host "$($new.Count) nodes and edges are new after 02:30; the hosts among them:"
            $new | Where-Object Kind -eq Node | Format-Table | Show
            $file = Join-Path $OutDir 'topology-changes.csv'
            $changes | Export-Csv -LiteralPath $file -NoTypeInformation
            $written.Add($file)
        }
    }
    @{
        Title    = 'Pictures: layer 3 and 4 graphs as SVG, PNG and interactive HTML (Export-PcapGraph)'
        Requires = 'Export-PcapGraph'
        Run      = {
            foreach ($layer in 3, 4) {
                $topology = $state.Capture | Get-PcapTopology -Layer $layer
                foreach ($extension in 'svg', 'png', 'html') {
                    $file = $topology | Export-PcapGraph -LiteralPath (Join-Path $OutDir "layer$layer.$extension") -Force -PassThru
                    $written.Add($file.FullName)
                }
            }
            Write-Host 'Open layer3.html in a browser: pan, zoom, search, and click a host to see its neighbours.'
        }
    }
    @{
        Title    = 'The findings drawn on the planted capture''s graph (Export-PcapGraph -Finding, -Layout Responder)'
        Requires = 'Find-PcapThreat'
        Run      = {
            $state.Planted ??= Import-Pcap -LiteralPath $PlantedSample
            $topology = $state.Planted | Get-PcapTopology -Layer 3
            $findings = @($state.Planted | Find-PcapThreat)
            foreach ($extension in 'svg', 'png', 'html', 'pdf') {
                $file = $topology | Export-PcapGraph -LiteralPath (Join-Path $OutDir "findings.$extension") -Finding $findings -Layout Responder -Force -PassThru
                $written.Add($file.FullName)
            }
            $file = $topology | Export-PcapGraph -LiteralPath (Join-Path $OutDir 'key-hosts.png') -SizeBy Betweenness -MarkKeyHosts 5 -Force -PassThru
            $written.Add($file.FullName)
            Write-Host "$($findings.Count) findings drawn: each finding's edges in its severity's colour, numbered, the rest faded;"
            Write-Host 'the internal subnet in the middle, the outside world around it by country. In findings.html, click a'
            Write-Host 'finding in the list to select it. key-hosts.png sizes the hosts by betweenness and rings the top five.'
        }
    }
)

Write-Host "PcapViz demo on $Sample"
foreach ($step in $steps) {
    Write-Host ''
    Write-Host "--- $($step.Title)" -ForegroundColor Cyan
    if ($step['Requires'] -and -not (Get-Command -Name $step.Requires -Module PcapViz -ErrorAction Ignore)) {
        Write-Host "(skipped: this build has no $($step.Requires))"
        continue
    }
    & $step.Run
}

Write-Host ''
Write-Host "Results written to $OutDir :"
foreach ($file in $written) { Write-Host "  $file" }
Write-Host ''
Write-Host 'Country data: IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0.'
