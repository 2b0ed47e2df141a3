using Autograd.Kernels;

namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// Note [Row slabs at batch one]: a batch-one wide-row forward on several threads runs one row slab per thread, each a
/// convolution of its own rows. The slabs are taken (asserted through ConvKernels.RowSlabs), and the output is bit for
/// bit the one-thread, unsplit output, and within float32 rounding of a float64 naive sum, for paddings that meet only
/// some slabs, strides, dilations, groups, 'same' padding, a bias or none, and 2 to 4 threads.
/// </summary>
[Collection("Threading")]
public class RowSlabTests
{
    [Theory]
    [InlineData(64, 28, 28, 64, 3, 3, 1, 1, 1, 1, true, 2)]     // the bench's batch-one case
    [InlineData(16, 23, 19, 24, 3, 3, 1, 2, 1, 1, true, 3)]     // padding 2, odd sizes, three slabs
    [InlineData(8, 30, 17, 12, 5, 3, 2, 1, 1, 1, false, 2)]     // stride 2: phase planes, no bias
    [InlineData(32, 26, 26, 32, 3, 3, 1, 2, 2, 1, true, 4)]     // dilation 2, four slabs
    [InlineData(64, 20, 22, 64, 3, 3, 1, 1, 1, 2, true, 2)]     // two groups
    [InlineData(16, 40, 9, 16, 4, 2, 1, -1, 1, 1, true, 3)]     // even kernel, 'same' (asymmetric rows)
    public void SlabsGiveTheUnsplitOutputBitForBit(int c, int h, int w, int o, int kh, int kw, int stride, int pad, int dil, int groups, bool bias, int threads)
    {
        var rng = new Random(c * 131 + h);
        float[] x = Enumerable.Range(0, c * h * w).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] wt = Enumerable.Range(0, o * (c / groups) * kh * kw).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] bs = Enumerable.Range(0, o).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var tx = Tensor.From(x, [1, c, h, w]);
        var tw = Tensor.From(wt, [o, c / groups, kh, kw]);
        var tb = bias ? Tensor.From(bs, [o]) : null;
        Padding padding = pad < 0 ? "same" : pad;
        Tensor Run() => F.Conv2d(tx, tw, tb, stride: stride, padding: padding, dilation: dil, groups: groups);

        var g = ConvGeometry.Create(tx, tw, tb, stride, padding, dil, groups);
        Assert.Equal(ConvForwardPath.WideRowGemm, ConvPlan.For(g).Forward);
        int saved = Threading.NumThreads;
        float[] one, many;
        try
        {
            Threading.NumThreads = 1;
            Assert.Equal(1, ConvKernels.RowSlabs(g));
            one = Run().ToFloatArray();
            Threading.NumThreads = threads;
            Assert.Equal(threads, ConvKernels.RowSlabs(g));
            many = Run().ToFloatArray();
        }
        finally { Threading.NumThreads = saved; }
        Assert.Equal(one, many);

        // and the unsplit output is the convolution (float64 naive sum, PyTorch's cross-correlation)
        double[] reference = NaiveConv(x, wt, bias ? bs : null, c, h, w, o, kh, kw, stride, g.PadTop, g.PadLeft, dil, groups, g.OH, g.OW);
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(reference[i] - one[i]) <= 1e-4 * (1 + Math.Abs(reference[i])), $"element {i}: {one[i]} vs {reference[i]}");
    }

    private static double[] NaiveConv(float[] x, float[] w, float[]? b, int c, int h, int wd, int o, int kh, int kw,
        int stride, long padTop, long padLeft, int dil, int groups, int oh, int ow)
    {
        int cg = c / groups, og = o / groups;
        var y = new double[o * oh * ow];
        for (int oc = 0; oc < o; oc++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double s = b is null ? 0 : b[oc];
                    int grp = oc / og;
                    for (int ci = 0; ci < cg; ci++)
                        for (int p = 0; p < kh; p++)
                            for (int q = 0; q < kw; q++)
                            {
                                long r = (long)i * stride - padTop + (long)p * dil, col = (long)j * stride - padLeft + (long)q * dil;
                                if (r < 0 || r >= h || col < 0 || col >= wd) continue;
                                s += x[((grp * cg + ci) * h + r) * wd + col] * (double)w[((oc * cg + ci) * kh + p) * kw + q];
                            }
                    y[(oc * oh + i) * ow + j] = s;
                }
        return y;
    }
}
