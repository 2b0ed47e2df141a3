namespace Autograd.Tests.Ops.Elementwise;

/// <summary>
/// GradGradCheck (finite differences of the first-order gradient) over the unary ops, activations, softmax and
/// max/min (Note [Double backward]); the node names of their double backward against PyTorch's; the in-place
/// variants differentiated twice.
/// </summary>
public class UnaryOpsGradGradTests
{
    public static TheoryData<string> Cases => new(UnaryCases.Keys);

    // Random normal inputs stay away from the kinks of abs, relu, clamp and max (a tie or a value within eps of a
    // kink would make the finite differences straddle it). Ops whose second derivative is zero on their own
    // (abs, relu, clamp, max) are multiplied by their input, so the check sees a non-zero Hessian.
    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> UnaryCases = new()
    {
        ["exp"] = (t => t[0].Exp(), [[2, 3]]),
        ["exp of product"] = (t => (t[0] * t[1]).Exp(), [[3], [2, 3]]),
        ["log"] = (t => (t[0] * t[0] + 0.5).Log(), [[2, 3]]),
        ["log of quotient"] = (t => (t[0] * t[0] + 1).Log() * t[1], [[4], [4]]),
        ["sqrt"] = (t => (t[0] * t[0] + 0.5).Sqrt(), [[5]]),
        ["abs times x"] = (t => t[0].Abs() * t[0], [[2, 3]]),
        ["abs times other"] = (t => t[0].Abs() * t[1] * t[1], [[4], [4]]),
        ["clamp both times x"] = (t => t[0].Clamp(-0.5, 0.5) * t[0], [[3, 3]]),
        ["clamp min"] = (t => (t[0] * t[1]).Clamp(min: -0.2), [[2, 3], [2, 3]]),
        ["clamp max"] = (t => t[0].Clamp(max: 0.3) * t[0], [[6]]),
        ["relu times x"] = (t => t[0].Relu() * t[0], [[2, 4]]),
        ["relu squared"] = (t => t[0].Relu() * t[0].Relu(), [[3, 2]]),
        ["relu of product"] = (t => (t[0] * t[1]).Relu(), [[4], [4]]),
        ["sigmoid"] = (t => t[0].Sigmoid(), [[2, 3]]),
        ["sigmoid of product"] = (t => (t[0] * t[1]).Sigmoid(), [[3], [2, 3]]),
        ["tanh"] = (t => t[0].Tanh(), [[2, 3]]),
        ["tanh of product"] = (t => (t[0] * t[1]).Tanh() * t[0], [[4], [4]]),
        ["softmax last dim"] = (t => t[0].Softmax(1), [[3, 4]]),
        ["softmax strided dim"] = (t => (t[0] * t[1]).Softmax(1), [[2, 3, 2], [2, 3, 2]]),
        ["softmax dim 0"] = (t => t[0].Softmax(0), [[3, 2]]),
        ["log_softmax last dim"] = (t => t[0].LogSoftmax(-1), [[3, 4]]),
        ["log_softmax strided dim"] = (t => (t[0] * t[1]).LogSoftmax(1), [[2, 3, 2], [2, 3, 2]]),
        ["max all"] = (t => (t[0] * t[0]).Max(), [[3, 4]]),
        ["min all"] = (t => (t[0] * t[1]).Min() * t[1].Sum(), [[5], [5]]),
        ["max dim"] = (t => F.Max(t[0] * t[0], 1).Values, [[3, 4]]),
        ["max dim keep"] = (t => F.Max(t[0] * t[1], 0, keepDim: true).Values, [[3, 4], [3, 4]]),
        ["min dim strided"] = (t => F.Min(t[0] * t[0], 1).Values * 2, [[2, 3, 2]]),
        ["min dim last keep"] = (t => F.Min(t[0].Exp(), -1, keepDim: true).Values, [[2, 3]]),
        ["chain"] = (t => (t[0].Tanh() * t[1]).Softmax(1).Log().Sum([1]).Sigmoid(), [[2, 3], [2, 3]]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, shapes) = UnaryCases[name];
        var inputs = shapes.Select((s, i) => TestData.Randn(s, 1300 + i)).ToArray();
        Assert.True(GradGradCheck.Check(f, inputs), name);
    }

    public static TheoryData<string> InPlaceCases => new(InPlace.Keys);

    // An op that saves its output saves the result itself; an in-place op rebinds it to the written tensor
    // (InPlace.Write → RebindSavedOutput), and the double backward must still reach the op's node through it.
    private static readonly Dictionary<string, Func<Tensor, Tensor>> InPlace = new()
    {
        ["exp_"] = a => a.Exp_(),
        ["log_"] = a => (a * a + 0.5).Log_(),
        ["sqrt_"] = a => (a * a + 0.5).Sqrt_(),
        ["abs_"] = a => a.Abs_() * a,
        ["relu_"] = a => a.Relu_() * a,
        ["sigmoid_"] = a => a.Sigmoid_(),
        ["tanh_"] = a => a.Tanh_(),
        ["clamp_"] = a => a.Clamp_(-0.4, 0.4) * a,
    };

    [Theory]
    [MemberData(nameof(InPlaceCases))]
    public void InPlaceVariantsAreDoubleDifferentiable(string name)
    {
        var op = InPlace[name];
        // t[0] * 1 is a non-leaf, so the in-place op is allowed; the op's input is then its history.
        Assert.True(GradGradCheck.Check(t => op(t[0] * 1.0), [TestData.Randn([2, 3], 1400)]), name);
    }

    [Fact]
    public void AnInPlaceWriteOfTheSavedOutputIsStillRefusedUnderCreateGraph()
    {
        var x = TestData.Randn([3], 1401);
        var y = x.Exp();
        y.Mul_(2.0);   // exp saved y itself: this write invalidates it
        var e = Assert.Throws<InvalidOperationException>(() => Grad.Compute([y.Sum()], [x], createGraph: true));
        Assert.Contains("modified by an inplace operation", e.Message);
        Assert.Contains("output 0 of ExpBackward0", e.Message);
    }

    public static TheoryData<string, string> NodeNames => new()
    {
        // From torch 1.13: torch.autograd.grad(f(x), x, v, create_graph=True)[0].grad_fn.name(), v a constant.
        { "exp", "MulBackward0" },
        { "log", "DivBackward0" },
        { "sqrt", "DivBackward0" },
        { "abs", "MulBackward0" },
        { "relu", "ThresholdBackwardBackward0" },
        { "sigmoid", "SigmoidBackwardBackward0" },
        { "tanh", "TanhBackwardBackward0" },
        { "softmax", "SoftmaxBackwardDataBackward0" },
        { "log_softmax", "LogSoftmaxBackwardDataBackward0" },
    };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "exp" => x.Exp(),
        "log" => x.Log(),
        "sqrt" => x.Sqrt(),
        "abs" => x.Abs(),
        "relu" => x.Relu(),
        "sigmoid" => x.Sigmoid(),
        "tanh" => x.Tanh(),
        "softmax" => x.Softmax(1),
        "log_softmax" => x.LogSoftmax(1),
        "clamp" => x.Clamp(-0.5, 0.5),
        "max" => x.Max(),
        "max dim" => F.Max(x, 1).Values,
        "max dim keep" => F.Max(x, 1, keepDim: true).Values,
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(NodeNames))]
    public void DoubleBackwardNodesCarryPyTorchsNames(string op, string node)
    {
        double[] data = op is "log" or "sqrt" ? [0.5, 1.5, 2.0, 0.25, 0.75, 1.25] : [0.5, -1.5, 2.0, 0.25, -0.75, 1.25];
        var x = Tensor.From(data, [2, 3], requiresGrad: true);
        var y = Apply(op, x);
        var g = Grad.Compute([y], [x], [Tensor.OnesLike(y)], createGraph: true)[0]!;
        Assert.Equal(node, g.GradFn?.Name);
    }

    public static TheoryData<string, string> MaskNodeNames => new()
    {
        // From torch 1.13 with v requiring grad (with a constant v these gradients do not depend on x at all, so
        // PyTorch records nothing: checked below).
        { "clamp", "WhereBackward0" },
        { "max", "MaskedFillBackward1" },
        { "max dim", "ScatterBackward0" },
        { "max dim keep", "ScatterBackward0" },
    };

    [Theory]
    [MemberData(nameof(MaskNodeNames))]
    public void MaskedGradientsAreRecordedOnlyWhenTheUpstreamGradientRequiresGrad(string op, string node)
    {
        var x = Tensor.From([0.5, -1.5, 2.0, 0.25, -0.75, 1.25], [2, 3], requiresGrad: true);
        var y = Apply(op, x);
        var constant = Grad.Compute([y], [x], [Tensor.OnesLike(y)], createGraph: true)[0]!;
        Assert.False(constant.RequiresGrad);
        var v = Tensor.OnesLike(y);
        v.RequiresGrad = true;
        var g = Grad.Compute([y], [x], [v], createGraph: true)[0]!;
        Assert.Equal(node, g.GradFn?.Name);
        // Differentiating it again with respect to v gives the mask (the rule's transpose): hand-derived values.
        var gv = Grad.Compute([g], [v], [Tensor.OnesLike(g)])[0]!;
        if (op == "clamp") Assert.Equal([1.0, 0, 0, 1, 0, 0], gv.ToDoubleArray());   // 0.5 and 0.25 lie in [-0.5, 0.5]
        else if (op == "max") Assert.Equal(1.0, gv.Item());                          // one winner (2.0): all of g goes to it
        else Assert.Equal([1.0, 1], gv.ToDoubleArray());                            // one winner per row
    }

    [Fact]
    public void ReluGradientRequiresGradEvenForAConstantUpstreamGradient()
    {
        // PyTorch's threshold_backward takes the output as a differentiable input (zero derivative): the gradient
        // requires grad, and its derivative with respect to x is zeros, not "unused".
        var x = Tensor.From([0.5, -1.5, 2.0], requiresGrad: true);
        var g = Grad.Compute([x.Relu()], [x], [Tensor.From([1.0, 1, 1])], createGraph: true)[0]!;
        Assert.True(g.RequiresGrad);
        var h = Grad.Compute([g.Sum()], [x])[0]!;
        Assert.Equal(new[] { 0.0, 0, 0 }, h.ToDoubleArray());
    }

    [Fact]
    public void ThirdOrderThroughSigmoidMatchesTheHandDerivedValue()
    {
        // σ''' = σ'·(1 − 6σ + 6σ²) with σ' = σ(1 − σ).
        double x0 = 0.3, s = 1 / (1 + Math.Exp(-x0)), d3 = s * (1 - s) * (1 - 6 * s + 6 * s * s);
        var x = Tensor.From([x0], requiresGrad: true);
        var g1 = Grad.Compute([x.Sigmoid().Sum()], [x], createGraph: true)[0]!;
        var g2 = Grad.Compute([g1.Sum()], [x], createGraph: true)[0]!;
        var g3 = Grad.Compute([g2.Sum()], [x])[0]!;
        Assert.Equal(d3, g3.Item(), 12);
    }
}
