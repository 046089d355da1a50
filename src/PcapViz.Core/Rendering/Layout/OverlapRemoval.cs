namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Moves node boxes (circle plus label) apart until no two overlap, keeping the layout's shape: a sweep over boxes
/// sorted by left edge finds overlapping pairs, each pair is pushed apart along the axis that needs the smaller move,
/// and rounds repeat until one finds nothing. If pushing stalls, the whole layout is spread a little about its centre,
/// which always makes progress, so the loop ends with no overlap at all.
/// </summary>
internal static class OverlapRemoval
{
    private const int RoundsBeforeSpreading = 40;

    /// <returns>The number of rounds run.</returns>
    public static int Run(double[] x, double[] y, double[] halfWidth, double[] above, double[] below, double padding, CancellationToken cancellation)
    {
        int n = x.Length;
        if (n < 2)
            return 0;
        double pad = padding / 2;
        var order = new int[n];
        var left = new double[n];
        SeparateCoincident(x, y);
        for (int round = 1; ; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
                left[i] = x[i] - halfWidth[i] - pad;
            }
            Array.Sort(left, order);
            int overlaps = 0;
            for (int a = 0; a < n; a++)
            {
                int i = order[a];
                for (int b = a + 1; b < n; b++)
                {
                    int j = order[b];
                    if (left[b] >= x[i] + halfWidth[i] + pad)
                        break;
                    double ox = Math.Min(x[i] + halfWidth[i], x[j] + halfWidth[j]) - Math.Max(x[i] - halfWidth[i], x[j] - halfWidth[j]) + 2 * pad;
                    if (ox <= 0)
                        continue;
                    double oy = Math.Min(y[i] + below[i], y[j] + below[j]) - Math.Max(y[i] - above[i], y[j] - above[j]) + 2 * pad;
                    if (oy <= 0)
                        continue;
                    overlaps++;
                    // Push the pair apart along the line between their box centres, just far enough to clear on
                    // one axis: radial structure (fans round a hub) stays radial instead of turning into combs.
                    double ci = y[i] + (below[i] - above[i]) / 2, cj = y[j] + (below[j] - above[j]) / 2;
                    double ux = x[j] - x[i], uy = cj - ci;
                    double len = Math.Sqrt(ux * ux + uy * uy);
                    if (len < 1e-9)
                    {
                        (ux, uy, len) = (j > i ? 1 : -1, 0, 1);
                    }
                    ux /= len;
                    uy /= len;
                    double t = Math.Min(Math.Abs(ux) > 1e-9 ? ox / Math.Abs(ux) : double.MaxValue, Math.Abs(uy) > 1e-9 ? oy / Math.Abs(uy) : double.MaxValue);
                    double move = t / 2 + 0.01;
                    x[i] -= ux * move;
                    y[i] -= uy * move;
                    x[j] += ux * move;
                    y[j] += uy * move;
                }
            }
            if (overlaps == 0)
                return round;
            if (round % RoundsBeforeSpreading == 0)
                Spread(x, y, 1.1);
        }
    }

    /// <summary>True when some two boxes overlap (touching is allowed).</summary>
    public static bool AnyOverlap(double[] x, double[] y, double[] halfWidth, double[] above, double[] below)
    {
        int n = x.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var left = new double[n];
        for (int i = 0; i < n; i++)
            left[i] = x[i] - halfWidth[i];
        Array.Sort(left, order);
        for (int a = 0; a < n; a++)
        {
            int i = order[a];
            for (int b = a + 1; b < n && left[b] < x[i] + halfWidth[i]; b++)
            {
                int j = order[b];
                if (Math.Min(y[i] + below[i], y[j] + below[j]) - Math.Max(y[i] - above[i], y[j] - above[j]) > 1e-6
                    && Math.Min(x[i] + halfWidth[i], x[j] + halfWidth[j]) - Math.Max(x[i] - halfWidth[i], x[j] - halfWidth[j]) > 1e-6)
                    return true;
            }
        }
        return false;
    }

    private static void Spread(double[] x, double[] y, double factor)
    {
        double cx = x.Average(), cy = y.Average();
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = cx + (x[i] - cx) * factor;
            y[i] = cy + (y[i] - cy) * factor;
        }
    }

    /// <summary>Nodes at exactly the same point cannot be told apart by direction: nudge later ones round a small circle.</summary>
    private static void SeparateCoincident(double[] x, double[] y)
    {
        var seen = new Dictionary<(double, double), int>();
        for (int i = 0; i < x.Length; i++)
        {
            var key = (x[i], y[i]);
            if (seen.TryGetValue(key, out int count))
            {
                double angle = count * 2.399963229728653; // golden angle
                x[i] += Math.Cos(angle) * 0.5 * count;
                y[i] += Math.Sin(angle) * 0.5 * count;
                seen[key] = count + 1;
            }
            else
            {
                seen[key] = 1;
            }
        }
    }
}
