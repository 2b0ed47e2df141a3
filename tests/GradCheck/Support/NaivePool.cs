namespace Autograd.Tests;

/// <summary>
/// Pooling as direct loops, one window at a time, row-major, transcribed from ATen 1.13's CPU kernels
/// (cpu_max_pool, cpu_avg_pool, cpu_adaptive_avg_pool, cpu_adaptive_max_pool and their backwards): the
/// executable spec of F.MaxPool2d, F.AvgPool2d and the adaptive pools (src/Ops/Pooling), held against
/// them by Ops/Pooling/PoolNaiveReferenceTests.
/// </summary>
internal static class NaivePool
{
    /// <summary>Max over each window (NaN wins, first maximum on ties); rows(i), cols(j) give [start, end) and step (dilation).</summary>
    public static (double[] Y, int[] Idx) Max(double[] x, int planes, int h, int w, int oh, int ow,
        Func<int, (int Start, int End, int Step)> rows, Func<int, (int Start, int End, int Step)> cols)
    {
        var y = new double[planes * oh * ow];
        var idx = new int[y.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (r0, r1, rs) = rows(i);
                    var (c0, c1, cs) = cols(j);
                    while (r0 < 0) r0 += rs;
                    while (c0 < 0) c0 += cs;
                    double max = double.NegativeInfinity;
                    int arg = r0 < h && c0 < w ? r0 * w + c0 : -1;   // ATen keeps an out-of-plane index here; we use −1
                    for (int r = r0; r < Math.Min(r1, h); r += rs)
                        for (int c = c0; c < Math.Min(c1, w); c += cs)
                        {
                            double v = x[p * h * w + r * w + c];
                            if (v > max || double.IsNaN(v)) { max = v; arg = r * w + c; }
                        }
                    y[(p * oh + i) * ow + j] = max;
                    idx[(p * oh + i) * ow + j] = arg;
                }
        return (y, idx);
    }

    /// <summary>The max backward: each output gradient goes to its argmax (−1: nowhere).</summary>
    public static double[] MaxBackward(double[] gy, int[] idx, int planes, int inPlane)
    {
        var gx = new double[planes * inPlane];
        int outPlane = gy.Length / planes;
        for (int p = 0; p < planes; p++)
            for (int o = 0; o < outPlane; o++)
                if (idx[p * outPlane + o] >= 0) gx[p * inPlane + idx[p * outPlane + o]] += gy[p * outPlane + o];
        return gx;
    }

    /// <summary>ATen's cpu_avg_pool: window [r0, r1) × [c0, c1) clipped to the input, divided by divisor(unclipped, clipped).</summary>
    public static (double[] Y, double[] Gx) Avg(double[] x, double[] gy, int planes, int h, int w, int oh, int ow,
        Func<int, int, (int R0, int R1, int C0, int C1, int Divisor)> window)
    {
        var y = new double[planes * oh * ow];
        var gx = new double[x.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var (r0, r1, c0, c1, div) = window(i, j);
                    double sum = 0;
                    int o = (p * oh + i) * ow + j;
                    for (int r = r0; r < r1; r++)
                        for (int c = c0; c < c1; c++)
                        {
                            sum += x[p * h * w + r * w + c];
                            gx[p * h * w + r * w + c] += gy[o] / div;
                        }
                    y[o] = sum / div;
                }
        return (y, gx);
    }
}
