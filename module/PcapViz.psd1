#
# Module manifest source for PcapViz.
#
# ModuleVersion is a placeholder: build.ps1 stamps it from <VersionPrefix> in
# Directory.Build.props when it lays the module out at out/PcapViz/.
#
@{
    RootModule             = 'PcapViz.PowerShell.dll'
    ModuleVersion          = '0.0.0'
    GUID                   = '446c6eea-b9c9-4e28-8fd9-f0848e3080ea'
    Author                 = 'PcapViz contributors'
    CompanyName            = 'PcapViz'
    Copyright              = '(c) PcapViz contributors. MIT licence.'
    Description            = 'Reads pcap and pcapng packet captures at disk speed into typed capture, flow and topology objects: conversations, layer 2/3/4 topologies, frequent hosts, graphs and ranked findings (exfiltration, beaconing, DNS tunnels, long connections, protocols on the wrong port), from the PowerShell pipeline.'
    PowerShellVersion      = '7.4'
    CompatiblePSEditions   = @('Core')

    # Loaded before the types file, which names PcapViz types (rehydration after Export-Clixml and remoting).
    RequiredAssemblies     = @('PcapViz.Core.dll', 'PcapViz.PowerShell.dll')

    FormatsToProcess       = @('PcapViz.Format.ps1xml')
    TypesToProcess         = @('PcapViz.Types.ps1xml')

    # Explicit lists: no wildcards, so command discovery never has to load the module.
    CmdletsToExport        = @(
        'Import-Pcap'
        'Get-PcapFlow'
        'Get-PcapTopology'
        'Get-FrequentHost'
        'Export-PcapGraph'
        'Find-PcapThreat'
        'Get-PcapKeyHost'
        'Compare-PcapTopology'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()

    PrivateData            = @{
        PSData = @{
            Tags         = @('pcap', 'pcapng', 'network', 'packet', 'capture', 'flow', 'topology', 'graphviz', 'forensics', 'Linux', 'Windows', 'MacOS')
            # No ProjectUri and no LicenseUri while the repository has no public home (the licence ships as LICENSE).
            # With a home, LicenseUri points at LICENSE under ProjectUri, never at a generic licence page.
            ReleaseNotes = 'See README.md.'
        }
    }
}
