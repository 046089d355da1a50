namespace PcapViz.Core.Topology;

/// <summary>
/// What a host serves, guessed from the protocols on its edges: a host is a server of a protocol when it speaks it with
/// two peers or more and with more peers than any of them does (the hub of that protocol's star). A domain controller
/// serves Kerberos, or LDAP and SMB together. The gateway is the link address most external hosts are seen behind (at
/// layer 3 a remote host carries its router's MAC): the internal host with that MAC, or at layer 2 the MAC itself.
/// </summary>
internal static class Roles
{
    private static readonly (string Protocol, string Role)[] Services =
    [
        ("DNS", "DNS server"), ("DHCP", "DHCP server"), ("NTP", "NTP server"), ("HTTP-Proxy", "HTTP proxy"),
        ("Kerberos", "Kerberos"), ("LDAP", "LDAP"), ("SMB", "SMB"),
    ];

    public static string?[] Guess(PcapTopology topology, KeyHosts.Graph graph)
    {
        int n = graph.Count;
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
            index.TryAdd(topology.Nodes[i].Id, i);
        var roles = new List<string>?[n];
        void Add(int node, string role) => (roles[node] ??= []).Add(role);

        foreach (var (protocol, role) in Services)
        {
            var peers = new HashSet<int>?[n];
            foreach (var edge in topology.Edges)
            {
                if (!edge.Protocols.Contains(protocol) || !index.TryGetValue(edge.Source, out int a) || !index.TryGetValue(edge.Destination, out int b) || a == b)
                    continue;
                (peers[a] ??= []).Add(b);
                (peers[b] ??= []).Add(a);
            }
            for (int v = 0; v < n; v++)
            {
                if (peers[v] is not { Count: >= 2 } mine)
                    continue;
                if (mine.All(p => (peers[p]?.Count ?? 0) < mine.Count))
                    Add(v, role);
            }
        }
        for (int v = 0; v < n; v++)
        {
            if (roles[v] is not { } found)
                continue;
            bool kerberos = found.Remove("Kerberos"), ldap = found.Remove("LDAP"), smb = found.Remove("SMB");
            if (kerberos || (ldap && smb))
                found.Add("Domain controller");
            else if (smb)
                found.Add("File server");
            else if (ldap)
                found.Add("LDAP server");
        }

        var behind = topology.Nodes.Where(node => !node.IsInternal && node.Mac.Count == 1).GroupBy(node => node.Mac[0])
            .Select(g => (Mac: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).FirstOrDefault();
        if (behind.Count >= 2)
        {
            for (int v = 0; v < n; v++)
            {
                var node = topology.Nodes[v];
                bool isGateway = topology.Layer == 2 ? node.Id == behind.Mac : node.IsInternal && node.Mac.Contains(behind.Mac);
                if (isGateway)
                    Add(v, "Gateway");
            }
        }
        return roles.Select(r => r is { Count: > 0 } ? string.Join(", ", r.OrderBy(x => x == "Gateway" ? 0 : 1).ThenBy(x => x, StringComparer.Ordinal)) : null).ToArray();
    }
}
