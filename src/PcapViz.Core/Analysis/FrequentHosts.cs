namespace PcapViz.Core.Analysis;

/// <summary>Ranks the nodes of a topology by how many peers they have, or by their traffic, in one direction or both.</summary>
public static class FrequentHosts
{
    public static IReadOnlyList<FrequentHost> Rank(PcapTopology topology, TrafficDirection direction, HostRanking by, int? top = null)
    {
        var peers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (direction == TrafficDirection.Both)
        {
            foreach (var edge in topology.Edges)
            {
                Peers(peers, edge.Source).Add(edge.Destination);
                Peers(peers, edge.Destination).Add(edge.Source);
            }
        }
        var rows = new List<FrequentHost>(topology.Nodes.Length);
        foreach (var node in topology.Nodes)
        {
            var (peerCount, packets, bytes) = direction switch
            {
                TrafficDirection.In => (node.InDegree, node.PacketsReceived, node.BytesReceived),
                TrafficDirection.Out => (node.OutDegree, node.PacketsSent, node.BytesSent),
                _ => (peers.TryGetValue(node.Id, out var set) ? set.Count : 0, node.PacketsSent + node.PacketsReceived, node.BytesSent + node.BytesReceived),
            };
            rows.Add(new FrequentHost
            {
                Count = by switch
                {
                    HostRanking.Packets => packets,
                    HostRanking.Bytes => bytes,
                    _ => peerCount,
                },
                Host = node.Id,
                Direction = direction.ToString(),
                By = by.ToString(),
                Peers = peerCount,
                Packets = packets,
                Bytes = bytes,
                Country = node.Country,
                HostName = node.HostNames.FirstOrDefault(),
            });
        }
        rows.Sort();
        return top is { } n && n < rows.Count ? rows.GetRange(0, n) : rows;
    }

    private static HashSet<string> Peers(Dictionary<string, HashSet<string>> peers, string node)
    {
        if (!peers.TryGetValue(node, out var set))
            peers[node] = set = new HashSet<string>(StringComparer.Ordinal);
        return set;
    }
}
