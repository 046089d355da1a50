using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
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
    private const int ResolveProgressId = 0x7C51;

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

    /// <summary>
    /// Also ask reverse DNS for each IP node's name. Off by default: it sends queries about the capture's hosts. Up to
    /// <see cref="ReverseDnsResolver.DefaultMaxConcurrentLookups"/> lookups run at once, each given
    /// <see cref="ReverseDnsResolver.DefaultTimeout"/>.
    /// </summary>
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
            ResolveNames = ResolveName ? ResolveNames : null,
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

    /// <summary>
    /// Reverse DNS of the graph's hosts, side by side on the thread pool while the pipeline thread writes progress
    /// and each failed address (once, in -Verbose) as they come. Ctrl+C ends the wait at once, hung lookups or not:
    /// the resolver gives up on them and the OperationCanceledException stops the pipeline.
    /// </summary>
    private IReadOnlyDictionary<IPAddress, IReadOnlyList<string>> ResolveNames(IReadOnlyList<IPAddress> addresses, CancellationToken stop)
    {
        if (addresses.Count == 0)
            return new Dictionary<IPAddress, IReadOnlyList<string>>();
        var resolver = new ReverseDnsResolver(ReverseDnsResolver.DefaultTimeout, ReverseDnsResolver.DefaultMaxConcurrentLookups);
        var clock = Stopwatch.StartNew();
        // Not disposed: when a stopped pipeline leaves the loop early, the continuation below still completes it.
        var updates = new BlockingCollection<ReverseDnsProgress>();
        var work = resolver.ResolveAsync(addresses, new QueuedProgress(updates), stop);
        // Every report is made before the task ends, so nothing is added after this.
        work.ContinueWith(_ => updates.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var activity = $"Reverse DNS of {addresses.Count:N0} addresses, {resolver.MaxConcurrentLookups} at a time";
        int shown = -1, failed = 0;
        WriteProgress(new ProgressRecord(ResolveProgressId, activity, "Asking") { PercentComplete = 0 });
        foreach (var update in updates.GetConsumingEnumerable(CancellationToken.None))
        {
            if (update.Failure is { } failure)
            {
                failed++;
                WriteVerbose($"Reverse DNS of {failure.Address} failed: {InertText.Of(failure.Reason)}.");
            }
            if (update.PercentComplete != shown)
            {
                shown = update.PercentComplete;
                WriteProgress(new ProgressRecord(ResolveProgressId, activity, $"{update.Completed:N0} of {update.Total:N0} answered") { PercentComplete = shown });
            }
        }
        WriteProgress(new ProgressRecord(ResolveProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        var result = work.GetAwaiter().GetResult();
        WriteVerbose($"Reverse DNS named {result.Names.Count:N0} of {addresses.Count:N0} addresses ({failed:N0} failed) in {clock.Elapsed.TotalSeconds:N2} s.");
        return result.Names;
    }

    /// <summary>Hands the resolver's reports, made on pool threads, to the pipeline thread, the only one that may write.</summary>
    private sealed class QueuedProgress(BlockingCollection<ReverseDnsProgress> queue) : IProgress<ReverseDnsProgress>
    {
        public void Report(ReverseDnsProgress value) => queue.Add(value);
    }
}
