namespace Autograd.Tests.Ops.Losses;

/// <summary>
/// The fused kernels of cross_entropy (class indices, label smoothing) and binary_cross_entropy_with_logits
/// against the losses written out with primitive ops in float64 (the header formulas of PyTorch's
/// cross_entropy_loss_label_smoothing and binary_cross_entropy_with_logits), at sizes where the kernels split
/// rows over threads, in float32 and float64, with weights, ignore_index, extreme logits and every reduction.
/// </summary>
public class FusedLossTests
{
    public static TheoryData<string, bool> Grid()
    {
        var d = new TheoryData<string, bool>();
        foreach (var red in new[] { "mean", "sum", "none" })
            foreach (var f32 in new[] { true, false })
                d.Add(red, f32);
        return d;
    }

    private static Tensor Cast(Tensor t, bool f32, bool grad) => Tensor.From(t.ToArray<double>(), t.Dims, false).To(f32 ? DType.Float32 : DType.Float64).Detach().RequiresGrad_(grad);

    private static void Close(Tensor expected, Tensor actual, bool f32, string what)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        double[] e = expected.ToArray<double>(), a = actual.ToArray<double>();
        double tol = f32 ? 2e-5 : 1e-12;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]}, got {a[i]}");
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void CrossEntropyWithWeightsSmoothingAndIgnoreMatchesItsFormula(string reduction, bool f32)
    {
        const int n = 96, c = 700, ignore = 5;
        const double eps = 0.15;
        var red = F.ParseReduction(reduction);
        var x64 = TestData.Randn([n, c], 1, requiresGrad: false) * 3.0;
        var w64 = TestData.Positive([c], 2, requiresGrad: false);
        var targets = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? (long)ignore : (i * 131 + 3) % c).ToArray();
        var t = Tensor.From(targets, [n]);

        var x = Cast(x64, f32, true);
        var loss = F.CrossEntropy(x, t, Cast(w64, f32, false), ignore, red, eps);
        Assert.Equal("AddBackward0", loss.GradFn!.Name);
        var g = red == Reduction.None ? TestData.Randn([n], 3, requiresGrad: false) : Tensor.Full([], 0.7, DType.Float64);
        loss.Backward(Cast(g, f32, false));

        // ℓ_n = −(1 − ε)·w_t·lp_t − (ε/C)·Σ_c w_c·lp_c (0 where ignored); Mean divides by Σ w_t over kept rows.
        var xr = x64.Detach().RequiresGrad_(true);
        var lp = F.LogSoftmax(xr, 1);
        var keep = Tensor.From(targets.Select(v => v == ignore ? 0.0 : 1.0).ToArray(), [n]);
        var safe = Tensor.From(targets.Select(v => v == ignore ? 0L : v).ToArray(), [n]);
        var wt = F.IndexSelect(w64, 0, safe);
        var picked = F.Squeeze(F.Gather(lp, 1, F.Unsqueeze(safe, 1)), 1);
        var per = (-(1 - eps) * wt * picked - eps / c * F.Sum(lp * w64, [1])) * keep;
        var expected = red switch
        {
            Reduction.None => per,
            Reduction.Sum => F.Sum(per),
            _ => F.Sum(per) / F.Sum(wt * keep),
        };
        expected.Backward(g);
        Close(expected, loss, f32, "loss");
        Close(xr.Grad!, x.Grad!, f32, "dx");
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void BceWithLogitsWithWeightsMatchesItsFormula(string reduction, bool f32)
    {
        var red = F.ParseReduction(reduction);
        int[] shape = [300, 48];
        // Logits up to ±40 and a few at ±1e4: the stable form must stay finite.
        var xs = TestData.Randn(shape, 4, requiresGrad: false).ToArray<double>();
        for (int i = 0; i < xs.Length; i++) xs[i] = i % 97 == 0 ? (i % 2 == 0 ? 1e4 : -1e4) : xs[i] * (i % 5 == 0 ? 12 : 2);
        var x64 = Tensor.From(xs, shape);
        var t64 = F.Sigmoid(TestData.Randn(shape, 5, requiresGrad: false));
        foreach (var (w64, pw64, what) in new (Tensor?, Tensor?, string)[]
        {
            (null, TestData.Positive([48], 6, requiresGrad: false), "pos_weight row"),
            (TestData.Positive(shape, 7, requiresGrad: false), TestData.Positive([1], 8, requiresGrad: false), "weight per element, pos_weight scalar"),
            (TestData.Positive([1, 48], 9, requiresGrad: false), null, "weight row"),
            (null, null, "plain"),
        })
        {
            var x = Cast(x64, f32, true);
            var loss = F.BinaryCrossEntropyWithLogits(x, Cast(t64, f32, false), w64 is null ? null : Cast(w64, f32, false), red, pw64 is null ? null : Cast(pw64, f32, false));
            var g = red == Reduction.None ? TestData.Randn(shape, 10, requiresGrad: false) : Tensor.Full([], 1.3, DType.Float64);
            loss.Backward(Cast(g, f32, false));

            // ℓ = w·((1 − t)·x − (1 + (pw − 1)·t)·log_sigmoid(x))
            var xr = x64.Detach().RequiresGrad_(true);
            var coef = pw64 is null ? Tensor.Ones(shape, DType.Float64) : (pw64 - 1.0) * t64 + 1.0;
            var per = (1.0 - t64) * xr - coef * F.LogSigmoid(xr);
            if (w64 is not null) per = per * w64;
            var expected = red switch { Reduction.None => per, Reduction.Sum => F.Sum(per), _ => F.Mean(per) };
            expected.Backward(g);
            Close(expected, loss, f32, what + " loss");
            Close(xr.Grad!, x.Grad!, f32, what + " dx");
        }
    }

    [Fact]
    public void FusedLossesDoNotDependOnTheThreadCount()
    {
        var x = TestData.Randn([128, 512], 11, requiresGrad: true).To(DType.Float32).Detach().RequiresGrad_(true);
        var t = Tensor.From(Enumerable.Range(0, 128).Select(i => (long)(i * 7 % 512)).ToArray(), [128]);
        var p = F.Sigmoid(TestData.Randn([128, 512], 12, requiresGrad: false)).To(DType.Float32);
        var pw = TestData.Positive([512], 13, requiresGrad: false).To(DType.Float32);
        (double[], double[], double[], double[]) Run()
        {
            x.Grad = null;
            var a = F.CrossEntropy(x, t, labelSmoothing: 0.1);
            a.Backward();
            var ga = x.Grad!.ToArray<double>();
            x.Grad = null;
            var b = F.BinaryCrossEntropyWithLogits(x, p, posWeight: pw);
            b.Backward();
            return (a.ToArray<double>(), ga, b.ToArray<double>(), x.Grad!.ToArray<double>());
        }
        int threads = Threading.NumThreads;
        try
        {
            Threading.NumThreads = 1;
            var one = Run();
            Threading.NumThreads = 4;
            var four = Run();
            Assert.Equal(one.Item1, four.Item1);
            Assert.Equal(one.Item2, four.Item2);
            Assert.Equal(one.Item3, four.Item3);
            Assert.Equal(one.Item4, four.Item4);
        }
        finally { Threading.NumThreads = threads; }
    }
}
