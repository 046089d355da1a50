using System.Globalization;
using System.Net;
using PcapViz.Core.Decoding;
using PcapViz.Core.Flows;
using PcapViz.Core.Geo;
using PcapViz.Core.Names;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Threats;

public readonly record struct ThreatProgress(string Activity, int PercentComplete);

/// <summary>
/// Finds exfiltration, beaconing, strobes, long connections, DNS tunnels and protocols on the wrong port in captures
/// already read: everything comes from the flows and DNS activity the import gathered, so no capture is read twice and
/// captures brought back through CliXml or remoting work the same. Flows are paired into conversations (oriented from
/// the side that opened them) and summed per (source, destination, protocol, port) and per (internal, external) host
/// pair; the cost follows flows, never packets.
/// </summary>
public static class ThreatAnalyzer
{
    private const byte Syn = (byte)TcpFlags.SYN, Ack = (byte)TcpFlags.ACK;
    private const int CheckEvery = 65_536;
    private const double NsPerSecond = 1e9;

    public static List<PcapFinding> Analyze(IReadOnlyList<PcapCapture> captures, ThreatOptions options,
        IProgress<ThreatProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(captures);
        ArgumentNullException.ThrowIfNull(options);
        options.AllowList.ResetCounts();
        var read = captures.Where(c => c.Packets > 0).ToList();
        if (read.Count == 0)
            return [];
        var run = new Run(read, options, progress, cancellation);
        return run.Execute();
    }

    private struct GroupKey : IEquatable<GroupKey>
    {
        public int Source, Destination;
        public ushort Port;
        public byte Protocol;

        public readonly bool Equals(GroupKey other) => Source == other.Source && Destination == other.Destination && Port == other.Port && Protocol == other.Protocol;
        public override readonly bool Equals(object? obj) => obj is GroupKey other && Equals(other);
        public override readonly int GetHashCode() => KeyedHash.Of((ulong)(uint)Source << 32 | (uint)Destination, Port, Protocol);
    }

    /// <summary>All conversations of one (source, destination, protocol, port).</summary>
    private struct Group
    {
        public int Count, Completed, Head;
        public int LongestConversation, BurstConversation, MostBursts;
        public long LongestNs, FirstNs, LastNs;
    }

    private struct PairKey : IEquatable<PairKey>
    {
        public int Internal, Other;

        public readonly bool Equals(PairKey other) => Internal == other.Internal && Other == other.Other;
        public override readonly bool Equals(object? obj) => obj is PairKey other && Equals(other);
        public override readonly int GetHashCode() => KeyedHash.Of((ulong)(uint)Internal << 32 | (uint)Other, 0, 0);
    }

    /// <summary>What an internal host exchanged with one other host, whichever side opened (when and on which port, the groups say).</summary>
    private struct Pair
    {
        public long Out, In;
        public int Connections;
    }

    /// <summary>
    /// One conversation, as the entries of its two flows (8 bytes, so a million conversations cost 8 MB): Forward is
    /// the opener's flow; Reverse the answering flow, or -1 when there is none. Backwards: the only flow is a server's
    /// answers (from a service port to an unknown high port, no handshake seen), so the client at its destination
    /// sent nothing that was captured.
    /// </summary>
    private readonly struct Conversation(int forward, int reverse, bool backwards)
    {
        private const int BackwardsMark = -2;
        private readonly int _reverse = backwards ? BackwardsMark : reverse;

        public int Forward { get; } = forward;
        public int Reverse => _reverse < 0 ? -1 : _reverse;
        public bool Backwards => _reverse == BackwardsMark;
    }

    /// <summary>The conversations as the cores found them, in parts, indexed as one list without copying them together.</summary>
    private sealed class Conversations(List<Conversation>[] parts)
    {
        private readonly int[] _starts = Starts(parts);

        public int Count => _starts[^1];

        public Conversation this[int index]
        {
            get
            {
                // As many parts as cores: a scan is as quick as a search.
                int part = 0;
                while (index >= _starts[part + 1])
                    part++;
                return parts[part][index - _starts[part]];
            }
        }

        private static int[] Starts(List<Conversation>[] parts)
        {
            var starts = new int[parts.Length + 1];
            for (int i = 0; i < parts.Length; i++)
                starts[i + 1] = starts[i] + parts[i].Count;
            return starts;
        }
    }

    /// <summary>A conversation on its way into the tables, with the hashes of its table keys worked out ahead.</summary>
    private struct Pending
    {
        public int Conversation;
        public GroupKey Group;
        public int GroupHash;
        public PairKey Pair;
        public int PairHash;
        public bool HasPair;
        public bool Flip;
    }

    private const int LookAhead = 32;

    private sealed class Run(List<PcapCapture> captures, ThreatOptions options, IProgress<ThreatProgress>? progress, CancellationToken cancellation)
    {
        private readonly Dictionary<AddressKey, int> _hostIndex = new();
        private readonly List<AddressKey> _hosts = [];
        private readonly List<bool> _internal = [];
        private readonly List<int> _allowEntry = [];
        private readonly List<int> _contacts = [];
        private readonly List<bool> _seen = [];
        private readonly List<HostNameCollector> _names = captures.Select(c => c.GetHostNames()).ToList();
        private readonly List<PcapFinding> _findings = [];
        /// <summary>Per group (by table index) with a protocol out of place: how many conversations, and what they carried. Few groups have one.</summary>
        private readonly Dictionary<int, (int Count, PayloadProtocol Observed)> _mismatches = new();
        private readonly TextList _captureNames = new(captures.Select(c => c.FullName).Distinct().ToArray());
        private FlowTable _flows = null!;
        private Conversations _conversations = new([[]]);
        private int[] _next = [];
        private int _networkSize;
        private long _spanStartNs, _spanEndNs;
        private string _allowText = "";
        private readonly double[] _longConnectionThresholds = options.LongConnectionThresholds.Select(t => t.TotalSeconds).ToArray();

        public List<PcapFinding> Execute()
        {
            _flows = MergedFlows();
            _spanStartNs = captures.Min(c => c.FirstSeen!.Value.ToUnixTimeMilliseconds()) * 1_000_000L;
            _spanEndNs = captures.Max(c => c.LastSeen!.Value.ToUnixTimeMilliseconds()) * 1_000_000L + 999_999;

            var groups = new ChunkedHashTable<GroupKey, Group>(Math.Max(16, _flows.Count / 4));
            var pairs = new ChunkedHashTable<PairKey, Pair>(Math.Max(16, _flows.Count / 8));
            PairFlows(groups, pairs);
            _networkSize = _seen.Count(s => s);

            // The allow list's counts are final once the flows are paired; DNS adds its own below.
            Report("Scoring conversations", 70);
            if (options.Wants(ThreatKind.Exfiltration))
                FindExfiltration(pairs, groups);
            for (int g = 0; g < groups.Count; g++)
            {
                if (g % CheckEvery == 0)
                    cancellation.ThrowIfCancellationRequested();
                ScoreGroup(groups.KeyAt(g), groups.ValueAt(g), g);
            }
            Report("Scoring DNS", 90);
            if (options.Wants(ThreatKind.DnsTunnel))
                FindDnsTunnels();
            Report("Done", 100);

            _allowText = options.AllowList.IsEmpty ? "" : options.AllowList.Describe();
            var results = _findings.Select(f => WithAllowList(WithBaseline(f))).ToList();
            results.Sort();
            return results;
        }

        /// <summary>RITA's first-seen modifier: a destination the baseline never saw raises the score, and the reason says so.</summary>
        private PcapFinding WithBaseline(PcapFinding finding) => finding.NewSinceBaseline != true ? finding : finding with
        {
            Score = Clamp(finding.Score + options.FirstSeenModifier),
            Modifier = (finding.Modifier ?? 0) + options.FirstSeenModifier,
            Reason = finding.Reason + (finding.Kind == nameof(ThreatKind.DnsTunnel) ? " The baseline never asked for this domain." : " The baseline never saw this destination."),
        };

        private PcapFinding WithAllowList(PcapFinding finding) => _allowText.Length == 0 ? finding : finding with { AllowList = _allowText };

        private void Report(string activity, int percent) => progress?.Report(new ThreatProgress(activity, percent));

        private FlowTable MergedFlows()
        {
            if (captures.Count == 1)
                return captures[0].GetFlowTable();
            var merged = new FlowTable(captures.Sum(c => c.FlowCount));
            foreach (var capture in captures)
                merged.Merge(capture.GetFlowTable());
            return merged;
        }

        private DnsActivity MergedDns()
        {
            if (captures.Count == 1)
                return captures[0].GetHostNames().Dns;
            var merged = new DnsActivity();
            foreach (var capture in captures)
                merged.Merge(capture.GetHostNames().Dns);
            return merged;
        }

        private IEnumerable<string> NamesOf(IPAddress address) => _names.SelectMany(n => n.NamesFor(address)).Select(n => n.Name);

        /// <summary>
        /// The names DNS answers gave an address: the allow list matches only these, since a TLS server name or an
        /// HTTP Host header is whatever the client chose to write, and would let an upload pass as Microsoft's.
        /// </summary>
        private IEnumerable<string> ResolvedNamesOf(IPAddress address) =>
            _names.SelectMany(n => n.NamesFor(address)).Where(n => n.Source == NameSource.Dns).Select(n => n.Name);

        private string? NameOf(int host) => NamesOf(_hosts[host].ToIPAddress()).FirstOrDefault();

        private int Host(byte version, ulong high, ulong low)
        {
            var key = new AddressKey(version, high, low);
            if (_hostIndex.TryGetValue(key, out int index))
                return index;
            index = _hosts.Count;
            _hostIndex.Add(key, index);
            _hosts.Add(key);
            bool isInternal;
            if (options.InternalNetworks is { } networks)
            {
                var address = key.ToIPAddress();
                if (address.IsIPv4MappedToIPv6)
                    address = address.MapToIPv4();
                isInternal = networks.Any(n => n.Contains(address));
            }
            else
            {
                isInternal = AddressClass.IsInternal(version, high, low);
            }
            _internal.Add(isInternal);
            _allowEntry.Add(options.AllowList.IsEmpty ? -1 : options.AllowList.EntryFor(key.ToIPAddress(), ResolvedNamesOf));
            _contacts.Add(0);
            _seen.Add(false);
            return index;
        }

        /// <summary>
        /// Pairs the flows into conversations on every core (the reverse lookups are read-only cache misses), then sums
        /// them into the group and pair tables in runs whose lookups are prefetched, so their misses overlap.
        /// </summary>
        private void PairFlows(ChunkedHashTable<GroupKey, Group> groups, ChunkedHashTable<PairKey, Pair> pairs)
        {
            _conversations = FindConversations();
            _next = new int[_conversations.Count];
            uint udpTimeoutMs = (uint)Math.Min(uint.MaxValue, options.UdpInactivityTimeout.TotalMilliseconds);
            Span<Pending> pending = stackalloc Pending[LookAhead];
            for (int start = 0; start < _conversations.Count; start += LookAhead)
            {
                if (start % CheckEvery == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    Report("Pairing flows", (int)(start * 70L / Math.Max(1, _conversations.Count)));
                }
                int end = Math.Min(start + LookAhead, _conversations.Count), count = 0;
                for (int c = start; c < end; c++)
                {
                    var conversation = _conversations[c];
                    var k = conversation.Backwards ? _flows.KeyAt(conversation.Forward).Reversed() : _flows.KeyAt(conversation.Forward);
                    int source = Host(k.IpVersion, k.SourceHigh, k.SourceLow);
                    int destination = Host(k.IpVersion, k.DestinationHigh, k.DestinationLow);
                    int entry = _allowEntry[source] >= 0 ? _allowEntry[source] : _allowEntry[destination];
                    if (entry >= 0)
                    {
                        options.AllowList.CountFlow(entry);
                        _next[c] = -2;
                        continue;
                    }
                    ref var p = ref pending[count++];
                    p.Conversation = c;
                    p.Group = new GroupKey { Source = source, Destination = destination, Protocol = k.Protocol, Port = k.HasPorts ? k.DestinationPort : (ushort)0 };
                    p.GroupHash = p.Group.GetHashCode();
                    groups.PrefetchSlot(p.GroupHash);
                    bool sourceInternal = _internal[source], destinationInternal = _internal[destination];
                    p.Flip = !sourceInternal;
                    p.HasPair = sourceInternal || destinationInternal;
                    if (p.HasPair)
                    {
                        p.Pair = p.Flip ? new PairKey { Internal = destination, Other = source } : new PairKey { Internal = source, Other = destination };
                        p.PairHash = p.Pair.GetHashCode();
                        pairs.PrefetchSlot(p.PairHash);
                    }
                }
                for (int i = 0; i < count; i++)
                {
                    groups.PrefetchEntry(pending[i].GroupHash);
                    if (pending[i].HasPair)
                        pairs.PrefetchEntry(pending[i].PairHash);
                }
                for (int i = 0; i < count; i++)
                    Add(groups, pairs, pending[i], udpTimeoutMs);
            }
        }

        /// <summary>Every conversation of IP flows between single hosts, in flow order, found on all cores.</summary>
        private Conversations FindConversations()
        {
            int count = _flows.Count;
            int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, count / 65_536));
            var found = new List<Conversation>[parts];
            Parallel.For(0, parts, new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = parts }, part =>
            {
                int start = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
                var list = new List<Conversation>((end - start) / 2 + 16);
                for (int i = start; i < end; i++)
                {
                    ref readonly var key = ref _flows.KeyAt(i);
                    if (!key.HasIp)
                        continue;
                    var reverseKey = key.Reversed();
                    int j = reverseKey != key ? _flows.IndexOf(reverseKey) : -1;
                    // The earlier of the two flows speaks for the conversation.
                    if (j >= 0 && j < i)
                        continue;
                    int forward = i, reverse = j;
                    if (j >= 0 && ConversationBuilder.OpenedFromOtherSide(_flows.CountersAt(i), _flows.CountersAt(j)))
                        (forward, reverse) = (j, i);
                    ref readonly var k = ref _flows.KeyAt(forward);
                    if (AddressClass.IsGroup(k.IpVersion, k.DestinationHigh, k.DestinationLow) || AddressClass.IsGroup(k.IpVersion, k.SourceHigh, k.SourceLow))
                        continue;
                    bool backwards = reverse < 0 && (_flows.CountersAt(forward).FirstTcpFlags & (Syn | Ack)) != Syn && k.HasPorts
                        && IsServicePort(k.Protocol, k.SourcePort) && !IsServicePort(k.Protocol, k.DestinationPort);
                    list.Add(new Conversation(forward, reverse, backwards));
                }
                found[part] = list;
            });
            return new Conversations(found);
        }

        /// <summary>When a conversation's first and last packets were seen.</summary>
        private (long StartNs, long EndNs) Span(in Conversation c)
        {
            ref readonly var forward = ref _flows.CountersAt(c.Forward);
            if (c.Reverse < 0)
                return (forward.FirstNs, forward.LastNs);
            ref readonly var reverse = ref _flows.CountersAt(c.Reverse);
            return (Math.Min(forward.FirstNs, reverse.FirstNs), Math.Max(forward.LastNs, reverse.LastNs));
        }

        /// <summary>A well-known port (under 1024, or one of WellKnownPorts'), as servers listen on.</summary>
        private static bool IsServicePort(byte protocol, ushort port) => port < 1024 || WellKnownPorts.Application(protocol, port, port) != 0;

        /// <summary>The conversation's key and counters from the opener's side.</summary>
        private (FlowKey Key, FlowCounters Sent, FlowCounters Received) Sides(in Conversation c) => c.Backwards
            ? (_flows.KeyAt(c.Forward).Reversed(), default, _flows.CountersAt(c.Forward))
            : (_flows.KeyAt(c.Forward), _flows.CountersAt(c.Forward), c.Reverse >= 0 ? _flows.CountersAt(c.Reverse) : default);

        private void Add(ChunkedHashTable<GroupKey, Group> groups, ChunkedHashTable<PairKey, Pair> pairs, in Pending p, uint udpTimeoutMs)
        {
            int conversation = p.Conversation;
            var c = _conversations[conversation];
            var (k, sent, received) = Sides(c);
            var (startNs, endNs) = Span(c);
            int source = p.Group.Source, destination = p.Group.Destination;
            if (_internal[source])
                _seen[source] = true;
            if (_internal[destination])
                _seen[destination] = true;

            bool tcp = k.Protocol == 6;
            bool opened = tcp && (sent.FirstTcpFlags & (Syn | Ack)) == Syn;
            bool completed = !opened || (c.Reverse >= 0 && (received.TcpFlags & (Syn | Ack)) == (Syn | Ack));
            // Timing is the opener's: a server's answers alone say nothing of when the client connects.
            if (c.Backwards)
                completed = false;

            int groupIndex = groups.GetOrAddIndex(p.Group, p.GroupHash, out bool newGroup);
            ref var group = ref groups.ValueAt(groupIndex);
            if (newGroup)
            {
                group.Head = group.LongestConversation = group.BurstConversation = -1;
                group.FirstNs = long.MaxValue;
                group.LastNs = long.MinValue;
            }
            group.Count++;
            group.FirstNs = Math.Min(group.FirstNs, startNs);
            group.LastNs = Math.Max(group.LastNs, endNs);
            _next[conversation] = -1;
            if (completed)
            {
                group.Completed++;
                _next[conversation] = group.Head;
                group.Head = conversation;
                long duration = endNs - startNs;
                bool continuous = tcp || Math.Max(sent.LongestGapMs, received.LongestGapMs) <= udpTimeoutMs;
                if (continuous && duration > group.LongestNs)
                {
                    group.LongestNs = duration;
                    group.LongestConversation = conversation;
                }
                if (sent.Bursts > group.MostBursts)
                {
                    group.MostBursts = sent.Bursts;
                    group.BurstConversation = conversation;
                }
            }
            if (k.HasPorts && OutOfPlace(k, sent, received, tcp, opened) is var observed && observed != PayloadProtocol.NotSeen)
            {
                var (mismatched, known) = _mismatches.GetValueOrDefault(groupIndex);
                // An identified protocol says more than random bytes.
                _mismatches[groupIndex] = (mismatched + 1, known == PayloadProtocol.NotSeen || PayloadProtocols.IsIdentified(observed) ? observed : known);
            }

            if (!p.HasPair)
                return;
            ref var pair = ref pairs.GetOrAdd(p.Pair, p.PairHash, out bool newPair);
            if (newPair)
                _contacts[p.Pair.Other]++;
            pair.Out += p.Flip ? received.PayloadBytes : sent.PayloadBytes;
            pair.In += p.Flip ? sent.PayloadBytes : received.PayloadBytes;
            pair.Connections++;
        }

        /// <summary>What a conversation carries where its port promises another protocol, or NotSeen when nothing is out of place.</summary>
        private static PayloadProtocol OutOfPlace(in FlowKey key, in FlowCounters sent, in FlowCounters received, bool tcp, bool opened)
        {
            var expected = PayloadProtocols.ExpectedOn(key.Protocol, key.DestinationPort);
            if (expected == PayloadProtocol.NotSeen || sent.Payload == expected || received.Payload == expected)
                return PayloadProtocol.NotSeen;
            // Without the handshake, the first payload may be the middle of a stream: judge only after every probe
            // found nothing of the expected protocol (a TLS stream shows a record header soon enough).
            if (tcp && !opened && (sent.PayloadProbesDone < FlowCounters.PayloadProbes || (received.Packets > 0 && received.PayloadProbesDone < FlowCounters.PayloadProbes && received.PayloadBytes > 0)))
                return PayloadProtocol.NotSeen;
            var observed = PayloadProtocols.IsIdentified(sent.Payload) ? sent.Payload
                : PayloadProtocols.IsIdentified(received.Payload) ? received.Payload
                : sent.Payload == PayloadProtocol.HighEntropy || received.Payload == PayloadProtocol.HighEntropy ? PayloadProtocol.HighEntropy
                : PayloadProtocol.NotSeen;
            // QUIC's short-header packets look random by design: only another identified protocol is out of place on UDP 443.
            return expected == PayloadProtocol.Quic && observed == PayloadProtocol.HighEntropy ? PayloadProtocol.NotSeen : observed;
        }

        /// <summary>
        /// RITA's prevalence modifier. A destination two or more internal hosts use is common when they are half of the
        /// internal hosts or more; a destination is rare when at most 2% of them, or only one, use it, and only where
        /// there are three or more internal hosts to compare (2% of a smaller network is less than one host).
        /// </summary>
        private (double Modifier, int Hosts, double? Prevalence) PrevalenceOf(int destination)
        {
            int hosts = _contacts[destination];
            if (hosts == 0 || _networkSize == 0)
                return (0, hosts, null);
            double prevalence = (double)hosts / _networkSize;
            if (hosts >= 2 && prevalence >= options.CommonPrevalence)
                return (-options.PrevalenceModifier, hosts, prevalence);
            if (_networkSize >= 3 && (hosts == 1 || prevalence <= options.RarePrevalence))
                return (options.PrevalenceModifier, hosts, prevalence);
            return (0, hosts, prevalence);
        }

        private void FindExfiltration(ChunkedHashTable<PairKey, Pair> pairs, ChunkedHashTable<GroupKey, Group> groups)
        {
            var thresholds = options.UploadThresholds.Select(t => (double)t).ToArray();
            var candidates = new List<int>();
            for (int p = 0; p < pairs.Count; p++)
            {
                ref readonly var key = ref pairs.KeyAt(p);
                ref readonly var pair = ref pairs.ValueAt(p);
                if (_internal[key.Other] || pair.Out < options.UploadThresholds[0])
                    continue;
                double ratio = (double)(pair.Out - pair.In) / (pair.Out + pair.In);
                // A destination half the network uploads to is a service (backup, sync), not a leak.
                if (ratio >= options.MinimumProducerConsumerRatio && PrevalenceOf(key.Other).Modifier >= 0)
                    candidates.Add(p);
            }
            if (candidates.Count == 0)
                return;
            // When and on which port: from the groups of each candidate pair, in one pass over the groups.
            var spans = candidates.ToDictionary(p => pairs.KeyAt(p), _ => (First: long.MaxValue, Last: long.MinValue, Port: (ushort)0, Protocol: (byte)0, Most: 0));
            for (int g = 0; g < groups.Count; g++)
            {
                ref readonly var groupKey = ref groups.KeyAt(g);
                var pairKey = _internal[groupKey.Source] ? new PairKey { Internal = groupKey.Source, Other = groupKey.Destination } : new PairKey { Internal = groupKey.Destination, Other = groupKey.Source };
                if (!spans.TryGetValue(pairKey, out var span))
                    continue;
                ref readonly var group = ref groups.ValueAt(g);
                bool busiest = group.Count > span.Most;
                spans[pairKey] = (Math.Min(span.First, group.FirstNs), Math.Max(span.Last, group.LastNs),
                    busiest ? groupKey.Port : span.Port, busiest ? groupKey.Protocol : span.Protocol, Math.Max(span.Most, group.Count));
            }
            foreach (int p in candidates)
            {
                ref readonly var key = ref pairs.KeyAt(p);
                ref readonly var pair = ref pairs.ValueAt(p);
                var span = spans[key];
                double ratio = (double)(pair.Out - pair.In) / (pair.Out + pair.In);
                var (modifier, hosts, prevalence) = PrevalenceOf(key.Other);
                double band = BeaconStatistics.Band(pair.Out, thresholds);
                double ratioBonus = 0.15 * (ratio - options.MinimumProducerConsumerRatio) / Math.Max(1e-9, 1 - options.MinimumProducerConsumerRatio);
                string others = hosts <= 1 ? "no other internal host talks to it" : $"{hosts - 1} other internal host{(hosts == 2 ? "" : "s")} talk to it";
                string service = span.Port != 0 ? $" {Service(span.Protocol, span.Port)}" : "";
                var finding = Between(ThreatKind.Exfiltration, key.Internal, key.Other, Text(key.Other), ProtocolText(span.Protocol, span.Port),
                    band, band + ratioBonus + modifier, modifier + ratioBonus, span.First, span.Last);
                _findings.Add(finding with
                {
                    Reason = $"{Who(finding)} sent {Units.Bytes(pair.Out)} in {pair.Connections:N0}{service} connection{(pair.Connections == 1 ? "" : "s")} to {Whom(finding)} and received {Units.Bytes(pair.In)} (producer-consumer ratio {ratio:0.00}); {others}.",
                    Connections = pair.Connections,
                    BytesSent = pair.Out,
                    BytesReceived = pair.In,
                    ProducerConsumerRatio = Math.Round(ratio, 3),
                });
            }
        }

        private void ScoreGroup(in GroupKey key, in Group group, int index)
        {
            if (_mismatches.TryGetValue(index, out var mismatch) && options.Wants(ThreatKind.ProtocolMismatch))
                ScoreMismatch(key, group, mismatch.Count, mismatch.Observed);
            // As RITA, timing and duration are judged where traffic crosses the network's edge: between internal hosts,
            // resolvers, directory servers and backups are regular by design.
            if (_internal[key.Source] && _internal[key.Destination])
                return;
            if (group.Completed >= options.MinimumConnections && (options.Wants(ThreatKind.Beaconing) || options.Wants(ThreatKind.Strobe)))
                ScoreConnectionBeacon(key, group);
            else if (group.MostBursts >= options.MinimumConnections && options.Wants(ThreatKind.Beaconing))
                ScoreBurstBeacon(key, group);
            if (group.LongestConversation >= 0 && group.LongestNs >= _longConnectionThresholds[0] * NsPerSecond && options.Wants(ThreatKind.LongConnection))
                ScoreLongConnection(key, group);
        }

        private void ScoreConnectionBeacon(in GroupKey key, in Group group)
        {
            double spanSeconds = Math.Max(1, (_spanEndNs - _spanStartNs) / NsPerSecond);
            // A day's rate over the capture, and never fewer connections than the shortest span's worth at that rate.
            double strobeAt = options.StrobeConnectionsPerDay * Math.Max(spanSeconds, options.StrobeMinimumSpan.TotalSeconds) / 86_400;
            if (group.Completed >= strobeAt || group.Completed > options.MaximumTimestamps)
            {
                if (options.Wants(ThreatKind.Strobe))
                    AddStrobe(key, group, spanSeconds);
                return;
            }
            if (!options.Wants(ThreatKind.Beaconing))
                return;
            var times = new double[group.Completed];
            int n = 0;
            for (int c = group.Head; c >= 0 && n < times.Length; c = _next[c])
                times[n++] = (Span(_conversations[c]).StartNs - _spanStartNs) / NsPerSecond;
            Array.Sort(times);
            // Intervals between distinct start times (a second apart or more, as RITA's whole-second timestamps).
            var intervals = new List<double>(times.Length);
            double last = times[0];
            int distinct = 1;
            for (int i = 1; i < times.Length; i++)
            {
                if (times[i] - last >= 1)
                {
                    intervals.Add(times[i] - last);
                    last = times[i];
                    distinct++;
                }
            }
            if (distinct < options.MinimumConnections)
                return;
            intervals.Sort();
            var d = intervals.ToArray();
            var (mad, madRatio) = BeaconStatistics.MadOverMedian(d);
            // The timing gate caps the beacon score: where even a perfect score would stay under the first band, stop.
            if (1 - madRatio / options.IrregularIntervalRatio < options.BeaconThresholds[0])
                return;
            var sizes = new double[n];
            n = 0;
            for (int c = group.Head; c >= 0 && n < sizes.Length; c = _next[c])
                sizes[n++] = Sides(_conversations[c]).Sent.Bytes;
            Array.Sort(sizes);
            double tsSkew = BeaconStatistics.SkewScore(d, 10);
            double tsMad = Math.Max(0, 1 - madRatio);
            double tsScore = (tsSkew + tsMad) / 2;
            double dsSkew = BeaconStatistics.SkewScore(sizes, 10);
            var (_, sizeRatio) = BeaconStatistics.MadOverMedian(sizes);
            double dsScore = (dsSkew + Math.Max(0, 1 - sizeRatio)) / 2;
            var bins = BeaconStatistics.Histogram(times, 0, (_spanEndNs - _spanStartNs) / NsPerSecond);
            double histScore = BeaconStatistics.HistogramScore(bins, options.HistogramModeSensitivity, options.BimodalMinimumBins);
            int busyBins = bins.Count(b => b > 0);
            double durScore = 0;
            if (busyBins >= options.DurationMinimumBins)
            {
                double coverage = Math.Min(1, (times[^1] - times[0]) / spanSeconds);
                double consistency = Math.Min(1, (double)BeaconStatistics.LongestRun(bins) / options.DurationIdealBins);
                durScore = Math.Max(coverage, consistency);
            }
            double median = BeaconStatistics.Median(d);
            AddBeacon(key, group, "Connections", distinct, median, mad, madRatio, tsScore, dsScore, histScore, durScore, BeaconStatistics.Median(sizes));
        }

        /// <summary>
        /// A beacon inside one flow: the interval and size spread come from the moments the flow kept (their
        /// coefficient of variation, as 0.6745 CV, the MAD of a normal spread), with no skew to measure.
        /// </summary>
        private void ScoreBurstBeacon(in GroupKey key, in Group group)
        {
            var flow = Sides(_conversations[group.BurstConversation]).Sent;
            int intervals = flow.Bursts - 1;
            if (flow.Bursts < options.MinimumConnections || intervals < 2)
                return;
            double mean = flow.MeanBurstIntervalSeconds;
            if (mean <= 0)
                return;
            double sd = Math.Sqrt(Math.Max(0, flow.BurstIntervalM2) / (intervals - 1));
            double madRatio = 0.6745 * sd / mean;
            double tsScore = Math.Max(0, 1 - madRatio);
            int finished = flow.Bursts - 1;
            double sizeMean = flow.MeanBurstBytes;
            double sizeSd = finished > 1 ? Math.Sqrt(Math.Max(0, flow.BurstSizeM2) / (finished - 1)) : 0;
            double dsScore = sizeMean > 0 ? Math.Max(0, 1 - 0.6745 * sizeSd / sizeMean) : 0;
            double spanSeconds = Math.Max(1, (_spanEndNs - _spanStartNs) / NsPerSecond);
            // How much of the capture the bursts cover stands for both the histogram and the duration: bursts at a
            // steady interval fill the bins they cover evenly, and cover too few of them when they span too little.
            double coverage = Math.Min(1, (flow.LastBurstNs - flow.FirstNs) / NsPerSecond / spanSeconds);
            double durScore = coverage * BeaconStatistics.HistogramBins >= options.DurationMinimumBins ? coverage : 0;
            AddBeacon(key, group, "Bursts in one flow", flow.Bursts, mean, sd, madRatio, tsScore, dsScore, durScore, durScore, sizeMean);
        }

        private void AddBeacon(in GroupKey key, in Group group, string evidence, int starts, double interval, double deviation, double madRatio,
            double tsScore, double dsScore, double histScore, double durScore, double typicalSize)
        {
            double rita = 0.25 * tsScore + 0.25 * dsScore + 0.25 * histScore + 0.25 * durScore;
            double regularity = Math.Clamp(1 - madRatio / options.IrregularIntervalRatio, 0, 1);
            double raw = Math.Round(rita * regularity, 3);
            double band = BeaconStatistics.Band(raw, options.BeaconThresholds);
            if (band <= 0)
                return;
            double modifier = PrevalenceOf(key.Destination).Modifier;
            double score = Clamp(band + modifier);
            string? note = null;
            if (IsPeriodicService(group, key) && score > options.PeriodicServiceScore)
            {
                note = "; it is NTP, which polls by design, so it is scored as Low";
                score = options.PeriodicServiceScore;
            }
            string what = evidence == "Connections" ? $"{starts:N0} connections" : $"{starts:N0} bursts in one {ProtocolName(key.Protocol)} flow";
            string spread = $"{(evidence == "Connections" ? "median" : "mean")} {Units.Duration(interval)}, deviation {Units.Duration(deviation)}";
            var finding = Between(ThreatKind.Beaconing, key.Source, key.Destination, Endpoint(key.Destination, key.Port), ProtocolText(key.Protocol, key.Port),
                raw, score, modifier, group.FirstNs, group.LastNs);
            _findings.Add(finding with
            {
                Reason = $"{Who(finding)} reached {Whom(finding)} {what} at regular intervals ({spread}) of about {Units.Bytes((long)typicalSize)} each, beacon score {raw:0.00}{note}.",
                Connections = group.Completed,
                Evidence = evidence,
                IntervalSeconds = Math.Round(interval, 3),
                IntervalDeviationSeconds = Math.Round(deviation, 3),
                TimestampScore = Math.Round(tsScore, 3),
                SizeScore = Math.Round(dsScore, 3),
                HistogramScore = Math.Round(histScore, 3),
                DurationScore = Math.Round(durScore, 3),
            });
        }

        private bool IsPeriodicService(in Group group, in GroupKey key)
        {
            if (key.Protocol != 17 || key.Port != 123)
                return false;
            for (int c = group.Head; c >= 0; c = _next[c])
            {
                var conversation = _conversations[c];
                if (Sides(conversation).Sent.Payload == PayloadProtocol.Ntp)
                    return true;
            }
            return group.BurstConversation >= 0 && Sides(_conversations[group.BurstConversation]).Sent.Payload == PayloadProtocol.Ntp;
        }

        private void AddStrobe(in GroupKey key, in Group group, double spanSeconds)
        {
            double modifier = PrevalenceOf(key.Destination).Modifier;
            double perDay = group.Completed * 86_400.0 / Math.Max(spanSeconds, 1);
            var finding = Between(ThreatKind.Strobe, key.Source, key.Destination, Endpoint(key.Destination, key.Port), ProtocolText(key.Protocol, key.Port),
                0.8, 0.8 + modifier, modifier, group.FirstNs, group.LastNs);
            _findings.Add(finding with
            {
                Reason = $"{Who(finding)} opened {group.Completed:N0} connections to {Whom(finding)} in {Units.Duration(spanSeconds)}, {perDay:N0} a day, at or over the strobe rate of {options.StrobeConnectionsPerDay:N0}.",
                Connections = group.Completed,
            });
        }

        private void ScoreLongConnection(in GroupKey key, in Group group)
        {
            double longest = group.LongestNs / NsPerSecond;
            double band = BeaconStatistics.Band(longest, _longConnectionThresholds);
            if (band <= 0)
                return;
            double modifier = PrevalenceOf(key.Destination).Modifier;
            var conversation = _conversations[group.LongestConversation];
            var (_, sent, received) = Sides(conversation);
            long totalNs = 0;
            for (int c = group.Head; c >= 0; c = _next[c])
            {
                var (start, end) = Span(_conversations[c]);
                totalNs += end - start;
            }
            double total = totalNs / NsPerSecond;
            string others = group.Completed > 1 ? $"; {group.Completed:N0} connections total {Units.Duration(total)}" : "";
            var (firstNs, lastNs) = Span(conversation);
            var finding = Between(ThreatKind.LongConnection, key.Source, key.Destination, Endpoint(key.Destination, key.Port), ProtocolText(key.Protocol, key.Port),
                band, band + modifier, modifier, firstNs, lastNs);
            _findings.Add(finding with
            {
                Reason = $"{Who(finding)} held one {ProtocolName(key.Protocol)} connection to {Whom(finding)} open for {Units.Duration(longest)}, sending {Units.Bytes(sent.Bytes)} and receiving {Units.Bytes(received.Bytes)} on the wire{others}.",
                Connections = group.Count,
                BytesSent = sent.Bytes,
                BytesReceived = received.Bytes,
                LongestConnectionSeconds = Math.Round(longest, 3),
                TotalDurationSeconds = Math.Round(total, 3),
            });
        }

        private void ScoreMismatch(in GroupKey key, in Group group, int mismatched, PayloadProtocol observedProtocol)
        {
            var expected = PayloadProtocols.ExpectedOn(key.Protocol, key.Port);
            bool identified = PayloadProtocols.IsIdentified(observedProtocol);
            double baseScore = identified ? options.MismatchScore : options.RandomPayloadScore;
            double modifier = PrevalenceOf(key.Destination).Modifier;
            string port = ProtocolText(key.Protocol, key.Port);
            string observed = PayloadProtocols.Name(observedProtocol);
            string expectedName = PayloadProtocols.Name(expected);
            var finding = Between(ThreatKind.ProtocolMismatch, key.Source, key.Destination, Endpoint(key.Destination, key.Port), port,
                baseScore, baseScore + modifier, modifier, group.FirstNs, group.LastNs);
            _findings.Add(finding with
            {
                Reason = $"{Who(finding)} sent {observed} to {Whom(finding)} on {port}, where {expectedName} belongs, in {mismatched:N0} of {group.Count:N0} connection{(group.Count == 1 ? "" : "s")}.",
                Connections = mismatched,
                ExpectedProtocol = expectedName,
                ObservedProtocol = observed,
            });
        }

        private void FindDnsTunnels()
        {
            var dns = MergedDns();
            var thresholds = options.SubdomainThresholds.Select(t => (double)t).ToArray();
            Dictionary<string, HashSet<int>>? resolved = null;
            ILookup<(AddressKey Client, string Domain), string>? namesByDomain = null;
            var clientsByDomain = new Dictionary<string, HashSet<AddressKey>>(StringComparer.Ordinal);
            var rows = new List<DnsDomainActivity>();
            foreach (var row in dns.Domains)
            {
                if (DnsNoise.IsBenignDomain(row.Domain))
                    continue;
                if (!options.AllowList.IsEmpty && (options.AllowList.ExcludesName(row.Domain) || options.AllowList.ExcludesAddress(row.Client)
                    || (row.Server is { } server && options.AllowList.ExcludesAddress(server))))
                    continue;
                rows.Add(row);
                if (!clientsByDomain.TryGetValue(row.Domain, out var clients))
                    clientsByDomain[row.Domain] = clients = [];
                clients.Add(AddressKey.From(row.Client)!.Value);
            }
            int dnsClients = clientsByDomain.Values.SelectMany(c => c).Distinct().Count();
            foreach (var row0 in rows)
            {
                DnsDomainActivity row = row0;
                if (options.AllowList.CoversPartOf(row0.Domain))
                {
                    namesByDomain ??= dns.NamesByClientAndDomain();
                    row = DnsActivity.Recount(row0, namesByDomain, name => !options.AllowList.ExcludesName(name, count: false));
                }
                int names = row.Names;
                int longNames = row.NamesWithLabelOf(options.SuspiciousLabelLength);
                double longShare = names > 0 ? (double)longNames / names : 0;
                long oddTypes = row.TxtQueries + row.NullQueries + row.AnyQueries;
                double oddShare = row.Queries > 0 ? (double)oddTypes / row.Queries : 0;
                double nxShare = row.Responses > 0 ? (double)row.NxDomainResponses / row.Responses : 0;
                bool random = row.MeanEntropy >= options.EntropyThreshold;
                double band = BeaconStatistics.Band(names, thresholds);
                double share = options.TunnelTraitShare;
                bool shaped = names >= options.MinimumTunnelNames && longShare >= share && (oddShare >= share || random);
                if (band <= 0 && !shaped)
                    continue;
                if (band <= 0)
                    band = 0.2;
                double modifier = 0;
                var reasons = new List<string>();
                if (longShare >= share)
                {
                    modifier += 0.15;
                    reasons.Add($"{longNames:N0} with a label of {options.SuspiciousLabelLength} characters or more");
                }
                if (oddShare >= share)
                {
                    modifier += 0.1;
                    reasons.Add($"{oddTypes:N0} of {row.Queries:N0} queries for TXT, NULL or ANY records");
                }
                if (random)
                {
                    modifier += 0.05;
                    reasons.Add($"names of {row.MeanEntropy:0.0} bits of entropy per character");
                }
                if (nxShare >= share)
                {
                    modifier += 0.05;
                    reasons.Add($"{row.NxDomainResponses:N0} NXDOMAIN answers");
                }
                resolved ??= ResolvedHostsByDomain();
                // Every host in the index was an end of some conversation.
                bool connected = resolved.TryGetValue(row.Domain, out var hosts) && hosts.Count > 0;
                if (!connected)
                {
                    modifier += options.NoDirectConnectionModifier;
                    reasons.Add("no host connected to any address it resolved to");
                }
                int askers = clientsByDomain[row.Domain].Count;
                double? prevalence = dnsClients > 0 ? (double)askers / dnsClients : null;
                if (dnsClients >= 3)
                {
                    if (askers == 1 || prevalence <= options.RarePrevalence)
                        modifier += options.PrevalenceModifier;
                    else if (prevalence >= options.CommonPrevalence)
                        modifier -= options.PrevalenceModifier;
                }
                var clientKey = AddressKey.From(row.Client)!.Value;
                string client = Text(clientKey);
                string server = row.Server is { } resolver ? Text(AddressKey.From(resolver)!.Value) : "";
                string? clientName = _hostIndex.TryGetValue(clientKey, out int clientHost) ? NameOf(clientHost) : null;
                string detail = reasons.Count > 0 ? "; " + string.Join("; ", reasons) : "";
                _findings.Add(new PcapFinding
                {
                    Kind = nameof(ThreatKind.DnsTunnel),
                    Score = Clamp(band + modifier),
                    Source = client,
                    Destination = server.Length > 0 ? server : null,
                    Domain = row.Domain,
                    NewSinceBaseline = options.BaselineDomains is { } asked ? !asked.Contains(row.Domain) : null,
                    SourceName = clientName,
                    Protocol = "DNS",
                    Reason = $"{Named(client, clientName)} asked {names:N0} distinct names under {row.Domain} in {row.Queries:N0} queries{detail}.",
                    RawScore = band,
                    Modifier = modifier,
                    Queries = row.Queries,
                    Names = names,
                    LongestLabel = row.LongestLabel,
                    LongLabelNames = longNames,
                    Entropy = Math.Round(row.MeanEntropy, 3),
                    TxtQueries = oddTypes,
                    NxDomainResponses = row.NxDomainResponses,
                    ResponseBytes = row.ResponseBytes,
                    PrevalenceHosts = askers,
                    Prevalence = prevalence,
                    FirstSeen = row.FirstNs == long.MaxValue ? null : Timestamps.FromUnixNanoseconds(row.FirstNs),
                    LastSeen = row.LastNs == long.MinValue ? null : Timestamps.FromUnixNanoseconds(row.LastNs),
                    Captures = _captureNames,
                });
            }
        }

        /// <summary>For each registered domain, the hosts (of those in conversations) that its names resolved to.</summary>
        private Dictionary<string, HashSet<int>> ResolvedHostsByDomain()
        {
            var byDomain = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
            foreach (var names in _names)
            {
                foreach (var entry in names.Addresses)
                {
                    var key = AddressKey.From(entry.Address);
                    if (key is null || !_hostIndex.TryGetValue(key.Value, out int host))
                        continue;
                    foreach (var name in entry.Names)
                    {
                        if (name.Source != NameSource.Dns)
                            continue;
                        string domain = PublicSuffixList.RegisteredDomain(name.Name).ToString();
                        if (!byDomain.TryGetValue(domain, out var hosts))
                            byDomain[domain] = hosts = [];
                        hosts.Add(host);
                    }
                }
            }
            return byDomain;
        }

        /// <summary>A host as the topology names its node, so a finding's hosts match node ids (IPv6 in RFC 5952's form).</summary>
        private string Text(int host) => Text(_hosts[host]);

        private static string Text(in AddressKey key) => NodeIds.Address(key.Version, key.High, key.Low);

        private string Endpoint(int host, ushort port) => port == 0 ? Text(host) : NodeIds.Endpoint(Text(host), _hosts[host].Version, port);

        private static string Named(string address, string? name) => name is null ? address : $"{address} ({name})";

        /// <summary>
        /// What every finding between two hosts says: who, to whom, over what, the score and its prevalence part, when,
        /// and from which captures. Each detector adds its reason and figures with <c>with</c>.
        /// </summary>
        private PcapFinding Between(ThreatKind kind, int source, int destination, string destinationText, string protocol,
            double raw, double score, double modifier, long firstNs, long lastNs)
        {
            var (_, hosts, prevalence) = PrevalenceOf(destination);
            return new PcapFinding
            {
                Kind = kind.ToString(),
                Score = Clamp(score),
                Source = Text(source),
                Destination = destinationText,
                SourceName = NameOf(source),
                DestinationName = NameOf(destination),
                Protocol = protocol,
                Reason = "",
                RawScore = raw,
                Modifier = modifier,
                PrevalenceHosts = hosts,
                Prevalence = prevalence,
                NewSinceBaseline = options.BaselineHosts is { } seen ? !seen.Contains(_hosts[destination].ToIPAddress()) : null,
                FirstSeen = Timestamps.FromUnixNanoseconds(firstNs),
                LastSeen = Timestamps.FromUnixNanoseconds(lastNs),
                Captures = _captureNames,
            };
        }

        private static string Who(PcapFinding finding) => Named(finding.Source, finding.SourceName);

        private static string Whom(PcapFinding finding) => Named(finding.Destination!, finding.DestinationName);

        private static double Clamp(double score) => double.IsFinite(score) ? Math.Round(Math.Clamp(score, 0, 1), 3) : 0;

        private static string ProtocolName(byte protocol) => ProtocolNames.IpProtocol(protocol);

        private static string ProtocolText(byte protocol, ushort port) =>
            port == 0 ? ProtocolName(protocol) : $"{ProtocolName(protocol)}/{port.ToString(CultureInfo.InvariantCulture)}";

        private static string Service(byte protocol, ushort port) =>
            WellKnownPorts.Guess(protocol, port, port) ?? $"{ProtocolName(protocol)}/{port.ToString(CultureInfo.InvariantCulture)}";
    }
}
