namespace Autograd.Tests.Ops.Norm;

/// <summary>
/// batch_norm (training and eval), layer_norm and group_norm against finite differences: first derivatives
/// (GradCheck) and second derivatives through the recorded backward (GradGradCheck), over shapes and
/// affine on/off.
/// </summary>
public class NormGradTests
{
    private static Tensor Stats(int c, int seed, bool positive) =>
        positive ? TestData.Positive([c], seed, requiresGrad: false) : TestData.Randn([c], seed, requiresGrad: false);

    /// <summary>(input shape, affine, training) with inputs [x, w, b] or [x].</summary>
    public static TheoryData<int[], bool, bool> BatchNormGrid()
    {
        var d = new TheoryData<int[], bool, bool>();
        foreach (var shape in new[] { new[] { 4, 3 }, [2, 3, 4], [2, 2, 3, 2], [3, 1, 2, 2], [1, 2, 5] })
            foreach (bool affine in new[] { true, false })
                foreach (bool training in new[] { true, false })
                    d.Add(shape, affine, training);
        return d;
    }

    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) BatchNormCase(int[] shape, bool affine, bool training, int seed)
    {
        int c = shape[1];
        var rm = Stats(c, seed + 10, false);
        var rv = Stats(c, seed + 11, true);
        var x = TestData.Randn(shape, seed);
        // Running stats are copied per call in training: the in-place update must not change what the next evaluation sees.
        Tensor Run(Tensor[] t) => F.BatchNorm(t[0], training ? rm.CloneData() : rm, training ? rv.CloneData() : rv,
            affine ? t[1] : null, affine ? t[2] : null, training, 0.1, 1e-5);
        return (Run, affine ? [x, TestData.Randn([c], seed + 1), TestData.Randn([c], seed + 2)] : [x]);
    }

    [Theory]
    [MemberData(nameof(BatchNormGrid))]
    public void BatchNormGradients(int[] shape, bool affine, bool training)
    {
        var (f, inputs) = BatchNormCase(shape, affine, training, 31);
        Assert.True(GradCheck.Check(f, inputs));
    }

    [Theory]
    [MemberData(nameof(BatchNormGrid))]
    public void BatchNormSecondDerivatives(int[] shape, bool affine, bool training)
    {
        var (f, inputs) = BatchNormCase(shape, affine, training, 47);
        Assert.True(GradGradCheck.Check(f, inputs));
    }

    /// <summary>(input shape, normalized shape, affine: 0 none, 1 weight only (bias=False), 2 both).</summary>
    public static TheoryData<int[], int[], int> LayerNormGrid()
    {
        var d = new TheoryData<int[], int[], int>();
        foreach (var (x, ns) in new (int[], int[])[] { ([3, 4], [4]), ([2, 3, 4], [3, 4]), ([2, 2, 5], [5]), ([5], [5]), ([2, 3, 1], [1]) })
            foreach (int affine in new[] { 0, 1, 2 })
                d.Add(x, ns, affine);
        return d;
    }

    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) LayerNormCase(int[] shape, int[] ns, int affine, int seed)
    {
        var inputs = new List<Tensor> { TestData.Randn(shape, seed) };
        if (affine >= 1) inputs.Add(TestData.Randn(ns, seed + 1));
        if (affine >= 2) inputs.Add(TestData.Randn(ns, seed + 2));
        return (t => F.LayerNorm(t[0], ns, affine >= 1 ? t[1] : null, affine >= 2 ? t[2] : null, 1e-5), inputs.ToArray());
    }

    [Theory]
    [MemberData(nameof(LayerNormGrid))]
    public void LayerNormGradients(int[] shape, int[] ns, int affine)
    {
        var (f, inputs) = LayerNormCase(shape, ns, affine, 53);
        // A row of one element normalises to 0 whatever x is: its gradient is 0, as finite differences say.
        Assert.True(GradCheck.Check(f, inputs));
    }

    [Theory]
    [MemberData(nameof(LayerNormGrid))]
    public void LayerNormSecondDerivatives(int[] shape, int[] ns, int affine)
    {
        var (f, inputs) = LayerNormCase(shape, ns, affine, 59);
        Assert.True(GradGradCheck.Check(f, inputs));
    }

    /// <summary>(input shape, groups, affine).</summary>
    public static TheoryData<int[], int, bool> GroupNormGrid()
    {
        var d = new TheoryData<int[], int, bool>();
        foreach (var (x, g) in new (int[], int)[] { ([2, 4, 3], 2), ([2, 6, 2, 2], 3), ([3, 4], 2), ([1, 4, 5], 4), ([2, 3, 2], 1) })
            foreach (bool affine in new[] { true, false })
                d.Add(x, g, affine);
        return d;
    }

    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) GroupNormCase(int[] shape, int groups, bool affine, int seed)
    {
        int c = shape[1];
        Tensor[] inputs = affine ? [TestData.Randn(shape, seed), TestData.Randn([c], seed + 1), TestData.Randn([c], seed + 2)] : [TestData.Randn(shape, seed)];
        return (t => F.GroupNorm(t[0], groups, affine ? t[1] : null, affine ? t[2] : null, 1e-5), inputs);
    }

    [Theory]
    [MemberData(nameof(GroupNormGrid))]
    public void GroupNormGradients(int[] shape, int groups, bool affine)
    {
        var (f, inputs) = GroupNormCase(shape, groups, affine, 61);
        Assert.True(GradCheck.Check(f, inputs));
    }

    [Theory]
    [MemberData(nameof(GroupNormGrid))]
    public void GroupNormSecondDerivatives(int[] shape, int groups, bool affine)
    {
        var (f, inputs) = GroupNormCase(shape, groups, affine, 67);
        Assert.True(GradGradCheck.Check(f, inputs));
    }

    [Fact]
    public void OnlySomeInputsRequireGrad()
    {
        // x constant, weight and bias trainable (and the reverse): each gradient alone, first and second order.
        var x = TestData.Randn([3, 2, 4], 71, requiresGrad: false);
        var w = TestData.Randn([2], 72);
        var b = TestData.Randn([2], 73);
        Assert.True(GradCheck.Check(t => F.BatchNorm(x, null, null, t[0], t[1], training: true), [w, b]));
        Assert.True(GradGradCheck.Check(t => F.BatchNorm(x, null, null, t[0], t[1], training: true), [w, b]));
        var xg = TestData.Randn([3, 2, 4], 74);
        Assert.True(GradCheck.Check(t => F.GroupNorm(t[0], 2, w.Detach(), null), [xg]));
        Assert.True(GradGradCheck.Check(t => F.LayerNorm(t[0], [4], TestData.Randn([4], 75, requiresGrad: false)), [xg]));
    }

    [Fact]
    public void NodeNamesAreLibtorchs()
    {
        var x = TestData.Randn([2, 3, 4], 81);
        Assert.Equal("NativeBatchNormBackward0", F.BatchNorm(x, null, null, training: true).GradFn!.Name);
        Assert.Equal("NativeLayerNormBackward0", F.LayerNorm(x, [4]).GradFn!.Name);
        Assert.Equal("NativeGroupNormBackward0", F.GroupNorm(x, 3).GradFn!.Name);
    }

    [Fact]
    public void ParallelKernelsGiveBitIdenticalResultsForAnyThreadCount()
    {
        // Note [Plane normalisation] / layer_norm's fixed row chunks: the split depends on shapes only, so
        // 1, 2 or all threads agree bit for bit, weight and bias gradients included.
        var gen = new Generator(43);
        var x = Tensor.Randn([16, 8, 24, 24], DType.Float32, requiresGrad: true, generator: gen);
        var w = Tensor.Randn([8], DType.Float32, requiresGrad: true, generator: gen);
        var b = Tensor.Randn([8], DType.Float32, requiresGrad: true, generator: gen);
        var lw = Tensor.Randn([24], DType.Float32, requiresGrad: true, generator: gen);
        var up = Tensor.Randn([16, 8, 24, 24], DType.Float32, generator: gen);
        Func<Tensor>[] ops = [() => F.BatchNorm(x, null, null, w, b, training: true), () => F.GroupNorm(x, 4, w, b), () => F.LayerNorm(x, [24], lw)];
        int saved = Threading.NumThreads;
        try
        {
            foreach (var op in ops)
            {
                float[][]? first = null;
                foreach (int threads in new[] { 1, 2, Environment.ProcessorCount })
                {
                    Threading.NumThreads = threads;
                    x.ZeroGrad(); w.ZeroGrad(); b.ZeroGrad(); lw.ZeroGrad();
                    var y = op();
                    (y * up).Sum().Backward();
                    float[][] got = [y.ToFloatArray(), x.Grad!.ToFloatArray(), (w.Grad ?? lw.Grad)!.ToFloatArray()];
                    if (first is null) { first = got; continue; }
                    for (int i = 0; i < got.Length; i++) Assert.Equal(first[i], got[i]);
                }
            }
        }
        finally { Threading.NumThreads = saved; }
    }
}
