namespace Autograd.Tests.Ops.Joining;

/// <summary>
/// Values, shapes, node names, dtypes and errors of the joining ops. Expected values are PyTorch's
/// documented examples (torch.flip, torch.roll, torch.Tensor.repeat, torch.chunk docs) or hand derivations.
/// </summary>
public class JoiningBehaviourTests
{
    private static Tensor Ramp(int n, params int[] shape) => Tensor.Arange(0, n, 1, DType.Float64).Reshape(shape);

    [Fact]
    public void CatJoinsAlongTheDimLikePyTorch()
    {
        var y = F.Cat([Ramp(4, 2, 2), Tensor.From([4.0, 5], [2, 1])], 1);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([0.0, 1, 4, 2, 3, 5], y.ToDoubleArray());
        var z = F.Cat([Ramp(4, 2, 2), Tensor.From([4.0, 5], [1, 2])], -2);
        Assert.Equal([3, 2], z.Shape.ToArray());
        Assert.Equal([0.0, 1, 2, 3, 4, 5], z.ToDoubleArray());
    }

    [Fact]
    public void CatSkipsOneDimensionalEmptyTensorsOnly()
    {
        var x = Ramp(6, 2, 3).RequiresGrad_(true);
        var e = Tensor.Zeros([0], DType.Float64, requiresGrad: true);
        var y = F.Cat([e, x, e], 1);   // legacy rule: [0] is skipped whatever dim and shapes
        Assert.Equal([2, 3], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal([0], e.Grad!.Shape.ToArray());
        Assert.Equal(Enumerable.Repeat(1.0, 6), x.Grad!.ToDoubleArray());
        // A [0, 3] tensor is not skipped: it must match in the other dims.
        Assert.Equal([2, 3], F.Cat([Tensor.Zeros([0, 3], DType.Float64), x.Detach()], 0).Shape.ToArray());
        var ex = Assert.ThrowsAny<ArgumentException>(() => F.Cat([Tensor.Zeros([0, 2], DType.Float64), x.Detach()], 0));
        Assert.Contains("Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in the list.", ex.Message);
        // All skipped: an empty [0] tensor, and the dim is not checked (as PyTorch).
        Assert.Equal([0], F.Cat([e.Detach(), e.Detach()], 5).Shape.ToArray());
    }

    [Fact]
    public void CatPromotesFloat32WithFloat64AndCastsEachGradientBack()
    {
        var a = Tensor.From([1f, 2f], [2], requiresGrad: true);
        var b = Tensor.From([3.0], [1], requiresGrad: true);
        var y = F.Cat([a, b]);
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal([1.0, 2, 3], y.ToDoubleArray());
        (y * Tensor.From([1.0, 2, 3])).Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal([1.0, 2], a.Grad.ToDoubleArray());
        Assert.Equal(DType.Float64, b.Grad!.DType);
        Assert.Equal([3.0], b.Grad.ToDoubleArray());
        Assert.Equal(DType.Float64, F.Stack([Tensor.From([1f]), Tensor.From([2.0])]).DType);
    }

    [Fact]
    public void StackInsertsANewDim()
    {
        var y = F.Stack([Tensor.From([0.0, 1]), Tensor.From([2.0, 3])], 1);
        Assert.Equal([2, 2], y.Shape.ToArray());
        Assert.Equal([0.0, 2, 1, 3], y.ToDoubleArray());
        var s = F.Stack([Tensor.Scalar(1.0), Tensor.Scalar(2.0)], -1);
        Assert.Equal([2], s.Shape.ToArray());
        Assert.Equal([2, 3, 2], F.Stack([Ramp(6, 2, 3), Ramp(6, 2, 3)], 2).Shape.ToArray());
    }

    [Fact]
    public void SplitChunkNarrowAndUnbindCutLikePyTorch()
    {
        var x = Ramp(10, 5, 2);
        Assert.Equal([[2, 2], [2, 2], [1, 2]], F.Split(x, 2).Select(p => p.Shape.ToArray()));
        Assert.Equal([8.0, 9], F.Split(x, 2)[2].ToDoubleArray());
        Assert.Equal([[1, 2], [0, 2], [4, 2]], x.Split([1, 0, 4]).Select(p => p.Shape.ToArray()));
        Assert.Single(F.Split(x, 7));
        // torch.chunk docs: 6 elements in 4 chunks gives 3 chunks of 2; 5 in 3 gives 2, 2, 1.
        Assert.Equal([2, 2, 2], Tensor.Arange(6, DType.Float64).Chunk(4).Select(p => p.Numel));
        Assert.Equal([2, 2, 1], Tensor.Arange(5, DType.Float64).Chunk(3).Select(p => p.Numel));
        Assert.Equal(3, Tensor.Zeros([0, 2], DType.Float64).Chunk(3).Length);
        Assert.Equal([2.0, 3, 4, 5], x.Narrow(0, -4, 2).ToDoubleArray());
        Assert.Equal([1.0, 3, 5, 7, 9], x.Narrow(1, 1, 1).ToDoubleArray());
        var u = x.Unbind(1);
        Assert.Equal(2, u.Length);
        Assert.Equal([5], u[0].Shape.ToArray());
        Assert.Equal([1.0, 3, 5, 7, 9], u[1].ToDoubleArray());
    }

    [Fact]
    public void PiecesAreViewsAndTheirGradientsLandInTheirSlices()
    {
        var x = Ramp(6, 3, 2).RequiresGrad_(true);
        var p = F.Split(x, 1);
        Assert.Same(x.Base ?? x, p[0].Base);   // Note [Split pieces are views] (Ramp is itself a view: the base is its root)
        (p[0] * 2.0 + p[2] * 5.0).Sum().Backward();
        Assert.Equal([2.0, 2, 0, 0, 5, 5], x.Grad!.ToDoubleArray());
    }

    // PyTorch 1.13 and 2.10: after the base of an unbind is written in place, a piece still says it requires grad,
    // reading its grad_fn raises, and under no_grad it can still be used.
    [Fact]
    public void APieceWhoseBaseWasWrittenCannotBeRecorded()
    {
        var a = Ramp(6, 2, 3).RequiresGrad_(true) * 1.0;
        var rows = a.Unbind(0);
        a.Mul_(2.0);
        Assert.True(rows[0].RequiresGrad);
        var e = Assert.Throws<InvalidOperationException>(() => rows[0].GradFn);
        Assert.Contains("Output 0 of UnbindBackward0 is a view and its base or another view of its base has been modified inplace.", e.Message);
        using (Grad.NoGrad()) Assert.Equal([0.0, 4, 8], (rows[0] * 2.0).ToDoubleArray());
    }

    [Fact]
    public void PiecesOfOneSplitShareOneNodeAsInPyTorch()
    {
        var x = Ramp(6, 3, 2).RequiresGrad_(true);
        var p = x.Split(1);
        Assert.Same(p[0].GradFn, p[2].GradFn);
        Assert.Equal([0, 1, 2], p.Select(t => t.OutputNr));
        Assert.Same(x.Unbind(1)[0].GradFn!.NextFunctions[0], x.Chunk(2)[1].GradFn!.NextFunctions[0]);   // both reach x's AccumulateGrad
        // A retained piece and a hooked piece: the slots keep them apart. An in-place write into a piece is
        // refused, as PyTorch refuses it for the outputs of a multi-output view op.
        p[1].RetainGrad();
        p[2].RegisterHook(g => g * 10.0);
        var e = Assert.Throws<InvalidOperationException>(() => p[0].Mul_(3.0));
        Assert.Contains("Output 0 of SplitBackward0 is a view and is being modified inplace. This view is the output of a function that returns multiple views.", e.Message);
        (p[0] * 3.0 + p[1] * 2.0 + p[2]).Sum().Backward();
        Assert.Equal([3.0, 3, 2, 2, 10, 10], x.Grad!.ToDoubleArray());
        Assert.Equal([2.0, 2], p[1].Grad!.ToDoubleArray());
    }

    [Fact]
    public void UnbindingManyPiecesBacksOffInOnePass()
    {
        // One node joins every piece's gradient (a stack), rather than one zero tensor of x's size per piece.
        var x = TestData.Randn([3000, 4], 3);
        var pieces = x.Unbind();
        var total = pieces[0];
        for (int k = 1; k < pieces.Length; k++) total = total + pieces[k] * (double)(k % 5);
        total.Sum().Backward();
        var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(i < 4 ? 1 : i / 4 % 5, g[i]);
    }

    [Fact]
    public void ExpandAndRepeatTileLikePyTorch()
    {
        var v = Tensor.From([1.0, 2, 3]);
        var e = v.Expand(2, -1);
        Assert.Equal([2, 3], e.Shape.ToArray());
        Assert.Equal([1.0, 2, 3, 1, 2, 3], e.ToDoubleArray());
        Assert.Equal([1.0, 1, 2, 2, 3, 3], Tensor.From([1.0, 2, 3], [3, 1]).Expand(3, 2).ToDoubleArray());
        // torch.Tensor.repeat docs: x = [1, 2, 3]; x.repeat(4, 2) is 4×6; x.repeat(4, 2, 1).size() = [4, 2, 3].
        var r = v.Repeat(4, 2);
        Assert.Equal([4, 6], r.Shape.ToArray());
        Assert.Equal([1.0, 2, 3, 1, 2, 3], r.ToDoubleArray()[..6]);
        Assert.Equal([4, 2, 3], v.Repeat(4, 2, 1).Shape.ToArray());
        Assert.Equal([0.0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3], Ramp(4, 2, 2).Repeat(2, 2).ToDoubleArray());
    }

    [Fact]
    public void RepeatGradientSumsTheTiles()
    {
        var x = Tensor.From([1.0, 2], requiresGrad: true);
        (x.Repeat(3, 2) * Ramp(12, 3, 4)).Sum().Backward();
        // tile (i, j) of x[k] sits at column 2j + k of row i: x[0] gets 0+2+4+6+8+10 = 30, x[1] gets 1+3+...+11 = 36.
        Assert.Equal([30.0, 36], x.Grad!.ToDoubleArray());
        var s = Tensor.From([1.0, 2, 3], [3, 1], requiresGrad: true);
        (s.Expand(2, 3, 4) * 1.0).Sum().Backward();
        Assert.Equal([8.0, 8, 8], s.Grad!.ToDoubleArray());
    }

    [Fact]
    public void FlipAndRollMoveLikePyTorchDocs()
    {
        // torch.flip docs: arange(8).view(2, 2, 2) flipped on [0, 1].
        Assert.Equal([6.0, 7, 4, 5, 2, 3, 0, 1], Ramp(8, 2, 2, 2).Flip(0, 1).ToDoubleArray());
        Assert.Equal([1.0, 0, 3, 2, 5, 4, 7, 6], Ramp(8, 2, 2, 2).Flip(-1).ToDoubleArray());
        // torch.roll docs: x = [1..8].view(4, 2).
        var x = Tensor.From([1.0, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
        Assert.Equal([8.0, 1, 2, 3, 4, 5, 6, 7], x.Roll(1).ToDoubleArray());
        Assert.Equal([4, 2], x.Roll(1).Shape.ToArray());
        Assert.Equal([7.0, 8, 1, 2, 3, 4, 5, 6], x.Roll(1, 0).ToDoubleArray());
        Assert.Equal([3.0, 4, 5, 6, 7, 8, 1, 2], x.Roll(-1, 0).ToDoubleArray());
        Assert.Equal([6.0, 5, 8, 7, 2, 1, 4, 3], x.Roll([2, 1], [0, 1]).ToDoubleArray());
    }

    [Fact]
    public void NodesHavePyTorchNames()
    {
        var x = TestData.Randn([4, 3], 1);
        Assert.Equal("CatBackward0", F.Cat([x, x]).GradFn!.Name);
        Assert.Equal("StackBackward0", F.Stack([x, x]).GradFn!.Name);
        Assert.Equal("SplitBackward0", x.Split(2)[0].GradFn!.Name);
        Assert.Equal("SplitWithSizesBackward0", x.Split([1, 3])[1].GradFn!.Name);
        Assert.Equal("SplitBackward0", x.Chunk(2)[1].GradFn!.Name);
        Assert.Equal("SliceBackward0", x.Narrow(0, 1, 2).GradFn!.Name);
        Assert.Equal("UnbindBackward0", x.Unbind(1)[0].GradFn!.Name);
        Assert.Equal("ExpandBackward0", x.Expand(2, 4, 3).GradFn!.Name);
        Assert.Equal("ExpandBackward0", x.Expand(4, 3).GradFn!.Name);
        Assert.Equal("RepeatBackward0", x.Repeat(1, 2).GradFn!.Name);
        Assert.Equal("FlipBackward0", x.Flip(0).GradFn!.Name);
        Assert.Equal("RollBackward0", x.Roll(1).GradFn!.Name);
        Assert.Equal("RollBackward0", x.Roll([1], [1]).GradFn!.Name);
        var g = Grad.Compute([F.Cat([x, x]).Sum()], [x], createGraph: true)[0]!;
        Assert.NotNull(g);
    }

    public static TheoryData<string, Action, string> Errors => new()
    {
        { "cat empty list", () => F.Cat([]), "expected a non-empty list of Tensors" },
        { "cat rank mismatch", () => F.Cat([Ramp(6, 2, 3), Ramp(3, 3)]), "Tensors must have same number of dimensions: got 2 and 1" },
        { "cat size mismatch", () => F.Cat([Ramp(15, 3, 5), Ramp(20, 4, 5)], 1), "Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4 for tensor number 1 in the list." },
        { "cat 0-dim", () => F.Cat([Tensor.Scalar(1.0)]), "zero-dimensional tensor (at position 0) cannot be concatenated" },
        { "cat dim out of range", () => F.Cat([Ramp(6, 2, 3)], 2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)" },
        { "stack unequal", () => F.Stack([Ramp(6, 2, 3), Ramp(8, 2, 4)]), "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1" },
        { "stack empty", () => F.Stack([]), "stack expects a non-empty TensorList" },
        { "stack dim", () => F.Stack([Ramp(6, 2, 3)], 3), "Dimension out of range" },
        { "split negative", () => F.Split(Ramp(6, 6), -1), "split expects split_size be non-negative, but got split_size=-1" },
        { "split zero", () => F.Split(Ramp(6, 6), 0), "split_size can only be 0 if dimension size is 0, but got dimension size of 6" },
        { "split 0-dim", () => F.Split(Tensor.Scalar(1.0), 1), "split expects at least a 1-dimensional tensor" },
        { "split sections sum", () => F.Split(Ramp(6, 6), [2, 3]), "split_with_sizes expects split_sizes to sum exactly to 6 (input tensor's size at dimension 0), but got split_sizes=[2, 3]" },
        { "split sections negative", () => F.Split(Ramp(6, 6), [7, -1]), "split_with_sizes expects split_sizes have only non-negative entries" },
        { "chunk 0", () => F.Chunk(Ramp(6, 6), 0), "chunk expects `chunks` to be greater than 0, got: 0" },
        { "chunk 0-dim", () => F.Chunk(Tensor.Scalar(1.0), 2), "chunk expects at least a 1-dimensional tensor" },
        { "narrow start", () => F.Narrow(Ramp(6, 6), 0, 7, 0), "start out of range (expected to be in range of [-6, 6], but got 7)" },
        { "narrow length", () => F.Narrow(Ramp(6, 6), 0, 4, 3), "start (4) + length (3) exceeds dimension size (6)." },
        { "narrow negative length", () => F.Narrow(Ramp(6, 6), 0, 0, -1), "narrow(): length must be non-negative" },
        { "narrow 0-dim", () => F.Narrow(Tensor.Scalar(1.0), 0, 0, 1), "narrow() cannot be applied to a 0-dim tensor." },
        { "unbind dim", () => F.Unbind(Ramp(6, 2, 3), 2), "Dimension out of range" },
        { "expand mismatch", () => F.Expand(Ramp(3, 3), 2, 4), "The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]" },
        { "expand too few", () => F.Expand(Ramp(6, 2, 3), 3), "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)" },
        { "expand -1 leading", () => F.Expand(Ramp(3, 3), -1, 3), "isn't allowed in a leading, non-existing dimension 0" },
        { "repeat too few", () => F.Repeat(Ramp(6, 2, 3), 2), "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor" },
        { "repeat negative", () => F.Repeat(Ramp(6, 2, 3), 1, -2), "negative dimension" },
        { "flip repeated", () => F.Flip(Ramp(6, 2, 3), 0, -2), "dim 0 appears multiple times in the list of dims" },
        { "flip dim", () => F.Flip(Ramp(6, 2, 3), 2), "Dimension out of range" },
        { "roll align", () => F.Roll(Ramp(6, 2, 3), [1, 2], [0]), "shifts and dimensions must align. shifts: 2, dims:1" },
        { "roll shifts", () => F.Roll(Ramp(6, 2, 3), [], []), "`shifts` required" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void BadArgumentsThrowPyTorchsMessage(string what, Action call, string phrase)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.True(e.Message.Contains(phrase), $"{what}: {e.Message}");
    }

    [Fact]
    public void ElementMovesWorkOnIntegerAndBoolStorage()
    {
        // Note [Element moves]: the kernels are written over the storage element type, so integer dtypes get them as is.
        long[] src = [0, 1, 2, 3, 4, 5], dst = new long[6];
        Autograd.Kernels.Moves.Strided(src, 1, 3, dst, 0, 2, 2, 2);   // columns 1..2 of a [2, 3] matrix
        Assert.Equal([1L, 2, 4, 5], dst[..4]);
        int[] flipped = new int[6];
        Autograd.Kernels.Moves.Flip(new[] { 0, 1, 2, 3, 4, 5 }, [2, 3], [false, true], flipped);
        Assert.Equal([2, 1, 0, 5, 4, 3], flipped);
        bool[] tiled = new bool[4];
        Autograd.Kernels.Moves.Tile(new[] { true, false }, [2], [2], tiled);
        Assert.Equal([true, false, true, false], tiled);
        byte[] expanded = new byte[6];
        Autograd.Kernels.Moves.Tile(new byte[] { 7, 9 }, [2, 1], [1, 3], expanded);
        Assert.Equal(new byte[] { 7, 7, 7, 9, 9, 9 }, expanded);
    }
    [Fact]
    public void LargeMovesMatchTheirIndexFormulas()
    {
        // Above the parallel threshold (Note [Element moves]): each result against y[a, b, c, d] written as an index formula.
        int[] s = [3, 50, 40, 30];
        var x = TestData.Randn(s, 5, requiresGrad: false);
        var x2 = TestData.Randn([3, 50, 7, 30], 6, requiresGrad: false);
        double[] xv = x.ToDoubleArray(), x2v = x2.ToDoubleArray();
        double X(int a, int b, int c, int d) => xv[((a * 50 + b) * 40 + c) * 30 + d];
        void Check(Tensor y, int[] shape, Func<int, int, int, int, double> expected)
        {
            Assert.Equal(shape, y.Shape.ToArray());
            var v = y.ToDoubleArray();
            int i = 0;
            for (int a = 0; a < shape[0]; a++)
                for (int b = 0; b < shape[1]; b++)
                    for (int c = 0; c < shape[2]; c++)
                        for (int d = 0; d < shape[3]; d++)
                            Assert.Equal(expected(a, b, c, d), v[i++]);
        }
        Check(x.Flip(1, 3), s, (a, b, c, d) => X(a, 49 - b, c, 29 - d));
        Check(x.Flip(2, 3), s, (a, b, c, d) => X(a, b, 39 - c, 29 - d));
        Check(x.Repeat(2, 1, 1, 3), [6, 50, 40, 90], (a, b, c, d) => X(a % 3, b, c, d % 30));
        Check(F.Cat([x, x2], 2), [3, 50, 47, 30], (a, b, c, d) => c < 40 ? X(a, b, c, d) : x2v[((a * 50 + b) * 7 + c - 40) * 30 + d]);
        Check(x.Roll(7, 3), s, (a, b, c, d) => X(a, b, c, (d + 23) % 30));
        Check(x.Narrow(1, 10, 30), [3, 30, 40, 30], (a, b, c, d) => X(a, b + 10, c, d));
        Check(x.Narrow(1, 0, 1).Narrow(3, 4, 1).Expand(3, 50, 40, 30), s, (a, b, c, d) => X(a, 0, c, 4));
        Check(x.Narrow(3, 4, 1).Expand(2, 3, 50, 40, 30).Narrow(0, 1, 1).Squeeze(0), s, (a, b, c, d) => X(a, b, c, 4));
    }
}
