namespace Autograd.Tests.Ops.Reductions;

/// <summary>
/// Finite-difference gradient checks (float64) of prod, var/std, norm, logsumexp, cumsum and the pad modes
/// over grids of shapes and options, and hand-derived gradients at the points the rules special-case.
/// </summary>
public class ReductionGradCheckTests
{
    private static readonly (int[] Shape, int[] Dims)[] Selections =
    [
        ([5], [0]), ([3, 4], [0]), ([3, 4], [-1]), ([3, 4], [0, 1]), ([2, 3, 4], [0, 2]), ([2, 3, 4], [1]), ([1, 4, 1], [0, 2]), ([], [0]),
    ];

    internal static readonly (int[] Shape, int[] Pad)[] PadGrid =
    [
        ([2, 5], [2, 1]), ([1, 2, 4], [3, 0]), ([2, 4], [-1, 2]), ([1, 3, 4], [1, 2, 2, 1]), ([2, 1, 3, 4], [0, 3, 2, 2]),
        ([1, 1, 3, 4], [-1, 1, 1, -1]), ([1, 2, 3, 2, 3], [1, 1, 1, 0, 2, 1]), ([2, 3, 2, 4], [1, 1, 1, 1, 1, 1]),
    ];

    public static TheoryData<string> Cases => new(Grid.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Func<int[], int, Tensor> Data, int[] Shape)> Grid = Build();

    private static Dictionary<string, (Func<Tensor[], Tensor>, Func<int[], int, Tensor>, int[])> Build()
    {
        var g = new Dictionary<string, (Func<Tensor[], Tensor>, Func<int[], int, Tensor>, int[])>();
        Func<int[], int, Tensor> randn = (s, seed) => TestData.Randn(s, seed);
        Func<int[], int, Tensor> away = (s, seed) => TestData.AwayFromZero(s, seed);
        foreach (var (shape, dims) in Selections)
        {
            string s = $"[{string.Join(",", shape)}] dims [{string.Join(",", dims)}]";
            foreach (var keep in new[] { false, true })
            {
                string k = $"{s} keep={keep}";
                g[$"prod dim {k}"] = (t => t[0].Prod(dims[0], keep), away, shape);
                foreach (var c in new[] { 0.0, 1, 2 })
                    if (shape.Length > 0 && dims.Aggregate(1, (a, d) => a * shape[d < 0 ? d + shape.Length : d]) > c)
                    {
                        g[$"var {k} correction {c}"] = (t => t[0].Var(dims, c, keep), randn, shape);
                        // One element per lane: std is exactly 0, where √ has no derivative (the first order is masked to 0).
                        if (dims.Aggregate(1, (a, d) => a * shape[d < 0 ? d + shape.Length : d]) > 1)
                            g[$"std {k} correction {c}"] = (t => t[0].Std(dims, c, keep), randn, shape);
                    }
                foreach (var p in new[] { 2.0, 1, 3, 1.5, 0.5, -1, double.PositiveInfinity, double.NegativeInfinity, 0 })
                    g[$"norm p={p} {k}"] = (t => F.Norm(t[0], p, dims, keep), p is 1 or 0.5 or -1 or 0 || double.IsInfinity(p) ? (s2, seed) => TestData.Distinct(s2, seed) : randn, shape);
                g[$"logsumexp {k}"] = (t => F.Logsumexp(t[0], dims, keep), randn, shape);
            }
            g[$"cumsum {s}"] = (t => F.Cumsum(t[0], dims[0]), randn, shape);
        }
        foreach (var shape in new[] { new[] { 6 }, [2, 3], [2, 1, 3] })
        {
            g[$"prod all [{string.Join(",", shape)}]"] = (t => t[0].Prod(), away, shape);
            g[$"var all [{string.Join(",", shape)}]"] = (t => t[0].Var(), randn, shape);
            g[$"std all correction 0 [{string.Join(",", shape)}]"] = (t => t[0].Std(0.0), randn, shape);
            g[$"norm all [{string.Join(",", shape)}]"] = (t => t[0].Norm(), randn, shape);
        }
        foreach (var (shape, pad) in PadGrid)
            foreach (var mode in new[] { "reflect", "replicate", "circular" })
                g[$"pad {mode} [{string.Join(",", shape)}] pad [{string.Join(",", pad)}]"] = (t => F.Pad(t[0], pad, mode), randn, shape);
        return g;
    }


    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        var (f, data, shape) = Grid[name];
        Assert.True(GradCheck.Check(f, [data(shape, 100 + name.Length)]), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, data, shape) = Grid[name];
        // The count of nonzeros (p = 0) is piecewise constant: its gradient is 0, checked at first order.
        if (name.StartsWith("norm p=0 ", StringComparison.Ordinal)) return;
        Assert.True(GradGradCheck.Check(f, [data(shape, 300 + name.Length)]), name);
    }

    [Fact]
    public void ProdGradientWithZerosIsTheProductOfTheOthers()
    {
        // Hand derivation: ∂/∂x_k Π x = Π_{j≠k} x_j. Lane 0: one zero; lane 1: two zeros; lane 2: none.
        var x = Tensor.From([2.0, 0, 3, 0, 5, 0, 4, 2, 0.5], [3, 3], requiresGrad: true);
        x.Prod(1).Sum().Backward();
        Assert.Equal([0, 6, 0, 0, 0, 0, 1, 2, 8], x.Grad!.ToDoubleArray());
        var y = Tensor.From([2.0, 0, 3], requiresGrad: true);
        y.Prod().Backward();
        Assert.Equal([0, 6, 0], y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ProdSecondDerivativeWithAZeroIsTheProductOfTheRest()
    {
        // Π(x) over [a, 0, c, d]: ∂²/∂x_i∂x_j = Π_{k≠i,j} x_k. Row of x_1 (the zero): [cd, 0, ad, ac].
        var x = Tensor.From([2.0, 0, 3, 5], requiresGrad: true);
        var g = Autograd.Grad.Compute([x.Prod()], [x], createGraph: true)[0]!;
        var h = Autograd.Grad.Compute([(g * Tensor.From([0.0, 1, 0, 0])).Sum()], [x])[0]!;
        Assert.Equal([15, 0, 10, 6], h.ToDoubleArray());
        Assert.True(GradGradCheck.Check(t => t[0].Prod(0), [Tensor.From([2.0, 0, 3, 0.5], requiresGrad: true)]));
        Assert.True(GradGradCheck.Check(t => t[0].Prod(), [Tensor.From([0.0, 0, 3, 0.5], requiresGrad: true)]));
    }

    [Fact]
    public void StdOfAConstantHasZeroGradientAndNormAtZeroToo()
    {
        // std_backward masks y == 0; norm_backward (p = 2) masks ‖x‖ == 0 (PyTorch's subgradient 0).
        var x = Tensor.From([1.5, 1.5, 1.5], requiresGrad: true);
        x.Std().Backward();
        Assert.Equal([0, 0, 0], x.Grad!.ToDoubleArray());
        var z = Tensor.Zeros([2, 3], DType.Float64, requiresGrad: true);
        z.Norm(2, [1]).Sum().Backward();
        Assert.Equal(new double[6], z.Grad!.ToDoubleArray());
    }

    [Fact]
    public void VarOfOneElementIsNaNWithPyTorchsAllElementsGradient()
    {
        // N = 1 ≤ correction: 0/0 forward; var_backward's special case gives NaN where x == mean.
        var x = Tensor.From([3.0], requiresGrad: true);
        var v = x.Var();
        Assert.True(double.IsNaN(v.Item()));
        v.Backward();
        Assert.True(double.IsNaN(x.Grad!.ToDoubleArray()[0]));
    }

    [Fact]
    public void LogsumexpOfMinusInfinityLanesIsMinusInfinityAndInfinityStaysInfinity()
    {
        var x = Tensor.From([double.NegativeInfinity, double.NegativeInfinity, 1, double.PositiveInfinity, 0, 1000], [3, 2]);
        var y = F.Logsumexp(x, 1).ToDoubleArray();
        Assert.Equal(double.NegativeInfinity, y[0]);
        Assert.Equal(double.PositiveInfinity, y[1]);
        Assert.Equal(1000, y[2], 1e-12);   // log(e^0 + e^1000) = 1000 + log1p(e^-1000)
        // The same lanes down dim 0 (the kernel's rows-of-lanes path) and as a whole tensor.
        var xt = Tensor.From([double.NegativeInfinity, 1, 0, double.NegativeInfinity, double.PositiveInfinity, 1000], [2, 3]);
        var yt = F.Logsumexp(xt, 0).ToDoubleArray();
        Assert.Equal([double.NegativeInfinity, double.PositiveInfinity, 1000], yt);
        Assert.Equal(double.NegativeInfinity, F.Logsumexp(Tensor.Full([2, 2], double.NegativeInfinity, DType.Float64), []).Item());
    }

    [Fact]
    public void CumsumBackwardIsTheReversedCumsum()
    {
        var x = Tensor.From([1.0, 2, 3, 4, 5, 6], [2, 3], requiresGrad: true);
        var w = Tensor.From([1.0, 10, 100, 1000, 10000, 100000], [2, 3]);
        (x.Cumsum(1) * w).Sum().Backward();
        Assert.Equal([111, 110, 100, 111000, 110000, 100000], x.Grad!.ToDoubleArray());
        Assert.Equal([1, 2, 3, 5, 7, 9], x.Cumsum(0).ToDoubleArray());
    }

    [Fact]
    public void PadModesReadTheDocumentedCells()
    {
        // torch.nn.functional.pad docs: reflect [0,1,2,3] by (2,1) → [2,1,0,1,2,3,2]; replicate → [0,0,0,1,2,3,3];
        // circular → [2,3,0,1,2,3,0].
        var x = Tensor.From([0.0, 1, 2, 3], [1, 4]);
        Assert.Equal([2, 1, 0, 1, 2, 3, 2], F.Pad(x, [2, 1], "reflect").ToDoubleArray());
        Assert.Equal([0, 0, 0, 1, 2, 3, 3], F.Pad(x, [2, 1], "replicate").ToDoubleArray());
        Assert.Equal([2, 3, 0, 1, 2, 3, 0], F.Pad(x, [2, 1], "circular").ToDoubleArray());
        Assert.Equal([9, 9, 0, 1, 2, 3, 9], F.Pad(x, [2, 1], "constant", 9).ToDoubleArray());
        // Reflect's backward collects the mirrored cells: output cells read input [2,1,0,1,2,3,2] once each.
        var xg = Tensor.From([0.0, 1, 2, 3], [1, 4], requiresGrad: true);
        F.Pad(xg, [2, 1], "reflect").Sum().Backward();
        Assert.Equal([1, 2, 3, 1], xg.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NodesCarryPyTorchsNames()
    {
        // grad_fn names as PyTorch 2.10 prints them (torch.prod(x).grad_fn etc.).
        var x = TestData.Randn([2, 3, 4], 1);
        Assert.Equal("ProdBackward0", x.Prod().GradFn!.Name);
        Assert.Equal("ProdBackward1", x.Prod(1).GradFn!.Name);
        Assert.Equal("VarBackward0", x.Var([1]).GradFn!.Name);
        Assert.Equal("StdBackward0", x.Std().GradFn!.Name);
        Assert.Equal("LinalgVectorNormBackward0", x.Norm().GradFn!.Name);
        Assert.Equal("LogsumexpBackward0", x.Logsumexp(2).GradFn!.Name);
        Assert.Equal("CumsumBackward0", x.Cumsum(0).GradFn!.Name);
        Assert.Equal("ReflectionPad1DBackward0", F.Pad(x, [1, 1], "reflect").GradFn!.Name);
        Assert.Equal("ReplicationPad2DBackward0", F.Pad(x, [1, 1, 1, 1], "replicate").GradFn!.Name);
        Assert.Equal("ConstantPadNdBackward0", F.Pad(x, [1, 1], "constant").GradFn!.Name);
    }
}
