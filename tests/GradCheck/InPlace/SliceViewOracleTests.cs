using Autograd.Oracle;
using Autograd.Tests.Oracle;
using static Autograd.TensorIndex;
using static Autograd.Tests.InPlace.InPlaceCrossCheck;

namespace Autograd.Tests.InPlace;

/// <summary>
/// Basic indexing returns views (Note [Slice views]): writes through x[...] reach x, writes of x reach the
/// view, and autograd follows (CopySlices on the base, AsStridedBackward0 on stale views). Each sequence
/// runs on libtorch 2.10 in the same process and on ours (InPlaceCrossCheck): output, inputs' final values
/// and every gradient must agree, and refusals must carry PyTorch's words (test_autograd.py's
/// test_inplace_on_view_* family, with slices instead of view()).
/// </summary>
[Collection(OracleCollection.Name)]
public class SliceViewOracleTests
{
    private static readonly (string Name, Operand[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> Seq)[] Sequences =
    [
        ("select add_, read the base", [In(2, 3), In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [0]).Add_(x[1]);
            return a;
        }),
        ("strided slice mul_, read the base squared", [In(2, 3, 4), In(2, 2, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [Colon, Slice(1), Slice(null, null, 2)]).Mul_(x[1]);
            return a * a;
        }),
        ("base mul_, read an older slice", [In(3, 4), In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.Index(a, [Slice(1)]);
            a.Mul_(x[1]);
            return v;
        }),
        ("slice of a slice, exp_", [In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(e.Index(a, [Colon, Slice(1)]), [0]).Exp_();
            return a;
        }),
        ("write one slice, read an overlapping one", [In(4, 3), In(2, 3), In(3, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v1 = e.Index(a, [Slice(null, 2)]);
            var v2 = e.Index(a, [Slice(1)]);
            v1.Mul_(x[1]);
            return v2 * x[2];
        }),
        ("slice of a buffer that needs no grad, copy_ from y", [Plain(3, 4), In(4), In(3, 4)], (e, x) =>
        {
            var buf = x[0] * 1.0;
            e.Index(buf, [1]).Copy_(x[1]);
            return buf * x[2];
        }),
        ("no-grad write through a slice", [In(2, 3), In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.Index(a, [Colon, 1]);
            using (e.NoGrad()) v.Add_(1.0);
            return a * x[1];
        }),
        ("reshape of a row, div_", [In(3, 2, 2), Pos(4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Reshape(e.Index(a, [1]), [4]).Div_(x[1]);
            return a;
        }),
        ("setitem into a slice view", [In(3, 4), In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.SetIndex(e.Index(a, [1]), [Slice(1)], x[1]);
            return a;
        }),
        ("relu_ on a column (saves its output), read with x", [In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [Colon, 2]).Relu_();
            return a * x[0];
        }),
        ("sigmoid_ through a strided slice, read the view and the base", [In(3, 6), In(3, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.Index(a, [Colon, Slice(null, null, 2)]);
            v.Sigmoid_();
            return v * x[1] + e.Index(a, [Colon, Slice(1, null, 2)]);
        }),
        ("write through a slice, then the base, read the slice", [In(2, 3), In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.Index(a, [1]);
            v.Mul_(x[1]);
            a.Tanh_();
            return v;
        }),
        ("None and ellipsis, fill_", [In(2, 3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [Ellipsis, None, Slice(1, -1)]).Fill_(0.25);
            return a * x[0];
        }),
        ("add_ a row with a detached copy of another row", [In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [0]).Add_(e.Index(a, [2]).Detach() * 1.0);
            return a * x[0];
        }),
        ("no-grad write into a split piece and an unbind piece", [In(4, 3), In(4, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var pieces = e.Split(a, 2);
            var rows = e.Unbind(a, 1);
            using (e.NoGrad())
            {
                pieces[1].Mul_(2.0);
                rows[0].Add_(1.0);
            }
            return a * x[1];
        }),
        ("write a chunk of a buffer that needs no grad", [Plain(4, 3), In(4, 3)], (e, x) =>
        {
            var buf = x[0] * 1.0;
            e.Chunk(buf, 2, 1)[1].Fill_(0.5);
            return buf * x[1];
        }),
        ("narrow exp_, read the base", [In(3, 5)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Narrow(a, 1, 1, 3).Exp_();
            return a;
        }),
        ("transpose mul_, read the base", [In(2, 3), In(3, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Transpose(a, 0, 1).Mul_(x[1]);
            return a * a;
        }),
        ("permute, then a slice of it sub_(alpha)", [In(2, 3, 4), In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(e.Permute(a, [2, 0, 1]), [1]).Sub_(x[1], 0.5);
            return a;
        }),
        ("base written, an older transpose read", [In(3, 4), In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var t = e.Transpose(a, 0, 1);
            a.Mul_(x[1]);
            return t * 2.0;
        }),
        ("expand, then the base written, read the expanded", [In(1, 3), In(1, 3), In(4, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var big = e.Expand(a, [4, 3]);
            a.Mul_(x[1]);
            return big * x[2];
        }),
        ("no-grad fill_ of an expand writes its base (PyTorch lets fill_ write shared memory)", [Plain(3, 1), In(3, 2)], (e, x) =>
        {
            var buf = x[0] * 1.0;
            using (e.NoGrad()) e.Expand(buf, [3, 2]).Fill_(2.0);
            return buf * x[1];
        }),
        ("expand of a row slice, read with y", [In(3, 4), In(2, 5, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            return e.Expand(e.Index(a, [1]), [2, 5, 4]) * x[1];
        }),
        ("two writes through two slices", [In(4, 3), In(3), In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [0]).Add_(x[1]);
            e.Index(a, [Slice(1, null, 2)]).Mul_(x[2]);
            return a;
        }),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SequencesMatchLibtorch(DType dtype) => CompareAll(Sequences.Select(s => (s.Name, s.Inputs, s.Seq, (string?)null)), dtype, 500);

    private static readonly (string Name, Operand[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> Seq, string Phrase)[] Refusals =
    [
        ("select of a leaf add_", [In(2, 3)], (e, x) => e.Index(x[0], [0]).Add_(1.0), ViewOfLeaf),
        ("transpose of a leaf exp_", [In(2, 3)], (e, x) => e.Transpose(x[0], 0, 1).Exp_(), ViewOfLeaf),
        ("strided slice of a leaf mul_ by y", [In(2, 4), In(2, 2)], (e, x) => e.Index(x[0], [Colon, Slice(null, null, 2)]).Mul_(x[1]), ViewOfLeaf),
        ("a slice saved by mul, then the base written", [In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.Index(a, [0]);
            var z = v * v;
            a.Add_(1.0);
            return z;
        }, Stale),
        ("tanh, then write its output through a slice", [In(2, 3)], (e, x) =>
        {
            var a = e.Tanh(x[0]);
            e.Index(a, [1]).Add_(1.0);
            return a;
        }, Stale),
        // Multi-output views (split, chunk, unbind: CreationMeta::MULTI_OUTPUT_NODE) refuse a recorded write.
        ("split piece of a non-leaf add_", [In(4, 3)], (e, x) => e.Split(x[0] * 1.0, 2)[0].Add_(1.0), MultiOutput),
        ("unbind piece of a non-leaf mul_", [In(3, 4)], (e, x) => e.Unbind(x[0] * 1.0, 1)[2].Mul_(3.0), MultiOutput),
        ("chunk of a plain tensor, mul_ by y", [Plain(4, 3), In(2, 3)], (e, x) => e.Chunk(x[0], 2)[1].Mul_(x[1]), MultiOutput),
        ("unbind piece used after its base was written", [In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var rows = e.Unbind(a, 0);
            a.Mul_(2.0);
            return rows[1] * 2.0;
        }, "is a view and its base or another view of its base has been modified inplace. " + MultiOutput),
        ("split piece used after a sibling was written under no_grad", [In(4, 3)], (e, x) =>
        {
            var pieces = e.Split(x[0] * 1.0, 2);
            using (e.NoGrad()) pieces[1].Add_(1.0);
            return pieces[0] + 1.0;
        }, "is a view and its base or another view of its base has been modified inplace. " + MultiOutput),
        // Writes into an expanded view (elements sharing memory), recorded or not.
        ("expand add_", [In(1, 3)], (e, x) => e.Expand(x[0] * 1.0, [4, 3]).Add_(1.0), Overlap),
        ("no-grad expand of a plain tensor, mul_", [Plain(3, 1), In(3, 2)], (e, x) =>
        {
            using (e.NoGrad()) e.Expand(x[0], [3, 2]).Mul_(2.0);
            return x[1] * 1.0;
        }, Overlap),
        // mul_ saves the detached row, which shares a's version counter: the write of row 0 bumps it.
        ("mul_ a row by a detached other row", [In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Index(a, [0]).Mul_(e.Index(a, [2]).Detach());
            return a;
        }, Stale),
        ("no-grad slice of a non-leaf, written", [In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            OracleTensor v;
            using (e.NoGrad()) v = e.Index(a, [Slice(1)]);
            return v.Add_(1.0);
        }, NoGradView),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RefusalsAgreeWithLibtorch(DType dtype) => CompareAll(Refusals.Select(r => (r.Name, r.Inputs, r.Seq, (string?)r.Phrase)), dtype, 600);
}
