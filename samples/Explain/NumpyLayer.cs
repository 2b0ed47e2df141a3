namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 003's numpy Pooling layer (type "aveg"), rewritten line for line: forward output h // stride by
/// w // stride over windows x[i·s : i·s + k] (numpy clips a slice at the edge), backward
/// np.repeat(np.repeat(grad, s, axis=2), s, axis=3) / (k·k).
/// </summary>
public static class NumpyLayer
{
    /// <summary>Output shape (h // s, w // s) of the layer on a square size×size plane.</summary>
    public static int OutputSize(int size, int stride) => size / stride;

    /// <summary>The layer's input gradient for an all-ones upstream gradient: (size // s · s)² cells of 1/k².</summary>
    public static double[,] Backward(int size, int k, int s)
    {
        int n = OutputSize(size, s) * s;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                g[i, j] = 1.0 / (k * k);
        return g;
    }

    /// <summary>One line: the layer's output and gradient shapes and values against avg_pool2d's.</summary>
    public static string Compare(int size, int k, int s)
    {
        var x = Tensor.Ones([1, 1, size, size], requiresGrad: true);
        var y = F.AvgPool2d(x, k, s);
        y.Sum().Backward();
        int outSize = OutputSize(size, s);
        var g = Backward(size, k, s);
        bool sameShape = outSize == y.Shape[2] && g.GetLength(0) == size;
        bool sameValues = sameShape && x.Grad!.ToDoubleArray().SequenceEqual(g.Cast<double>());
        string verdict = sameValues ? "agrees" : sameShape ? "WRONG gradient values" : "WRONG shape";
        return $"{size}x{size}, kernel {k}, stride {s}: numpy output {outSize}x{outSize}, gradient {g.GetLength(0)}x{g.GetLength(1)}; " +
               $"engine output {y.Shape[2]}x{y.Shape[3]}, gradient {size}x{size} -> {verdict}";
    }
}
