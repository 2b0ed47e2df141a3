namespace Autograd.Tests.Ops.Elementwise;

public class UnaryGradTests
{
    // Inputs and expected values: PyTorch 1.13 (python3-torch) in float64, e.g. torch.tensor(X).exp().
    private static readonly double[] X = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.7, 3.0];
    private static readonly double[] P = [0.25, 0.5, 1.0, 2.0, 4.5];

    private static Tensor Xs => Tensor.From(X);
    private static Tensor Ps => Tensor.From(P);

    [Fact]
    public void ForwardValuesMatchPyTorch()
    {
        TestData.AssertClose([0.0820849986238988, 0.36787944117144233, 0.7408182206817179, 1.0, 1.4918246976412703, 5.473947391727199, 20.085536923187668], F.Exp(Xs));
        TestData.AssertClose([-1.3862943611198906, -0.6931471805599453, 0.0, 0.6931471805599453, 1.5040773967762742], F.Log(Ps));
        TestData.AssertClose([0.5, 0.7071067811865476, 1.0, 1.4142135623730951, 2.1213203435596424], F.Sqrt(Ps));
        TestData.AssertClose([2.5, 1.0, 0.3, 0.0, 0.4, 1.7, 3.0], F.Abs(Xs));
        TestData.AssertClose([0.0, 0.0, 0.0, 0.0, 0.4, 1.7, 3.0], F.Relu(Xs));
        TestData.AssertClose([0.07585818002124355, 0.2689414213699951, 0.425557483188341, 0.5, 0.598687660112452, 0.8455347349164652, 0.9525741268224334], F.Sigmoid(Xs));
        TestData.AssertClose([-0.9866142981514303, -0.7615941559557649, -0.2913126124515909, 0.0, 0.3799489622552249, 0.935409070603099, 0.9950547536867305], F.Tanh(Xs));
        TestData.AssertClose([-15.625, -1.0, -0.027, 0.0, 0.06400000000000002, 4.912999999999999, 27.0], F.Pow(Xs, 3));
        TestData.AssertClose([8.0, 2.8284271247461903, 1.0, 0.3535533905932738, 0.10475656017578482], F.Pow(Ps, -1.5));
        TestData.AssertClose([6.25, 1.0, 0.09, 0.0, 0.16000000000000003, 2.8899999999999997, 9.0], F.Pow(Xs, 2));
        TestData.AssertClose([1, 1, 1, 1, 1, 1, 1], F.Pow(Xs, 0));
        TestData.AssertClose(X.Select(v => -v).ToArray(), F.Neg(Xs));
    }

    [Fact]
    public void Float32ForwardMatchesFloat64WithinSinglePrecision()
    {
        var x32 = Tensor.From(X.Select(v => (float)v).ToArray());
        foreach (var op in new Func<Tensor, Tensor>[] { F.Exp, F.Abs, F.Relu, F.Sigmoid, F.Tanh, t => F.Pow(t, 3), F.Neg })
        {
            var y = op(x32);
            Assert.Equal(DType.Float32, y.DType);
            TestData.AssertClose(op(Xs).ToDoubleArray(), y, 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Shapes), MemberType = typeof(TestData))]
    public void SmoothOpsPassGradCheck(int[] shape)
    {
        var x = TestData.Randn(shape, 11);
        Assert.True(GradCheck.Check(t => F.Exp(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Sigmoid(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Tanh(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Neg(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Pow(t[0], 2), [x]));
        Assert.True(GradCheck.Check(t => F.Pow(t[0], 3), [x]));
    }

    [Theory]
    [MemberData(nameof(TestData.Shapes), MemberType = typeof(TestData))]
    public void OpsOnPositiveInputsPassGradCheck(int[] shape)
    {
        var x = TestData.Positive(shape, 12);
        Assert.True(GradCheck.Check(t => F.Log(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Sqrt(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Pow(t[0], 0.5), [x]));
        Assert.True(GradCheck.Check(t => F.Pow(t[0], -1.5), [x]));
        Assert.True(GradCheck.Check(t => F.Pow(t[0], 2.7), [x]));
    }

    [Theory]
    [MemberData(nameof(TestData.Shapes), MemberType = typeof(TestData))]
    public void KinkedOpsPassGradCheckAwayFromZero(int[] shape)
    {
        var x = TestData.AwayFromZero(shape, 13);
        Assert.True(GradCheck.Check(t => F.Abs(t[0]), [x]));
        Assert.True(GradCheck.Check(t => F.Relu(t[0]), [x]));
    }

    [Fact]
    public void TensorMethodFormsChainLikeTheFunctions()
    {
        var x = TestData.Positive([2, 3], 14);
        Assert.True(GradCheck.Check(t => t[0].Exp().Log().Sqrt().Pow(3).Abs().Relu().Sigmoid().Tanh(), [x]));
    }

    // Gradients at the special points, from PyTorch: x.abs().sum().backward() etc.
    [Fact]
    public void GradientsAtKinksAndPolesMatchPyTorch()
    {
        Assert.Equal([0.0, 0.0, -1.0, 1.0], GradOf(F.Abs, [double.NaN, 0, -2, 3]));
        Assert.Equal([0.0, 0.0, 1.0], GradOf(F.Relu, [0, -1, 1]));
        Assert.Equal([0.0, 0.0, 0.0], GradOf(t => F.Pow(t, 0), [0, -1, 1]));
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity, 0.5], GradOf(t => F.Pow(t, 0.5), [0, 0, 1]));
        Assert.Equal([double.PositiveInfinity, double.NaN, 0.5], GradOf(F.Sqrt, [0, -1, 1]));
        Assert.Equal([double.PositiveInfinity, -1.0, 1.0], GradOf(F.Log, [0, -1, 1]));
        Assert.Equal([0.0, -2.0, 2.0], GradOf(t => F.Pow(t, 2), [0, -1, 1]));
    }

    [Fact]
    public void NaNPropagatesThroughRelu() => Assert.True(double.IsNaN(F.Relu(Tensor.From([double.NaN])).Item()));

    [Fact]
    public void NodeNamesFollowPyTorch()
    {
        var x = TestData.Positive([2], 15);
        Assert.Equal("ExpBackward0", F.Exp(x).GradFn!.Name);
        Assert.Equal("LogBackward0", F.Log(x).GradFn!.Name);
        Assert.Equal("SqrtBackward0", F.Sqrt(x).GradFn!.Name);
        Assert.Equal("AbsBackward0", F.Abs(x).GradFn!.Name);
        Assert.Equal("ReluBackward0", F.Relu(x).GradFn!.Name);
        Assert.Equal("SigmoidBackward0", F.Sigmoid(x).GradFn!.Name);
        Assert.Equal("TanhBackward0", F.Tanh(x).GradFn!.Name);
        Assert.Equal("PowBackward0", F.Pow(x, 2).GradFn!.Name);
    }

    [Fact]
    public void NoNodeIsRecordedWhenNoInputRequiresGrad()
    {
        var x = TestData.Positive([3], 16, requiresGrad: false);
        Assert.Null(F.Exp(x).GradFn);
        Assert.False(F.Sigmoid(x).RequiresGrad);
    }

    private static double[] GradOf(Func<Tensor, Tensor> op, double[] x)
    {
        var t = Tensor.From(x, requiresGrad: true);
        op(t).Sum().Backward();
        return t.Grad!.ToDoubleArray();
    }
}
