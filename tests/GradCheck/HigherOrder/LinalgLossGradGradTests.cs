namespace Autograd.Tests.HigherOrder;

/// <summary>
/// GradGradCheck (finite differences of the first-order gradient, float64) over matmul, linear, mse_loss and
/// nll_loss: every matmul case (dot, mv, vector-matrix, mm, batched with broadcast batch dims, with either
/// operand alone requiring grad), linear with and without bias at several input ranks, mse_loss in every
/// reduction with broadcasting, nll_loss in every reduction with ignore_index. The first-order gradients of
/// these ops are linear in the upstream gradient v and in each operand, so each check exercises the
/// derivative with respect to v (the double-backward node's own rule) and the cross terms.
/// </summary>
public class LinalgLossGradGradTests
{
    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes, bool[]? Grad)> Cases = Build();

    public static TheoryData<string> Names => new(Cases.Keys);

    private static Dictionary<string, (Func<Tensor[], Tensor>, int[][], bool[]?)> Build()
    {
        var d = new Dictionary<string, (Func<Tensor[], Tensor>, int[][], bool[]?)>();
        (int[] A, int[] B)[] matmul =
        [
            ([5], [5]), ([4], [4, 3]), ([3, 4], [4]), ([3, 4], [4, 5]), ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5]),
            ([2, 3, 4], [2, 4, 5]), ([2, 1, 3, 2], [3, 2, 2]), ([4], [2, 4, 3]), ([2, 3, 4], [4]),
        ];
        foreach (var (a, b) in matmul)
            foreach (var g in new[] { new[] { true, true }, [true, false], [false, true] })
                d[$"matmul {S(a)} @ {S(b)} grad {g[0]}/{g[1]}"] = (t => F.Matmul(t[0], t[1]), [a, b], g);
        // A non-linear use of the product: its second derivative is not just the cross terms.
        d["matmul of squares"] = (t => F.Matmul(t[0] * t[0], t[1]), [[2, 3], [3, 2]], null);

        foreach (var x in new[] { new[] { 4, 3 }, [3], [2, 2, 3], [1, 3] })
        {
            d[$"linear x{S(x)} bias"] = (t => F.Linear(t[0], t[1], t[2]), [x, [2, 3], [2]], null);
            d[$"linear x{S(x)} no bias"] = (t => F.Linear(t[0], t[1]), [x, [2, 3]], null);
        }
        d["linear weight only"] = (t => F.Linear(t[0], t[1], t[2]), [[4, 3], [2, 3], [2]], [false, true, false]);
        d["linear of squares"] = (t => F.Linear(t[0] * t[0], t[1], t[2]), [[4, 3], [2, 3], [2]], null);

        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            foreach (var (i, tg) in new (int[], int[])[] { ([4, 3], [4, 3]), ([], []), ([4, 3], [3]), ([4, 1], [1, 3]) })
                d[$"mse {S(i)} vs {S(tg)} {red}"] = (t => F.MseLoss(t[0], t[1], red), [i, tg], null);
            d[$"mse target without grad {red}"] = (t => F.MseLoss(t[0], t[1], red), [[3, 2], [3, 2]], [true, false]);
            d[$"mse of cubes {red}"] = (t => F.MseLoss(t[0] * t[0] * t[0], t[1], red), [[3, 2], [2]], null);

            int[] target = [1, 0, 3, 1], ignored = [1, -100, 3, -100];
            d[$"nll {red}"] = (t => F.NllLoss(t[0], target, red), [[4, 5]], null);
            d[$"nll of cubes {red}"] = (t => F.NllLoss(t[0] * t[0] * t[0], target, red), [[4, 5]], null);
            d[$"nll of cubes ignore -100 {red}"] = (t => F.NllLoss(t[0] * t[0] * t[0], ignored, red), [[4, 5]], null);
            d[$"nll of cubes ignore_index 1 {red}"] = (t => F.NllLoss(t[0] * t[0] * t[0], target, red, ignoreIndex: 1), [[4, 5]], null);
            d[$"nll unbatched {red}"] = (t => F.NllLoss(t[0] * t[0] * t[0], [2], red), [[5]], null);
        }
        // Third order: GradGradCheck of a createGraph gradient differentiates the double-backward nodes'
        // own rules (MmBackward0 of the gradient, MseLossBackwardBackward0, NllLossBackwardBackward0).
        d["third order: matmul then mse"] = (t => Grad.Compute([F.MseLoss(F.Matmul(t[0], t[1]), t[2])], [t[0]], createGraph: true)[0]!,
            [[2, 3], [3, 2], [2, 2]], null);
        d["third order: linear then mse, bias"] = (t => Grad.Compute([F.MseLoss(F.Linear(t[0], t[1], t[2]), t[0].Sum([1], keepDim: true), Reduction.Sum)], [t[1]], createGraph: true)[0]!,
            [[3, 2], [2, 2], [2]], null);
        d["third order: nll of cubes"] = (t => Grad.Compute([F.NllLoss(t[0] * t[0] * t[0], [1, 0, 2], Reduction.Mean)], [t[0]], createGraph: true)[0]!,
            [[3, 4]], null);
        return d;
    }

    private static string S(int[] s) => $"[{string.Join(",", s)}]";

    [Theory]
    [MemberData(nameof(Names))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, shapes, grad) = Cases[name];
        var inputs = shapes.Select((s, i) => TestData.Randn(s, 900 + i, grad?[i] ?? true)).ToArray();
        Assert.True(GradGradCheck.Check(f, inputs), name);
    }

    /// <summary>cross_entropy = nll_loss(log_softmax(x)) in every reduction, with ignore_index and unbatched: needs log_softmax's double backward.</summary>
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void CrossEntropySecondDerivativesMatchFiniteDifferences(Reduction red)
    {
        Assert.True(GradGradCheck.Check(t => F.CrossEntropy(t[0], [2, 0, 4, 1], red), [TestData.Randn([4, 5], 950)]));
        Assert.True(GradGradCheck.Check(t => F.CrossEntropy(t[0], [2, -100, 4, -100], red), [TestData.Randn([4, 5], 951)]));
        Assert.True(GradGradCheck.Check(t => F.CrossEntropy(t[0], [2, 0, 4, 1], red, ignoreIndex: 4), [TestData.Randn([4, 5], 952)]));
        Assert.True(GradGradCheck.Check(t => F.CrossEntropy(t[0], [3], red), [TestData.Randn([5], 953)]));
        Assert.True(GradGradCheck.Check(t => F.CrossEntropy(F.Linear(t[0], t[1], t[2]), [2, 0, 1], red), [TestData.Randn([3, 4], 954), TestData.Randn([3, 4], 955), TestData.Randn([3], 956)]));
    }

    /// <summary>The gradients of a createGraph pass record PyTorch's double-backward nodes.</summary>
    [Fact]
    public void DoubleBackwardNodesCarryPyTorchNames()
    {
        // Names from torch 1.13: torch.autograd.grad(y, x, v, create_graph=True)[k].grad_fn.
        static string[] Names(Tensor y, Tensor[] xs)
        {
            var v = Tensor.Randn(y.Shape, DType.Float64, requiresGrad: true, generator: new Generator(5));
            return Grad.Compute([y], xs, [v], createGraph: true).Select(g => g?.GradFn?.Name ?? "none").ToArray();
        }
        var a = TestData.Randn([2, 3], 1);
        var b = TestData.Randn([3, 4], 2);
        var u = TestData.Randn([3], 3);
        var w = TestData.Randn([3], 4);
        Assert.Equal(["MmBackward0", "MmBackward0"], Names(F.Matmul(a, b), [a, b]));
        Assert.Equal(["MulBackward0", "MulBackward0"], Names(F.Matmul(u, w), [u, w]));
        Assert.Equal(["MulBackward0", "MvBackward0"], Names(F.Matmul(a, u), [a, u]));
        var t = TestData.Randn([2, 3], 5);
        Assert.Equal(["MseLossBackwardBackward0", "MseLossBackwardBackward0"], Names(F.MseLoss(a, t), [a, t]));
        // nll's gradient with respect to its input is nll_loss_backward(v): recorded as NllLossBackwardBackward0.
        var x = TestData.Randn([2, 3], 6);
        var h = x * 1.0;
        var v = Tensor.Randn([2], DType.Float64, requiresGrad: true, generator: new Generator(7));
        var gh = Grad.Compute([F.NllLoss(h, [2, 0], Reduction.None)], [h], [v], createGraph: true)[0]!;
        Assert.Equal("NllLossBackwardBackward0", gh.GradFn!.Name);
    }

    /// <summary>An ordinary backward (createGraph: false) records nothing through these ops.</summary>
    [Fact]
    public void OrdinaryBackwardRecordsNothing()
    {
        var a = TestData.Randn([2, 3, 4], 1);
        var b = TestData.Randn([4, 2], 2);
        var w = TestData.Randn([3, 2], 3);
        var bias = TestData.Randn([3], 4);
        var y = F.NllLoss(F.Linear(F.Matmul(a, b), w, bias).Reshape([6, 3]), [0, 1, 2, 0, 1, 2]) + F.MseLoss(a, b.Transpose(0, 1).Reshape([2, 1, 4]));
        var gs = Grad.Compute([y], [a, b, w, bias]);
        Assert.All(gs, g => { Assert.NotNull(g); Assert.False(g!.RequiresGrad); Assert.Null(g.GradFn); });
    }
}
