namespace Autograd.Tests.Ops.Conv2d;

/// <summary>
/// conv2d's double backward (Note [conv2d double backward]): GradGradCheck (finite differences of the
/// first-order gradient, float64) over a grid of geometries, third order, node names, and that an
/// ordinary backward records nothing.
/// </summary>
public class ConvGradGradTests
{
    /// <summary>One configuration; NoInputGrad leaves x a constant (only the weight's and bias's gradients are checked).</summary>
    public sealed record Conv(string Name, int[] X, int[] W, bool Bias, Pair Stride, Padding Padding, Pair Dilation, int Groups, bool NoInputGrad = false)
    {
        public Tensor[] Inputs()
        {
            var t = new List<Tensor> { TestData.Randn(X, 1300, requiresGrad: !NoInputGrad), TestData.Randn(W, 1301) };
            if (Bias) t.Add(TestData.Randn([W[0]], 1302));
            return [.. t];
        }

        public Tensor Run(Tensor[] t) => F.Conv2d(t[0], t[1], Bias ? t[2] : null, Stride, Padding, Dilation, Groups);

        public override string ToString() => Name;
    }

    // Small shapes (GradGradCheck perturbs every element of x, w, b and v), each option and their mixes.
    // The last two take the bounded loops (Note [Bounded convolution]): most taps fall on padding.
    private static readonly Conv[] Grid =
    [
        new("basic, bias, padding 1", [2, 2, 4, 4], [3, 2, 3, 3], true, 1, 1, 1, 1),
        new("stride 2, padding (1, 0), no bias", [2, 2, 5, 6], [2, 2, 3, 2], false, 2, (1, 0), 1, 1),
        new("stride (1, 2), dilation 2, padding 2", [1, 3, 5, 6], [2, 3, 2, 3], true, (1, 2), 2, 2, 1),
        new("groups 2, stride (2, 1)", [2, 4, 5, 4], [4, 2, 2, 3], true, (2, 1), 1, 1, 2),
        new("depthwise groups 3", [1, 3, 4, 5], [3, 1, 3, 3], false, 1, 1, 1, 3),
        new("unbatched (C, H, W), bias", [2, 5, 4], [3, 2, 3, 3], true, 1, (1, 2), 1, 1),
        new("unbatched, stride 2, groups 2", [4, 5, 5], [2, 2, 3, 3], false, 2, 0, 1, 2),
        new("'same', even kernel, dilation (1, 2): asymmetric padding", [1, 2, 5, 5], [2, 2, 2, 2], true, 1, "same", (1, 2), 1),
        new("'valid'", [2, 2, 5, 4], [2, 2, 3, 2], true, 1, "valid", 1, 1),
        new("1×1 pointwise", [2, 3, 3, 3], [2, 3, 1, 1], true, 1, 0, 1, 1),
        new("input without grad", [2, 2, 4, 4], [3, 2, 3, 3], true, 2, 1, 1, 1, NoInputGrad: true),
        new("bounded: padding 1000, dilation 999", [1, 2, 3, 4], [2, 2, 3, 3], true, 1, 1000, 999, 1),
        new("bounded: stride (3, 2), padding (30, 40), dilation (30, 40), groups 2", [2, 4, 4, 5], [4, 2, 3, 3], true, (3, 2), (30, 40), (30, 40), 2),
    ];

    public static TheoryData<string> Cases => new(Grid.Select(c => c.Name));

    private static Conv Get(string name) => Grid.Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var c = Get(name);
        Assert.True(GradGradCheck.Check(c.Run, c.Inputs()), name);
    }

    [Fact]
    public void TheBoundedEntriesTakeTheBoundedLoops()
    {
        // Otherwise the grid would not test what it says: the kernels choose the path from the geometry.
        foreach (var c in Grid.Where(c => c.Name.StartsWith("bounded")))
            Assert.True(BoundedConv.Suits(ConvGeometry.Create(Tensor.Zeros(c.X), Tensor.Zeros(c.W), null, c.Stride, c.Padding, c.Dilation, c.Groups)), c.Name);
    }

    [Fact]
    public void SecondDerivativesOfANonlinearStackMatchFiniteDifferences()
    {
        // conv → square → conv: the Hessian has x–x and w–w blocks (a bare conv's are zero), and the
        // gradient reaching the first conv depends on everything.
        var inputs = new[] { TestData.Randn([1, 2, 5, 5], 1310), TestData.Randn([2, 2, 3, 3], 1311), TestData.Randn([2, 2, 2, 2], 1312), TestData.Randn([2], 1313) };
        Assert.True(GradGradCheck.Check(t =>
        {
            var h = F.Conv2d(t[0], t[1], null, 1, 1);
            return F.Conv2d(h * h, t[2], t[3], stride: 2, padding: (0, 1));
        }, inputs));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ThirdDerivativesMatchFiniteDifferences(int wrt)
    {
        // The gradient of Σ conv(x, w)² with respect to x (or w) is itself checked by GradGradCheck, so the
        // rules of ConvInputGrad / ConvWeightGrad are differentiated again (third order of the conv).
        var inputs = new[] { TestData.Randn([1, 2, 4, 5], 1320), TestData.Randn([2, 2, 2, 3], 1321) };
        Assert.True(GradGradCheck.Check(t =>
        {
            var y = F.Conv2d(t[0], t[1], null, (2, 1), 1, (1, 2));
            return Grad.Compute([(y * y).Sum()], [t[wrt]], createGraph: true)[0]!;
        }, inputs));
    }

    [Fact]
    public void GradientsOfConvolutionBackwardAreNamedAsInPyTorch()
    {
        // torch 1.13: grad(conv2d(x, w, b), (x, w, b), v, create_graph=True) all have grad_fn
        // ConvolutionBackwardBackward0; the input gradient of dW is a transposed convolution,
        // ConvolutionBackward0, and so is the v-derivative of dX (a forward convolution).
        var x = TestData.Randn([2, 3, 5, 5], 1330);
        var w = TestData.Randn([4, 3, 3, 3], 1331);
        var b = TestData.Randn([4], 1332);
        var y = F.Conv2d(x, w, b, stride: 2, padding: 1);
        var v = TestData.Randn(y.Dims, 1333);
        var g = Grad.Compute([y], [x, w, b], [v], createGraph: true);
        Assert.All(g, t => Assert.Equal("ConvolutionBackwardBackward0", t!.GradFn!.Name));
        var third = Grad.Compute([(g[1]! * g[1]!).Sum()], [x, v], createGraph: true);
        Assert.Equal("ConvolutionBackward0", third[0]!.GradFn!.Name);
        Assert.Equal("ConvolutionBackward0", third[1]!.GradFn!.Name);
        Assert.Equal("ConvolutionBackward0", Grad.Compute([(g[0]! * g[0]!).Sum()], [v], createGraph: true)[0]!.GradFn!.Name);
    }

    [Fact]
    public void OrdinaryBackwardRecordsNothing()
    {
        // createGraph: false keeps the raw kernels: the gradients are plain tensors, equal to the recorded ones.
        var x = TestData.Randn([2, 2, 5, 5], 1340);
        var w = TestData.Randn([3, 2, 3, 3], 1341);
        var b = TestData.Randn([3], 1342);
        var v = TestData.Randn([2, 3, 3, 3], 1343, requiresGrad: false);
        var plain = Grad.Compute([F.Conv2d(x, w, b, stride: 2, padding: 1)], [x, w, b], [v]);
        Assert.All(plain, t => Assert.False(t!.RequiresGrad));
        var recorded = Grad.Compute([F.Conv2d(x, w, b, stride: 2, padding: 1)], [x, w, b], [v], createGraph: true);
        for (int i = 0; i < 3; i++) Assert.Equal(plain[i]!.ToDoubleArray(), recorded[i]!.ToDoubleArray());
        // torch 1.13: ConvolutionBackwardBackward0's inputs are (grad_output, input, weight), so all three
        // gradients require grad, db = Σ v included, though db's derivative with respect to w is None.
        Assert.All(recorded, t => Assert.True(t!.RequiresGrad));
        Assert.Null(Grad.Compute([recorded[2]!.Sum()], [w], allowUnused: true)[0]);
    }
}
