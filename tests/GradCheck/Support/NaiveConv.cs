namespace Autograd.Tests;

/// <summary>
/// conv2d as direct loops: cs231n's conv_forward_naive / conv_backward_naive (seed 001) extended with
/// dilation and groups. The executable spec of F.Conv2d (src/Ops/Convolution/Conv2d.cs), held against it by
/// Ops/Conv2d/ConvNaiveReferenceTests and ConvFastPathTests.
/// </summary>
internal static class NaiveConv
{
    /// <summary>Direct loops; the upstream gradient is fixed, so backward gives dX, dW, db of sum(y·gy).</summary>
    public static (double[] Y, double[] DX, double[] DW, double[] DB, double[] GY) Run(double[] x, int[] xs, double[] w, int[] ws, double[] b,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], oc = ws[0], cg = ws[1], kh = ws[2], kw = ws[3], og = oc / groups;
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        var y = new double[n * oc * oh * ow];
        var gy = new double[y.Length];
        for (int i = 0; i < gy.Length; i++) gy[i] = Math.Sin(0.37 * i) + 0.25;
        double[] dx = new double[x.Length], dwt = new double[w.Length], db = new double[oc];
        for (int ni = 0; ni < n; ni++)
            for (int o = 0; o < oc; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        int yi = ((ni * oc + o) * oh + oy) * ow + ox;
                        double acc = b[o];
                        db[o] += gy[yi];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy * sh + i * dh - ph, ix = ox * sw + j * dw - pw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    int xi = ((ni * c + o / og * cg + ci) * h + iy) * wd + ix, wi = ((o * cg + ci) * kh + i) * kw + j;
                                    acc += x[xi] * w[wi];
                                    dx[xi] += gy[yi] * w[wi];
                                    dwt[wi] += gy[yi] * x[xi];
                                }
                        y[yi] = acc;
                    }
        return (y, dx, dwt, db, gy);
    }

    /// <summary>
    /// <paramref name="conv"/> (forward, then backward of sum(y·gy)) against a naive result, in float64
    /// (tolerance <paramref name="tol64"/>) and float32 (<paramref name="tol32"/>); the weight and bias
    /// gradients get <paramref name="paramFactor"/> times the tolerance (longer sums). No bias when
    /// <paramref name="b64"/> is null.
    /// </summary>
    public static void AssertMatches(Func<Tensor, Tensor, Tensor?, Tensor> conv, Tensor x64, Tensor w64, Tensor? b64,
        (double[] Y, double[] DX, double[] DW, double[] DB, double[] GY) expected, double tol64, double tol32, double paramFactor)
    {
        foreach (var (dtype, tol) in new[] { (DType.Float64, tol64), (DType.Float32, tol32) })
        {
            var x = x64.To(dtype).Detach().RequiresGrad_();
            var w = w64.To(dtype).Detach().RequiresGrad_();
            var b = b64?.To(dtype).Detach().RequiresGrad_();
            var outp = conv(x, w, b);
            TestData.AssertClose(expected.Y, outp.ToDoubleArray(), tol, $"{dtype} output");
            outp.Backward(Tensor.From(expected.GY, outp.Shape).To(dtype));
            TestData.AssertClose(expected.DX, x.Grad!.ToDoubleArray(), tol, $"{dtype} input grad");
            TestData.AssertClose(expected.DW, w.Grad!.ToDoubleArray(), tol * paramFactor, $"{dtype} weight grad");
            if (b is not null) TestData.AssertClose(expected.DB, b.Grad!.ToDoubleArray(), tol * paramFactor, $"{dtype} bias grad");
        }
    }
}
