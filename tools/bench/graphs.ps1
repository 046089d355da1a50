#requires -Version 7.4
<#
.SYNOPSIS
    Key hosts and picture export on big graphs, inside one pwsh, beside networkx and Graphviz on the same graphs.

.DESCRIPTION
    Called by tools/bench/Invoke-Bench.ps1 (build.ps1 -Task Bench):
    1. Get-PcapKeyHost on the layer-3 topology of the largest benchmark capture, exact and sampled; networkx
       (python3) runs PageRank and betweenness from a fixed number of sources on the same edges, and the report
       compares seconds per shortest-path search.
    2. Get-PcapKeyHost (sampled betweenness, PageRank and the rest) on a 100,000-node graph: the endpoints of
       the heaviest edges of the 1M capture's layer 4, up to 100,000, and every edge between them.
    3. Export-PcapGraph of that graph and of its heaviest 10,000 nodes to SVG, PNG and HTML with folding off
       (-MaxNodes 0 -MaxEdges 0); on the 10,000-node graph Graphviz renders it at our positions (neato -n2
       -Tsvg) and lays it out and renders it itself (sfdp -Tsvg), as PcapViz's Graphviz pictures did.
    Writes a JSON object to -ResultPath. A report, not a test.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $KeyHostCapture,
    [Parameter(Mandatory)] [string] $ExportCapture,
    [Parameter(Mandatory)] [string] $WorkDir,
    [Parameter(Mandatory)] [string] $ResultPath,
    [int] $NetworkxSources = 200
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name $ModulePath -Force

function Measure-Seconds([scriptblock] $Action) {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Action
    $sw.Elapsed.TotalSeconds
}

$python = Get-Command -Name python3 -CommandType Application -ErrorAction Ignore | Select-Object -First 1
$hasNetworkx = $false
if ($python) {
    & $python.Source -c 'import networkx' 2>$null
    $hasNetworkx = $LASTEXITCODE -eq 0
}
$neato = Get-Command -Name neato -CommandType Application -ErrorAction Ignore | Select-Object -First 1
$sfdp = Get-Command -Name sfdp -CommandType Application -ErrorAction Ignore | Select-Object -First 1

# Runs a program on a file, its output discarded; returns seconds, or $null when it is missing.
function Measure-Tool($Tool, [string[]] $Arguments) {
    if (-not $Tool) { return $null }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Tool.Source @Arguments > $null 2> (Join-Path $WorkDir 'tool.err')
    if ($LASTEXITCODE -ne 0) { throw "$($Tool.Name) $($Arguments -join ' ') failed: $(Get-Content -Raw (Join-Path $WorkDir 'tool.err'))" }
    $sw.Elapsed.TotalSeconds
}

# 1. Key hosts on layer 3 of the largest capture.
$t3 = Import-Pcap -LiteralPath $KeyHostCapture | Get-PcapTopology -Layer 3
$null = $t3 | Get-PcapKeyHost -Top 1          # JIT
$exact = $null
$exactSeconds = Measure-Seconds { $script:exact = @($t3 | Get-PcapKeyHost -ExactBetweennessLimit ([int]::MaxValue)) }
$sampled = $null
$sampledSeconds = Measure-Seconds { $script:sampled = @($t3 | Get-PcapKeyHost -ExactBetweennessLimit 0) }
$maxDifference = 0.0
$byHost = @{}
foreach ($k in $exact) { $byHost[$k.Host] = $k.Betweenness }
foreach ($k in $sampled) { $maxDifference = [Math]::Max($maxDifference, [Math]::Abs($k.Betweenness - $byHost[$k.Host])) }
Write-Host ("  key hosts, layer 3 of {0} ({1:N0} nodes, {2:N0} edges): exact {3:N2} s, sampled {4:N2} s ({5:N0} searches; largest difference from exact {6:0.00000}, bound {7})" -f `
    (Split-Path -Leaf $KeyHostCapture), $t3.Nodes.Count, $t3.Edges.Count, $exactSeconds, $sampledSeconds, $sampled[0].BetweennessSamples, $maxDifference, $sampled[0].BetweennessError)

$networkx = $null
if ($hasNetworkx) {
    $edgeFile = Join-Path $WorkDir 'layer3.edges'
    $t3.Edges | ForEach-Object { "$($_.Source) $($_.Destination) $($_.Bytes)" } | Set-Content -LiteralPath $edgeFile -Encoding utf8NoBOM
    $script = @"
import sys, time, networkx as nx
g = nx.DiGraph()
for line in open(sys.argv[1]):
    a, b, w = line.split()
    g.add_edge(a, b, weight=int(w))
from networkx.algorithms.link_analysis import pagerank_alg
t = time.perf_counter()
try:
    nx.pagerank(g, alpha=0.85, weight='weight')
except ImportError:  # no scipy: networkx's pure-Python PageRank
    pagerank_alg._pagerank_python(g, alpha=0.85, weight='weight')
pagerank = time.perf_counter() - t
u = g.to_undirected()
k = min(int(sys.argv[2]), u.number_of_nodes())
t = time.perf_counter(); nx.betweenness_centrality(u, k=k, seed=1); betweenness = time.perf_counter() - t
print(pagerank, betweenness, k)
"@
    $out = & $python.Source -c $script $edgeFile $NetworkxSources
    if ($LASTEXITCODE -ne 0) { throw 'networkx failed.' }
    $parts = "$out".Trim().Split(' ')
    $networkx = [pscustomobject]@{
        PageRankSeconds    = [double]::Parse($parts[0], [cultureinfo]::InvariantCulture)
        BetweennessSeconds = [double]::Parse($parts[1], [cultureinfo]::InvariantCulture)
        Sources            = [int]$parts[2]
    }
    $oursPerSearch = $exactSeconds / $t3.Nodes.Count
    $theirsPerSearch = $networkx.BetweennessSeconds / $networkx.Sources
    Write-Host ("  networkx on the same edges: PageRank {0:N2} s, betweenness from {1} sources {2:N2} s: {3:N4} s a search against our {4:N5} s (all of Get-PcapKeyHost, exact): {5:N0}x" -f `
        $networkx.PageRankSeconds, $networkx.Sources, $networkx.BetweennessSeconds, $theirsPerSearch, $oursPerSearch, ($theirsPerSearch / $oursPerSearch))
}
else {
    Write-Host '  networkx is not installed (python3 -m pip install networkx): its comparison is skipped.' -ForegroundColor Yellow
}
$t3 = $null

# 2. and 3. Graphs of 100,000 and 10,000 nodes from the 1M capture's layer 4.
$t4 = Import-Pcap -LiteralPath $ExportCapture | Get-PcapTopology -Layer 4
# The endpoints of the heaviest edges, until there are Count of them, and every edge between those: a graph with
# the capture's real structure (servers and their clients), not the heaviest nodes with few edges among them.
function Get-Subgraph([int] $Count) {
    $keep = [Collections.Generic.HashSet[string]]::new()
    foreach ($edge in ($t4.Edges | Sort-Object -Property Bytes -Descending)) {
        if ($keep.Count -ge $Count) { break }
        $null = $keep.Add($edge.Source)
        if ($keep.Count -lt $Count) { $null = $keep.Add($edge.Destination) }
    }
    [PcapViz.PcapTopology]@{
        Layer    = 4
        Nodes    = [PcapViz.PcapNode[]]@($t4.Nodes | Where-Object { $keep.Contains($_.Id) })
        Edges    = [PcapViz.PcapEdge[]]@($t4.Edges | Where-Object { $keep.Contains($_.Source) -and $keep.Contains($_.Destination) })
        Captures = [string[]]@($ExportCapture)
    }
}
$graphs = foreach ($count in 10000, 100000) {
    if ($t4.Nodes.Count -lt $count) { continue }
    $graph = Get-Subgraph $count
    $row = [ordered]@{ Nodes = $graph.Nodes.Count; Edges = $graph.Edges.Count }
    if ($count -eq 100000) {
        $hosts = $null
        $row.KeyHostSeconds = Measure-Seconds { $script:hosts = @($graph | Get-PcapKeyHost) }
        $row.KeyHostSearches = $hosts[0].BetweennessSamples
    }
    foreach ($format in 'svg', 'png', 'html') {
        $file = Join-Path $WorkDir "graph-$count.$format"
        $row["${format}Seconds"] = Measure-Seconds { $graph | Export-PcapGraph -LiteralPath $file -MaxNodes 0 -MaxEdges 0 -Force -WarningAction SilentlyContinue }
        $row["${format}MB"] = (Get-Item -LiteralPath $file).Length / 1MB
        Remove-Item -LiteralPath $file
    }
    $dot = Join-Path $WorkDir "graph-$count.dot"
    $graph | Export-PcapGraph -LiteralPath $dot -MaxNodes 0 -MaxEdges 0 -Force -WarningAction SilentlyContinue
    # Graphviz only on the 10,000-node graph: a trial of neato -n2 -Tsvg on the 100,000-node one ran past
    # nine minutes without finishing.
    $row.NeatoRenderSeconds = if ($count -le 10000) { Measure-Tool $neato @('-n2', '-Tsvg', $dot) } else { $null }
    $row.SfdpSeconds = if ($count -le 10000) { Measure-Tool $sfdp @('-Tsvg', $dot) } else { $null }
    Remove-Item -LiteralPath $dot
    $line = "  {0:N0} nodes, {1:N0} edges, folding off: SVG {2:N1} s ({3:N0} MB), PNG {4:N1} s, HTML {5:N1} s ({6:N0} MB)" -f $row.Nodes, $row.Edges, $row.svgSeconds, $row.svgMB, $row.pngSeconds, $row.htmlSeconds, $row.htmlMB
    if ($row.Contains('KeyHostSeconds')) { $line += "; Get-PcapKeyHost {0:N1} s ({1:N0} searches)" -f $row.KeyHostSeconds, $row.KeyHostSearches }
    if ($null -ne $row.NeatoRenderSeconds) { $line += "; Graphviz neato -n2 -Tsvg at our positions {0:N1} s ({1:N1}x ours)" -f $row.NeatoRenderSeconds, ($row.NeatoRenderSeconds / $row.svgSeconds) }
    if ($null -ne $row.SfdpSeconds) { $line += "; sfdp -Tsvg (its own layout) {0:N1} s ({1:N1}x ours)" -f $row.SfdpSeconds, ($row.SfdpSeconds / $row.svgSeconds) }
    Write-Host $line
    [pscustomobject]$row
}

[pscustomobject]@{
    KeyHostCapture       = $KeyHostCapture
    ExactSeconds         = $exactSeconds
    SampledSeconds       = $sampledSeconds
    SampledSearches      = $sampled[0].BetweennessSamples
    SampledMaxDifference = $maxDifference
    SampledBound         = $sampled[0].BetweennessError
    Networkx             = $networkx
    Graphs               = @($graphs)
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $ResultPath -Encoding utf8NoBOM
