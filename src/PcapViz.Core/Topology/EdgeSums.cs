using PcapViz.Core.Flows;

namespace PcapViz.Core.Topology;

/// <summary>Directed edges at one layer, summed over flows: the exact figures behind every topology.</summary>
public static class EdgeSums
{
    public static Dictionary<(string Source, string Destination), (long Packets, long Bytes)> Compute(IEnumerable<KeyValuePair<FlowKey, FlowCounters>> flows, int layer)
    {
        var edges = new Dictionary<(string, string), (long, long)>();
        foreach (var (key, counters) in flows)
        {
            if (!TryEndpoints(key, layer, out var source, out var destination))
                continue;
            edges.TryGetValue((source, destination), out var sum);
            edges[(source, destination)] = (sum.Item1 + counters.Packets, sum.Item2 + counters.Bytes);
        }
        return edges;
    }

    public static bool TryEndpoints(in FlowKey key, int layer, out string source, out string destination)
    {
        switch (layer)
        {
            case 2 when key.HasMacs:
                source = NodeIds.Mac(key.SourceMac);
                destination = NodeIds.Mac(key.DestinationMac);
                return true;
            case 3 when key.HasIp:
                source = NodeIds.SourceIp(key);
                destination = NodeIds.DestinationIp(key);
                return true;
            case 4 when NodeIds.HasLayer4(key):
                source = NodeIds.Endpoint(NodeIds.SourceIp(key), key.IpVersion, key.SourcePort);
                destination = NodeIds.Endpoint(NodeIds.DestinationIp(key), key.IpVersion, key.DestinationPort);
                return true;
            default:
                source = destination = "";
                return false;
        }
    }
}
