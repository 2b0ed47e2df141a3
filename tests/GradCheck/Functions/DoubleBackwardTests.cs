namespace Autograd.Tests.Functions;

/// <summary>
/// Double backward (Note [Double backward]): a custom Function whose Backward is written with
/// differentiable ops is differentiable again under createGraph (test_autograd.py's test_function with
/// create_graph=True, and gradgradcheck); the second derivatives are checked against hand derivations
/// and against finite differences of the first derivative. A built-in op's gradient under createGraph is
/// a DelayedError: differentiating it throws NotSupportedException naming the op, never a silent value.
/// </summary>
public class DoubleBackwardTests
{
    /// <summary>x³ with x saved; backward 3·x²·g with differentiable ops.</summary>
    private sealed class Cube : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return [inputs[0]! * inputs[0]! * inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var x = ctx.SavedTensors[0]!;
            return [F.Mul(F.Mul(x, x), g[0]!) * 3];
        }
    }

    /// <summary>f(x, y) = exp(x)·y², saving x, y and the output r; backward (g·r, 2·g·exp(x)·y).</summary>
    private sealed class ExpYSquared : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            var (x, y) = (inputs[0]!, inputs[1]!);
            var r = x.Exp() * y * y;
            ctx.SaveForBackward(x, y, r);
            return [r];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var s = ctx.SavedTensors;
            var (x, y, r) = (s[0]!, s[1]!, s[2]!);
            return [g[0]! * r, g[0]! * x.Exp() * y * 2];   // the saved output r carries the function's own history
        }
    }

    [Fact]
    public void TheSecondDerivativeOfACubeIsSixX()
    {
        var x = TestData.Randn([4], 41);
        var gx = Grad.Compute([new Cube().Apply(x).Sum()], [x], createGraph: true)[0]!;
        Assert.True(gx.RequiresGrad);
        Assert.NotNull(gx.GradFn);   // recorded: Backward ran with grad mode on
        TestData.AssertClose(x.ToDoubleArray().Select(v => 3 * v * v).ToArray(), gx);
        var gxx = Grad.Compute([gx.Sum()], [x], retainGraph: true)[0]!;
        TestData.AssertClose(x.ToDoubleArray().Select(v => 6 * v).ToArray(), gxx);
        // A third derivative differentiates the built-in ops Backward used (F.Mul, differentiable): d³/dx³ Σx³ = 6.
        var g2 = Grad.Compute([gx.Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose(x.ToDoubleArray().Select(v => 6 * v).ToArray(), g2);
        TestData.AssertClose(x.ToDoubleArray().Select(_ => 6.0).ToArray(), Grad.Compute([g2.Sum()], [x])[0]!);
    }

    [Fact]
    public void TheHessianOfAFunctionWithASavedOutputIsTheHandDerivedOne()
    {
        // f = Σ exp(x)·y²:  f_xx = exp(x)·y², f_xy = 2·exp(x)·y, f_yy = 2·exp(x) (elementwise: the Hessian is diagonal per element).
        var x = TestData.Randn([3], 42);
        var y = TestData.Randn([3], 43);
        var g = Grad.Compute([new ExpYSquared().Apply(x, y).Sum()], [x, y], createGraph: true);
        Assert.True(g[0]!.RequiresGrad && g[1]!.RequiresGrad);
        var fromGx = Grad.Compute([g[0]!.Sum()], [x, y]);
        var fromGy = Grad.Compute([g[1]!.Sum()], [x, y]);
        double[] xs = x.ToDoubleArray(), ys = y.ToDoubleArray();
        TestData.AssertClose(xs.Zip(ys, (a, b) => Math.Exp(a) * b * b).ToArray(), fromGx[0]!, 1e-14);
        TestData.AssertClose(xs.Zip(ys, (a, b) => 2 * Math.Exp(a) * b).ToArray(), fromGx[1]!, 1e-14);
        TestData.AssertClose(xs.Zip(ys, (a, b) => 2 * Math.Exp(a) * b).ToArray(), fromGy[0]!, 1e-14);
        TestData.AssertClose(xs.Select(a => 2 * Math.Exp(a)).ToArray(), fromGy[1]!, 1e-14);
    }

    [Fact]
    public void SecondDerivativesMatchFiniteDifferencesOfTheFirstDerivative()
    {
        // The Jacobian of the gradient map (x, y) ↦ ∇f(x, y), by double backward (one Grad.Compute per output element
        // of the gradient) and by central differences of the first derivative alone (no createGraph).
        var x = TestData.Randn([3], 44);
        var y = TestData.Randn([3], 45);
        int n = 3;
        var fn = new ExpYSquared();
        var grads = Grad.Compute([fn.Apply(x, y).Sum()], [x, y], createGraph: true);
        var flat = grads.SelectMany(t => Enumerable.Range(0, n).Select(i => (t!, i))).ToArray();
        var analytical = new double[2 * n, 2 * n];   // [output element of ∇f, input element]
        for (int o = 0; o < flat.Length; o++)
        {
            var (t, i) = flat[o];
            var seed = Tensor.Zeros([n], DType.Float64);
            seed.SetDouble(i, 1);
            var h = Grad.Compute([t], [x, y], [seed], retainGraph: true);
            for (int j = 0; j < n; j++) { analytical[o, j] = h[0]!.GetDouble(j); analytical[o, n + j] = h[1]!.GetDouble(j); }
        }

        double[] FirstDerivative(double[] xv, double[] yv)
        {
            var a = Tensor.From(xv, requiresGrad: true);
            var b = Tensor.From(yv, requiresGrad: true);
            var d = Grad.Compute([new ExpYSquared().Apply(a, b).Sum()], [a, b]);
            return [.. d[0]!.ToDoubleArray(), .. d[1]!.ToDoubleArray()];
        }

        const double eps = 1e-6;
        double[] x0 = x.ToDoubleArray(), y0 = y.ToDoubleArray();
        for (int j = 0; j < 2 * n; j++)
        {
            double[] xp = (double[])x0.Clone(), yp = (double[])y0.Clone(), xm = (double[])x0.Clone(), ym = (double[])y0.Clone();
            if (j < n) { xp[j] += eps; xm[j] -= eps; } else { yp[j - n] += eps; ym[j - n] -= eps; }
            var plus = FirstDerivative(xp, yp);
            var minus = FirstDerivative(xm, ym);
            for (int o = 0; o < 2 * n; o++)
            {
                double numerical = (plus[o] - minus[o]) / (2 * eps);
                Assert.True(Math.Abs(numerical - analytical[o, j]) <= 1e-6 + 1e-5 * Math.Abs(numerical),
                    $"∂(∇f)[{o}]/∂[{j}]: finite differences {numerical:R}, double backward {analytical[o, j]:R}");
            }
        }
    }

    [Fact]
    public void GradientsThatMeetAtAnInputStayDifferentiable()
    {
        // y = Σ cube(x) + cube(x): the two Backward results meet at x and are summed; under createGraph the sum must be
        // recorded. gx = 6x², and the gradient penalty p = Σ gx·x has dp/dx = gx + x·12x = 18x² (a sum without history
        // would silently give 6x²).
        var x = Tensor.From([0.5, -1.0, 2.0], requiresGrad: true);
        var gx = Grad.Compute([(new Cube().Apply(x) + new Cube().Apply(x)).Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose([1.5, 6.0, 24.0], gx);
        Assert.True(gx.RequiresGrad);
        var dp = Grad.Compute([(gx * x).Sum()], [x], retainGraph: true)[0]!;
        TestData.AssertClose([4.5, 18.0, 72.0], dp);
        TestData.AssertClose([6.0, -12.0, 24.0], Grad.Compute([gx.Sum()], [x])[0]!);   // 12x
    }

    /// <summary>a·x with a of shape [1]: Backward returns g·x of x's shape for a, which the engine sums down to [1].</summary>
    private sealed class Scale : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return [inputs[0]! * inputs[1]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var s = ctx.SavedTensors;
            return [g[0]! * s[1]!, g[0]! * s[0]!];
        }
    }

    [Fact]
    public void ABroadcastGradientSummedDownStaysDifferentiable()
    {
        // f = Σ a·x: ∂f/∂a = Σ x (Backward's g·x summed to a's shape [1]); ∂²f/∂a∂x = 1 for every element.
        var x = Tensor.From([0.5, -1.0, 2.0], requiresGrad: true);
        var a = Tensor.From([3.0], requiresGrad: true);
        var ga = Grad.Compute([new Scale().Apply(x, a).Sum()], [a], createGraph: true)[0]!;
        Assert.Equal([1], ga.Shape.ToArray());
        TestData.AssertClose([1.5], ga);
        Assert.True(ga.RequiresGrad);
        var dx = Grad.Compute([ga.Sum()], [x])[0]!;
        Assert.Equal([1.0, 1.0, 1.0], dx.ToDoubleArray());
    }

    /// <summary>test_function with create_graph=True: t1 + s·t2 + t1·t2.</summary>
    private sealed class MyFunction(double s) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return [inputs[0]! + inputs[1]! * s + inputs[0]! * inputs[1]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var v = ctx.SavedTensors;
            return [g[0]! + g[0]! * v[1]!, g[0]! * s + g[0]! * v[0]!];
        }
    }

    [Fact]
    public void TestFunctionWithCreateGraphGivesGradientsWithHistory()
    {
        var x = TestData.Randn([5, 5], 46);
        var y = TestData.Randn([5, 5], 47);
        var result = new MyFunction(2).Apply(x, y);
        var go = Tensor.Scalar(1, DType.Float64, requiresGrad: true);
        result.Sum().Backward(go, createGraph: true);
        TestData.AssertClose(y.ToDoubleArray().Select(v => v + 1).ToArray(), x.Grad!);
        TestData.AssertClose(x.ToDoubleArray().Select(v => v + 2).ToArray(), y.Grad!);
        Assert.NotNull(x.Grad!.GradFn);
        Assert.NotNull(y.Grad!.GradFn);
        // x.grad = g + g·y: its derivative with respect to y is g = 1 (torch gives ones), and with respect to go
        // (through SumBackward0's differentiable rule) Σ(1 + y) (hand derivation).
        var dy = Grad.Compute([x.Grad!.Sum()], [y], retainGraph: true)[0]!;
        Assert.All(dy.ToDoubleArray(), v => Assert.Equal(1.0, v));
        var dgo = Grad.Compute([x.Grad!.Sum()], [go])[0]!;
        Assert.Equal(y.ToDoubleArray().Sum(v => 1 + v), dgo.Item(), 1e-9);
    }

    [Fact]
    public void ABuiltInOpsGradientDifferentiatedAgainThrowsNamingTheOpUntilItsRuleIsDifferentiable()
    {
        // y = Σ exp(x)·x: ExpBackward0's rule (until it is made differentiable) must refuse a second derivative
        // rather than treat exp's backward as a constant; MulBackward0's is differentiable.
        var x = Tensor.From([1.0, 2.0], requiresGrad: true);
        var gx = Grad.Compute([(x.Exp() * x).Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose([Math.E * 2, Math.Exp(2) * 3], gx);   // e^x (1 + x): the first derivative itself is right
        Assert.True(gx.RequiresGrad);
        if (x.Exp().GradFn is { } n && !n.DifferentiableBackward)
        {
            var e = Assert.Throws<NotSupportedException>(() => Grad.Compute([gx.Sum()], [x], retainGraph: true));
            Assert.Contains("ExpBackward0", e.Message);
        }
        else TestData.AssertClose([Math.E * 3, Math.Exp(2) * 4], Grad.Compute([gx.Sum()], [x], retainGraph: true)[0]!);   // e^x (2 + x)
        // With respect to a tensor gx does not depend on, the op's second derivative is not needed: that works.
        var w = Tensor.From([3.0, -1.0], requiresGrad: true);
        TestData.AssertClose(gx.ToDoubleArray(), Grad.Compute([(gx * w).Sum()], [w])[0]!);
    }

    [Fact]
    public void ARuleNotMarkedDifferentiableThatSavedItsOutputAlsoRefuses()
    {
        // exp(x) recorded with a rule of raw kernels that reads its saved output, as the built-in exp was before its
        // rule became differentiable: the gradient exp(x)·g depends on x only through that output.
        var x = Tensor.From([0.0, 1.0], requiresGrad: true);
        Tensor y;
        using (Grad.NoGrad()) y = x.Exp();
        Node.Record(y, "RawExpBackward", [x], g => [g * y], saved: [y]);
        var gx = Grad.Compute([y.Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose([1.0, Math.E], gx);
        var e = Assert.Throws<NotSupportedException>(() => Grad.Compute([gx.Sum()], [x]));
        Assert.Contains("RawExpBackward", e.Message);
    }

    [Fact]
    public void ABuiltInOpBeforeACustomFunctionKeepsItsTerm()
    {
        // y = cube(2x) = 8x³: y' = 24x², y'' = 48x (hand derivation). The custom node and the MulBackward0 behind it
        // are both differentiable, so the second derivative has MulBackward0's part.
        var x = Tensor.From([0.5, -1.0], requiresGrad: true);
        var gx = Grad.Compute([new Cube().Apply(x * 2).Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose([6.0, 24.0], gx);   // 24x²
        TestData.AssertClose([24.0, -48.0], Grad.Compute([gx.Sum()], [x])[0]!);
    }

    [Fact]
    public void ABuiltInOpAfterACustomFunctionIsFineWhenItsGradientDoesNotDependOnTheInputs()
    {
        // Σ cube(x): SumBackward0's gradient (ones) does not require grad, so only the custom Backward is recorded.
        var x = Tensor.From([0.5, -1.0, 2.0], requiresGrad: true);
        var gx = Grad.Compute([new Cube().Apply(x).Sum()], [x], createGraph: true)[0]!;
        var gxx = Grad.Compute([gx.Sum()], [x])[0]!;
        Assert.Equal([3.0, -6.0, 12.0], gxx.ToDoubleArray());
    }

    [Fact]
    public void WithoutCreateGraphACustomBackwardRunsWithGradModeOffAndRecordsNothing()
    {
        bool? seen = null;
        var fn = new Probe(() => seen = Grad.IsEnabled);
        var x = Tensor.From([1.0], requiresGrad: true);
        var g = Grad.Compute([fn.Apply(x)], [x])[0]!;
        Assert.False(seen);
        Assert.False(g.RequiresGrad);
        g = Grad.Compute([fn.Apply(x)], [x], createGraph: true)[0]!;
        Assert.True(seen);
        Assert.True(g.RequiresGrad);
    }

    private sealed class Probe(Action onBackward) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return [inputs[0]! * inputs[0]!];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            onBackward();
            return [ctx.SavedTensors[0]! * g[0]! * 2];
        }
    }
}
