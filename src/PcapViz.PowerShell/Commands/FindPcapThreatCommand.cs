using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using PcapViz.Core.Threats;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Finds exfiltration, beaconing, strobes, long connections, DNS tunnels and protocols on the wrong port in captures, ranked with reasons.</para>
/// </summary>
[Cmdlet(VerbsCommon.Find, "PcapThreat", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PcapFinding))]
public sealed class FindPcapThreatCommand : CaptureReadingCmdlet
{
    private const int ProgressActivityId = 0x7C50;
    private static readonly ThreatOptions Defaults = new();
    private readonly List<PcapCapture> _captures = [];

    [Parameter]
    public ThreatKind[]? Kind { get; set; }

    /// <summary>Findings under this score are not written: 0.2, where RITA's Low band starts.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MinimumScore { get; set; } = 0.2;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateAllowList]
    public string[]? Exclude { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateNetworks]
    public string[]? InternalNetwork { get; set; }

    /// <summary>An earlier capture, captures or topology: destinations not seen there raise a finding's score.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Baseline { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? FirstSeenModifier { get; set; }

    [Parameter]
    [ValidateRange(2, int.MaxValue)]
    public int? MinimumConnections { get; set; }

    [Parameter]
    [ValidateCount(4, 4)]
    [ValidateRange(0.0, 1.0)]
    public double[]? BeaconThreshold { get; set; }

    [Parameter]
    [ValidateRange(0.01, 10.0)]
    public double? IrregularIntervalRatio { get; set; }

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long? StrobeConnectionsPerDay { get; set; }

    [Parameter]
    public TimeSpan? StrobeMinimumSpan { get; set; }

    [Parameter]
    [ValidateRange(4, 10_000_000)]
    public int? MaximumTimestamps { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? HistogramModeSensitivity { get; set; }

    [Parameter]
    [ValidateRange(1, 24)]
    public int? BimodalMinimumBins { get; set; }

    [Parameter]
    [ValidateRange(1, 24)]
    public int? DurationMinimumBins { get; set; }

    [Parameter]
    [ValidateRange(1, 24)]
    public int? DurationIdealBins { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? PeriodicServiceScore { get; set; }

    [Parameter]
    [ValidateCount(4, 4)]
    public TimeSpan[]? LongConnectionThreshold { get; set; }

    [Parameter]
    public TimeSpan? UdpInactivityTimeout { get; set; }

    [Parameter]
    [ValidateCount(4, 4)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? SubdomainThreshold { get; set; }

    [Parameter]
    [ValidateRange(1, 63)]
    public int? SuspiciousLabelLength { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MinimumTunnelNames { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? TunnelTraitShare { get; set; }

    [Parameter]
    [ValidateRange(0.0, 8.0)]
    public double? EntropyThreshold { get; set; }

    [Parameter]
    [ValidateCount(4, 4)]
    [ValidateRange(1L, long.MaxValue)]
    public long[]? UploadThreshold { get; set; }

    [Parameter]
    [ValidateRange(-1.0, 0.99)]
    public double? MinimumProducerConsumerRatio { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? RarePrevalence { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? CommonPrevalence { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? PrevalenceModifier { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? NoDirectConnectionModifier { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? MismatchScore { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? RandomPayloadScore { get; set; }

    private ThreatOptions? _options;

    protected override void BeginProcessing()
    {
        _options = BuildOptions();
    }

    private ThreatOptions BuildOptions()
    {
        Ascending(BeaconThreshold, nameof(BeaconThreshold));
        Ascending(LongConnectionThreshold?.Select(t => t.TotalSeconds).ToArray(), nameof(LongConnectionThreshold));
        Ascending(SubdomainThreshold?.Select(t => (double)t).ToArray(), nameof(SubdomainThreshold));
        Ascending(UploadThreshold?.Select(t => (double)t).ToArray(), nameof(UploadThreshold));
        if ((RarePrevalence ?? Defaults.RarePrevalence) >= (CommonPrevalence ?? Defaults.CommonPrevalence))
            Refuse(nameof(CommonPrevalence), "-CommonPrevalence must be above -RarePrevalence.");
        var (baselineHosts, baselineDomains) = BaselineOf(Baseline);
        return new ThreatOptions
        {
            BaselineHosts = baselineHosts,
            BaselineDomains = baselineDomains,
            FirstSeenModifier = FirstSeenModifier ?? Defaults.FirstSeenModifier,
            Kinds = Kind is null ? null : new HashSet<ThreatKind>(Kind),
            AllowList = new AllowList(Exclude ?? []),
            InternalNetworks = InternalNetwork?.Select(IPNetwork.Parse).ToArray(),
            MinimumConnections = MinimumConnections ?? Defaults.MinimumConnections,
            BeaconThresholds = BeaconThreshold ?? Defaults.BeaconThresholds,
            IrregularIntervalRatio = IrregularIntervalRatio ?? Defaults.IrregularIntervalRatio,
            StrobeConnectionsPerDay = StrobeConnectionsPerDay ?? Defaults.StrobeConnectionsPerDay,
            StrobeMinimumSpan = StrobeMinimumSpan ?? Defaults.StrobeMinimumSpan,
            MaximumTimestamps = MaximumTimestamps ?? Defaults.MaximumTimestamps,
            HistogramModeSensitivity = HistogramModeSensitivity ?? Defaults.HistogramModeSensitivity,
            BimodalMinimumBins = BimodalMinimumBins ?? Defaults.BimodalMinimumBins,
            DurationMinimumBins = DurationMinimumBins ?? Defaults.DurationMinimumBins,
            DurationIdealBins = DurationIdealBins ?? Defaults.DurationIdealBins,
            PeriodicServiceScore = PeriodicServiceScore ?? Defaults.PeriodicServiceScore,
            LongConnectionThresholds = LongConnectionThreshold ?? Defaults.LongConnectionThresholds,
            UdpInactivityTimeout = UdpInactivityTimeout ?? Defaults.UdpInactivityTimeout,
            SubdomainThresholds = SubdomainThreshold ?? Defaults.SubdomainThresholds,
            SuspiciousLabelLength = SuspiciousLabelLength ?? Defaults.SuspiciousLabelLength,
            MinimumTunnelNames = MinimumTunnelNames ?? Defaults.MinimumTunnelNames,
            TunnelTraitShare = TunnelTraitShare ?? Defaults.TunnelTraitShare,
            EntropyThreshold = EntropyThreshold ?? Defaults.EntropyThreshold,
            UploadThresholds = UploadThreshold ?? Defaults.UploadThresholds,
            MinimumProducerConsumerRatio = MinimumProducerConsumerRatio ?? Defaults.MinimumProducerConsumerRatio,
            RarePrevalence = RarePrevalence ?? Defaults.RarePrevalence,
            CommonPrevalence = CommonPrevalence ?? Defaults.CommonPrevalence,
            PrevalenceModifier = PrevalenceModifier ?? Defaults.PrevalenceModifier,
            NoDirectConnectionModifier = NoDirectConnectionModifier ?? Defaults.NoDirectConnectionModifier,
            MismatchScore = MismatchScore ?? Defaults.MismatchScore,
            RandomPayloadScore = RandomPayloadScore ?? Defaults.RandomPayloadScore,
        };
    }

    /// <summary>The hosts and DNS domains a baseline saw: every flow's addresses and asked domain of captures, or a topology's node addresses.</summary>
    private (IReadOnlySet<IPAddress>? Hosts, IReadOnlySet<string>? Domains) BaselineOf(object[]? baseline)
    {
        if (baseline is null)
            return (null, null);
        var hosts = new HashSet<IPAddress>();
        var domains = new HashSet<string>(StringComparer.Ordinal);
        var live = baseline.Select(Rehydration.Live).ToList();
        foreach (var item in live)
        {
            switch (item)
            {
                case PcapCapture capture:
                    var table = capture.GetFlowTable();
                    for (int i = 0; i < table.Count; i++)
                    {
                        ref readonly var key = ref table.KeyAt(i);
                        if (key.SourceAddress is { } source)
                            hosts.Add(source);
                        if (key.DestinationAddress is { } destination)
                            hosts.Add(destination);
                    }
                    foreach (var row in capture.GetHostNames().Dns.Domains)
                        domains.Add(row.Domain);
                    break;
                case PcapTopology topology when topology.Layer >= 3:
                    foreach (var node in topology.Nodes)
                    {
                        if (IPAddress.TryParse(node.Address, out var address))
                            hosts.Add(address);
                    }
                    break;
                case var other:
                    ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"-Baseline takes PcapCapture objects or a layer-3 or -4 PcapTopology; it cannot take a {other?.GetType().FullName ?? "null"}{(other is PcapTopology t ? $" of layer {t.Layer}" : "")}.", nameof(Baseline)),
                        ErrorIds.InvalidInputObject, ErrorCategory.InvalidArgument, other));
                    break;
            }
        }
        return (hosts, live.Any(b => b is PcapCapture) ? domains : null);
    }

    private void Ascending(double[]? values, string parameter)
    {
        if (values is null)
            return;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] <= values[i - 1])
                Refuse(parameter, $"-{parameter} takes four thresholds in rising order (for the Low, Medium, High and highest bands); '{string.Join(", ", values)}' is not.");
        }
    }

    private void Refuse(string parameter, string message) =>
        ThrowTerminatingError(new ErrorRecord(new PSArgumentException(message, parameter), ErrorIds.InvalidThreshold, ErrorCategory.InvalidArgument, parameter));

    protected override void OnCapture(PcapCapture capture)
    {
        if (capture is null)
            return;
        _captures.Add(capture);
        var dns = capture.GetHostNames().Dns;
        if (dns.NamesDropped > 0 || dns.DomainsDropped > 0)
            WriteWarning($"'{Core.InertText.Of(capture.Name)}': the DNS evidence reached its caps ({Core.Names.DnsActivity.DefaultMaxNames:N0} distinct names, {Core.Names.DnsActivity.DefaultMaxDomains:N0} client-domain pairs): {dns.NamesDropped:N0} new names and {dns.DomainsDropped:N0} questions or answers were not counted, so DNS tunnel counts are lower bounds.");
    }

    protected override void EndProcessing()
    {
        FinishReading();
        if (_captures.Count == 0)
            return;
        var clock = Stopwatch.StartNew();
        var progress = new SynchronousProgress<ThreatProgress>(p =>
        {
            var record = new ProgressRecord(ProgressActivityId, "Finding threats", p.Activity) { PercentComplete = p.PercentComplete };
            if (p.PercentComplete >= 100)
                record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        });
        var findings = Stoppable(stop => ThreatAnalyzer.Analyze(_captures, _options!, progress, stop));
        int flows = _captures.Sum(c => c.FlowCount);
        WriteVerbose($"Scored {_captures.Count} capture(s), {flows:N0} flows: {findings.Count} finding(s) in {clock.Elapsed.TotalSeconds:0.00} s.");
        if (_options!.AllowList is { IsEmpty: false } allow)
            WriteVerbose($"Allow list: {allow.Describe()}.");
        foreach (var finding in findings)
        {
            if (finding.Score >= MinimumScore)
                WriteObject(finding);
        }
    }
}

/// <summary>Refuses, at parameter binding, an allow-list entry that is neither an address, a CIDR range nor a domain pattern.</summary>
internal sealed class ValidateAllowListAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var values = LanguagePrimitives.ConvertTo<string[]>(arguments);
        try
        {
            _ = new AllowList(values);
        }
        catch (FormatException e)
        {
            throw new ValidationMetadataException(e.Message, e);
        }
    }
}

/// <summary>Refuses, at parameter binding, a network that is not an address or CIDR range.</summary>
internal sealed class ValidateNetworksAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        foreach (var text in LanguagePrimitives.ConvertTo<string[]>(arguments))
        {
            if (!AllowList.TryParseNetwork(text, out _))
                throw new ValidationMetadataException($"'{text}' is not a CIDR range: write an address, a slash and a prefix length whose host bits are zero, as 10.0.0.0/8 or fd00::/8.");
        }
    }
}
