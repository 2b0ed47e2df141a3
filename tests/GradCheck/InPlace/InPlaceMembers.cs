using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.InPlace;

/// <summary>An input of an in-place test: shape, how its values are drawn, requires_grad, and a dtype when it differs from the case's.</summary>
internal sealed record Operand(int[] Shape, Data Kind = Data.Normal, bool RequiresGrad = true, DType? Type = null);

/// <summary>
/// One in-place member applied to a [3, 4] tensor: the node PyTorch records for it, how the tensor's
/// values are drawn (inside the op's domain), its other operands, the in-place call and the
/// out-of-place composition it must equal (values and every gradient).
/// </summary>
internal sealed record Member(
    string Name,
    string Node,
    Data SelfKind,
    Operand[] Others,
    Func<OracleTensor, OracleTensor[], OracleTensor> InPlace,
    Func<IOracleBackend, OracleTensor, OracleTensor[], OracleTensor> OutOfPlace)
{
    public override string ToString() => Name;
}

internal static class InPlaceMembers
{
    public static readonly int[] SelfShape = [3, 4];

    // Node names: PyTorch 1.13 (python3-torch), type((x * 1).mul_(y).grad_fn).__name__ and so on, and
    // libtorch 2.10 (the name in the version error of a saved tensor whose grad_fn is that node) where
    // TorchSharp reaches the same overload: both give FillBackward2 for fill_(scalar), ClampBackward1 for
    // clamp_ with scalar bounds, CopyBackwards for copy_. Python's add_/mul_(2.0) wrap the scalar in a
    // tensor, so they record AddBackward0/MulBackward0 (TorchSharp's Scalar overloads record ...1).
    // Kinds: Positive keeps log, sqrt, fractional and negative powers and divisors inside their domain;
    // normal draws put no element within finite-difference reach of the kinks of abs, relu and clamp.
    public static readonly Member[] All =
    [
        new("Add_(other)", "AddBackward0", Data.Normal, [new([3, 4])], (a, o) => a.Add_(o[0]), (e, a, o) => e.Add(a, o[0])),
        new("Add_(other [4], alpha -2.5)", "AddBackward0", Data.Normal, [new([4])], (a, o) => a.Add_(o[0], -2.5), (e, a, o) => e.Add(a, e.Mul(o[0], -2.5))),
        new("Add_(1.5)", "AddBackward0", Data.Normal, [], (a, _) => a.Add_(1.5), (e, a, _) => e.Add(a, 1.5)),
        new("Sub_(other)", "SubBackward0", Data.Normal, [new([3, 4])], (a, o) => a.Sub_(o[0]), (e, a, o) => e.Sub(a, o[0])),
        new("Sub_(other [3, 1], alpha 0.5)", "SubBackward0", Data.Normal, [new([3, 1])], (a, o) => a.Sub_(o[0], 0.5), (e, a, o) => e.Sub(a, e.Mul(o[0], 0.5))),
        new("Sub_(0.75)", "SubBackward0", Data.Normal, [], (a, _) => a.Sub_(0.75), (e, a, _) => e.Sub(a, 0.75)),
        new("Mul_(other)", "MulBackward0", Data.Normal, [new([3, 4])], (a, o) => a.Mul_(o[0]), (e, a, o) => e.Mul(a, o[0])),
        new("Mul_(other [4])", "MulBackward0", Data.Normal, [new([4])], (a, o) => a.Mul_(o[0]), (e, a, o) => e.Mul(a, o[0])),
        new("Mul_(other without grad)", "MulBackward0", Data.Normal, [new([3, 4], RequiresGrad: false)], (a, o) => a.Mul_(o[0]), (e, a, o) => e.Mul(a, o[0])),
        new("Mul_(-1.5)", "MulBackward0", Data.Normal, [], (a, _) => a.Mul_(-1.5), (e, a, _) => e.Mul(a, -1.5)),
        new("Div_(other)", "DivBackward0", Data.Normal, [new([3, 4], Data.Positive)], (a, o) => a.Div_(o[0]), (e, a, o) => e.Div(a, o[0])),
        new("Div_(other [1, 4])", "DivBackward0", Data.Normal, [new([1, 4], Data.Positive)], (a, o) => a.Div_(o[0]), (e, a, o) => e.Div(a, o[0])),
        new("Div_(4)", "DivBackward0", Data.Normal, [], (a, _) => a.Div_(4), (e, a, _) => e.Div(a, 4)),
        new("Neg_()", "NegBackward0", Data.Normal, [], (a, _) => a.Neg_(), (e, a, _) => e.Neg(a)),
        new("Pow_(2)", "PowBackward0", Data.Normal, [], (a, _) => a.Pow_(2), (e, a, _) => e.Pow(a, 2)),
        new("Pow_(3)", "PowBackward0", Data.Normal, [], (a, _) => a.Pow_(3), (e, a, _) => e.Pow(a, 3)),
        new("Pow_(0.5)", "PowBackward0", Data.Positive, [], (a, _) => a.Pow_(0.5), (e, a, _) => e.Pow(a, 0.5)),
        new("Pow_(-1.5)", "PowBackward0", Data.Positive, [], (a, _) => a.Pow_(-1.5), (e, a, _) => e.Pow(a, -1.5)),
        new("Exp_()", "ExpBackward0", Data.Normal, [], (a, _) => a.Exp_(), (e, a, _) => e.Exp(a)),
        new("Log_()", "LogBackward0", Data.Positive, [], (a, _) => a.Log_(), (e, a, _) => e.Log(a)),
        new("Sqrt_()", "SqrtBackward0", Data.Positive, [], (a, _) => a.Sqrt_(), (e, a, _) => e.Sqrt(a)),
        new("Abs_()", "AbsBackward0", Data.Normal, [], (a, _) => a.Abs_(), (e, a, _) => e.Abs(a)),
        new("Relu_()", "ReluBackward0", Data.Normal, [], (a, _) => a.Relu_(), (e, a, _) => e.Relu(a)),
        new("Sigmoid_()", "SigmoidBackward0", Data.Normal, [], (a, _) => a.Sigmoid_(), (e, a, _) => e.Sigmoid(a)),
        new("Tanh_()", "TanhBackward0", Data.Normal, [], (a, _) => a.Tanh_(), (e, a, _) => e.Tanh(a)),
        new("Clamp_(-0.5, 0.5)", "ClampBackward1", Data.Normal, [], (a, _) => a.Clamp_(-0.5, 0.5), (e, a, _) => e.Clamp(a, -0.5, 0.5)),
        new("Clamp_(min 0.2)", "ClampBackward1", Data.Normal, [], (a, _) => a.Clamp_(0.2, null), (e, a, _) => e.Clamp(a, 0.2)),
        new("Clamp_(max -0.1)", "ClampBackward1", Data.Normal, [], (a, _) => a.Clamp_(null, -0.1), (e, a, _) => e.Clamp(a, max: -0.1)),
        new("Clamp_(1, -1)", "ClampBackward1", Data.Normal, [], (a, _) => a.Clamp_(1, -1), (e, a, _) => e.Clamp(a, 1, -1)),
        // zero_, fill_ and copy_ forget the old value: its gradient is zero, as a·0 gives (PyTorch's
        // ZeroBackward0/FillBackward2/CopyBackwards return zeros_like(grad) for self).
        new("Zero_()", "ZeroBackward0", Data.Normal, [], (a, _) => a.Zero_(), (e, a, _) => e.Mul(a, 0.0)),
        new("Fill_(2.5)", "FillBackward2", Data.Normal, [], (a, _) => a.Fill_(2.5), (e, a, _) => e.Add(e.Mul(a, 0.0), 2.5)),
        new("Copy_(src)", "CopyBackwards", Data.Normal, [new([3, 4])], (a, o) => a.Copy_(o[0]), (e, a, o) => e.Add(e.Mul(a, 0.0), o[0])),
        new("Copy_(src [4])", "CopyBackwards", Data.Normal, [new([4])], (a, o) => a.Copy_(o[0]), (e, a, o) => e.Add(e.Mul(a, 0.0), o[0])),
        new("Copy_(src [3, 1])", "CopyBackwards", Data.Normal, [new([3, 1])], (a, o) => a.Copy_(o[0]), (e, a, o) => e.Add(e.Mul(a, 0.0), o[0])),
        new("Copy_(src 0-dim)", "CopyBackwards", Data.Normal, [new([])], (a, o) => a.Copy_(o[0]), (e, a, o) => e.Add(e.Mul(a, 0.0), o[0])),
    ];

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var m in All) d.Add(m.Name);
        return d;
    }

    public static Member Get(string name) => All.Single(m => m.Name == name);

    /// <summary>Seeded values for input <paramref name="index"/> of a case (the same on both engines and both dtypes).</summary>
    public static double[] Draw(Operand o, int seed, int index) => CrossCheck.Draw(o.Shape, o.Kind, seed * 7919 + index);

    /// <summary>The case's inputs on <paramref name="e"/>: the tensor written in place first (a leaf; the test makes a non-leaf of it), then the others.</summary>
    public static OracleTensor[] Inputs(IOracleBackend e, Member m, DType dtype, int seed)
    {
        var ops = m.Others.Prepend(new Operand(SelfShape, m.SelfKind)).ToArray();
        return ops.Select((o, i) => e.From(Draw(o, seed, i), o.Shape, o.Type ?? dtype, o.RequiresGrad)).ToArray();
    }
}
