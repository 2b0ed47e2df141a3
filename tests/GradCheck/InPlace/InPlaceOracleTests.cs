using Autograd.Oracle;
using Autograd.Tests.Oracle;
using TorchApi = TorchSharp.torch;
using static Autograd.Tests.InPlace.InPlaceCrossCheck;

namespace Autograd.Tests.InPlace;

/// <summary>
/// In-place members and sequences against libtorch 2.10 in the same process (TorchSharp): values and
/// gradients of valid sequences, through views too, and the same refusals, with PyTorch's words.
/// </summary>
[Collection(OracleCollection.Name)]
public class InPlaceOracleTests
{
    /// <summary>a = x * 1, then an in-place op of a with a itself as the other operand.</summary>
    private static OracleTensor SelfWrite(OracleTensor x, Func<OracleTensor, OracleTensor> write) => write(x * 1.0);

    // PyTorch: each member on a non-leaf (a = x * 1; a.op_(...)), output and every gradient.
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EveryMemberMatchesLibtorch(DType dtype)
    {
        int n = 0;
        var failures = InPlaceMembers.All.Select(m => InPlaceCrossCheck.Compare(m.Name, dtype,
            [new Operand(InPlaceMembers.SelfShape, m.SelfKind), .. m.Others],
            (e, x) => m.InPlace(x[0] * 1.0, x[1..]), n++)).ToList();
        InPlaceCrossCheck.AssertAll(failures, n);
    }

    private static readonly (string Name, Operand[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> Seq)[] Sequences =
    [
        ("mul_, add_(alpha), tanh_ in a row", [In(3, 4), In(3, 4), In(4)], (e, x) => (x[0] * 1.0).Mul_(x[1]).Add_(x[2], 0.5).Tanh_()),
        ("sigmoid_, then read by mul", [In(3, 4), In(3, 4)], (e, x) => (x[0] * 1.0).Sigmoid_() * x[1]),
        ("div_ and pow_ on a copy of exp's output", [In(3, 4), Pos(3, 4)], (e, x) =>
        {
            var a = e.Exp(x[0]);
            var b = (a * 1.0).Div_(x[1]).Pow_(2);
            return b + a;
        }),
        ("zero_ then add_", [In(3, 4), In(3, 4)], (e, x) => (x[0] * 1.0).Zero_().Add_(x[1]) * x[0]),
        ("fill_ then mul_", [In(3, 4), In(4)], (e, x) => (x[0] * 1.0).Fill_(-0.5).Mul_(x[1]) + x[0]),
        ("write a tensor that needs no grad from one that does", [Plain(3, 4), In(3, 4)], (e, x) => (x[0] * 1.0).Add_(x[1], 2).Relu_()),
        ("copy_ a row into a buffer, then square", [Plain(3, 4), In(4)], (e, x) =>
        {
            var buf = x[0] * 1.0;
            buf.Copy_(x[1]);
            return buf * buf;
        }),
        ("write after a node that saved nothing of it", [In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var b = a * 3.0;   // a Python-scalar mul saves only the scalar
            a.Add_(1.0);
            return b + a;
        }),
        ("write the input of exp (exp saves its output)", [In(3, 4), In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var c = e.Exp(a);
            a.Mul_(x[1]);
            return c + a;
        }),
        ("clamp_ with min > max, then add_", [In(3, 4), In(3, 4)], (e, x) => (x[0] * 1.0).Clamp_(0.5, -0.5).Add_(x[1])),
        ("a.add_(a)", [In(3, 4)], (e, x) => SelfWrite(x[0], a => a.Add_(a))),
        ("no-grad write of a non-leaf keeps its history", [In(3, 4), In(3, 4)], (e, x) =>
        {
            var a = x[0] * 1.0;
            using (e.NoGrad()) a.Add_(x[1]);
            return a * x[1];
        }),
        ("no-grad write of a leaf, then use", [In(3, 4), In(3, 4)], (e, x) =>
        {
            using (e.NoGrad()) x[0].Mul_(2.0).Sub_(x[1]);
            return x[0] * x[1];
        }),
        ("copy_ of the other dtype", [In(3, 4), new([3, 4], Type: DType.Float64)], (e, x) => (x[0] * 1.0).Copy_(x[1]) * x[0]),

        // Views (PyTorch's test_inplace_on_view_* family): the base gets CopySlices, views AsStridedBackward0.
        ("view add_, read the base", [In(2, 3), In(3, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.View(a, [3, 2]).Add_(x[1]);
            return a;
        }),
        ("view mul_ then exp_, read the base", [In(2, 3), In(3, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.View(a, [3, 2]).Mul_(x[1]).Exp_();
            return a * a;
        }),
        ("base mul_, read an older view", [In(2, 3), In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var b = e.View(a, [6]);
            a.Mul_(x[1]);
            return b;
        }),
        ("unsqueeze sub_(alpha) then relu_", [In(2, 3), In(1, 2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Unsqueeze(a, 0).Sub_(x[1], 2).Relu_();
            return a;
        }),
        ("view of a view, pow_", [In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.View(e.View(a, [6]), [3, 2]).Pow_(3);
            return a;
        }),
        ("squeeze clamp_", [In(2, 1, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Squeeze(a).Clamp_(-0.5, 0.5);
            return a * x[0];
        }),
        ("flatten copy_", [In(2, 3), In(6)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Flatten(a).Copy_(x[1]);
            return a + x[0];
        }),
        ("write one view, read another", [In(2, 3), In(3, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v1 = e.View(a, [3, 2]);
            var v2 = e.Reshape(a, [6]);
            v1.Mul_(x[1]);
            return v2;
        }),
        ("two writes through two views", [In(2, 3), In(3, 2), In(6)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.View(a, [3, 2]).Add_(x[1]);
            e.View(a, [6]).Mul_(x[2]);
            return a;
        }),
        ("write through a view, then write the base", [In(2, 3), In(3, 2)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.View(a, [3, 2]);
            v.Mul_(x[1]);
            a.Tanh_();
            return v;
        }),
        ("view of a buffer that needs no grad, written from y", [Plain(2, 3), In(3, 2), In(2, 3)], (e, x) =>
        {
            var buf = x[0] * 1.0;
            e.View(buf, [3, 2]).Copy_(x[1]);
            return buf * x[2];
        }),
        ("no-grad write through a view", [In(2, 3), In(2, 3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var v = e.View(a, [6]);
            using (e.NoGrad()) v.Add_(1.0);
            return a * x[1];
        }),
        ("div_ through a reshape of a view", [In(2, 3), Pos(6)], (e, x) =>
        {
            var a = x[0] * 1.0;
            e.Reshape(e.View(a, [3, 2]), [6]).Div_(x[1]);
            return a;
        }),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SequencesMatchLibtorch(DType dtype) => CompareAll(Sequences.Select(s => (s.Name, s.Inputs, s.Seq, (string?)null)), dtype, 100);

    // PyTorch: the result of a binary in-place op keeps self's dtype (computed in the promoted type, then
    // cast); the other operand's gradient comes back in its own dtype.
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MixedDTypeWritesMatchLibtorch(DType dtype)
    {
        var other = dtype == DType.Float32 ? DType.Float64 : DType.Float32;
        Operand self = In(3, 4), o = new([3, 4], Type: other), p = new([3, 4], Data.Positive, Type: other), row = new([4], Type: other);
        (string, Operand[], Func<IOracleBackend, OracleTensor[], OracleTensor>)[] cases =
        [
            ("mul_ by the other dtype", [self, o], (e, x) => (x[0] * 1.0).Mul_(x[1])),
            ("add_(alpha) of the other dtype", [self, row], (e, x) => (x[0] * 1.0).Add_(x[1], -1.5)),
            ("sub_ of the other dtype", [self, o], (e, x) => (x[0] * 1.0).Sub_(x[1])),
            ("div_ by the other dtype", [self, p], (e, x) => (x[0] * 1.0).Div_(x[1])),
            ("copy_ from the other dtype", [self, row], (e, x) => (x[0] * 1.0).Copy_(x[1]) * x[0]),
        ];
        int n = 0;
        var failures = cases.Select(c => InPlaceCrossCheck.Compare(c.Item1, dtype, c.Item2, c.Item3, 300 + n++)).ToList();
        InPlaceCrossCheck.AssertAll(failures, n);
    }

    private static readonly (string Name, Operand[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> Seq, string Phrase)[] Refusals =
    [
        // SavedVariable's version check (test_autograd.py test_inplace_*_error, test_version_counter).
        ("sigmoid, then mul_ its output", [In(3), In(3)], (e, x) => e.Sigmoid(x[0]).Mul_(x[1]), Stale),
        ("relu, then add_ to its output", [In(3)], (e, x) => e.Relu(x[0]).Add_(1.0), Modified),
        ("x * y, then add_ on y", [In(3), In(3)], (e, x) =>
        {
            var y = x[1] * 1.0;
            var z = x[0] * y;
            y.Add_(1.0);
            return z;
        }, Stale),
        ("a.mul_(a)", [In(3)], (e, x) => SelfWrite(x[0], a => a.Mul_(a)), Stale),
        ("a.div_(a)", [In(3)], (e, x) => SelfWrite(x[0], a => a.Div_(a)), Stale),
        ("a.mul_(a.detach())", [In(3)], (e, x) => SelfWrite(x[0], a => a.Mul_(a.Detach())), Stale),
        ("exp, then write its detached output", [In(3)], (e, x) =>
        {
            var a = e.Exp(x[0]);
            a.Detach().Mul_(2.0);
            return a;
        }, Stale),
        ("tanh, then write its output through a view", [In(2, 3)], (e, x) =>
        {
            var a = e.Tanh(x[0]);
            e.View(a, [6]).Add_(1.0);
            return a;
        }, Stale),
        ("a view saved by mul, then the base written", [In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            var z = e.View(x[0], [3, 1]) * e.View(a, [3, 1]);
            a.Add_(1.0);
            return z;
        }, Stale),
        // check_inplace.
        ("leaf add_", [In(3)], (e, x) => x[0].Add_(1.0), Leaf),
        ("leaf mul_ by a tensor", [In(3), In(3)], (e, x) => x[0].Mul_(x[1]), Leaf),
        ("leaf copy_", [In(3), In(3)], (e, x) => x[0].Copy_(x[1]), Leaf),
        ("leaf mul_ that would not broadcast", [In(3), In(2, 3)], (e, x) => x[0].Mul_(x[1]), Leaf),
        ("view of a leaf mul_", [In(2, 3)], (e, x) => e.View(x[0], [6]).Mul_(2.0), ViewOfLeaf),
        ("unsqueeze of a leaf relu_", [In(2, 3)], (e, x) => e.Unsqueeze(x[0], 1).Relu_(), ViewOfLeaf),
        ("no-grad view of a non-leaf, written", [In(3)], (e, x) =>
        {
            var a = x[0] * 1.0;
            OracleTensor v;
            using (e.NoGrad()) v = e.View(a, [3]);
            return v.Add_(1.0);
        }, NoGradView),
        ("no-grad view of a leaf, written", [In(3)], (e, x) =>
        {
            OracleTensor v;
            using (e.NoGrad()) v = e.View(x[0], [3]);
            return v.Add_(1.0);
        }, NoGradView),
        ("no-grad view of a plain tensor, written from y", [Plain(3), In(3)], (e, x) =>
        {
            OracleTensor v;
            using (e.NoGrad()) v = e.View(x[0], [3]);
            return v.Add_(x[1]);
        }, NoGradView),
        // TensorIterator's shape check.
        ("add_ that would broadcast self", [In(3), In(2, 3)], (e, x) => (x[0] * 1.0).Add_(x[1]), "output with shape [3] doesn't match the broadcast shape [2, 3]"),
        ("copy_ from [1, 3] into [3]", [In(3), In(1, 3)], (e, x) => (x[0] * 1.0).Copy_(x[1]), "output with shape [3] doesn't match the broadcast shape [1, 3]"),
        ("clamp_ without bounds", [In(3)], (e, x) => (x[0] * 1.0).Clamp_(null, null), "At least one of 'min' or 'max' must not be None"),
        ("clamp without bounds", [In(3)], (e, x) => e.Clamp(x[0]), "At least one of 'min' or 'max' must not be None"),
        ("detach_ of a view", [In(3)], (e, x) => e.View(x[0] * 1.0, [3]).Detach_(), "Can't detach views in-place"),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RefusalsAgreeWithLibtorch(DType dtype) => CompareAll(Refusals.Select(r => (r.Name, r.Inputs, r.Seq, (string?)r.Phrase)), dtype, 200);

    // PyTorch's exp_, sigmoid_, tanh_, sqrt_ and relu_ save the written tensor itself as their result, so a
    // later write of it (a.sigmoid_(); a.mul_(2)) makes backward raise the version error at version 2,
    // naming the in-place op's node. Ours re-points the saved result at the written tensor
    // (SavedTensor.Rebind), so both engines refuse with the same numbers and node.
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AWriteAfterAnOutputSavingInPlaceOpIsRefusedByBothEngines(DType dtype)
    {
        (string Name, Func<OracleTensor, OracleTensor> InPlace, string Node)[] ops =
        [
            ("exp_", a => a.Exp_(), "ExpBackward0"), ("sigmoid_", a => a.Sigmoid_(), "SigmoidBackward0"),
            ("tanh_", a => a.Tanh_(), "TanhBackward0"), ("sqrt_", a => a.Sqrt_(), "SqrtBackward0"), ("relu_", a => a.Relu_(), "ReluBackward0"),
        ];
        int n = 0;
        foreach (var (name, inPlace, node) in ops)
        {
            var data = CrossCheck.Draw([3, 4], Data.Positive, 400 + n++);
            using (var torch = new TorchSharpBackend())
            {
                var x = torch.From(data, [3, 4], dtype, requiresGrad: true);
                var a = inPlace(x * 1.0).Mul_(2.0);
                var e = Assert.Throws<TorchException>(() => torch.Backward(torch.Sum(a)));
                Assert.Contains("is at version 2; expected version 1 instead", e.Message);
            }
            var ours = AutogradBackend.Instance;
            var xo = ours.From(data, [3, 4], dtype, requiresGrad: true);
            var ao = inPlace(xo * 1.0).Mul_(2.0);
            var oe = Assert.Throws<InvalidOperationException>(() => ours.Backward(ours.Sum(ao)));
            Assert.Contains($"which is output 0 of {node}, is at version 2; expected version 1 instead", oe.Message);
            Assert.True(oe.Message.Contains("modified by an inplace operation"), name);
        }
    }

    // libtorch 2.10: a = x * 2; v = a.view(3, 1); v.retain_grad(); a.retain_grad(); v.mul_(3);
    // (a * a).sum().backward() gives a.grad = 2·a = [12, 24, 36] and v.grad None: rebase_history moves
    // each retain_grad hook to the tensor's new node (CopySlices for a, AsStridedBackward0 for v, which is
    // not on the loss's path). PyTorch 1.13 left the hooks on the old nodes (a.grad [36, 72, 108]).
    [Fact]
    public void RetainGradFollowsAWriteThroughAView()
    {
        OracleFixture.RequireOracle();
        double[]? ta, tv, tx;
        {
            using var x = TorchApi.tensor(new double[] { 1, 2, 3 }, requires_grad: true);
            using var a = x.mul(2.0);
            using var v = a.view(3, 1);
            v.retain_grad();
            a.retain_grad();
            v.mul_(3.0);
            using var loss = a.mul(a).sum();
            loss.backward();
            ta = a.grad?.data<double>().ToArray();
            tv = v.grad?.data<double>().ToArray();
            tx = x.grad?.data<double>().ToArray();
        }
        {
            var x = Tensor.From([1.0, 2, 3], requiresGrad: true);
            var a = x * 2.0;
            var v = a.View([3, 1]);
            v.RetainGrad();
            a.RetainGrad();
            v.Mul_(3);
            (a * a).Sum().Backward();
            Assert.NotNull(ta);
            Assert.Equal([12.0, 24, 36], ta);
            Assert.Equal(ta, a.Grad!.ToDoubleArray());
            Assert.Null(tv);
            Assert.Null(v.Grad);
            Assert.Equal(tx, x.Grad!.ToDoubleArray());
        }
    }
}
