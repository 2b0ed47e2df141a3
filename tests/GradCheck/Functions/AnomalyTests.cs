namespace Autograd.Tests.Functions;

/// <summary>
/// Anomaly mode (Note [Anomaly mode], torch.autograd.detect_anomaly). Mirrors test_autograd.py's
/// test_anomaly_detect_nan (a custom backward returning NaN in its 0th or 1th output, with and without
/// forward information), test_anomaly_grad_warnings ("Error detected in PowBackward0" around the
/// in-place error) and the documented sqrt example; messages as torch 1.13 prints them.
/// </summary>
public class AnomalyTests
{
    private const int Size = 10;

    /// <summary>test_anomaly_detect_nan's MyFunc: forward inp1.sum(0, keepdim); backward a NaN at element 0 for input 0 or 1.</summary>
    private sealed class MyFunc(bool failZeroth) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]!.Sum([0], keepDim: true)];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var gi = Enumerable.Repeat(g[0]!.Item(), Size).ToArray();
            gi[0] = 0;
            gi[0] /= 0;   // generate a NaN
            var gI = Tensor.From(gi);
            return failZeroth ? [gI, null] : [null, gI];
        }
    }

    private static Tensor Input() => Tensor.Rand([Size], DType.Float64, requiresGrad: true, generator: new Generator(51));

    [Fact]
    public void WithoutAnomalyModeANaNGradientPassesThrough()
    {
        var inp = Input();
        new MyFunc(failZeroth: true).Apply(inp, inp).Backward();   // should not fail
        Assert.True(double.IsNaN(inp.Grad!.GetDouble(0)));
        Assert.All(inp.Grad.ToDoubleArray().Skip(1), v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void ANaNFromABackwardRecordedOutsideTheModeSaysThereIsNoForwardInformation()
    {
        var inp = Input();
        var output = new MyFunc(failZeroth: true).Apply(inp, inp);
        AnomalyException e;
        using (Grad.DetectAnomaly())
            e = Assert.Throws<AnomalyException>(() => output.Backward());
        Assert.Contains("Function 'MyFuncBackward' returned nan values in its 0th output.", e.Message);
        Assert.Contains("No forward pass information", e.Message);
        Assert.Equal("MyFuncBackward", e.Node);
        Assert.Null(e.ForwardTrace);
        Assert.Null(inp.Grad);   // the pass stopped before accumulating
    }

    [Fact]
    public void ANaNInTheSecondOutputNamesItAndTheForwardCall()
    {
        var inp = Input();
        AnomalyException e;
        using (Grad.DetectAnomaly())
        {
            var output = new MyFunc(failZeroth: false).Apply(inp, inp);
            e = Assert.Throws<AnomalyException>(() => output.Backward());
        }
        Assert.Contains("Function 'MyFuncBackward' returned nan values in its 1th output.", e.Message);
        Assert.Contains("Traceback of forward call that caused the error", e.Message);
        Assert.NotNull(e.ForwardTrace);
        Assert.Contains(nameof(ANaNInTheSecondOutputNamesItAndTheForwardCall), e.ForwardTrace);   // the creation stack trace
        Assert.Contains("Function.Apply", e.ForwardTrace);
        Assert.Contains(e.ForwardTrace, e.Message);
    }

    [Fact]
    public void TheNaNOfSqrtAtZeroTimesZeroIsCaughtAtSqrtBackward()
    {
        // y = sqrt(x)·0 at x = 0: MulBackward0 passes 0 on, SqrtBackward0 computes 0 / (2·sqrt(0)) = 0/0.
        // torch 1.13: x.grad = nan without the mode; "Function 'SqrtBackward0' returned nan values in its 0th output." with it.
        var x = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        (x.Sqrt() * 0).Sum().Backward();
        Assert.True(double.IsNaN(x.Grad!.Item()));

        var x2 = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        AnomalyException e;
        using (Grad.DetectAnomaly())
        {
            var y = (x2.Sqrt() * 0).Sum();
            e = Assert.Throws<AnomalyException>(() => y.Backward());
        }
        Assert.Contains("Function 'SqrtBackward0' returned nan values in its 0th output.", e.Message);
        Assert.Equal("SqrtBackward0", e.Node);
        Assert.Contains(nameof(TheNaNOfSqrtAtZeroTimesZeroIsCaughtAtSqrtBackward), e.ForwardTrace);
        Assert.Null(x2.Grad);

        // sqrt alone at 0 gives +∞, not NaN (torch 1.13: tensor([inf])): the mode does not object to infinities.
        var x3 = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        using (Grad.DetectAnomaly()) x3.Sqrt().Sum().Backward();
        Assert.Equal(double.PositiveInfinity, x3.Grad!.Item());
    }

    [Fact]
    public void TheCheckFollowsTheModeAtBackwardTime()
    {
        // Recorded under the mode, run outside it: no check (as PyTorch's, the NaN check is the backward pass's setting).
        var x = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        Tensor y;
        using (Grad.DetectAnomaly()) y = (x.Sqrt() * 0).Sum();
        y.Backward();
        Assert.True(double.IsNaN(x.Grad!.Item()));
    }

    private sealed class BackwardFailure(string message) : Exception(message);

    private sealed class Throwing : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 2];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => throw new BackwardFailure("Simulate error on backward pass");
    }

    [Fact]
    public void AnExceptionInACustomBackwardKeepsItsTypeAndCarriesTheForwardTrace()
    {
        // PyTorch re-raises the original error and warns "Error detected in ThrowingBackward. Traceback of forward call ...".
        var x = Tensor.From([1.0], requiresGrad: true);
        var warnings = new List<string>();
        Action<string> collect = warnings.Add;
        BackwardFailure e;
        Warnings.Raised += collect;
        try
        {
            using (Grad.DetectAnomaly())
            {
                var y = new Throwing().Apply(x).Sum();
                e = Assert.Throws<BackwardFailure>(() => y.Backward());
            }
        }
        finally { Warnings.Raised -= collect; }
        Assert.Equal("Simulate error on backward pass", e.Message);
        Assert.Equal("ThrowingBackward", e.Data[AnomalyException.NodeKey]);
        Assert.Contains(nameof(AnExceptionInACustomBackwardKeepsItsTypeAndCarriesTheForwardTrace), (string)e.Data[AnomalyException.ForwardTraceKey]!);
        var w = Assert.Single(warnings);
        Assert.Contains("Error detected in ThrowingBackward.", w);
        Assert.Contains("Traceback of forward call that caused the error", w);
    }

    [Fact]
    public void WithoutAnomalyModeTheBackwardsExceptionArrivesUnwrapped()
    {
        var x = Tensor.From([1.0], requiresGrad: true);
        var e = Assert.Throws<BackwardFailure>(() => new Throwing().Apply(x).Sum().Backward());
        Assert.Equal("Simulate error on backward pass", e.Message);
    }

    [Fact]
    public void AnInPlaceErrorUnderTheModeNamesTheNodeThatFoundIt()
    {
        // test_anomaly_grad_warnings: d2 = (a + 1)²; d1 += 1; grad → the in-place error, with the warning
        // "Error detected in PowBackward0".
        InvalidOperationException e;
        var warnings = new List<string>();
        Action<string> collect = warnings.Add;
        Warnings.Raised += collect;
        try
        {
            using (Grad.DetectAnomaly())
            {
                var a = TestData.Randn([5], 52);
                var d1 = a + 1;
                var d2 = d1.Pow(2);
                d1.Add_(1);
                e = Assert.Throws<InvalidOperationException>(() => Grad.Compute([d2.Sum()], [a]));
            }
        }
        finally { Warnings.Raised -= collect; }
        Assert.Contains("modified by an inplace operation", e.Message);
        Assert.Contains("which is output 0 of AddBackward0", e.Message);
        Assert.Contains("Good luck!", e.Message);   // the hint PyTorch gives under the mode
        Assert.Equal("PowBackward0", e.Data[AnomalyException.NodeKey]);
        Assert.Contains(warnings, w => w.StartsWith("Error detected in PowBackward0."));
    }

    [Fact]
    public void TheModeIsAScopeThatCanBeNestedAndTurnedOff()
    {
        Assert.False(Grad.IsAnomalyEnabled);
        using (Grad.DetectAnomaly())
        {
            Assert.True(Grad.IsAnomalyEnabled);
            using (Grad.DetectAnomaly(false))
            {
                Assert.False(Grad.IsAnomalyEnabled);
                var x = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
                (x.Sqrt() * 0).Sum().Backward();   // off: no exception
                Assert.True(double.IsNaN(x.Grad!.Item()));
            }
            Assert.True(Grad.IsAnomalyEnabled);
        }
        Assert.False(Grad.IsAnomalyEnabled);
    }
}
