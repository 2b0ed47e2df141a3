using static Autograd.TensorIndex;
using static Autograd.Tests.Ops.Indexing.IndexCases;

namespace Autograd.Tests.Ops.Indexing;

/// <summary>
/// What indexing does besides its values and gradients (checked against libtorch in IndexingOracleTests): reads
/// of basic indices are views and advanced ones copies (Note [Slice views]), assignment follows the in-place rules (leaf refused, version bumped, saved
/// tensors invalidated, history rebased), every dtype indexes, PyTorch's node names and error messages.
/// Expected values are written by hand from PyTorch's documented semantics.
/// </summary>
public class IndexingSemanticsTests
{
    private static Tensor Arange(int n, params int[] shape) => Tensor.From(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), shape);

    // PyTorch: y = x[0] is a view (y._base is x); y.add_(1) writes x and bumps the shared version; a write
    // of x is seen by y. Values by hand: x = arange(6).view(2, 3).
    [Fact]
    public void BasicReadsAreViews()
    {
        var x = Arange(6, 2, 3);
        var y = x[0];
        Assert.True(y.IsView);
        Assert.Same(x, y.Base);
        y.Add_(1);
        Assert.Equal([1.0, 2, 3, 3, 4, 5], x.ToDoubleArray());
        Assert.Equal([1.0, 2, 3], y.ToDoubleArray());
        Assert.Equal(1, x.Version);
        Assert.Equal(1, y.Version);
        x.Mul_(2);
        Assert.Equal([2.0, 4, 6], y.ToDoubleArray());
        Assert.Equal(2, y.Version);
    }

    // PyTorch (view replay off, its default): x = a * 1; x[0].grad_fn is SelectBackward0; after x[0].mul_(b)
    // x.grad_fn is CopySlices and a view taken before the write (x[1]) rebuilds its history as AsStridedBackward0.
    // Gradients by hand: out = x.sum() with row 0 scaled by b: da = [b, 1], db = a[0].
    [Fact]
    public void WritesThroughViewsRebaseTheBase()
    {
        var a = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3], requiresGrad: true);
        var b = Tensor.From(new double[] { 10, 20, 30 }, [3], requiresGrad: true);
        var x = a * 1.0;
        var older = x[1];
        Assert.Equal("SelectBackward0", x[0].GradFn!.Name);
        x[0].Mul_(b);
        Assert.Equal("CopySlices", x.GradFn!.Name);
        Assert.Equal("AsStridedBackward0", older.GradFn!.Name);
        x.Sum().Backward();
        Assert.Equal([10.0, 20, 30, 1, 1, 1], a.Grad!.ToDoubleArray());
        Assert.Equal([1.0, 2, 3], b.Grad!.ToDoubleArray());
    }

    // x[i, j, k] = 12i + 4j + k; y = x[:, 1:, ::2] holds j in {1, 2}, k in {0, 2}; z = y[1] = x[1, 1:, ::2].
    [Fact]
    public void StridedViewsAndViewsOfViewsWriteThrough()
    {
        var x = Arange(24, 2, 3, 4);
        var y = x[.., 1.., Slice(null, null, 2)];
        Assert.Equal([2, 2, 2], y.Shape.ToArray());
        Assert.Equal([4.0, 6, 8, 10, 16, 18, 20, 22], y.ToDoubleArray());
        var z = y[1];
        Assert.Same(x, z.Base);
        z.Fill_(-1);
        var expected = Enumerable.Range(0, 24).Select(f => f / 12 == 1 && f % 12 / 4 >= 1 && f % 4 % 2 == 0 ? -1.0 : f).ToArray();
        Assert.Equal(expected, x.ToDoubleArray());
        Assert.Equal([4.0, 6, 8, 10, -1, -1, -1, -1], y.ToDoubleArray());
        x[0, 1, 0] = Tensor.Scalar(100.0);   // a write of the base through the indexer reaches the older views
        Assert.Equal(100.0, y[0, 0, 0].Item());
    }

    // PyTorch: x = arange(24).view(2, 3, 4); x[1], x[1, 1:] and x[0, 0, ::2][:1] are contiguous (dims of size 1
    // do not count), x[:, :1], x[:, 1:] and x[..., ::2] are not; contiguous() returns x itself when it is, else a
    // copy with CloneBackward0.
    [Fact]
    public void ContiguityAsPyTorchReportsIt()
    {
        var x = Arange(24, 2, 3, 4);
        Assert.True(x.IsContiguous());
        Assert.True(x[1].IsContiguous());
        Assert.True(x[1, 1..].IsContiguous());
        Assert.False(x[.., ..1, ..].IsContiguous());
        Assert.False(x[.., 1..].IsContiguous());
        Assert.False(x[TensorIndex.Ellipsis, TensorIndex.Slice(null, null, 2)].IsContiguous());
        Assert.True(x[0, 0, TensorIndex.Slice(null, null, 2)][..1].IsContiguous());
        Assert.Same(x, x.Contiguous());
        var a = Arange(24, 2, 3, 4).RequiresGrad_(true);
        var c = (a * 1.0)[.., 1..].Contiguous();
        Assert.Equal("CloneBackward0", c.GradFn!.Name);
        Assert.True(c.IsContiguous());
        Assert.False(c.IsView);
        c.Sum().Backward();
        Assert.Equal(Enumerable.Range(0, 24).Select(f => f % 12 >= 4 ? 1.0 : 0).ToArray(), a.Grad!.ToDoubleArray());
    }

    // PyTorch: advanced indexing copies (x[[0]] is not a view); reshape of a non-contiguous view copies,
    // view() of it raises; detach() of a view shares its storage.
    [Fact]
    public void AdvancedReadsCopyAndReshapeCopiesWhereStridesForbidAView()
    {
        var x = Arange(24, 2, 3, 4);
        var a = x[Tensor.From(new long[] { 0 }, [1])];
        a.Add_(1);
        Assert.Equal(0.0, x[0, 0, 0].Item());

        var row = F.Reshape(x[1], [12]);   // a contiguous block: still a view
        row.Add_(1000);
        Assert.Equal(1012.0, x[1, 0, 0].Item());
        Assert.Equal(0.0, x[0, 0, 0].Item());

        var col = x[.., 0];                // [2, 4] with strides (12, 1): reshape to [8] must copy
        var flat = F.Reshape(col, [8]);
        flat.Add_(1);
        Assert.Equal(0.0, x[0, 0, 0].Item());
        var ex = Assert.Throws<InvalidOperationException>(() => F.View(col, [8]));
        Assert.Contains("view size is not compatible with input tensor's size and stride", ex.Message);
        F.View(col, [2, 2, 2])[1, 1].Fill_(-5);   // splitting the last dim keeps it a view: x[1, 0, 2:] written
        Assert.Equal([12.0 + 1000, 13 + 1000, -5, -5], x[1, 0].ToDoubleArray());

        var d = x[0, 1].Detach();
        d.Zero_();
        Assert.Equal([0.0, 0, 0, 0], x[0, 1].ToDoubleArray());
    }

    // PyTorch: narrow and split are views (x.narrow(1, 1, 2).zero_() zeroes x[:, 1:3]; x.split(1)[0].fill_(9)
    // fills row 0 when nothing requires grad).
    [Fact]
    public void NarrowAndSplitPiecesAreViews()
    {
        var x = Arange(8, 2, 4);
        var n = F.Narrow(x, 1, 1, 2);
        Assert.Same(x, n.Base);
        n.Zero_();
        Assert.Equal([0.0, 0, 0, 3, 4, 0, 0, 7], x.ToDoubleArray());
        F.Split(x, 1, 0)[0].Fill_(9);
        Assert.Equal([9.0, 9, 9, 9, 4, 0, 0, 7], x.ToDoubleArray());
        F.Unbind(x, 1)[3].Add_(1);
        Assert.Equal([9.0, 9, 9, 10, 4, 0, 0, 8], x.ToDoubleArray());
    }

    // PyTorch: permute and transpose are views (x.t().mul_(2) doubles x), of any dtype; x.t() is not contiguous,
    // view() of it refuses a flattening shape, reshape() copies. Values by hand: x = arange(6).view(2, 3).
    [Fact]
    public void PermuteAndTransposeAreViewsOfAnyDType()
    {
        var x = Arange(6, 2, 3);
        var t = F.Transpose(x, 0, 1);
        Assert.Same(x, t.Base);
        Assert.False(t.IsContiguous());
        Assert.Equal([0.0, 3, 1, 4, 2, 5], t.ToDoubleArray());
        t[0].Mul_(10);   // t[0] is x[:, 0]
        Assert.Equal([0.0, 1, 2, 30, 4, 5], x.ToDoubleArray());
        Assert.Throws<InvalidOperationException>(() => F.View(t, [6]));
        var flat = F.Reshape(t, [6]);
        flat.Zero_();
        Assert.Equal([0.0, 1, 2, 30, 4, 5], x.ToDoubleArray());

        var ints = Tensor.From(new long[] { 1, 2, 3, 4, 5, 6 }, [1, 2, 3]);
        var p = F.Permute(ints, [2, 0, 1]);
        Assert.Equal([3, 1, 2], p.Shape.ToArray());
        Assert.Equal([1L, 4, 2, 5, 3, 6], p.ToArray<long>());
    }

    // Reads and writes large enough to be split over the threads (Note [Parallel index walks]), against the
    // positions computed directly: x[n, c, h, w] = flat index, y = x[:, 1:-1, ::2] holds c in [1, 63), even h.
    [Fact]
    public void LargeViewsReadAndWriteThroughOnEveryThread()
    {
        int[] shape = [4, 64, 40, 40];
        int numel = 4 * 64 * 40 * 40;
        var x = Tensor.From(Enumerable.Range(0, numel).Select(i => (float)i).ToArray(), shape);
        static bool InView(int f) => f / 1600 % 64 is >= 1 and < 63 && f / 40 % 40 % 2 == 0;
        var y = x[.., 1..^1, TensorIndex.Slice(null, null, 2)];
        var picked = Enumerable.Range(0, numel).Where(InView).Select(f => (float)f).ToArray();
        Assert.Equal(picked.Length, y.Numel);
        Assert.Equal(picked, y.ToArray<float>());
        y.Neg_();
        Assert.Equal(Enumerable.Range(0, numel).Select(f => InView(f) ? -(float)f : f).ToArray(), x.ToArray<float>());
        x[.., 1..^1, TensorIndex.Slice(null, null, 2)] = Tensor.Zeros([4, 62, 20, 40]);
        Assert.Equal(Enumerable.Range(0, numel).Select(f => InView(f) ? 0f : f).ToArray(), x.ToArray<float>());
    }

    // Note [Sums over unread views]: Sum/Mean of a view not yet read sum its runs in place. Against the values
    // summed in float64 from directly computed positions; the same bits on 1 and 4 threads; again after the base
    // is written (a stale copy), and equal to the sum of the gathered copy within float32 rounding.
    [Fact]
    public void SumsOfUnreadViewsReadTheirRuns()
    {
        int[] shape = [4, 64, 40, 40];
        int numel = 4 * 64 * 40 * 40;
        var data = Enumerable.Range(0, numel).Select(i => (float)(i % 97) / 7f).ToArray();
        var x = Tensor.From(data, shape);
        static bool InView(int f) => f / 1600 % 64 is >= 1 and < 63 && f / 40 % 40 % 2 == 0;
        double expected = Enumerable.Range(0, numel).Where(InView).Sum(f => (double)data[f]);
        float Sum(int threads)
        {
            int saved = Threading.NumThreads;
            Threading.NumThreads = threads;
            try { return (float)x[.., 1..^1, TensorIndex.Slice(null, null, 2)].Sum().Item(); }
            finally { Threading.NumThreads = saved; }
        }
        float one = Sum(1), four = Sum(4);
        Assert.Equal(one, four);
        Assert.Equal(expected, one, expected * 1e-5);
        var y = x[.., 1..^1, TensorIndex.Slice(null, null, 2)];
        x.Mul_(2);   // y's copy (none yet) and any later one must see the write
        Assert.Equal(2 * expected, y.Sum().Item(), expected * 2e-5);
        Assert.Equal(2 * expected / y.Numel, F.Mean(y).Item(), 1e-4);
        Assert.Equal(y.Contiguous().Sum().Item(), y.Sum().Item(), expected * 2e-5);
        var small = Arange(24, 2, 3, 4)[.., 1.., 1..^1];   // x[i, j, k] = 12i + 4j + k, j in {1, 2}, k in {1, 2}
        Assert.Equal(new[] { 5.0, 6, 9, 10, 17, 18, 21, 22 }.Sum(), small.Sum().Item());
    }

    // A view made outside a TensorScope and first read inside one stays readable after the scope ends (its
    // values are never pooled); a view of a scope's tensor is revoked with it.
    [Fact]
    public void ViewsAndScopes()
    {
        var x = Arange(6, 2, 3);
        var y = x[.., 1];
        using (new TensorScope())
        {
            Assert.Equal([1.0, 4], y.ToDoubleArray());
        }
        Assert.Equal([1.0, 4], y.ToDoubleArray());
        Tensor inner;
        using (new TensorScope())
        {
            var big = Tensor.Zeros([64, 128]);
            inner = big[1..];
            Assert.Equal(0.0, inner[0, 0].Item());
        }
        Assert.Throws<ObjectDisposedException>(() => inner.ToDoubleArray());

        // Made and read inside a scope, a view of an outside tensor ends with the scope unless kept (a sum, which
        // reads the runs in place without a copy, would leave it valid: Note [Sums over unread views]).
        var wide = Tensor.Zeros([64, 128]);
        Tensor dropped, kept;
        using (var scope = new TensorScope())
        {
            dropped = wide[.., 1..];
            kept = scope.Keep(wide[.., ..64]);
            Assert.All(dropped.ToDoubleArray(), v => Assert.Equal(0.0, v));   // gathered here: its copy is the scope's
            Assert.All(kept.ToDoubleArray(), v => Assert.Equal(0.0, v));
        }
        Assert.Throws<ObjectDisposedException>(() => dropped.ToDoubleArray());
        wide.Fill_(2);
        Assert.Equal(2.0 * 64 * 64, kept.Sum().Item());
    }

    [Fact]
    public void ValuesOfCSharpSyntax()
    {
        var x = Arange(24, 2, 3, 4);   // x[i, j, k] = 12i + 4j + k
        Assert.Equal([15.0, 19, 23], x[1, .., ^1].ToDoubleArray());
        Assert.Equal([3], x[1, .., ^1].Shape.ToArray());
        Assert.Equal([13.0, 14], x[1, 0, 1..^1].ToDoubleArray());
        Assert.Equal([0.0, 2, 12, 14], x[.., 0, Slice(0, null, 2)].ToDoubleArray());
        Assert.Equal([2, 1, 3, 1], x[.., None, .., -1, NewAxis].Shape.ToArray());
        Assert.Equal([4.0, 16], x[Ellipsis, 1, 0].ToDoubleArray());
        Assert.Equal(23.0, x[-1, -1, -1].Item());
        Assert.Equal([], x[-1, -1, -1].Shape.ToArray());
        // advanced: x[[1, 0], :, [3, 0]] puts the index dims first (not adjacent): shape [2, 3]
        var a = x[Long(1, 0), .., Long(3, 0)];
        Assert.Equal([2, 3], a.Shape.ToArray());
        Assert.Equal([15.0, 19, 23, 0, 4, 8], a.ToDoubleArray());
        // adjacent: x[:, [2, 0], [1, 1]] keeps them in place: shape [2, 2]
        Assert.Equal([9.0, 1, 21, 13], x[.., Long(2, 0), Long(1, 1)].ToDoubleArray());
        // a mask over the first two dims: the selected rows in row-major order
        var m = x[Mask([false, true, false, true, false, false], [2, 3])];
        Assert.Equal([2, 4], m.Shape.ToArray());
        Assert.Equal([4.0, 5, 6, 7, 12, 13, 14, 15], m.ToDoubleArray());
        // a comparison as the mask: x[x > 20]
        Assert.Equal([21.0, 22, 23], x[x > 20.0].ToDoubleArray());
    }

    [Fact]
    public void EveryDTypeIndexesAndAssigns()
    {
        var l = Tensor.From(new long[] { 10, 11, 12, 13, 14, 15 }, [2, 3]);
        Assert.Equal(DType.Int64, l[1].DType);
        Assert.Equal([12L, 15], l[.., ^1].ToArray<long>());
        l[l > 12L] = 0;
        Assert.Equal([10L, 11, 12, 0, 0, 0], l.ToArray<long>());
        var b = Tensor.From(new[] { true, false, true, true }, [4]);
        Assert.Equal([true, true], b[Long(0, 3)].ToArray<bool>());
        b[1..3] = false;
        Assert.Equal([true, false, false, true], b.ToArray<bool>());
        var u = Tensor.From(new byte[] { 1, 2, 3, 4 }, [2, 2]);
        u[.., 0] = 9L;
        Assert.Equal([9, 2, 9, 4], u.ToArray<byte>());
        var i = Tensor.From(new[] { 5, 6, 7 });
        i.IndexPut_([Long(0, 0, 2)], Tensor.From(new[] { 1, 1, 1 }), accumulate: true);
        Assert.Equal([7, 6, 8], i.ToArray<int>());
        var t = Tensor.Zeros([2, 3]);
        t.IndexPut_(Tensor.From([7f]), 1, TensorIndex.Slice(1));   // TorchSharp's order: value, then the index
        Assert.Equal([0f, 0, 0, 0, 7, 7], t.ToArray<float>());
        Assert.Equal([1, 2, 3], t[TensorIndex.Bool(true)].Shape.ToArray());
        var f = Tensor.From(new float[] { 1, 2, 3 });
        f[Long(1)] = 2.5;   // a number takes the tensor's dtype
        Assert.Equal([1f, 2.5f, 3], f.ToArray<float>());
    }

    [Fact]
    public void IndexPutAccumulateSumsRepeatedPositions()
    {
        var x = Tensor.Zeros([3], DType.Float64);
        x.IndexPut_([Long(0, 0, 2, 0)], Tensor.From([1.0, 2, 3, 4]), accumulate: true);
        Assert.Equal([7.0, 0, 3], x.ToDoubleArray());
        var y = Tensor.Zeros([2, 2], DType.Float64);
        y.IndexPut_([Long(1, 0), Long(0, 1)], Tensor.From([5.0, 6]));
        Assert.Equal([0.0, 6, 5, 0], y.ToDoubleArray());
        var z = Tensor.Ones([2, 2], DType.Float64);
        var r = z.IndexPut([Long(1)], Tensor.From([3.0]), accumulate: true);   // out of place: z unchanged
        Assert.Equal([1.0, 1, 4, 4], r.ToDoubleArray());
        Assert.Equal([1.0, 1, 1, 1], z.ToDoubleArray());
    }

    [Fact]
    public void AssignmentBumpsTheVersionAndInvalidatesSavedTensors()
    {
        var a = Arange(6, 2, 3).RequiresGrad_();
        var b = a * 1.0;
        var c = b * b;   // MulBackward0 saves b at version 0
        int v = b.Version;
        b[0, 1] = 7.0;
        Assert.Equal(v + 1, b.Version);
        var e = Assert.Throws<InvalidOperationException>(() => c.Sum().Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
        b.IndexPut_([Long(1)], Tensor.From([1.0]), accumulate: true);
        Assert.Equal(v + 2, b.Version);
    }

    [Fact]
    public void AssignmentRefusesALeafThatRequiresGradUnlessGradIsOff()
    {
        var a = Arange(4, 4).RequiresGrad_();
        var e = Assert.Throws<InvalidOperationException>(() => a[0] = 1.0);
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation", e.Message);
        Assert.Throws<InvalidOperationException>(() => a.IndexPut_([Long(0)], Tensor.From([1.0])));
        Assert.Throws<InvalidOperationException>(() => a.IndexPut_([Long(9)], Tensor.From([1.0])));   // index_put_: the leaf check first
        Assert.Throws<ArgumentOutOfRangeException>(() => a[9] = 1.0);   // __setitem__: the index first
        using (Grad.NoGrad()) a[Long(1, 2)] = 0.0;   // an optimizer-style write
        Assert.Equal([0.0, 0, 0, 3], a.ToDoubleArray());
        Assert.Equal(1, a.Version);
        Assert.True(a.IsLeaf);
    }

    [Fact]
    public void AssignmentRebasesTheHistory()
    {
        var a = Arange(8, 4, 2).RequiresGrad_();
        var v = Tensor.From([1.0, 2], [2], requiresGrad: true);
        var y = a * 1.0;
        y[1..3] = v * 3.0;
        Assert.Equal("CopySlices", y.GradFn!.Name);
        Assert.Equal([0.0, 1, 3, 6, 3, 6, 6, 7], y.ToDoubleArray());
        (y * Arange(8, 4, 2)).Sum().Backward();
        Assert.Equal([0.0, 1, 0, 0, 0, 0, 6, 7], a.Grad!.ToDoubleArray());   // the overwritten rows get no gradient
        Assert.Equal([3.0 * (2 + 4), 3.0 * (3 + 5)], v.Grad!.ToDoubleArray());   // summed over the broadcast rows

        var w = Tensor.From([1.0, 2], [2], requiresGrad: true);
        var z = Tensor.Zeros([3], DType.Float64);   // no history: the write gives it one
        z[Long(2, 0)] = w;
        Assert.Equal("IndexPutBackward0", z.GradFn!.Name);
        Assert.False(z.IsLeaf);
        z.Backward(Tensor.From([10.0, 20, 30]));
        Assert.Equal([30.0, 10], w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AssignmentThroughAViewWritesItsBase()
    {
        var a = Arange(6, 2, 3).RequiresGrad_();
        var b = a * 1.0;
        var flat = b.Reshape([6]);   // a whole-storage view
        flat[0] = 5.0;
        Assert.Equal(5.0, b[0, 0].Item());
        Assert.Equal("CopySlices", b.GradFn!.Name);
        b.Sum().Backward();
        Assert.Equal([0.0, 1, 1, 1, 1, 1], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NodeNamesAreTorchs()
    {
        var x = Arange(12, 3, 4).RequiresGrad_();
        Assert.Equal("SelectBackward0", x[1].GradFn!.Name);
        Assert.Equal("SliceBackward0", x[1..].GradFn!.Name);
        Assert.Equal("SelectBackward0", x[1.., 0].GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", x[None].GradFn!.Name);
        Assert.Equal("IndexBackward0", x[Long(0, 2)].GradFn!.Name);
        Assert.Equal("IndexBackward0", x[x > 3.0].GradFn!.Name);
        Assert.Equal("AliasBackward0", x[..].GradFn!.Name);
    }

    [Fact]
    public void AdvancedReadFreesItsIndicesAfterBackwardBasicDoesNot()
    {
        var x = Arange(4, 4).RequiresGrad_();
        var s = x[1..3].Sum();
        s.Backward();
        s.Backward();   // SliceBackward0 saves nothing, as in PyTorch
        Assert.Equal([0.0, 2, 2, 0], x.Grad!.ToDoubleArray());
        var t = x[Long(1, 1)].Sum();
        t.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => t.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
    }

    [Fact]
    public void DoubleBackwardNodesAreDifferentiable()
    {
        var x = Tensor.From([1.0, 2, 3], [3], requiresGrad: true);
        var y = x[Long(0, 0, 2)];
        var g = Grad.Compute([(y * y).Sum()], [x], createGraph: true)[0]!;
        Assert.Equal([4.0, 0, 6], g.ToDoubleArray());   // 2·x summed over the repeats
        Assert.Equal("IndexPutBackward0", g.GradFn!.Name);
        var gg = Grad.Compute([g.Sum()], [x])[0]!;
        Assert.Equal([4.0, 0, 2], gg.ToDoubleArray());
    }

    [Theory]
    [InlineData("int", "index 5 is out of bounds for dimension 0 with size 3")]
    [InlineData("negative", "index -4 is out of bounds for dimension 0 with size 3")]
    [InlineData("tensor", "index 5 is out of bounds for dimension 0 with size 3")]
    [InlineData("too many", "too many indices for tensor of dimension 2")]
    [InlineData("mask", "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [4, 2] at index 0")]
    [InlineData("mask 1-D", "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [4] at index 0")]
    [InlineData("step", "step must be greater than zero")]
    [InlineData("float", "tensors used as indices must be long, int, byte or bool tensors")]
    [InlineData("broadcast", "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]")]
    [InlineData("value", "shape mismatch: value tensor of shape [4] cannot be broadcast to indexing result of shape [2, 2]")]
    [InlineData("dtype", "Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.")]
    public void ErrorsAreTorchs(string what, string message)
    {
        var x3 = Tensor.Zeros([3, 2]);
        var x4 = Tensor.Zeros([4, 2]);
        Action act = what switch
        {
            "int" => () => _ = x3[5],
            "negative" => () => _ = x3[-4],
            "tensor" => () => _ = x3[Long(0, 5)],
            "too many" => () => _ = x3[0, 0, 0],
            "mask" => () => _ = x4[Mask([true, false, true], [3])],
            "mask 1-D" => () => _ = Tensor.Zeros([4])[Mask([true, false, true], [3])],
            "step" => () => _ = x3[Slice(0, null, -1)],
            "float" => () => _ = x3[Tensor.From([0.0])],
            "broadcast" => () => _ = x3[Long(0, 1), Long(0, 1, 0)],
            "value" => () => x4[1..3] = Tensor.Zeros([4]),
            _ => () => x4.IndexPut_([Long(0)], Tensor.Zeros([2], DType.Float64)),
        };
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(message, e.Message);
    }
}
