namespace PcapViz.Core.Rendering.Layout;

/// <summary>
/// A quadtree over weighted points that sums far-away groups into one mass (Barnes–Hut), so each node's repulsion
/// from all others costs O(log n) instead of O(n). Cells live in flat arrays and are reused between iterations.
/// </summary>
internal sealed class BarnesHutTree
{
    private const int Empty = -1;
    private const int Internal = -2;
    private const int Crowded = -3; // a leaf at the depth limit holding several (nearly) coincident points
    private const int MaxDepth = 40;

    private int _cells;
    private int[] _children = [];
    private int[] _body = [];
    private double[] _centerX = [];
    private double[] _centerY = [];
    private double[] _half = [];
    private double[] _mass = [];
    private double[] _massX = [];
    private double[] _massY = [];

    public void Build(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> mass)
    {
        int n = x.Length;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, x[i]);
            maxX = Math.Max(maxX, x[i]);
            minY = Math.Min(minY, y[i]);
            maxY = Math.Max(maxY, y[i]);
        }
        _cells = 0;
        Ensure(2 * n + 8);
        double half = Math.Max(Math.Max(maxX - minX, maxY - minY) / 2, 1e-3) * 1.0001;
        NewCell((minX + maxX) / 2, (minY + maxY) / 2, half);
        for (int i = 0; i < n; i++)
            Insert(i, x, y, mass);
        for (int c = 0; c < _cells; c++)
        {
            if (_mass[c] > 0)
            {
                _massX[c] /= _mass[c];
                _massY[c] /= _mass[c];
            }
        }
    }

    /// <summary>
    /// The repulsion on body <paramref name="i"/>: the sum over other bodies j of strength * m_i * m_j * (p_i - p_j) / |p_i - p_j|^2,
    /// approximating cells whose size is below <paramref name="theta"/> times their distance by their centre of mass.
    /// </summary>
    public (double Fx, double Fy) Repulsion(int i, double xi, double yi, double mi, double strength, double theta, Stack<int> stack)
    {
        double fx = 0, fy = 0;
        double theta2 = theta * theta;
        stack.Clear();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int c = stack.Pop();
            double m = _mass[c];
            if (m <= 0)
                continue;
            int body = _body[c];
            if (body == i)
                continue;
            double dx = xi - _massX[c], dy = yi - _massY[c];
            double d2 = dx * dx + dy * dy;
            double size = 2 * _half[c];
            if (body >= 0 || body == Crowded || size * size < theta2 * d2)
            {
                if (d2 < 1e-6)
                    continue; // coincident: overlap removal separates them later
                double f = strength * mi * m / d2;
                fx += dx * f;
                fy += dy * f;
                continue;
            }
            int first = 4 * c;
            for (int q = 0; q < 4; q++)
            {
                if (_children[first + q] >= 0)
                    stack.Push(_children[first + q]);
            }
        }
        return (fx, fy);
    }

    private void Insert(int i, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> mass)
    {
        int cell = 0;
        int depth = 0;
        while (true)
        {
            bool wasEmpty = _body[cell] == Empty;
            Add(cell, x[i], y[i], mass[i]);
            if (wasEmpty)
            {
                _body[cell] = i;
                return;
            }
            if (_body[cell] == Crowded)
                return;
            if (_body[cell] >= 0)
            {
                if (depth >= MaxDepth)
                {
                    _body[cell] = Crowded;
                    return;
                }
                int resident = _body[cell];
                _body[cell] = Internal;
                int home = Child(cell, x[resident], y[resident]);
                Add(home, x[resident], y[resident], mass[resident]);
                _body[home] = resident;
            }
            cell = Child(cell, x[i], y[i]);
            depth++;
        }
    }

    private void Add(int cell, double x, double y, double m)
    {
        _mass[cell] += m;
        _massX[cell] += m * x;
        _massY[cell] += m * y;
    }

    private int Child(int cell, double x, double y)
    {
        int q = (x >= _centerX[cell] ? 1 : 0) | (y >= _centerY[cell] ? 2 : 0);
        int slot = 4 * cell + q;
        if (_children[slot] >= 0)
            return _children[slot];
        double h = _half[cell] / 2;
        int child = NewCell(_centerX[cell] + ((q & 1) != 0 ? h : -h), _centerY[cell] + ((q & 2) != 0 ? h : -h), h);
        _children[slot] = child;
        return child;
    }

    private int NewCell(double cx, double cy, double half)
    {
        if (_cells == _body.Length)
            Ensure(_cells * 2);
        int c = _cells++;
        _centerX[c] = cx;
        _centerY[c] = cy;
        _half[c] = half;
        _mass[c] = 0;
        _massX[c] = 0;
        _massY[c] = 0;
        _body[c] = Empty;
        _children.AsSpan(4 * c, 4).Fill(-1);
        return c;
    }

    private void Ensure(int capacity)
    {
        if (_body.Length >= capacity)
            return;
        Array.Resize(ref _children, 4 * capacity);
        Array.Resize(ref _body, capacity);
        Array.Resize(ref _centerX, capacity);
        Array.Resize(ref _centerY, capacity);
        Array.Resize(ref _half, capacity);
        Array.Resize(ref _mass, capacity);
        Array.Resize(ref _massX, capacity);
        Array.Resize(ref _massY, capacity);
    }
}
