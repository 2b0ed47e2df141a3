namespace Autograd.Tests.Ops;

/// <summary>
/// The expected outputs that Stanford's CS231n assignment 2 (ConvolutionalNetworks.ipynb) prints for
/// its conv_forward_naive and max_pool_forward_naive checks: an independent, published source (8
/// decimals, so the tolerance is 5e-8). The notebook checks the backward passes numerically on random
/// inputs; here GradCheck does the same on the notebook's own inputs.
/// </summary>
public class CourseReferenceTests
{
    /// <summary>np.linspace(start, stop, num=n), as float64.</summary>
    private static double[] Linspace(double start, double stop, int n)
        => Enumerable.Range(0, n).Select(i => start + (stop - start) * i / (n - 1)).ToArray();

    [Fact]
    public void Conv2dStride2Pad1MatchesTheNotebooksCorrectOut()
    {
        var x = Tensor.From(Linspace(-0.1, 0.5, 2 * 3 * 4 * 4), [2, 3, 4, 4], requiresGrad: true);
        var w = Tensor.From(Linspace(-0.2, 0.3, 3 * 3 * 4 * 4), [3, 3, 4, 4], requiresGrad: true);
        var b = Tensor.From(Linspace(-0.1, 0.2, 3), [3], requiresGrad: true);
        double[] correctOut =
        [
            -0.08759809, -0.10987781, -0.18387192, -0.2109216,
            0.21027089, 0.21661097, 0.22847626, 0.23004637,
            0.50813986, 0.54309974, 0.64082444, 0.67101435,
            -0.98053589, -1.03143541, -1.19128892, -1.24695841,
            0.69108355, 0.66880383, 0.59480972, 0.56776003,
            2.36270298, 2.36904306, 2.38090835, 2.38247847,
        ];

        var outp = F.Conv2d(x, w, b, stride: 2, padding: 1);

        Assert.Equal([2, 3, 2, 2], outp.Shape.ToArray());
        TestData.AssertClose(correctOut, outp, 5e-8);
        Assert.Null(GradCheck.Run(t => F.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1), [x, w, b]));
    }

    [Fact]
    public void MaxPool2dK2S2MatchesTheNotebooksCorrectOut()
    {
        var x = Tensor.From(Linspace(-0.3, 0.4, 2 * 3 * 4 * 4), [2, 3, 4, 4], requiresGrad: true);
        double[] correctOut =
        [
            -0.26315789, -0.24842105, -0.20421053, -0.18947368,
            -0.14526316, -0.13052632, -0.08631579, -0.07157895,
            -0.02736842, -0.01263158, 0.03157895, 0.04631579,
            0.09052632, 0.10526316, 0.14947368, 0.16421053,
            0.20842105, 0.22315789, 0.26736842, 0.28210526,
            0.32631579, 0.34105263, 0.38526316, 0.4,
        ];

        var outp = F.MaxPool2d(x, kernelSize: 2, stride: 2);

        Assert.Equal([2, 3, 2, 2], outp.Shape.ToArray());
        TestData.AssertClose(correctOut, outp, 5e-8);
        // The ramp is increasing, so each window's maximum is its bottom-right cell, by a margin far
        // above GradCheck's eps: the gradient is differentiable there and must land only on those cells.
        Assert.Null(GradCheck.Run(t => F.MaxPool2d(t[0], 2, 2), [x]));
        outp.Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < g.Length; i++)
        {
            int row = i / 4 % 4, col = i % 4;
            Assert.Equal(row % 2 == 1 && col % 2 == 1 ? 1.0 : 0.0, g[i]);
        }
    }
}
