namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Packs laid-out components side by side with a skyline bottom-left packer: biggest first, each box goes where its
/// top edge ends highest up (then leftmost), so small components fill the gaps beside big ones. Several row widths
/// are tried and the one whose result fits a 16:10 screen at the largest scale wins. Deterministic: ties keep order.
/// </summary>
internal static class ComponentPacker
{
    private const double ScreenAspect = 1.6;
    private const int WidthTrials = 16;

    /// <summary>A component's members and the bounds of their boxes in the component's own coordinates.</summary>
    public sealed record Box(int[] Members, double Left, double Top, double Width, double Height);

    /// <summary>Moves every member of every box into place (in <paramref name="x"/>, <paramref name="y"/>) and returns the drawing's extent.</summary>
    public static (double Width, double Height) Pack(IReadOnlyList<Box> boxes, double[] x, double[] y, double margin)
    {
        if (boxes.Count == 0)
            return (2 * margin, 2 * margin);
        var order = Enumerable.Range(0, boxes.Count)
            .OrderByDescending(i => boxes[i].Height * boxes[i].Width)
            .ThenBy(i => i)
            .ToArray();
        double widest = 0, sumWidth = 0, area = 0;
        foreach (var box in boxes)
        {
            widest = Math.Max(widest, box.Width + margin);
            sumWidth += box.Width + margin;
            area += (box.Width + margin) * (box.Height + margin);
        }
        double low = widest, high = Math.Max(low, Math.Min(sumWidth, 4 * Math.Sqrt(area * ScreenAspect)));
        double[]? bestX = null, bestY = null;
        double bestScore = double.MaxValue, bestWidth = 0, bestHeight = 0;
        int trials = boxes.Count == 1 || high <= low * 1.01 ? 1 : WidthTrials;
        for (int t = 0; t < trials; t++)
        {
            double limit = trials == 1 ? low : low * Math.Pow(high / low, (double)t / (trials - 1));
            var (px, py, usedWidth, usedHeight) = Skyline(boxes, order, limit, margin);
            double score = Math.Max(usedWidth, usedHeight * ScreenAspect);
            if (score < bestScore - 1e-9)
            {
                (bestScore, bestX, bestY, bestWidth, bestHeight) = (score, px, py, usedWidth, usedHeight);
            }
        }
        for (int b = 0; b < boxes.Count; b++)
        {
            var box = boxes[b];
            double dx = margin + bestX![b] - box.Left, dy = margin + bestY![b] - box.Top;
            foreach (int v in box.Members)
            {
                x[v] += dx;
                y[v] += dy;
            }
        }
        return (bestWidth + margin, bestHeight + margin);
    }

    /// <summary>Places every box (with a margin right and below) inside a strip <paramref name="limit"/> wide.</summary>
    private static (double[] X, double[] Y, double Width, double Height) Skyline(IReadOnlyList<Box> boxes, int[] order, double limit, double margin)
    {
        var px = new double[boxes.Count];
        var py = new double[boxes.Count];
        // The skyline: segments left to right, each a start x and the height already filled above it.
        var segX = new List<double> { 0 };
        var segY = new List<double> { 0 };
        double usedWidth = 0, usedHeight = 0;
        foreach (int b in order)
        {
            double w = boxes[b].Width + margin, h = boxes[b].Height + margin;
            int bestSeg = -1;
            double bestTop = double.MaxValue, bestLeft = 0;
            for (int s = 0; s < segX.Count; s++)
            {
                double left = segX[s];
                if (left + w > limit + 1e-6 && left > 0)
                    break;
                double top = 0;
                for (int r = s; r < segX.Count && segX[r] < left + w - 1e-9; r++)
                    top = Math.Max(top, segY[r]);
                if (top < bestTop - 1e-9)
                {
                    (bestSeg, bestTop, bestLeft) = (s, top, left);
                }
            }
            px[b] = bestLeft;
            py[b] = bestTop;
            usedWidth = Math.Max(usedWidth, bestLeft + w);
            usedHeight = Math.Max(usedHeight, bestTop + h);

            // Raise the skyline over [bestLeft, bestLeft + w) to bestTop + h.
            double right = bestLeft + w;
            int first = bestSeg;
            int end = first;
            while (end < segX.Count && segX[end] < right - 1e-9)
                end++;
            // The last covered segment may reach past the box: keep its remainder as a segment starting at right.
            double remainderY = segY[end - 1];
            bool keepRemainder = end == segX.Count || segX[end] > right + 1e-9; // the last segment runs on for ever
            segX.RemoveRange(first, end - first);
            segY.RemoveRange(first, end - first);
            segX.Insert(first, bestLeft);
            segY.Insert(first, bestTop + h);
            if (keepRemainder)
            {
                segX.Insert(first + 1, right);
                segY.Insert(first + 1, remainderY);
            }
            // Merge neighbours of equal height.
            for (int s = Math.Max(1, first); s <= Math.Min(segX.Count - 1, first + 2); s++)
            {
                if (Math.Abs(segY[s] - segY[s - 1]) < 1e-9)
                {
                    segX.RemoveAt(s);
                    segY.RemoveAt(s);
                    s--;
                }
            }
        }
        return (px, py, usedWidth, usedHeight);
    }
}
