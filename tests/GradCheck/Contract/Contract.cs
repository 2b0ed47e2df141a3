namespace Autograd.Tests.Contract;

// The tests in this folder pin the engine's observable contract (hooks, retain_grad, partial graphs,
// backward twice, the options of Backward and Grad.Compute) against PyTorch's: each names the test of
// test/test_autograd.py or the documented behaviour it mirrors. Expected values are derived by hand
// in the comments, or computed by libtorch through TorchSharp.
internal static class Contract
{
    internal const string SecondBackward = "Trying to backward through the graph a second time";

    /// <summary>torch.clone as a recorded op: identity forward, identity backward, nothing saved (CloneBackward0).</summary>
    internal static Tensor Clone(Tensor x) => Node.Record(x.CloneData(), "CloneBackward0", [x], g => [g]);

    /// <summary>A float64 tensor of the given values.</summary>
    internal static Tensor T(params double[] v) => Tensor.From(v);

    /// <summary>A float64 leaf that requires grad.</summary>
    internal static Tensor Leaf(params double[] v) => Tensor.From(v, requiresGrad: true);

    /// <summary>A float64 0-dim leaf that requires grad.</summary>
    internal static Tensor ScalarLeaf(double v) => Tensor.Scalar(v, DType.Float64, requiresGrad: true);

    internal static void Equal(double[] expected, Tensor? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual!.ToDoubleArray());
    }

    /// <summary>The warnings raised through <see cref="Warnings.Raised"/> while <paramref name="body"/> runs (unsubscribed after).</summary>
    internal static List<string> CaptureWarnings(Action body)
    {
        var seen = new List<string>();
        int thread = Environment.CurrentManagedThreadId;   // other tests run beside this one: keep only ours
        Action<string> handler = m => { if (Environment.CurrentManagedThreadId == thread) lock (seen) seen.Add(m); };
        Warnings.Raised += handler;
        try { body(); }
        finally { Warnings.Raised -= handler; }
        return seen;
    }
}
