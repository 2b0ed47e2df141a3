using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.DTypes;

/// <summary>
/// Type promotion (Note [Type promotion]) and comparisons against libtorch 2.10 in the same process:
/// every pair of our six dtypes, dimensioned and 0-dim operands, C# integer and floating point numbers;
/// the result's dtype and values must be libtorch's, and where libtorch refuses (bool − bool) so do we.
/// </summary>
[Collection(Oracle.OracleCollection.Name)]
public class DTypePromotionOracleTests
{
    private static readonly DType[] All = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.Bool, DType.UInt8];

    /// <summary>Small positive values every dtype holds exactly (bool: nonzero is true).</summary>
    private static Tensor Values(DType d, bool zeroDim, int seed)
    {
        double[] v = zeroDim ? [2 + seed % 2] : [1, 3, 2 + seed % 2];
        var t = Tensor.From(v, zeroDim ? [] : [3]).ConvertData(d);
        return d == DType.Bool ? Tensor.From(zeroDim ? [true] : [true, false, true], zeroDim ? [] : [3]) : t;
    }

    private static readonly (string Name, Func<Tensor, Tensor, Tensor> Ours, Func<TorchApi.Tensor, TorchApi.Tensor, TorchApi.Tensor> Torch)[] Ops =
    [
        ("add", (a, b) => a + b, (a, b) => a + b),
        ("sub", (a, b) => a - b, (a, b) => a - b),
        ("mul", (a, b) => a * b, (a, b) => a * b),
        ("div", (a, b) => a / b, (a, b) => a / b),
        ("lt", (a, b) => a < b, (a, b) => a.lt(b)),
        ("ge", (a, b) => a >= b, (a, b) => a.ge(b)),
        ("eq", F.Eq, (a, b) => a.eq(b)),
        ("ne", F.Ne, (a, b) => a.ne(b)),
    ];

    private static string? Compare(string what, Func<Tensor> ours, Func<TorchApi.Tensor> torch)
    {
        // The lambdas pass `.ToTorch()` temporaries to libtorch: the scope keeps them referenced (not finalizable by a GC on
        // another thread mid-call) until the comparison is done.
        using var torchScope = TorchApi.NewDisposeScope();
        Tensor? o = null; Exception? oe = null;
        try { o = ours(); } catch (ArgumentException e) { oe = e; }
        TorchApi.Tensor? t = null; Exception? te = null;
        try { t = torch(); } catch (Exception e) { te = e; }
        using (t)
        {
            if (oe is not null || te is not null)
                return (oe is null) == (te is null) ? null : $"{what}: ours {(oe?.Message ?? "accepted")}, libtorch {(te?.Message ?? "accepted")}";
            var expected = Tensor.FromTorch(t!);
            if (o!.DType != expected.DType) return $"{what}: dtype {o.DType}, libtorch {expected.DType}";
            if (!o.Shape.Equals(expected.Shape)) return $"{what}: shape {o.Shape}, libtorch {expected.Shape}";
            var (x, y) = (o.ToDoubleArray(), expected.ToDoubleArray());
            // Integers and bools exactly; floats to float32's last bit (exp may round either way).
            double tol = o.DType == DType.Float32 ? 2e-7 : 0;
            for (int i = 0; i < x.Length; i++)
                if (!x[i].Equals(y[i]) && !(Math.Abs(x[i] - y[i]) <= tol * Math.Abs(y[i])))
                    return $"{what}: element {i} is {x[i]}, libtorch {y[i]}";
            return null;
        }
    }

    [Fact]
    public void TensorTensorPromotionMatchesLibtorch()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var da in All)
        foreach (var db in All)
        foreach (var (za, zb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var op in Ops)
        {
            var a = Values(da, za, 0);
            var b = Values(db, zb, 1);
            n++;
            if (Compare($"{op.Name}({da}{(za ? " 0-dim" : "")}, {db}{(zb ? " 0-dim" : "")})", () => op.Ours(a, b), () => op.Torch(a.ToTorch(), b.ToTorch())) is { } m)
                failures.Add(m);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} disagree:\n" + string.Join("\n", failures));
        Assert.Equal(6 * 6 * 4 * Ops.Length, n);
    }

    [Fact]
    public void TensorNumberPromotionMatchesLibtorch()
    {
        var failures = new List<string>();
        foreach (var d in All)
        foreach (var zero in new[] { false, true })
        {
            var a = Values(d, zero, 0);
            string s = $"{d}{(zero ? " 0-dim" : "")}";
            var checks = new (string, Func<Tensor>, Func<TorchApi.Tensor>)[]
            {
                ($"{s} + 2", () => a + 2, () => a.ToTorch() + 2),
                ($"{s} + 2.5", () => a + 2.5, () => a.ToTorch() + 2.5),
                ($"{s} * 3", () => a * 3, () => a.ToTorch() * 3),
                ($"{s} * 0.5", () => a * 0.5, () => a.ToTorch() * 0.5),
                ($"{s} - 1", () => a - 1, () => a.ToTorch() - 1),
                ($"{s} / 2", () => a / 2, () => a.ToTorch() / 2),
                // TorchSharp computes number − tensor as −tensor + number, which wraps uint8 first (so it
                // gives 257.5 where PyTorch gives 1.5): uint8 is checked by hand below.
                ($"2.5 - {s}", () => d == DType.UInt8 ? 2.5 - a.To(DType.Int32) : 2.5 - a, () => 2.5 - (d == DType.UInt8 ? a.To(DType.Int32) : a).ToTorch()),
                ($"{s} > 1.5", () => a > 1.5, () => a.ToTorch().gt(1.5)),
                ($"{s} <= 2", () => a <= 2, () => a.ToTorch().le(2)),
                ($"{s} == 3", () => a.Eq(3), () => a.ToTorch().eq(3)),
                ($"-{s}", () => -a, () => -a.ToTorch()),
            };
            foreach (var (what, ours, torch) in checks)
                if (Compare(what, ours, torch) is { } m) failures.Add(m);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // torch 1.13 (Python): 2.5 - torch.tensor([1, 2], dtype=torch.uint8) → tensor([1.5000, 0.5000]);
        // 1 - the same → tensor([  0, 255], dtype=torch.uint8).
        var u = Tensor.From(new byte[] { 1, 2 });
        Assert.Equal(DType.Float32, (2.5 - u).DType);
        Assert.Equal([1.5f, 0.5f], (2.5 - u).ToFloatArray());
        Assert.Equal(DType.UInt8, (1 - u).DType);
        Assert.Equal([(byte)0, (byte)255], (1 - u).ToArray<byte>());
    }

    [Fact]
    public void ComparisonsWithNaNInfinityAndBroadcastingMatchLibtorch()
    {
        var a = Tensor.From([1.0, double.NaN, double.PositiveInfinity, -2, 0.1], [5, 1]);
        var b = Tensor.From([0.1f, float.NaN, 1], [3]);   // float32 against float64: compared in float64
        var failures = new List<string>();
        foreach (var op in Ops.Where(o => o.Name is "lt" or "ge" or "eq" or "ne"))
        {
            if (Compare(op.Name, () => op.Ours(a, b), () => op.Torch(a.ToTorch(), b.ToTorch())) is { } m) failures.Add(m);
            if (Compare(op.Name + " float32", () => op.Ours(a.Float(), b), () => op.Torch(a.Float().ToTorch(), b.ToTorch())) is { } m2) failures.Add(m2);
        }
        if (Compare("~(a > 0) & (a < 1)", () => ~(a > 0) | (a < 1), () => a.ToTorch().gt(0).logical_not().logical_or(a.ToTorch().lt(1))) is { } m3) failures.Add(m3);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(DType.Bool, (a > 0).DType);
    }

    [Fact]
    public void ConversionsMatchLibtorch()
    {
        var x = Tensor.From([-1.7, -0.2, 0, 0.5, 2.9, 300, double.NaN], [7]);
        var failures = new List<string>();
        foreach (var d in All)
        {
            var src = d == DType.Float64 ? x : x.ConvertData(DType.Float32);
            foreach (var to in new[] { DType.Int64, DType.Int32, DType.Bool, DType.Float64 })
            {
                // NaN to an integer is undefined behaviour in PyTorch: compared only for the defined targets.
                var (ours, torch) = to is DType.Int64 or DType.Int32 ? (src.ToArray<double>()[..6], 6) : (src.ToArray<double>(), 7);
                var o = Tensor.From(ours, [torch]).ConvertData(d == DType.Float64 ? DType.Float64 : DType.Float32);
                if (Compare($"{o.DType} → {to}", () => o.To(to), () => o.ToTorch().to(TorchConversions.ScalarTypeOf(to))) is { } m) failures.Add(m);
            }
        }
        var big = Tensor.From(new long[] { 300, -1, 256 });
        if (Compare("int64 → uint8 wraps", () => big.Byte(), () => big.ToTorch().to(TorchApi.ScalarType.Byte)) is { } m4) failures.Add(m4);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void IntegerReductionsAndRefusalsMatchLibtorch()
    {
        var m = Tensor.From([true, false, true, true], [2, 2]);
        var i = Tensor.From([1, 2, 3, 4], [2, 2]);
        var failures = new List<string>();
        foreach (var (what, ours, torch) in new (string, Func<Tensor>, Func<TorchApi.Tensor>)[]
                 {
                     ("sum of bool", () => m.Sum(), () => m.ToTorch().sum()),
                     ("sum of int32 over dim 1", () => i.Sum([1]), () => i.ToTorch().sum(1)),
                     ("max of int32", () => i.Max(), () => i.ToTorch().max()),
                     ("max of int32 over dim 0", () => i.Max(0).Values, () => i.ToTorch().max(0).values),
                     ("abs of int32", () => (-i).Abs(), () => (-i.ToTorch()).abs()),
                     ("exp of int32", () => i.Exp(), () => i.ToTorch().exp()),
                     ("relu of int64", () => F.Relu(Tensor.From(new long[] { -2, 5 })), () => TorchApi.nn.functional.relu(TorchApi.tensor(new long[] { -2, 5 }))),
                     ("pow 2 of int64", () => Tensor.From(new long[] { -3, 5 }).Pow(2), () => TorchApi.tensor(new long[] { -3, 5 }).pow(2)),
                     ("mean of int32", () => i.Mean(), () => i.ToTorch().mean()),
                     ("sub of bools", () => m - m, () => m.ToTorch() - m.ToTorch()),
                     ("neg of bool", () => -m, () => -m.ToTorch()),
                 })
            if (Compare(what, ours, torch) is { } msg) failures.Add(msg);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void OnlyFloatingPointTensorsRequireGradInBoth()
    {
        const string Phrase = "Only Tensors of floating point and complex dtype can require gradients";
        using var t = TorchApi.tensor(new long[] { 1, 2 });
        Assert.Contains(Phrase, Assert.ThrowsAny<Exception>(() => t.requires_grad_()).Message);
        foreach (var x in new[] { Tensor.From(new long[] { 1 }), Tensor.From(new[] { 1 }), Tensor.From(new[] { true }), Tensor.From(new byte[] { 1 }) })
            Assert.Contains(Phrase, Assert.Throws<InvalidOperationException>(() => x.RequiresGrad = true).Message);
        Assert.Contains(Phrase, Assert.Throws<InvalidOperationException>(() => Tensor.From(new[,] { { 1L } }, requiresGrad: true)).Message);
    }

    [Fact]
    public void ComparisonsAndIntegerResultsCarryNoGraph()
    {
        var x = Tensor.From([1.0, -2, 3], requiresGrad: true);
        var mask = x > 0;
        Assert.False(mask.RequiresGrad);
        Assert.Null(mask.GradFn);
        var (_, idx) = F.Max(x.Reshape([1, 3]), 1);
        Assert.Equal(DType.Int64, idx.DType);
        Assert.False(idx.RequiresGrad);
        // A mask used as a float multiplier carries the gradient through x only.
        var y = (x * mask).Sum();
        y.Backward();
        Assert.Equal([1.0, 0, 1], x.Grad!.ToDoubleArray());
    }
}
