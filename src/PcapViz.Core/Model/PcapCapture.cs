using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;
using PcapViz.Core.Flows;
using PcapViz.Core.Names;

namespace PcapViz;

/// <summary>One capture file, read once: its totals and the flows every later figure is summed from.</summary>
public sealed class PcapCapture
{
    private readonly FlowTable _flows;
    private readonly HostNameCollector _names;
    private readonly TunnelTable _tunnels;
    private FlowTable? _outerView;

    private readonly long _firstNs;
    private readonly long _lastNs;

    public PcapCapture(string path, CaptureFormat format, IReadOnlyList<string> linkTypes, long packets, long bytes, long capturedBytes,
        long firstNs, long lastNs, long unsupportedLinkTypePackets, long malformedPackets, string? damage, long? damageOffset, FlowTable flows, HostNameCollector names,
        TunnelTable? tunnels = null)
    {
        _firstNs = firstNs;
        _lastNs = lastNs;
        FullName = path;
        CaptureFormat = format;
        LinkTypes = new TextList(linkTypes.ToArray());
        Packets = packets;
        Bytes = bytes;
        CapturedBytes = capturedBytes;
        if (packets > 0)
        {
            FirstSeen = Timestamps.FromUnixNanoseconds(firstNs);
            LastSeen = Timestamps.FromUnixNanoseconds(lastNs);
        }
        UnsupportedLinkTypePackets = unsupportedLinkTypePackets;
        MalformedPackets = malformedPackets;
        Damage = damage;
        DamageOffset = damageOffset;
        _flows = flows;
        _names = names;
        _tunnels = tunnels ?? new TunnelTable();
        for (int i = 0; i < _tunnels.Outer.Count; i++)
            TunnelledPackets += _tunnels.Outer.CountersAt(i).Packets;
    }

    /// <summary>
    /// The capture file's full path, named as FileInfo names it: a property called Path would bind to Get-Item's and
    /// Copy-Item's wildcard -Path ahead of PSPath, and a file such as "odd [name].pcap" would match nothing.
    /// </summary>
    public string FullName { get; }
    public string Name => System.IO.Path.GetFileName(FullName);
    /// <summary>The file format: "Pcap" or "PcapNg" (gzip is read through and not named).</summary>
    public string Format => CaptureFormat.ToString();
    internal CaptureFormat CaptureFormat { get; }
    /// <summary>Link types named by the file, e.g. "Ethernet(1)".</summary>
    public TextList LinkTypes { get; }
    public long Packets { get; }
    /// <summary>Sum of the packets' original wire lengths.</summary>
    public long Bytes { get; }
    /// <summary>Sum of the lengths actually stored in the file (less than <see cref="Bytes"/> when a snap length cut packets).</summary>
    public long CapturedBytes { get; }
    public DateTimeOffset? FirstSeen { get; }
    public DateTimeOffset? LastSeen { get; }
    /// <summary>From the first packet to the last, in seconds.</summary>
    public double DurationSeconds => FirstSeen is { } first && LastSeen is { } last ? (last - first).TotalSeconds : 0;
    public int FlowCount => _flows.Count;
    /// <summary>Packets that came through a tunnel or mirror session (VXLAN, GRE, ERSPAN, ...): their flows are the conversations inside.</summary>
    public long TunnelledPackets { get; }
    /// <summary>How many distinct tunnels (kind, id and outer endpoints) carried them.</summary>
    public int TunnelCount => _tunnels.Count;
    /// <summary>Packets of a link type the decoder does not read: counted, not attributed.</summary>
    public long UnsupportedLinkTypePackets { get; }
    /// <summary>Packets shorter than their own headers claim: attributed as far as they go.</summary>
    public long MalformedPackets { get; }
    public long UndecodedPackets => UnsupportedLinkTypePackets + MalformedPackets;
    /// <summary>Where and why reading stopped early; null when the file was read to its end.</summary>
    public string? Damage { get; }
    public long? DamageOffset { get; }
    /// <summary>What the reader noticed that is not damage, such as a link type nothing decodes (once per file).</summary>
    public TextList Warnings { get; init; } = TextList.Empty;

    public FlowTable GetFlowTable() => _flows;

    /// <summary>
    /// The flows of <paramref name="view"/>: the conversations inside tunnels (the capture's own flow table), or the
    /// capture as it reads with no tunnel opened (made once, on first asking, when the capture holds tunnels).
    /// </summary>
    public FlowTable GetFlowTable(TunnelView view) =>
        view == TunnelView.Inner ? _flows : LazyInitializer.EnsureInitialized(ref _outerView, () => _tunnels.OuterView(_flows));

    /// <summary>The tunnels that carried the capture's flows, numbered as the flow keys' <see cref="FlowKey.Tunnel"/>.</summary>
    public TunnelTable GetTunnels() => _tunnels;

    /// <summary>
    /// The whole capture (totals, flows, names) as compact bytes, so it survives Export-Clixml and remoting, where
    /// PowerShell keeps only property values; <see cref="FromSnapshot"/> turns it back into a capture. A method, not a
    /// property: it costs a pass over every flow, which Select-Object * and ConvertTo-Json must not pay or print.
    /// </summary>
    public byte[] ToSnapshot() => CaptureSnapshot.Write(this, _firstNs, _lastNs);

    public static PcapCapture FromSnapshot(byte[] snapshot) => CaptureSnapshot.Read(snapshot);

    /// <summary>Names the capture gave to addresses (DNS, TLS SNI, HTTP Host, DHCP) and its DNS query counts.</summary>
    public HostNameCollector GetHostNames() => _names;

    public override string ToString() => FullName;
}
