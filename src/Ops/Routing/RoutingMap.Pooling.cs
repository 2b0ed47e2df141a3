namespace Autograd;

// The builders of pooling maps: each takes its op's arguments (same names, defaults and errors: the op
// runs once on them first, Note [Routing maps]).
public sealed partial class RoutingMap
{
    /// <summary>
    /// max_pool2d: each window sends its gradient, weight 1, to its argmax only (the op's own indices:
    /// the first maximum in row-major order, NaN winning), so a cell's sender count is the number of
    /// windows it wins. The input values decide; the window counts do not depend on them.
    /// </summary>
    public static RoutingMap MaxPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor indices;
        using (Grad.NoGrad()) indices = F.MaxPool2dWithIndices(input.Detach(), kernelSize, stride, padding, dilation, ceilMode).Indices;
        var geo = PoolGeometry.Fixed("max_pool2d", input, kernelSize, stride, padding ?? 0, dilation ?? 1, ceilMode);
        return Argmax("max_pool2d", geo, indices);
    }

    /// <summary>adaptive_max_pool2d: as <see cref="MaxPool2d"/>, over the adaptive windows.</summary>
    public static RoutingMap AdaptiveMaxPool2d(Tensor input, Pair outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor indices;
        using (Grad.NoGrad()) indices = F.AdaptiveMaxPool2dWithIndices(input.Detach(), outputSize).Indices;
        var geo = PoolGeometry.Adaptive("adaptive_max_pool2d", input, outputSize, requireChannels: true);
        return Argmax("adaptive_max_pool2d", geo, indices);
    }

    /// <summary>
    /// avg_pool2d: every real cell of a window gets weight 1 / divisor(window) — divisorOverride, else
    /// the window's size counting padding (countIncludePad) or only its real cells. Only the shape of
    /// <paramref name="input"/> matters.
    /// </summary>
    public static RoutingMap AvgPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using (Grad.NoGrad()) F.AvgPool2d(input.Detach(), kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
        var geo = PoolGeometry.Fixed("avg_pool2d", input, kernelSize, stride, padding ?? 0, 1, ceilMode, countIncludePad, divisorOverride);
        return Mean("avg_pool2d", geo);
    }

    /// <summary>adaptive_avg_pool2d: every cell of a window gets weight 1 / (the window's cell count).</summary>
    public static RoutingMap AdaptiveAvgPool2d(Tensor input, Pair outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        using (Grad.NoGrad()) F.AdaptiveAvgPool2d(input.Detach(), outputSize);
        return Mean("adaptive_avg_pool2d", PoolGeometry.Adaptive("adaptive_avg_pool2d", input, outputSize, requireChannels: false));
    }

    // Note [lp_pool2d routing weights]
    // lp_pool2d is y = (K·m)^(1/p) with m = Σ_w x^p / D (avg_pool2d of x^p: D the real cells of the
    // window, K = kH·kW; see LpPool2d.cs), so ∂y/∂x_i = (1/p)(K·m)^(1/p−1) · K · p·x_i^(p−1) / D
    // = (K/D)·(K·m)^(1/p−1)·x_i^(p−1). A window whose m is 0 sends nothing (weight 0): PyTorch's relu in
    // the composition masks it, and our engine does the same. Other edge values (a zero cell with p < 1,
    // negative cells with fractional p) give what Math.Pow gives: ∞ or NaN, as the engine's gradient.

    /// <summary>
    /// lp_pool2d: a window's cell i gets ∂y/∂x_i = (K/D)·(K·m)^(1/p−1)·x_i^(p−1) (Note [lp_pool2d routing
    /// weights]): larger cells get more, and as p grows the weights approach max pooling's.
    /// </summary>
    public static RoutingMap LpPool2d(Tensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        using (Grad.NoGrad()) F.LpPool2d(input.Detach(), normType, kernelSize, stride, ceilMode);
        var geo = PoolGeometry.Fixed("lp_pool2d", input, kernelSize, stride, 0, 1, ceilMode);
        var x = input.ToDoubleArray();
        double p = normType, k = (double)kernelSize.H * kernelSize.W;
        var routes = new List<Route>();
        var window = new List<int>();
        foreach (var (output, cells, divisor) in Windows(geo))
        {
            window.Clear();
            window.AddRange(cells);
            double m = window.Sum(i => Math.Pow(x[i], p)) / divisor;
            double scale = m == 0 ? 0 : k / divisor * Math.Pow(k * m, 1 / p - 1);
            foreach (int i in window) routes.Add(new Route(i, output, scale == 0 ? 0 : scale * Math.Pow(x[i], p - 1)));
        }
        return new RoutingMap("lp_pool2d", geo.InputShape, geo.OutputShape, routes);
    }

    private static RoutingMap Mean(string op, PoolGeometry geo)
    {
        var routes = new List<Route>();
        foreach (var (output, cells, divisor) in Windows(geo))
            foreach (int i in cells) routes.Add(new Route(i, output, 1.0 / divisor));
        return new RoutingMap(op, geo.InputShape, geo.OutputShape, routes);
    }

    private static RoutingMap Argmax(string op, PoolGeometry geo, Tensor indices)
    {
        var argmax = indices.ToArray<long>();
        var routes = new List<Route>();
        var windows = new int[geo.Planes * geo.H * geo.W];
        int plane = geo.OH * geo.OW;
        foreach (var (output, cells, _) in Windows(geo))
        {
            foreach (int i in cells) windows[i]++;
            long at = argmax[output];   // −1: a window of padding only sends nothing
            if (at >= 0) routes.Add(new Route((int)(output / plane * (long)geo.H * geo.W + at), output, 1));
        }
        return new RoutingMap(op, geo.InputShape, geo.OutputShape, routes, windows);
    }

    /// <summary>
    /// Every output cell of the layout with the flat indices of its window's real cells and avg_pool2d's
    /// divisor for it (Note [Pool divisors]: divisor_override, else the product of the axes' counts).
    /// </summary>
    private static IEnumerable<(int Output, IEnumerable<int> Cells, double Divisor)> Windows(PoolGeometry geo)
    {
        for (int p = 0; p < geo.Planes; p++)
            for (int oh = 0; oh < geo.OH; oh++)
            {
                var (r0, rn) = geo.Rows.Window(oh);
                for (int ow = 0; ow < geo.OW; ow++)
                {
                    var (c0, cn) = geo.Cols.Window(ow);
                    long divisor = geo.DivisorOverride ?? (long)geo.Rows.DivisorCount(oh, geo.CountIncludePad) * geo.Cols.DivisorCount(ow, geo.CountIncludePad);
                    int output = (p * geo.OH + oh) * geo.OW + ow, plane = p, rowStart = r0, colStart = c0, rows = rn, cols = cn;
                    yield return (output, Cells(geo, plane, rowStart, rows, colStart, cols), divisor);
                }
            }
    }

    private static IEnumerable<int> Cells(PoolGeometry geo, int plane, int r0, int rows, int c0, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                yield return (plane * geo.H + r0 + r * geo.Rows.Dilation) * geo.W + c0 + c * geo.Cols.Dilation;
    }
}
