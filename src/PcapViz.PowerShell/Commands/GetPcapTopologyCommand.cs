using System.Management.Automation;
using PcapViz.Core;
using PcapViz.Core.Flows;
using PcapViz.Core.Geo;
using PcapViz.Core.Names;
using PcapViz.Core.Topology;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Builds the layer 2, 3 or 4 communication graph of captures or conversations.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PcapTopology", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PcapTopology))]
public sealed class GetPcapTopologyCommand : TopologyInputCmdlet
{
    private GeoLocator? _geo;
    private bool _ownsGeo;

    /// <summary>2: MAC addresses; 3: IP addresses; 4: IP address and TCP/UDP port.</summary>
    [Parameter]
    [ValidateRange(2, 4)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public int Layer { get; set; } = 3;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProtocolNameCompleter))]
    public string[]? Protocol { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProtocolNameCompleter))]
    public string[]? ExcludeProtocol { get; set; }

    /// <summary>IP addresses or CIDR networks; a flow is kept when either end is inside one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    [Parameter]
    [ValidateRange(0, 65535)]
    public int[]? Port { get; set; }

    [Parameter]
    public DateTimeOffset? After { get; set; }

    [Parameter]
    public DateTimeOffset? Before { get; set; }

    /// <summary>A MaxMind GeoIP2 or GeoLite2 Country or City database, in place of the embedded DB-IP country database.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? GeoIPDatabase { get; set; }

    /// <summary>A MaxMind GeoLite2 ASN database.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AsnDatabase { get; set; }

    /// <summary>Also ask reverse DNS for each IP node's name. Off by default: it sends queries about the capture's hosts.</summary>
    [Parameter]
    public SwitchParameter ResolveName { get; set; }

    protected override void BeginProcessing()
    {
        WarnOfUnknownProtocols(nameof(Protocol), Protocol);
        WarnOfUnknownProtocols(nameof(ExcludeProtocol), ExcludeProtocol);
        if (Address is not null)
        {
            foreach (var text in Address)
            {
                if (!IpNetwork.TryParse(text, out _))
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{text}' is not an IP address or CIDR network."), ErrorIds.InvalidAddress, ErrorCategory.InvalidArgument, text));
            }
        }
        _geo = OpenGeo(this, GeoIPDatabase, AsnDatabase, out _ownsGeo);
    }

    /// <summary>A name no flow can carry filters nothing (or everything, excluded): most likely a typing slip.</summary>
    private void WarnOfUnknownProtocols(string parameter, string[]? names)
    {
        foreach (var name in names ?? [])
        {
            if (!ProtocolNames.IsKnown(name))
                WriteWarning($"-{parameter} '{InertText.Of(name)}' matches no protocol PcapViz names, so it {(parameter == nameof(Protocol) ? "keeps" : "removes")} nothing. The names it knows: {string.Join(", ", ProtocolNames.Known)}, and IP-N for IP protocol N.");
        }
    }

    /// <summary>The embedded country database, or the user's databases; an unreadable one stops the command naming the file.</summary>
    internal static GeoLocator OpenGeo(PSCmdlet cmdlet, string? geoDatabase, string? asnDatabase, out bool owned)
    {
        owned = geoDatabase is not null || asnDatabase is not null;
        if (!owned)
            return GeoLocator.Default();
        try
        {
            return GeoLocator.Open(
                geoDatabase is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(geoDatabase),
                asnDatabase is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(asnDatabase));
        }
        catch (GeoDatabaseException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GeoDatabaseUnreadable, File.Exists(e.Path) ? ErrorCategory.InvalidData : ErrorCategory.ObjectNotFound, e.Path));
            throw;
        }
    }

    protected override void EndProcessing()
    {
        FinishReading();
        var resolver = ResolveName ? new ReverseDnsResolver(TimeSpan.FromSeconds(2)) : null;
        var options = new TopologyOptions
        {
            Layer = Layer,
            Protocols = Protocol,
            ExcludedProtocols = ExcludeProtocol,
            Addresses = Address?.Select(IpNetwork.Parse).ToArray(),
            Ports = Port,
            After = After,
            Before = Before,
            Geo = _geo,
            ResolveName = resolver is null ? null : resolver.Resolve,
        };
        try
        {
            if (HasInput)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var topology = Stoppable(stop => TopologyBuilder.Build(Input, options, stop));
                WriteVerbose($"Built the layer {Layer} topology of {topology.Captures.Count} capture(s): {topology.Nodes.Length:N0} nodes, {topology.Edges.Length:N0} edges, {topology.Packets:N0} packets, in {clock.Elapsed.TotalSeconds:N2} s.");
                WriteObject(topology);
            }
        }
        finally
        {
            if (_ownsGeo)
                _geo?.Dispose();
        }
    }
}
