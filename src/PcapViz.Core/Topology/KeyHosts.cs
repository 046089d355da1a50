namespace PcapViz.Core.Topology;

/// <summary>How key hosts are ranked.</summary>
public enum KeyHostRanking
{
    Betweenness,
    PageRank,
    Degree,
    WeightedDegree,
    CoreNumber,
}

/// <summary>What Get-PcapKeyHost measures with, and how betweenness is approximated on large graphs.</summary>
public sealed class KeyHostOptions
{
    public KeyHostRanking By { get; init; } = KeyHostRanking.Betweenness;

    /// <summary>
    /// Up to this many nodes betweenness is exact (Brandes, one breadth-first search per node); above it, sampled.
    /// Null, the default: exact while there are no more nodes than the sample would need searches, since a sampled
    /// search costs about what an exact one does. Measured on bench-1M's layer 3 (2,602 nodes, 171,347 edges): exact
    /// 1.6 s, sampled to 0.01 (29,979 searches) 7.1 s; its layer 4 (161,752 nodes) sampled in 6.1 s.
    /// </summary>
    public int? ExactBetweennessLimit { get; init; }

    /// <summary>The sampled betweenness is within this of the exact value (as a fraction of node pairs) for every node at once.</summary>
    public double BetweennessError { get; init; } = 0.01;

    /// <summary>The probability with which the sampled betweenness keeps within <see cref="BetweennessError"/>.</summary>
    public double BetweennessConfidence { get; init; } = 0.95;

    public int Seed { get; init; } = 20_261_202;

    /// <summary>PageRank's damping factor: 0.85, Brin and Page's.</summary>
    public double Damping { get; init; } = 0.85;
}

/// <summary>
/// Centralities of a topology's nodes, computed over the topology's own nodes and edges numbered once into arrays:
/// degree, bytes, betweenness (Brandes exact, or sampled shortest paths with Riondato and Kornaropoulos's sample size
/// for an error bound and confidence), PageRank (weighted by bytes, dangling nodes spread evenly), articulation
/// points and k-core numbers on the undirected graph, and a role guessed from what the host serves.
/// </summary>
public static class KeyHosts
{
    public static List<PcapKeyHost> Rank(PcapTopology topology, KeyHostOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        var graph = new Graph(topology);
        int n = graph.Count;
        if (n == 0)
            return [];
        int sampleSize = SampleSize(graph, options);
        // Fewer than three nodes have no pair to sample between.
        bool exact = n < 3 || n <= (options.ExactBetweennessLimit ?? sampleSize);
        var (betweenness, samples) = exact ? (Brandes(graph, cancellation), 0) : (Sampled(graph, sampleSize, options.Seed, cancellation), sampleSize);
        var pageRank = PageRank(graph, options.Damping, cancellation);
        var articulation = ArticulationPoints(graph);
        var cores = CoreNumbers(graph);
        var roles = Roles.Guess(topology, graph);
        var hosts = new List<PcapKeyHost>(n);
        for (int v = 0; v < n; v++)
        {
            var node = topology.Nodes[v];
            hosts.Add(new PcapKeyHost
            {
                Host = node.Id,
                Layer = topology.Layer,
                By = options.By.ToString(),
                IsInternal = node.IsInternal,
                Country = node.Country,
                HostName = node.HostNames.FirstOrDefault(),
                Role = roles[v],
                InDegree = node.InDegree,
                OutDegree = node.OutDegree,
                Degree = graph.Neighbours(v).Length,
                WeightedDegree = node.BytesSent + node.BytesReceived,
                Betweenness = Math.Round(betweenness[v], 6),
                BetweennessError = exact ? 0 : options.BetweennessError,
                BetweennessSamples = samples,
                PageRank = Math.Round(pageRank[v], 6),
                IsArticulationPoint = articulation[v],
                CoreNumber = cores[v],
            });
        }
        foreach (var host in hosts)
            host.Score = options.By switch
            {
                KeyHostRanking.PageRank => host.PageRank,
                KeyHostRanking.Degree => host.Degree,
                KeyHostRanking.WeightedDegree => host.WeightedDegree,
                KeyHostRanking.CoreNumber => host.CoreNumber,
                _ => host.Betweenness,
            };
        hosts.Sort();
        for (int i = 0; i < hosts.Count; i++)
            hosts[i].Rank = i + 1;
        return hosts;
    }

    /// <summary>
    /// Brandes (2001) on the undirected, unweighted graph: the share of ordered node pairs (s, t), s ≠ t ≠ v, whose
    /// shortest paths run through v, each pair's share split over its shortest paths.
    /// </summary>
    internal static double[] Brandes(Graph graph, CancellationToken cancellation)
    {
        int n = graph.Count;
        var centrality = new double[n];
        var sigma = new double[n];
        var distance = new int[n];
        var delta = new double[n];
        var order = new int[n];
        var queue = new int[n];
        for (int s = 0; s < n; s++)
        {
            if ((s & 255) == 0)
                cancellation.ThrowIfCancellationRequested();
            int visited = ShortestPaths(graph, s, sigma, distance, order, queue);
            for (int i = 0; i < visited; i++)
                delta[order[i]] = 0;
            for (int i = visited - 1; i > 0; i--)
            {
                int w = order[i];
                if (sigma[w] <= 0)
                    continue;
                foreach (int v in graph.Neighbours(w))
                {
                    if (distance[v] == distance[w] - 1)
                        delta[v] += sigma[v] / sigma[w] * (1 + delta[w]);
                }
                centrality[w] += delta[w];
            }
        }
        double pairs = (double)n * (n - 1);
        if (pairs > 0)
        {
            for (int v = 0; v < n; v++)
                centrality[v] /= pairs;
        }
        return centrality;
    }

    /// <summary>
    /// Riondato and Kornaropoulos (2016): r = (c/ε²)(⌊log₂(VD − 2)⌋ + 1 + ln(1/δ)) node pairs, each with one shortest
    /// path drawn uniformly, bound every node's betweenness within ε with probability 1 − δ (c = 0.5; VD, the vertex
    /// diameter, bounded by twice the depth of a breadth-first search from each component's first node, plus one).
    /// </summary>
    internal static int SampleSize(Graph graph, KeyHostOptions options)
    {
        int n = graph.Count;
        int diameter = VertexDiameterBound(graph, new double[n], new int[n], new int[n], new int[n]);
        double epsilon = options.BetweennessError, delta = 1 - options.BetweennessConfidence;
        return (int)Math.Ceiling(0.5 / (epsilon * epsilon) * (Math.Floor(Math.Log2(Math.Max(1, diameter - 2))) + 1 + Math.Log(1 / delta)));
    }

    internal static double[] Sampled(Graph graph, int samples, int seed, CancellationToken cancellation)
    {
        int n = graph.Count;
        var sigma = new double[n];
        var distance = new int[n];
        var order = new int[n];
        var queue = new int[n];
        var random = new Random(seed);
        var centrality = new double[n];
        for (int i = 0; i < samples; i++)
        {
            if ((i & 63) == 0)
                cancellation.ThrowIfCancellationRequested();
            int s = random.Next(n), t = random.Next(n - 1);
            if (t >= s)
                t++;
            ShortestPaths(graph, s, sigma, distance, order, queue, stopAt: t);
            if (distance[t] < 0)
                continue;
            // Walk back from t, choosing each predecessor in proportion to its shortest-path count.
            for (int w = t; w != s;)
            {
                double pick = random.NextDouble() * sigma[w];
                int chosen = -1;
                foreach (int v in graph.Neighbours(w))
                {
                    if (distance[v] != distance[w] - 1)
                        continue;
                    chosen = v;
                    pick -= sigma[v];
                    if (pick < 0)
                        break;
                }
                w = chosen;
                if (w != s)
                    centrality[w] += 1.0 / samples;
            }
        }
        return centrality;
    }

    private static int VertexDiameterBound(Graph graph, double[] sigma, int[] distance, int[] order, int[] queue)
    {
        int n = graph.Count, bound = 1;
        var seen = new bool[n];
        for (int s = 0; s < n; s++)
        {
            if (seen[s])
                continue;
            int visited = ShortestPaths(graph, s, sigma, distance, order, queue);
            int depth = 0;
            for (int i = 0; i < visited; i++)
            {
                seen[order[i]] = true;
                depth = Math.Max(depth, distance[order[i]]);
            }
            bound = Math.Max(bound, 2 * depth + 1);
        }
        return bound;
    }

    /// <summary>Breadth-first search from s: distances (-1 unreached), shortest-path counts, nodes in visiting order.</summary>
    private static int ShortestPaths(Graph graph, int s, double[] sigma, int[] distance, int[] order, int[] queue, int stopAt = -1)
    {
        Array.Fill(distance, -1);
        Array.Clear(sigma);
        distance[s] = 0;
        sigma[s] = 1;
        int head = 0, tail = 0, visited = 0;
        queue[tail++] = s;
        int stopDepth = int.MaxValue;
        while (head < tail)
        {
            int v = queue[head++];
            if (distance[v] > stopDepth)
                break;
            order[visited++] = v;
            if (v == stopAt)
                stopDepth = distance[v];
            foreach (int w in graph.Neighbours(v))
            {
                if (distance[w] < 0)
                {
                    distance[w] = distance[v] + 1;
                    queue[tail++] = w;
                }
                if (distance[w] == distance[v] + 1)
                {
                    sigma[w] += sigma[v];
                    // Path counts grow exponentially in a chain of diamonds; only their ratios matter, so all counts
                    // found so far are scaled down together before any overflows.
                    if (sigma[w] > 1e250)
                    {
                        for (int i = 0; i < visited; i++)
                            sigma[order[i]] *= 1e-250;
                        for (int i = head; i < tail; i++)
                            sigma[queue[i]] *= 1e-250;
                    }
                }
            }
        }
        return visited;
    }

    /// <summary>PageRank over the directed edges weighted by bytes; a node with no way out spreads its rank over all nodes.</summary>
    internal static double[] PageRank(Graph graph, double damping, CancellationToken cancellation)
    {
        int n = graph.Count;
        var rank = new double[n];
        var next = new double[n];
        Array.Fill(rank, 1.0 / n);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            double dangling = 0;
            Array.Clear(next);
            for (int v = 0; v < n; v++)
            {
                double total = graph.OutWeight(v);
                if (total <= 0)
                {
                    dangling += rank[v];
                    continue;
                }
                var targets = graph.OutNeighbours(v);
                var weights = graph.OutWeights(v);
                for (int i = 0; i < targets.Length; i++)
                    next[targets[i]] += rank[v] * weights[i] / total;
            }
            double change = 0;
            for (int v = 0; v < n; v++)
            {
                double value = (1 - damping) / n + damping * (next[v] + dangling / n);
                change += Math.Abs(value - rank[v]);
                rank[v] = value;
            }
            if (change < 1e-10)
                break;
        }
        return rank;
    }

    /// <summary>Nodes whose removal splits their component (Hopcroft and Tarjan), without recursion.</summary>
    internal static bool[] ArticulationPoints(Graph graph)
    {
        int n = graph.Count;
        var result = new bool[n];
        var discovered = new int[n];
        var low = new int[n];
        var parent = new int[n];
        var edgeIndex = new int[n];
        Array.Fill(discovered, -1);
        int time = 0;
        var stack = new Stack<int>();
        for (int root = 0; root < n; root++)
        {
            if (discovered[root] >= 0)
                continue;
            int rootChildren = 0;
            discovered[root] = low[root] = time++;
            parent[root] = -1;
            stack.Push(root);
            while (stack.Count > 0)
            {
                int v = stack.Peek();
                var neighbours = graph.Neighbours(v);
                if (edgeIndex[v] < neighbours.Length)
                {
                    int w = neighbours[edgeIndex[v]++];
                    if (discovered[w] < 0)
                    {
                        parent[w] = v;
                        discovered[w] = low[w] = time++;
                        if (v == root)
                            rootChildren++;
                        stack.Push(w);
                    }
                    else if (w != parent[v])
                    {
                        low[v] = Math.Min(low[v], discovered[w]);
                    }
                    continue;
                }
                stack.Pop();
                int p = parent[v];
                if (p >= 0)
                {
                    low[p] = Math.Min(low[p], low[v]);
                    if (p != root && low[v] >= discovered[p])
                        result[p] = true;
                }
            }
            result[root] = rootChildren > 1;
        }
        return result;
    }

    /// <summary>k-core numbers on the undirected graph (Batagelj and Zaversnik), in time linear in the edges.</summary>
    internal static int[] CoreNumbers(Graph graph)
    {
        int n = graph.Count;
        var degree = new int[n];
        int maxDegree = 0;
        for (int v = 0; v < n; v++)
        {
            degree[v] = graph.Neighbours(v).Length;
            maxDegree = Math.Max(maxDegree, degree[v]);
        }
        var bins = new int[maxDegree + 1];
        foreach (int d in degree)
            bins[d]++;
        for (int d = 0, start = 0; d <= maxDegree; d++)
            (bins[d], start) = (start, start + bins[d]);
        var position = new int[n];
        var vertices = new int[n];
        for (int v = 0; v < n; v++)
        {
            position[v] = bins[degree[v]]++;
            vertices[position[v]] = v;
        }
        for (int d = maxDegree; d > 0; d--)
            bins[d] = bins[d - 1];
        bins[0] = 0;
        for (int i = 0; i < n; i++)
        {
            int v = vertices[i];
            foreach (int u in graph.Neighbours(v))
            {
                if (degree[u] <= degree[v])
                    continue;
                int du = degree[u], pu = position[u], pw = bins[du], w = vertices[pw];
                if (u != w)
                {
                    (vertices[pu], vertices[pw]) = (w, u);
                    position[u] = pw;
                    position[w] = pu;
                }
                bins[du]++;
                degree[u]--;
            }
        }
        return degree;
    }

    /// <summary>The topology numbered once: node i is topology.Nodes[i]; adjacency in compressed rows.</summary>
    internal sealed class Graph
    {
        private readonly int[] _start, _neighbours;
        private readonly int[] _outStart, _outTargets;
        private readonly double[] _outWeights, _outTotal;

        public Graph(PcapTopology topology)
        {
            int n = topology.Nodes.Length;
            Count = n;
            var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
            for (int i = 0; i < n; i++)
                index.TryAdd(topology.Nodes[i].Id, i);
            // Multicast groups and broadcast addresses receive, but no path runs through them: they are left out of the graph.
            var group = topology.Nodes.Select(node => IsGroupAddress(topology.Layer, node.Address)).ToArray();
            var directed = new List<(int From, int To, double Bytes)>(topology.Edges.Length);
            foreach (var edge in topology.Edges)
            {
                if (index.TryGetValue(edge.Source, out int from) && index.TryGetValue(edge.Destination, out int to) && from != to && !group[from] && !group[to])
                    directed.Add((from, to, Math.Max(1, edge.Bytes)));
            }
            (_outStart, _outTargets, _outWeights) = Rows(n, directed);
            _outTotal = new double[n];
            foreach (var (from, _, bytes) in directed)
                _outTotal[from] += bytes;
            // Each pair of hosts once, in both directions, whichever way (or both) its edges ran.
            var undirected = directed.Select(e => (Low: Math.Min(e.From, e.To), High: Math.Max(e.From, e.To))).Distinct()
                .SelectMany(p => new[] { (p.Low, p.High, 1.0), (p.High, p.Low, 1.0) });
            (_start, _neighbours, _) = Rows(n, undirected);
        }

        public int Count { get; }

        private static bool IsGroupAddress(int layer, string address)
        {
            if (layer == 2)
                return TopologyInput.TryParseMac(address, out ulong mac) && ((mac >> 40) & 1) != 0;
            if (!System.Net.IPAddress.TryParse(address, out var ip))
                return false;
            var key = Names.AddressKey.From(ip);
            return key is { } k && Geo.AddressClass.IsGroup(k.Version, k.High, k.Low);
        }

        public ReadOnlySpan<int> Neighbours(int v) => _neighbours.AsSpan(_start[v], _start[v + 1] - _start[v]);

        public ReadOnlySpan<int> OutNeighbours(int v) => _outTargets.AsSpan(_outStart[v], _outStart[v + 1] - _outStart[v]);

        public ReadOnlySpan<double> OutWeights(int v) => _outWeights.AsSpan(_outStart[v], _outStart[v + 1] - _outStart[v]);

        public double OutWeight(int v) => _outTotal[v];

        private static (int[] Start, int[] Targets, double[] Weights) Rows(int n, IEnumerable<(int From, int To, double Weight)> edges)
        {
            var list = edges.ToList();
            var start = new int[n + 1];
            foreach (var e in list)
                start[e.From + 1]++;
            for (int v = 0; v < n; v++)
                start[v + 1] += start[v];
            var fill = (int[])start.Clone();
            var targets = new int[list.Count];
            var weights = new double[list.Count];
            foreach (var e in list)
            {
                int at = fill[e.From]++;
                targets[at] = e.To;
                weights[at] = e.Weight;
            }
            return (start, targets, weights);
        }
    }
}
