using PcapViz.Core.Decoding;
using PcapViz.Core.Topology;

namespace PcapViz.Core.Flows;

/// <summary>Pairs each unidirectional flow with its reverse into one conversation, oriented from the side that opened it.</summary>
public static class ConversationBuilder
{
    /// <param name="tunnels">The tunnels the flow keys number; without them, flows carry no tunnel.</param>
    public static IEnumerable<PcapFlow> Build(FlowTable flows, string capture, TunnelTable? tunnels = null)
    {
        var paired = new HashSet<FlowKey>();
        var conversations = new List<PcapFlow>(flows.Count);
        foreach (var (key, counters) in flows.Entries)
        {
            if (paired.Contains(key))
                continue;
            var reverseKey = key.Reversed();
            FlowCounters reverse = default;
            bool hasReverse = reverseKey != key && flows.TryGet(reverseKey, out reverse);
            if (hasReverse)
                paired.Add(reverseKey);
            paired.Add(key);
            if (hasReverse && OpenedFromOtherSide(counters, reverse))
                conversations.Add(Create(reverseKey, reverse, counters, capture, tunnels));
            else
                conversations.Add(Create(key, counters, reverse, capture, tunnels));
        }
        conversations.Sort((a, b) => a.FirstSeen.CompareTo(b.FirstSeen));
        return conversations;
    }

    /// <summary>The opener sent the bare SYN; without one, the side heard from first.</summary>
    internal static bool OpenedFromOtherSide(in FlowCounters forward, in FlowCounters reverse)
    {
        const byte syn = (byte)TcpFlags.SYN, ack = (byte)TcpFlags.ACK;
        bool forwardOpened = (forward.FirstTcpFlags & (syn | ack)) == syn;
        bool reverseOpened = (reverse.FirstTcpFlags & (syn | ack)) == syn;
        if (forwardOpened != reverseOpened)
            return reverseOpened;
        return reverse.FirstNs < forward.FirstNs;
    }

    private static PcapFlow Create(in FlowKey key, in FlowCounters sent, in FlowCounters received, string capture, TunnelTable? tunnels)
    {
        Tunnel? tunnel = key.Tunnel != 0 && tunnels is not null && key.Tunnel <= tunnels.Count ? tunnels[key.Tunnel] : null;
        long first = received.Packets == 0 ? sent.FirstNs : Math.Min(sent.FirstNs, received.FirstNs);
        long last = Math.Max(sent.LastNs, received.Packets == 0 ? long.MinValue : received.LastNs);
        int? sourcePort = key.HasPorts ? key.SourcePort : null;
        int? destinationPort = key.HasPorts ? key.DestinationPort : null;
        var payload = PayloadProtocols.Stronger(sent.Payload, received.Payload);
        var (protocol, application) = ProtocolNames.Of(key, payload);
        return new PcapFlow
        {
            Protocol = protocol,
            IpProtocol = key.HasIp ? key.Protocol : null,
            EtherType = key.EtherType,
            SourceAddress = key.HasIp ? NodeIds.Address(key.IpVersion, key.SourceHigh, key.SourceLow) : null,
            DestinationAddress = key.HasIp ? NodeIds.Address(key.IpVersion, key.DestinationHigh, key.DestinationLow) : null,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
            SourceMac = key.HasMacs ? NodeIds.Mac(key.SourceMac) : null,
            DestinationMac = key.HasMacs ? NodeIds.Mac(key.DestinationMac) : null,
            Vlan = key.HasVlan ? key.Vlan : null,
            SentPackets = sent.Packets,
            SentBytes = sent.Bytes,
            ReceivedPackets = received.Packets,
            ReceivedBytes = received.Bytes,
            SentPayloadBytes = sent.PayloadBytes,
            ReceivedPayloadBytes = received.PayloadBytes,
            FirstSeen = Timestamps.FromUnixNanoseconds(first),
            LastSeen = Timestamps.FromUnixNanoseconds(last),
            TcpFlags = TcpFlagsText.Of((byte)(sent.TcpFlags | received.TcpFlags)),
            Application = application,
            ApplicationSource = application is null ? null : PayloadProtocols.IsIdentified(payload) ? "Payload" : "Port",
            Capture = capture,
            Tunnel = tunnel?.Kind,
            TunnelSource = tunnel?.Source,
            TunnelDestination = tunnel?.Destination,
            TunnelId = tunnel is { HasId: true } t ? t.Id : null,
        };
    }
}
