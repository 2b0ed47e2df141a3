namespace Autograd.Tests.Functions;

/// <summary>
/// Reentrant backward (Note [Reentrant backward]): a custom Backward that runs a backward pass of its own.
/// Mirrors test_autograd.py's test_checkpointing-style recomputation, test_reentrant_child_error,
/// test_reentrant_with_leaf_variable_hook and test_deep_reentrant (2000 nested passes without a stack
/// overflow, here on a thread with a 1 MB stack).
/// </summary>
public class ReentrantTests
{
    /// <summary>
    /// Checkpointing: Forward runs <paramref name="f"/> without recording; Backward recomputes it with
    /// recording on a detached copy of the input and backpropagates through it (a nested pass).
    /// </summary>
    private sealed class Checkpoint(Func<Tensor, Tensor> f, bool useGradCompute) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return [f(inputs[0]!)];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var x = ctx.SavedTensors[0]!.Detach().RequiresGrad_();
            Tensor y;
            using (Grad.EnableGrad()) y = f(x);
            if (useGradCompute) return [Grad.Compute([y], [x], [g[0]])[0]];
            y.Backward(g[0]);
            return [x.Grad];
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACheckpointedSegmentGivesTheSameGradientAsTheRecordedOne(bool useGradCompute)
    {
        // f(x) = exp(x²)·x  ⇒  f'(x) = exp(x²)·(1 + 2x²); the checkpoint sits between two recorded ops.
        static Tensor f(Tensor t) => (t * t).Exp() * t;
        var x = TestData.Randn([4], 61);
        var h = x * 3;
        var y = new Checkpoint(f, useGradCompute).Apply(h);
        Assert.False(y.GradFn!.NextFunctions.Count == 0);
        (y * 2).Sum().Backward();
        var expected = x.ToDoubleArray().Select(v => { double u = 3 * v; return 2 * Math.Exp(u * u) * (1 + 2 * u * u) * 3; }).ToArray();
        TestData.AssertClose(expected, x.Grad!, 1e-13);
    }

    /// <summary>test_reentrant_child_error's SimulateBackwardError.</summary>
    private sealed class SimulateBackwardError : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 1];
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g) => throw new ChildFailure("Simulate error on backward pass");
    }

    private sealed class ChildFailure(string message) : Exception(message);

    /// <summary>A Backward that runs <paramref name="inner"/> (a nested pass) before passing its gradient on.</summary>
    private sealed class ReentrantFunc(Action inner) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 1];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            inner();
            return [g[0]];
        }
    }

    [Fact]
    public void AnErrorInAChildPassReachesTheParentsCallerWithItsType()
    {
        var a = Tensor.Rand([3, 3], DType.Float64, requiresGrad: true);
        var c = a * a;
        var b = Tensor.Rand([3, 3], DType.Float64, requiresGrad: true);
        var reentrantRoot = new SimulateBackwardError().Apply(b * b).Sum();
        var d = new ReentrantFunc(() => reentrantRoot.Backward()).Apply(c);
        var e = Assert.Throws<ChildFailure>(() => d.Sum().Backward());
        Assert.Equal("Simulate error on backward pass", e.Message);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void AHookThatRunsABackwardOfItsOwnWorks()
    {
        // test_reentrant_with_leaf_variable_hook: the hook on param (gradient 2·param) runs out = Σ (2g + param')
        // backward, so g.grad = 2, and returns 2 + 2·param; the hook also sets param.grad = 2·param first, into
        // which the returned gradient accumulates: 4·param + 2 (torch 1.13 gives the same).
        var param = TestData.Randn([10], 62);
        RemovableHandle? handle = null;
        handle = param.RegisterHook(grad =>
        {
            handle!.Remove();
            var old = grad;
            param.Grad = null;
            Tensor g;
            using (Grad.EnableGrad())
            {
                g = grad.Detach().RequiresGrad_();
                var newParam = param.Detach().RequiresGrad_();
                (g * 2 + newParam).Sum().Backward();
            }
            var res = g.Grad! + grad;
            param.Grad = old;
            return res;
        });
        (param * param).Sum().Backward();
        TestData.AssertClose(param.ToDoubleArray().Select(v => 4 * v + 2).ToArray(), param.Grad!);
    }

    /// <summary>
    /// test_deep_reentrant: Forward keeps x − 1 recorded from a fresh leaf; Backward, while that value is ≥ 0, applies
    /// the function to it again and runs a backward pass through it, so each level nests one more pass. Backward
    /// returns g + (the fresh leaf's gradient, i.e. the nested level's result), so the input's gradient counts the levels.
    /// </summary>
    /// <param name="onBackward">Called with the level and Grad.IsEnabled as each Backward starts.</param>
    /// <param name="throwAtDepth">The level whose Backward throws.</param>
    /// <param name="scopeOpenOnlyAt">
    /// When set, Backwards record their nested graph in a scope they close before the nested pass, and only this
    /// level keeps an EnableGrad scope open around its nested pass (by default every level does, as PyTorch's test).
    /// </param>
    private sealed class DeepReentrant(Action<int, bool>? onBackward = null, int? throwAtDepth = null, int? scopeOpenOnlyAt = null) : Function
    {
        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs)
        {
            Tensor leaf, inner;
            using (Grad.EnableGrad())
            {
                leaf = inputs[0]!.Detach().RequiresGrad_();
                inner = leaf - 1;
            }
            ctx.Items["leaf"] = leaf;
            ctx.Items["inner"] = inner;
            return [inner.Detach()];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] g)
        {
            var inner = (Tensor)ctx.Items["inner"]!;
            var leaf = (Tensor)ctx.Items["leaf"]!;
            int level = (int)inner.Item();
            onBackward?.Invoke(level, Grad.IsEnabled);
            if (level == throwAtDepth) throw new ChildFailure($"failed at {level}");
            if (level < 0) return [g[0]];
            if (scopeOpenOnlyAt is null)
                using (Grad.EnableGrad()) Apply(inner).Sum().Backward();
            else
            {
                Tensor root;
                using (Grad.EnableGrad()) root = Apply(inner).Sum();
                if (level == scopeOpenOnlyAt)
                    using (Grad.EnableGrad()) root.Backward();
                else root.Backward();
            }
            return [g[0]! + leaf.Grad!];
        }
    }

    private static void OnSmallStack(Action body)
    {
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 1 << 20);
        t.Start();
        t.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException($"on the 1 MB thread: {failure}");
    }

    [Fact]
    public void TwoThousandNestedPassesRunOnAOneMegabyteStack()
    {
        // v = 2000: the nested applies see 2000, 1999, …, 0, whose inner values are 1999, …, −1: 2001 levels, each adding 1.
        OnSmallStack(() =>
        {
            var levels = new List<int>();
            var threads = new HashSet<int>();
            var v = Tensor.Scalar(2000, DType.Float64, requiresGrad: true);
            new DeepReentrant((level, _) => { levels.Add(level); threads.Add(Environment.CurrentManagedThreadId); }).Apply(v).Sum().Backward();
            Assert.Equal(2001.0, v.Grad!.Item());
            Assert.Equal(Enumerable.Range(-1, 2001).Reverse(), levels);
            Assert.True(threads.Count >= 2001 / Reentrant.MaxDepthPerThread, $"{threads.Count} threads");   // the passes did move on

            // Again, to check that nothing was left behind by the first run (PyTorch reuses its worker threads).
            var v2 = Tensor.Scalar(200, DType.Float64, requiresGrad: true);
            new DeepReentrant().Apply(v2).Sum().Backward();
            Assert.Equal(201.0, v2.Grad!.Item());
        });
    }

    [Fact]
    public void GradModeIsOffInEveryNestedBackwardEvenAfterMovingToAFreshThread()
    {
        // PyTorch runs each Backward with grad mode off unless createGraph; the EnableGrad scopes the Backwards open
        // around their nested passes must not leak into the pass that continues on a fresh thread.
        var enabled = new List<(int Level, bool Enabled)>();
        var v = Tensor.Scalar(100, DType.Float64, requiresGrad: true);
        new DeepReentrant((level, on) => { lock (enabled) enabled.Add((level, on)); }).Apply(v).Sum().Backward();
        Assert.Equal(101, enabled.Count);
        Assert.DoesNotContain(enabled, e => e.Enabled);
        Assert.Equal(101.0, v.Grad!.Item());

        // Only the outermost Backward (level 99, in the first pass) keeps a scope open while every deeper pass runs,
        // including the ones continued on fresh threads: that scope belongs to the outermost pass only.
        enabled.Clear();
        var w = Tensor.Scalar(100, DType.Float64, requiresGrad: true);
        new DeepReentrant((level, on) => { lock (enabled) enabled.Add((level, on)); }, scopeOpenOnlyAt: 99).Apply(w).Sum().Backward();
        Assert.Equal(101, enabled.Count);
        Assert.DoesNotContain(enabled, e => e.Enabled);
        Assert.Equal(101.0, w.Grad!.Item());
    }

    [Fact]
    public void AnExceptionThrownDeepInsideComesBackWithItsTypeIntact()
    {
        // 300 levels cross several fresh threads (one every 32 nested passes); level 5 from the bottom throws.
        var v = Tensor.Scalar(300, DType.Float64, requiresGrad: true);
        var e = Assert.Throws<ChildFailure>(() => new DeepReentrant(throwAtDepth: 5).Apply(v).Sum().Backward());
        Assert.Equal("failed at 5", e.Message);
        Assert.Null(v.Grad);
        // Under anomaly mode the same exception arrives (PyTorch re-raises the original), naming the node that threw it.
        using (Grad.DetectAnomaly())
        {
            var w = Tensor.Scalar(100, DType.Float64, requiresGrad: true);
            var a = Assert.Throws<ChildFailure>(() => new DeepReentrant(throwAtDepth: 5).Apply(w).Sum().Backward());
            Assert.Equal("failed at 5", a.Message);
            Assert.Equal("DeepReentrantBackward", a.Data[AnomalyException.NodeKey]);
        }
    }
}
