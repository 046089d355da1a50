using PcapViz.Core.Decoding;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Flows;

/// <summary>Which conversations a tunnelled packet counts in.</summary>
public enum TunnelView
{
    /// <summary>The innermost conversation: the hosts a mirror session or tunnel carried.</summary>
    Inner,
    /// <summary>The outermost headers, as if no tunnel were opened: the tunnel endpoints and the mirror's transport.</summary>
    Outer,
}

/// <summary>
/// One tunnel of a capture: its chain of kinds, its id, and its outer endpoints as its first packet went (source to
/// destination). Packets either way between the same endpoints, of the same kinds and id, are the same tunnel.
/// </summary>
public readonly record struct Tunnel(uint Kinds, bool HasId, uint Id, byte IpVersion, ulong SourceHigh, ulong SourceLow, ulong DestinationHigh, ulong DestinationLow)
{
    /// <summary>The kinds, outermost first: "VXLAN", "GRE > VXLAN".</summary>
    public string Kind => TunnelKinds.Text(Kinds);

    public string Source => NodeIds.Address(IpVersion, SourceHigh, SourceLow);

    public string Destination => NodeIds.Address(IpVersion, DestinationHigh, DestinationLow);

    /// <summary>The same tunnel with its endpoints in one order whichever way a packet went: the table's key.</summary>
    internal Tunnel Canonical()
    {
        bool swap = SourceHigh > DestinationHigh || (SourceHigh == DestinationHigh && SourceLow > DestinationLow);
        return swap ? this with { SourceHigh = DestinationHigh, SourceLow = DestinationLow, DestinationHigh = SourceHigh, DestinationLow = SourceLow } : this;
    }

    internal static Tunnel Of(in DecodedPacket p) =>
        new(p.TunnelKinds, p.HasTunnelId, p.TunnelId, p.Outer.IpVersion,
            p.Outer.SourceHigh, p.Outer.SourceLow, p.Outer.DestinationHigh, p.Outer.DestinationLow);
}

/// <summary>
/// The tunnels of a capture, numbered from 1 in the order they first appeared (a flow key's <see cref="FlowKey.Tunnel"/>),
/// and the outer flows of every tunnelled packet: with the flows that came through no tunnel, they are the capture
/// as it reads with no tunnel opened.
/// </summary>
public sealed class TunnelTable
{
    private readonly Dictionary<Tunnel, uint> _numbers = [];
    private readonly List<Tunnel> _tunnels = [];
    // Packets of one tunnel come in runs: the last one found spares most lookups.
    private Tunnel _last;
    private uint _lastNumber;

    public int Count => _tunnels.Count;

    /// <summary>The unidirectional outer flows of the tunnelled packets.</summary>
    public FlowTable Outer { get; } = new(64);

    /// <summary>Tunnel <paramref name="number"/> (1 to <see cref="Count"/>).</summary>
    public Tunnel this[uint number] => _tunnels[checked((int)number - 1)];

    public IReadOnlyList<Tunnel> All => _tunnels;

    /// <summary>The number of the tunnel that carried <paramref name="p"/> (which came through one), added when new.</summary>
    public uint NumberOf(in DecodedPacket p)
    {
        var tunnel = Tunnel.Of(p);
        if (_lastNumber != 0 && tunnel == _last)
            return _lastNumber;
        uint number = Add(tunnel);
        (_last, _lastNumber) = (tunnel, number);
        return number;
    }

    /// <summary>The number of <paramref name="tunnel"/>, added when new (from a snapshot, say).</summary>
    public uint Add(in Tunnel tunnel)
    {
        var key = tunnel.Canonical();
        if (!_numbers.TryGetValue(key, out uint number))
        {
            _tunnels.Add(tunnel);
            number = (uint)_tunnels.Count;
            _numbers.Add(key, number);
        }
        return number;
    }

    /// <summary>Counts a tunnelled packet in its outer flow.</summary>
    public void CountOuter(in DecodedPacket p, long timestampNs, int wireLength)
    {
        var key = FlowKey.Outer(p.Outer);
        Outer.GetOrAdd(key).Add(timestampNs, wireLength, Math.Min(p.Outer.WirePayloadLength, wireLength), 0);
    }

    /// <summary>
    /// The capture as it reads with no tunnel opened: <paramref name="flows"/> that came through no tunnel, and the
    /// outer flows of those that did.
    /// </summary>
    public FlowTable OuterView(FlowTable flows)
    {
        if (Outer.Count == 0)
            return flows;
        var view = new FlowTable(flows.Count);
        for (int i = 0; i < flows.Count; i++)
        {
            ref readonly var key = ref flows.KeyAt(i);
            if (key.Tunnel == 0)
                view.GetOrAdd(key).Merge(flows.CountersAt(i));
        }
        view.Merge(Outer);
        return view;
    }
}
