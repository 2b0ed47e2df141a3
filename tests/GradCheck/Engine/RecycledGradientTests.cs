namespace Autograd.Tests.Engine;

/// <summary>
/// Note [Recycled gradients]: without a scope, backward gives the intermediate gradients it made back to
/// the storage pool once the node reading them has run. Each test keeps some gradient alive the way a user
/// can (a leaf's .Grad borrowing it, a hook, retain_grad, a custom Function, a captured result, a view),
/// then floods the pool's lengths with fresh allocations and garbage: a recycled array that was still in
/// use would show the garbage. Expected values are hand-derived.
/// </summary>
public class RecycledGradientTests
{
    // Each test uses its own length (elements; all above the pooling threshold), so tests running in
    // parallel never take each other's pooled arrays.

    /// <summary>Takes every array of <paramref name="length"/> the pool holds, and more, filled with 1e30.</summary>
    private static List<Tensor> Flood(int length)
    {
        var taken = new List<Tensor>();
        for (int i = 0; i < 16; i++) taken.Add(Tensor.Full([length], 1e30));
        return taken;
    }

    private static double RampAt(int i, double scale) => scale * ((i % 97) - 48) / 48.0;

    private static Tensor Ramp(int n, double scale, bool requiresGrad = true) =>
        Tensor.From(Enumerable.Range(0, n).Select(i => (float)RampAt(i, scale)).ToArray(), [n], requiresGrad: requiresGrad);

    private static void AssertAll(Tensor t, Func<int, double> expected, string what)
    {
        var v = t.ToFloatArray();
        for (int i = 0; i < v.Length; i++)
            Assert.True(Math.Abs(v[i] - expected(i)) <= 1e-5 * (1 + Math.Abs(expected(i))), $"{what}[{i}] = {v[i]}, expected {expected(i)}");
    }

    [Fact]
    public void IntermediateGradientsAreGivenBackAndReusedOutsideAScope()
    {
        // loss = sum(w · relu(3x)). Backward makes, in turn: sum's gradient (ones), mul's (w), relu's
        // (w·[x > 0]) and the last mul's (3·w·[x > 0], x.grad). Each but the last dies once the next node
        // has read it, and each allocation after the first takes the array just given back; relu's gradient
        // is the one left, so the next uninitialised tensor of that length is that array, holding exactly
        // those numbers (a fresh array would hold zeros or garbage).
        const int N = 65_003;
        var x = Ramp(N, 1);
        var w = Ramp(N, 2, requiresGrad: false);
        (w * F.Relu(x * 3)).Sum().Backward();
        var next = Tensor.Uninitialized(DType.Float32, [N]).ToFloatArray();
        for (int i = 0; i < N; i++)
            Assert.True(next[i] == (float)(RampAt(i, 1) > 0 ? RampAt(i, 2) : 0), $"element {i} of the next array is {next[i]}: not relu's gradient");
        AssertAll(x.Grad!, i => RampAt(i, 1) > 0 ? 3 * RampAt(i, 2) : 0, "x.grad");
    }

    [Fact]
    public void NoPooledArrayIsStillInUseAfterATrainingStep()
    {
        // A small convolutional step without a scope; every tensor the test still holds afterwards (inputs,
        // parameters, their gradients, the activations kept below) must keep its own array: none of the
        // arrays handed out next may be one of them.
        var g = new Generator(5);
        var x = Tensor.Randn([8, 3, 18, 18], generator: g);
        var w1 = (Tensor.Randn([7, 3, 3, 3], generator: g) * 0.3).Detach().RequiresGrad_();
        var w2 = (Tensor.Randn([10, 7 * 9 * 9], generator: g) * 0.05).Detach().RequiresGrad_();
        int[] target = Enumerable.Range(0, 8).Select(i => i % 10).ToArray();
        var conv = F.Conv2d(x, w1, padding: 1);
        var relu = F.Relu(conv);
        var pooled = F.MaxPool2d(relu, 2);
        var loss = F.CrossEntropy(F.Linear(F.Flatten(pooled, 1), w2), target);
        loss.Backward();
        var live = new HashSet<Array>(ReferenceEqualityComparer.Instance) { x.Storage, w1.Storage, w2.Storage, w1.Grad!.Storage, w2.Grad!.Storage, conv.Storage, relu.Storage, pooled.Storage };
        float[] w1Grad = w1.Grad!.ToFloatArray(), w2Grad = w2.Grad!.ToFloatArray(), reluCopy = relu.ToFloatArray();
        foreach (int length in new[] { 8 * 7 * 18 * 18, 8 * 7 * 9 * 9, 8 * 3 * 18 * 18 })
            foreach (var t in Flood(length))
                Assert.DoesNotContain(t.Storage, live);
        Assert.Equal(w1Grad, w1.Grad!.ToFloatArray());
        Assert.Equal(w2Grad, w2.Grad!.ToFloatArray());
        Assert.Equal(reluCopy, relu.ToFloatArray());
    }

    [Fact]
    public void RepeatedUnscopedStepsGiveTheSameGradients()
    {
        // The second and later steps run on recycled arrays holding the previous step's numbers: a kernel
        // that wrongly relied on fresh (zeroed) memory would accumulate into them. A scope's step must agree.
        var g = new Generator(6);
        var x = Tensor.Randn([4, 3, 22, 22], generator: g);
        var w = (Tensor.Randn([13, 3, 3, 3], generator: g) * 0.3).Detach().RequiresGrad_();
        var b = Tensor.Zeros([13], requiresGrad: true);
        float[] Step()
        {
            w.Grad = b.Grad = null;
            var y = F.AvgPool2d(F.Relu(F.Conv2d(x, w, b, padding: 1)), 2);
            F.Mean(y * y).Backward();
            return [.. w.Grad!.ToFloatArray(), .. b.Grad!.ToFloatArray()];
        }
        var first = Step();
        for (int i = 0; i < 4; i++) Assert.Equal(first, Step());
        float[] scoped;
        using (new TensorScope()) scoped = Step();
        Assert.Equal(first, scoped);
    }

    [Fact]
    public void ZerosFromThePoolAreZero()
    {
        const int N = 65_011;
        var x = Ramp(N, 1);
        (F.Relu(x * 2) * 5).Sum().Backward();   // leaves a nonzero gradient of length N in the pool
        // Tensor.Empty is the zeroed storage accumulating kernels ask for (TensorStorage.Allocate(zeroed: true)).
        foreach (var t in new[] { Tensor.Empty(DType.Float32, [N]), Tensor.Zeros([N]) })
            Assert.All(t.ToFloatArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GradientHandedToALeafAndAnotherNodeIsNotRecycled()
    {
        // loss = sum(w · (a + relu(b))): add's backward hands mul's gradient (w) to both a, whose .Grad
        // borrows it, and relu; after relu's backward that array must not go back to the pool.
        const int N = 65_017;
        var a = Ramp(N, 1);
        var b = Ramp(N, 1);
        var w = Ramp(N, 2, requiresGrad: false);
        (w * (a + F.Relu(b))).Sum().Backward();
        _ = Flood(N);
        AssertAll(a.Grad!, i => RampAt(i, 2), "a.grad");
        AssertAll(b.Grad!, i => RampAt(i, 1) > 0 ? RampAt(i, 2) : 0, "b.grad");
    }

    [Fact]
    public void GradientsThatMeetAreSummedBeforeTheyAreRecycled()
    {
        // h = relu(x) is read twice, once through a reshape (whose backward passes the gradient on as a
        // view): dL/dh = w + 3, the sum of two owned gradients, both dead after the sum.
        const int N = 256 * 255;
        var x = Ramp(N, 1);
        var w = Ramp(N, 2, requiresGrad: false);
        var h = F.Relu(x * 1);
        var loss = (h * w).Sum() + (F.Reshape(h, [256, 255]) * 3).Sum();
        loss.Backward();
        _ = Flood(N);
        AssertAll(x.Grad!, i => RampAt(i, 1) > 0 ? RampAt(i, 2) + 3 : 0, "x.grad");
    }

    [Fact]
    public void GradientsKeptByHooksRetainGradAndCapturesSurvive()
    {
        const int N = 65_027;
        var x = Ramp(N, 1);
        var w = Ramp(N, 2, requiresGrad: false);
        var m = x * 3;
        var r = F.Relu(m);
        m.RetainGrad();
        Tensor? hooked = null;
        r.RegisterHook(gr => { hooked = gr; });
        (w * r).Sum().Backward();
        var y = F.Relu(x * 3);
        var captured = Grad.Compute([(w * y).Sum()], [y])[0]!;
        _ = Flood(N);
        AssertAll(hooked!, i => RampAt(i, 2), "the hooked gradient of r");
        AssertAll(m.Grad!, i => RampAt(i, 1) > 0 ? RampAt(i, 2) : 0, "m.grad (retain_grad)");
        AssertAll(captured, i => RampAt(i, 2), "Grad.Compute's dL/dy");
    }

    private sealed class KeepGradient : Function
    {
        internal static readonly List<Tensor> Kept = [];

        protected override Tensor[] Forward(FunctionContext ctx, Tensor?[] inputs) => [inputs[0]! * 1];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor?[] gradOutputs)
        {
            lock (Kept) Kept.Add(gradOutputs[0]!);
            return [gradOutputs[0]! * 2];
        }
    }

    [Fact]
    public void GradientsKeptByCustomRulesSurvive()
    {
        const int N = 65_029;
        var x = Ramp(N, 1);
        var w = Ramp(N, 2, requiresGrad: false);
        int before;
        lock (KeepGradient.Kept) before = KeepGradient.Kept.Count;
        (w * new KeepGradient().Apply(F.Relu(x * 1))).Sum().Backward();
        Tensor? kept = null;
        var z = F.Relu(x * 1);
        var u = Node.Record(z * 1, "KeepBackward", [z], g => { kept = g; return [g * 1]; });
        (w * u).Sum().Backward();
        _ = Flood(N);
        Tensor fromFunction;
        lock (KeepGradient.Kept) fromFunction = KeepGradient.Kept[before];
        AssertAll(fromFunction, i => RampAt(i, 2), "the custom Function's gradOutput");
        AssertAll(kept!, i => RampAt(i, 2), "the Node.Record rule's gradOutput");
    }

    [Fact]
    public void PoolGivesBackWhatWasRecycledUntilTwoTrimsPassItUnusedAndIdle()
    {
        const int Odd = 50_021;
        var a = new float[Odd];
        TensorStorage.Recycle(a);
        TensorStorage.Recycle(a);   // given twice: must still be handed out once
        Assert.Same(a, Tensor.Uninitialized(DType.Float32, [Odd]).Storage);
        Assert.NotSame(a, Tensor.Uninitialized(DType.Float32, [Odd]).Storage);

        // Two gen-2 collections back to back (GC.Collect twice) keep a length used a moment ago.
        var b = new float[Odd];
        TensorStorage.Recycle(b);
        TensorStorage.Trim();
        TensorStorage.Trim();
        Assert.Same(b, Tensor.Uninitialized(DType.Float32, [Odd]).Storage);

        // Idle long enough as well (0 ms here): dropped.
        var c = new float[Odd];
        TensorStorage.Recycle(c);
        TensorStorage.Trim(idleMilliseconds: 0);
        TensorStorage.Trim(idleMilliseconds: 0);
        Assert.NotSame(c, Tensor.Uninitialized(DType.Float32, [Odd]).Storage);
    }
}
