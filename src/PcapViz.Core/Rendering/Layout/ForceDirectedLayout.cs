namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Fruchterman–Reingold for one connected component: edges pull like springs, all nodes push apart (Barnes–Hut
/// approximated), a weak gravity keeps loose parts together, and a cooling temperature bounds each step. Nodes with
/// bigger boxes push harder, so labelled hubs get room. Seeded start and fixed iteration counts make it deterministic;
/// the per-node force sums run in parallel but each is computed in a fixed order, so threads never change the result.
/// </summary>
internal static class ForceDirectedLayout
{
    private const double Theta = 0.9;
    private const double LargeGraphTheta = 1.1;
    private const double Gravity = 0.08;
    private const int ParallelThreshold = 768;
    private const int LargeGraph = 10_000;

    /// <summary>Up to this many nodes the repulsion is summed pair by pair: cheaper than building a tree each round.</summary>
    private const int DirectSumLimit = 64;

    /// <param name="size">A node's footprint radius (half its box diagonal, roughly).</param>
    /// <param name="edges">Undirected edges between local indices.</param>
    /// <param name="x">Receives positions; the initial values are ignored.</param>
    public static void Run(double[] size, IReadOnlyList<(int A, int B)> edges, double[] x, double[] y, ulong seed, CancellationToken cancellation, Action<double>? progress = null)
    {
        int n = size.Length;
        if (n == 1)
        {
            x[0] = y[0] = 0;
            return;
        }
        double meanSize = size.Average();
        double k = 2.0 * meanSize + 12; // ideal edge length: neighbours' boxes just clear each other
        var mass = new double[n];
        for (int i = 0; i < n; i++)
            mass[i] = Math.Clamp(size[i] / meanSize, 0.5, 3.0);

        if (n == 2)
        {
            double gap = size[0] + size[1] + 12;
            x[0] = -gap / 2;
            x[1] = gap / 2;
            y[0] = y[1] = 0;
            return;
        }

        // Start on a seeded disc sized for the final density, so cooling starts near the right scale.
        var random = new DeterministicRandom(seed);
        double radius = k * Math.Sqrt(n) * 0.6;
        for (int i = 0; i < n; i++)
        {
            double r = radius * Math.Sqrt(random.NextDouble());
            double a = 2 * Math.PI * random.NextDouble();
            x[i] = r * Math.Cos(a);
            y[i] = r * Math.Sin(a);
        }

        // Big graphs settle in fewer rounds (each moves many nodes a little) and are looked at from afar: 120 rounds
        // at a coarser Barnes-Hut opening angle show the structure 180 rounds show, in two thirds of the time.
        int iterations = n switch
        {
            <= 60 => 500,
            <= 600 => 350,
            <= 3000 => 250,
            <= LargeGraph => 180,
            _ => 120,
        };
        double theta = n <= LargeGraph ? Theta : LargeGraphTheta;
        var fx = new double[n];
        var fy = new double[n];
        var tree = new BarnesHutTree();
        double k2 = k * k;
        double start = Math.Max(k * Math.Sqrt(n) / 3, 2 * k);
        double end = k / 40;
        for (int it = 0; it < iterations; it++)
        {
            if ((it & 7) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                progress?.Invoke((double)it / iterations);
            }
            if (n <= DirectSumLimit)
            {
                DirectRepulsion(x, y, mass, k2, fx, fy);
            }
            else if (n >= ParallelThreshold)
            {
                tree.Build(x, y, mass);
                Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, () => new Stack<int>(64), (i, _, stack) =>
                {
                    (fx[i], fy[i]) = tree.Repulsion(i, x[i], y[i], mass[i], k2, theta, stack);
                    return stack;
                }, _ => { });
            }
            else
            {
                tree.Build(x, y, mass);
                var stack = new Stack<int>(64);
                for (int i = 0; i < n; i++)
                    (fx[i], fy[i]) = tree.Repulsion(i, x[i], y[i], mass[i], k2, theta, stack);
            }
            foreach (var (a, b) in edges)
            {
                double dx = x[a] - x[b], dy = y[a] - y[b];
                double d = Math.Sqrt(dx * dx + dy * dy);
                double f = d / k; // |F| = d^2 / k along the edge
                fx[a] -= dx * f;
                fy[a] -= dy * f;
                fx[b] += dx * f;
                fy[b] += dy * f;
            }
            double t = end + (start - end) * Math.Pow(1 - (double)it / iterations, 2);
            for (int i = 0; i < n; i++)
            {
                double gx = fx[i] - Gravity * mass[i] * x[i];
                double gy = fy[i] - Gravity * mass[i] * y[i];
                double len = Math.Sqrt(gx * gx + gy * gy);
                if (len < 1e-9)
                    continue;
                double step = Math.Min(len, t) / len;
                x[i] += gx * step;
                y[i] += gy * step;
            }
        }
    }

    /// <summary>The same repulsion as <see cref="BarnesHutTree.Repulsion"/>, exact: strength * m_i * m_j * (p_i - p_j) / |p_i - p_j|^2.</summary>
    private static void DirectRepulsion(double[] x, double[] y, double[] mass, double strength, double[] fx, double[] fy)
    {
        int n = x.Length;
        Array.Clear(fx);
        Array.Clear(fy);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dx = x[i] - x[j], dy = y[i] - y[j];
                double d2 = dx * dx + dy * dy;
                if (d2 < 1e-6)
                    continue; // coincident: overlap removal separates them later
                double f = strength * mass[i] * mass[j] / d2;
                fx[i] += dx * f;
                fy[i] += dy * f;
                fx[j] -= dx * f;
                fy[j] -= dy * f;
            }
        }
    }
}
