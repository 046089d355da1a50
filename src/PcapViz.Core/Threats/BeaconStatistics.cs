namespace PcapViz.Core.Threats;

/// <summary>
/// The statistics of RITA v5's beacon score (activecm/rita analysis/beacons.go), over sorted values: Bowley skewness
/// with Tukey's hinges, median absolute deviation over the median, and the 24-bin histogram's coefficient of
/// variation, bimodal fit and longest run.
/// </summary>
internal static class BeaconStatistics
{
    public const int HistogramBins = 24;

    /// <summary>Q1, median and Q3 of sorted values: the quartiles are the medians of the lower and upper halves, the median left out of both when the count is odd (as RITA's statistics library takes them).</summary>
    public static (double Q1, double Median, double Q3) Quartiles(ReadOnlySpan<double> sorted)
    {
        int n = sorted.Length;
        double median = Median(sorted);
        int half = n / 2;
        var lower = sorted[..half];
        var upper = sorted[(n - half)..];
        return (Median(lower), median, Median(upper));
    }

    public static double Median(ReadOnlySpan<double> sorted)
    {
        int n = sorted.Length;
        if (n == 0)
            return 0;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// 1 - |Bowley skewness|; the skewness counts as 0 (score 1) when the quartiles are under
    /// <paramref name="minimumSpread"/> apart or the median sits on a quartile, as RITA does.
    /// </summary>
    public static double SkewScore(ReadOnlySpan<double> sorted, double minimumSpread)
    {
        if (sorted.Length < 3)
            return 0;
        var (q1, median, q3) = Quartiles(sorted);
        double spread = q3 - q1;
        double skew = spread >= minimumSpread && median != q1 && median != q3 ? (q1 + q3 - 2 * median) / spread : 0;
        return 1 - Math.Abs(skew);
    }

    /// <summary>The median absolute deviation of sorted values, divided by their median (0 when the median is under 1).</summary>
    public static (double Mad, double Ratio) MadOverMedian(ReadOnlySpan<double> sorted)
    {
        double median = Median(sorted);
        var deviations = new double[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
            deviations[i] = Math.Abs(sorted[i] - median);
        Array.Sort(deviations);
        double mad = Median(deviations);
        return (mad, median >= 1 ? mad / median : 0);
    }

    /// <summary>Connections per bin over [start, end]: 24 equal bins, a time on the last edge in the last bin.</summary>
    public static int[] Histogram(ReadOnlySpan<double> times, double start, double end)
    {
        var bins = new int[HistogramBins];
        double width = (end - start) / HistogramBins;
        foreach (double t in times)
        {
            int bin = width > 0 ? (int)((t - start) / width) : 0;
            bins[Math.Clamp(bin, 0, HistogramBins - 1)]++;
        }
        return bins;
    }

    /// <summary>
    /// How evenly connections fill the bins: the better of 1 - CV and a bimodal fit. RITA fits the two commonest bar
    /// heights among the non-empty bins only, and only with 11 or more of them, so a beacon that sleeps at night
    /// (8 busy hours, 16 empty) scores nothing there; here the empty bins are a mode like any other, so on-off
    /// schedules fit, once <paramref name="bimodalMinimumBins"/> bins are busy, and one outlier bar is forgiven as in RITA.
    /// </summary>
    public static double HistogramScore(int[] bins, double modeSensitivity, int bimodalMinimumBins)
    {
        double mean = 0;
        int busy = 0, tallest = 0;
        foreach (int b in bins)
        {
            mean += b;
            busy += b > 0 ? 1 : 0;
            tallest = Math.Max(tallest, b);
        }
        mean /= bins.Length;
        if (mean <= 0)
            return 0;
        double variance = 0;
        foreach (int b in bins)
            variance += (b - mean) * (b - mean);
        double cv = Math.Sqrt(variance / bins.Length) / mean;
        double cvScore = cv > 1 ? 0 : 1 - cv;

        // A burst in one bin and silence elsewhere is two modes too, but no schedule: the busy bins must be enough.
        if (busy < bimodalMinimumBins)
            return cvScore;
        int bucketSize = Math.Max(1, (int)Math.Ceiling(tallest * modeSensitivity));
        // Bars per height bucket; at most one bucket per bin.
        Span<int> buckets = stackalloc int[bins.Length];
        Span<int> counts = stackalloc int[bins.Length];
        int used = 0;
        foreach (int b in bins)
        {
            int bucket = b / bucketSize, slot = buckets[..used].IndexOf(bucket);
            if (slot < 0)
            {
                slot = used++;
                buckets[slot] = bucket;
                counts[slot] = 0;
            }
            counts[slot]++;
        }
        int first = 0, second = 0;
        foreach (int count in counts[..used])
        {
            if (count > first)
                (first, second) = (count, first);
            else if (count > second)
                second = count;
        }
        int top = first + second;
        double bimodal = Math.Min(1, (double)top / Math.Max(bins.Length - 1, 1));
        return Math.Max(cvScore, bimodal);
    }

    /// <summary>The longest run of consecutive non-empty bins, wrapping from the last bin to the first.</summary>
    public static int LongestRun(int[] bins)
    {
        int longest = 0, current = 0;
        for (int i = 0; i < 2 * bins.Length; i++)
        {
            if (bins[i % bins.Length] > 0)
            {
                current++;
                longest = Math.Max(longest, Math.Min(current, bins.Length));
            }
            else
            {
                current = 0;
            }
        }
        return longest;
    }

    /// <summary>
    /// RITA's score bands: 0 below the first threshold, then 0.2 to 0.4, 0.4 to 0.6 and 0.6 to 0.8 between the
    /// thresholds, linearly, and 0.8 from the fourth on.
    /// </summary>
    public static double Band(double value, IReadOnlyList<double> thresholds)
    {
        if (thresholds.Count != 4)
            throw new ArgumentException("Score bands take four thresholds.", nameof(thresholds));
        double b = thresholds[0], l = thresholds[1], m = thresholds[2], h = thresholds[3];
        if (value < b)
            return 0;
        if (value < l)
            return 0.2 + 0.2 * (value - b) / Math.Max(l - b, double.Epsilon);
        if (value < m)
            return 0.4 + 0.2 * (value - l) / Math.Max(m - l, double.Epsilon);
        return 0.6 + 0.2 * Math.Min(1, (Math.Min(value, h) - m) / Math.Max(h - m, double.Epsilon));
    }
}
