namespace Autograd.Tests.Teaching;

public class BackwardStepTests
{
    /// <summary>Builds a graph twice from the same seed: one is stepped through, the other runs Backward(); every leaf's .Grad must agree exactly.</summary>
    private static void AssertStepsEqualBackward(Func<(Tensor Root, Tensor[] Leaves)> build)
    {
        var (stepped, steppedLeaves) = build();
        var (reference, referenceLeaves) = build();
        reference.Backward();
        var steps = Tape.StepBackward(stepped).ToList();
        for (int i = 0; i < steppedLeaves.Length; i++)
            Assert.Equal(referenceLeaves[i].Grad!.ToDoubleArray(), steppedLeaves[i].Grad!.ToDoubleArray());
        // The steps follow the engine's order, each node once.
        Assert.Equal(Tape.Nodes(reference).Select(n => n.Name), steps.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(0, steps.Count), steps.Select(s => s.Index));
        // The last step lists every leaf with its final gradient.
        var last = steps[^1].LeafGradients;
        Assert.Equal(steppedLeaves.Length, last.Count);
        foreach (var lg in last) Assert.Equal(lg.Leaf.Grad!.ToDoubleArray(), lg.Gradient.ToDoubleArray());
    }

    [Fact]
    public void TheCnnStepsToBackwardsGradients() => AssertStepsEqualBackward(() => { var m = SmallCnn.Build(); return (m.Loss, m.Leaves); });

    [Fact]
    public void ADiamondAndASharedSubexpressionStepToBackwardsGradients() => AssertStepsEqualBackward(() =>
    {
        var x = TestData.Randn([3, 4], 11);
        var w = TestData.Randn([3, 4], 12);
        var y = F.Relu(x * w);                        // shared: used three times
        var loss = (y * y).Sum() + y.Mean() + (F.Exp(y) * x).Sum();
        return (loss, new[] { x, w });
    });

    [Fact]
    public void OverlappingPoolingAndStridedConvStepToBackwardsGradients() => AssertStepsEqualBackward(() =>
    {
        var x = TestData.Randn([1, 2, 7, 7], 21);
        var w = TestData.Randn([2, 2, 3, 3], 22);
        var c = F.Conv2d(x, w, stride: 2, padding: 1);                        // [1, 2, 4, 4]
        var loss = F.MaxPool2d(c, 2, stride: 1).Sum() + F.AvgPool2d(x, 3, stride: 1, padding: 1).Pow(2).Mean()
                 + F.AdaptiveAvgPool2d(c, 3).Sum();
        return (loss, new[] { x, w });
    });

    [Fact]
    public void EachStepShowsTheGradientInAndWhereEachGradientGoes()
    {
        // loss = sum(a * b): hand-derived, d/da = b and d/db = a; the sum's gradient in is 1.
        var a = Tensor.From(new double[] { 1, 2, 3 }, [3], requiresGrad: true);
        var b = Tensor.From(new double[] { 4, 5, 6 }, [3], requiresGrad: true);
        var loss = (a * b).Sum();
        var mul = loss.GradFn!.NextFunctions[0]!;
        using var steps = Tape.StepBackward(loss).GetEnumerator();

        Assert.True(steps.MoveNext());
        var s0 = steps.Current;
        Assert.Equal("SumBackward0", s0.Name);
        Assert.Equal(1.0, s0.GradOutput!.Item());
        Assert.Same(mul, Assert.Single(s0.GradInputs).To);
        Assert.Equal([1.0, 1, 1], s0.GradInputs[0].Gradient!.ToDoubleArray());
        Assert.Empty(s0.LeafGradients);
        Assert.Null(a.Grad);   // lazy: nothing beyond the first node ran yet

        Assert.True(steps.MoveNext());
        var s1 = steps.Current;
        Assert.Equal("MulBackward0", s1.Name);
        Assert.Same(a, s1.GradInputs[0].Leaf);
        Assert.Same(b, s1.GradInputs[1].Leaf);
        Assert.Equal("AccumulateGrad", s1.GradInputs[0].To!.Name);
        Assert.Equal([4.0, 5, 6], s1.GradInputs[0].Gradient!.ToDoubleArray());
        Assert.Equal([1.0, 2, 3], s1.GradInputs[1].Gradient!.ToDoubleArray());
        Assert.Null(a.Grad);

        Assert.True(steps.MoveNext());
        var s2 = steps.Current;
        Assert.Equal("AccumulateGrad", s2.Name);
        Assert.Empty(s2.GradInputs);
        var first = Assert.Single(s2.LeafGradients);
        Assert.Same(s2.Leaf, first.Leaf);
        Assert.Equal(s2.GradOutput!.ToDoubleArray(), first.Gradient.ToDoubleArray());
        Assert.NotNull(s2.Leaf!.Grad);   // accumulated as it goes

        Assert.True(steps.MoveNext());
        Assert.Equal(2, steps.Current.LeafGradients.Count);
        Assert.False(steps.MoveNext());
        Assert.Equal([4.0, 5, 6], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 2, 3], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ItConsumesTheGraphLikeBackwardUnlessRetained()
    {
        var a = Tensor.From(new double[] { 1, 2 }, [2], requiresGrad: true);
        var loss = (a * a).Sum();
        _ = Tape.StepBackward(loss, retainGraph: true).Count();
        Assert.Equal([2.0, 4], a.Grad!.ToDoubleArray());
        _ = Tape.StepBackward(loss).Count();   // accumulates into .Grad, as a second Backward does
        Assert.Equal([4.0, 8], a.Grad!.ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
    }

    [Fact]
    public void ANonScalarRootNeedsAGradientAndIsCheckedAtTheCall()
    {
        var a = TestData.Randn([2], 31);
        var y = a * 3;
        Assert.Throws<InvalidOperationException>(() => Tape.StepBackward(y));   // not deferred to the first MoveNext
        Assert.Throws<ArgumentException>(() => Tape.StepBackward(y, Tensor.Ones([3], DType.Float64)));
        var steps = Tape.StepBackward(y, Tensor.From(new double[] { 1, -1 }, [2])).ToList();
        Assert.Equal([3.0, -3], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0, -1], steps[0].GradOutput!.ToDoubleArray());
    }

    [Fact]
    public void HooksRunDuringTheStepsAsInBackward()
    {
        // A tensor hook doubling the gradient of y = a * 3 and a node post-hook: d(sum y)/da = 2 * 3 = 6.
        var a = Tensor.From(new double[] { 1, 2 }, [2], requiresGrad: true);
        var y = a * 3;
        y.RegisterHook(g => g * 2);
        int postHookCalls = 0;
        y.GradFn!.RegisterHook((inputs, outputs) => { postHookCalls++; return null; });
        var steps = Tape.StepBackward(y.Sum()).ToList();
        Assert.Equal([2.0, 2], steps[1].GradOutput!.ToDoubleArray());   // the hooked gradient is the gradient in
        Assert.Equal([6.0, 6], steps[1].GradInputs[0].Gradient!.ToDoubleArray());
        Assert.Equal([6.0, 6], a.Grad!.ToDoubleArray());
        Assert.Equal(1, postHookCalls);
    }

    [Fact]
    public void GradModeBetweenStepsIsTheCallers()
    {
        var a = TestData.Randn([2], 32);
        var loss = (a * a).Sum();
        foreach (var _ in Tape.StepBackward(loss))
        {
            Assert.True(Grad.IsEnabled);
            Assert.True((a * 2).RequiresGrad);
        }
    }
}
