namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// Packs laid-out components side by side: tallest first into rows (next-fit decreasing height) whose width aims at
/// a landscape drawing, each row's components sharing a top line. Deterministic: ties keep the components' order.
/// </summary>
internal static class ComponentPacker
{
    /// <summary>A component's members and the bounds of their boxes in the component's own coordinates.</summary>
    public sealed record Box(int[] Members, double Left, double Top, double Width, double Height);

    /// <summary>Moves every member of every box into place (in <paramref name="x"/>, <paramref name="y"/>) and returns the drawing's extent.</summary>
    public static (double Width, double Height) Pack(IReadOnlyList<Box> boxes, double[] x, double[] y, double margin)
    {
        double area = 0, widest = 0;
        foreach (var box in boxes)
        {
            area += (box.Width + margin) * (box.Height + margin);
            widest = Math.Max(widest, box.Width);
        }
        double rowWidth = Math.Max(widest, Math.Sqrt(area * 1.6));
        var order = Enumerable.Range(0, boxes.Count).OrderByDescending(i => boxes[i].Height).ThenBy(i => i).ToArray();

        double cursorX = margin, cursorY = margin, rowHeight = 0, extentX = 0;
        foreach (int index in order)
        {
            var box = boxes[index];
            if (cursorX > margin && cursorX + box.Width > margin + rowWidth)
            {
                cursorX = margin;
                cursorY += rowHeight + margin;
                rowHeight = 0;
            }
            double dx = cursorX - box.Left, dy = cursorY - box.Top;
            foreach (int v in box.Members)
            {
                x[v] += dx;
                y[v] += dy;
            }
            cursorX += box.Width + margin;
            extentX = Math.Max(extentX, cursorX);
            rowHeight = Math.Max(rowHeight, box.Height);
        }
        return (extentX, cursorY + rowHeight + margin);
    }
}
