using Autograd.Oracle;
using Autograd.Tests.Oracle;
using CsCheck;

namespace Autograd.Tests.Reliability.Fuzz;

/// <summary>One drawn configuration: a computation over <see cref="IOracleBackend"/>, its inputs, and the names its errors may use.</summary>
public sealed record FuzzCase(string Op, string Config, DType DType, Input[] Inputs, CrossCheck.Graph F, string[] Names)
{
    /// <summary>Set when libtorch is known to differ here by a documented decision (ours then runs alone).</summary>
    public string? Deviation { get; init; }

    public override string ToString() => $"{Op} {(DType == DType.Float32 ? "float32" : "float64")} {Config} inputs {string.Join(" ", Inputs.Select(i => $"[{string.Join(",", i.Shape)}]{i.Kind}"))}";
}

// Note [Fuzz configurations]
// CsCheck generators draw configurations of the ops whose arguments are integers (geometry, dims,
// shapes) or whose data can be non-finite: conv2d, the pools, max_unpool2d, pad, reductions over dims,
// softmax, cross_entropy, the shape ops (reshape/view with −1 and huge sizes, permute, transpose,
// unsqueeze, squeeze, flatten with out-of-range dims) and matmul/linear over mismatched shapes. Integers come mostly from the ordinary range (1..4) and often from the extremes
// (0, negatives, 46341 (its square passes 2^31), 2^16, 2^22, 2^30, int.MaxValue); tensors stay small
// (every dim 0..6), so any huge size can only come from an argument. Case i of seed s is drawn from
// PCG(s, i): a failure names (seed, index), and the child replays exactly that case.
public static class FuzzCases
{
    private static readonly Gen<int> Extreme = Gen.Frequency(
        (10, Gen.Int[1, 4]),
        (2, Gen.OneOf(0, -1, -3, int.MinValue)),
        (4, Gen.OneOf(46341, 65536, 1 << 16, 1 << 22, 1 << 30, int.MaxValue, int.MaxValue - 1)));

    private static readonly Gen<Pair> ExtremePair = Gen.Frequency(
        (3, Extreme.Select(v => new Pair(v, v))),
        (1, Gen.Select(Extreme, Extreme, (h, w) => new Pair(h, w))));

    private static readonly Gen<Pair?> OptionalPair = Gen.Frequency(
        (1, Gen.Const<Pair?>((Pair?)null)), (2, ExtremePair.Select(p => (Pair?)p)));

    /// <summary>Padding: mostly legal for a kernel (0..k/2), sometimes extreme.</summary>
    private static Gen<Pair> PaddingFor(Pair k) => Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, Math.Max(0, Math.Min(k.H, 1 << 20) / 2)], Gen.Int[0, Math.Max(0, Math.Min(k.W, 1 << 20) / 2)], (h, w) => new Pair(h, w))),
        (1, Gen.OneOf(k.H / 2, 0).Select(v => new Pair(v, Math.Max(0, k.W / 2)))),
        (1, ExtremePair));

    private static readonly Gen<int> Dim = Gen.Frequency((1, Gen.Const(0)), (14, Gen.Int[1, 6]));

    private static readonly Gen<int[]> Image = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 2], Gen.Int[1, 3], Dim, Dim, (n, c, h, w) => new[] { n, c, h, w })),
        (2, Gen.Select(Gen.Int[1, 3], Dim, Dim, (c, h, w) => new[] { c, h, w })),
        (1, Gen.Select(Dim, Dim, Dim, Dim, (n, c, h, w) => new[] { n, c, h, w })),
        (1, Gen.Select(Dim, Dim, (h, w) => new[] { h, w })));

    private static readonly Gen<Data> Values = Gen.Frequency(
        (5, Gen.Const(Data.Normal)), (2, Gen.Const(Data.Ties)), (2, Gen.Const(Data.Special)));

    private static readonly Gen<DType> Types = Gen.Frequency((3, Gen.Const(DType.Float64)), (1, Gen.Const(DType.Float32)));

    private static Gen<FuzzCase> Case(string op, string[] names, Gen<(string Config, Input[] Inputs, CrossCheck.Graph F)> body) =>
        Gen.Select(body, Types, (b, t) => new FuzzCase(op, b.Config, t, b.Inputs, b.F, names));

    private static Gen<FuzzCase> Conv2d => Case("conv2d", ["conv2d"], ConvBody).Select(c => c.Inputs[1].Shape[1] == 0
        ? c with { Deviation = "conv2d with zero input channels gives (N, outC, oH, oW) filled with the bias; libtorch (1.13 and 2.10) gives (N, 0, oH, oW) (Note [conv2d empty inputs], docs/conv.md)" }
        : c);

    private static readonly Gen<(string Config, Input[] Inputs, CrossCheck.Graph F)> ConvBody =
        from x in Image
        from kind in Values
        from groups in Gen.Frequency((6, Gen.Const(1)), (2, Gen.Int[2, 3]), (1, Extreme))
        from outC in Gen.Int[1, 4]
        from k in Gen.Select(Gen.Frequency((1, Gen.Const(0)), (10, Gen.Int[1, 3])), Gen.Int[1, 3], (h, w) => (H: h, W: w))
        from stride in ExtremePair
        from dilation in ExtremePair
        from padding in Gen.Frequency(
            (4, ExtremePair.Select(p => (Padding)p)),
            (1, Gen.OneOf("same", "valid", "full").Select(s => (Padding)s)))
        from bias in Gen.Bool
        let c = x.Length >= 3 ? x[^3] : 1
        let cin = groups > 0 && c % groups == 0 ? c / groups : 1
        let o = groups > 0 && groups < 64 ? outC * groups : outC
        select ($"stride={stride} padding={padding} dilation={dilation} groups={groups} weight=[{o},{cin},{k.H},{k.W}] bias={bias}",
            bias ? new[] { new Input(x, kind), new Input([o, cin, k.H, k.W]), new Input([o]) } : [new Input(x, kind), new Input([o, cin, k.H, k.W])],
            (CrossCheck.Graph)((e, t) => (e.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding, dilation, groups), null)));

    private static readonly Gen<FuzzCase> MaxPool2d = Case("max_pool2d", ["max_pool2d"],
        from x in Image
        from kind in Values
        from k in ExtremePair
        from stride in OptionalPair
        from padding in PaddingFor(k)
        from dilation in ExtremePair
        from ceil in Gen.Bool
        select ($"kernel={k} stride={stride?.ToString() ?? "None"} padding={padding} dilation={dilation} ceil={ceil}", new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => e.MaxPool2dWithIndices(t[0], k, stride, padding, dilation, ceil))));

    private static readonly Gen<FuzzCase> AvgPool2d = Case("avg_pool2d", ["avg_pool2d"],
        from x in Image
        from kind in Values
        from k in ExtremePair
        from stride in OptionalPair
        from padding in PaddingFor(k)
        from ceil in Gen.Bool
        from includePad in Gen.Bool
        from divisor in Gen.Frequency((3, Gen.Const<int?>((int?)null)), (1, Extreme.Select(v => (int?)v)))
        select ($"kernel={k} stride={stride?.ToString() ?? "None"} padding={padding} ceil={ceil} count_include_pad={includePad} divisor_override={divisor?.ToString() ?? "None"}",
            new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (e.AvgPool2d(t[0], k, stride, padding, ceil, includePad, divisor), null))));

    private static readonly Gen<FuzzCase> LpPool2d = Case("lp_pool2d", ["lp_pool2d", "avg_pool2d"],
        from x in Image
        from kind in Gen.Frequency((3, Gen.Const(Data.Positive)), (1, Values))
        from p in Gen.OneOf(1.0, 2.0, 3.0, 0.5, -1.0, 0.0, double.NaN, double.PositiveInfinity)
        from k in ExtremePair
        from stride in OptionalPair
        from ceil in Gen.Bool
        select ($"norm_type={p} kernel={k} stride={stride?.ToString() ?? "None"} ceil={ceil}", new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (e.LpPool2d(t[0], p, k, stride, ceil), null))));

    private static readonly Gen<Pair> OutputSize = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 8], Gen.Int[0, 8], (h, w) => new Pair(h, w))),
        (1, Gen.Select(Gen.OneOf(1, 2), Gen.OneOf(1 << 16, 1 << 20, int.MaxValue, -1), (h, w) => new Pair(h, w))),
        (1, ExtremePair));

    private static readonly Gen<FuzzCase> AdaptiveAvg = Case("adaptive_avg_pool2d", ["adaptive_avg_pool2d"],
        from x in Image
        from kind in Values
        from size in OutputSize
        select ($"output_size={size}", new[] { new Input(x, kind) }, (CrossCheck.Graph)((e, t) => (e.AdaptiveAvgPool2d(t[0], size), null))));

    private static readonly Gen<FuzzCase> AdaptiveMax = Case("adaptive_max_pool2d", ["adaptive_max_pool2d", "adaptive_max_pooling2d"],
        from x in Image
        from kind in Values
        from size in OutputSize
        select ($"output_size={size}", new[] { new Input(x, kind) }, (CrossCheck.Graph)((e, t) => e.AdaptiveMaxPool2dWithIndices(t[0], size))));

    private static readonly Gen<FuzzCase> MaxUnpool2d = Case("max_unpool2d", ["max_unpool2d", "max_unpooling2d"],
        from x in Image
        from kind in Values
        from k in ExtremePair
        from stride in OptionalPair
        from padding in Gen.Frequency((3, Gen.Const(new Pair(0, 0))), (1, ExtremePair))
        from indexKind in Gen.Int[0, 2]
        from outputSize in Gen.Frequency((3, Gen.Const<int[]?>((int[]?)null)), (1, Gen.Select(Extreme, Extreme, (h, w) => (int[]?)new[] { h, w })))
        let n = x.Aggregate(1L, (a, d) => a * d)
        let indices = Enumerable.Range(0, (int)Math.Min(n, 1 << 16)).Select(i => indexKind switch { 0 => i % 4, 1 => i, _ => i % 3 == 0 ? int.MaxValue : -i }).ToArray()
        select ($"kernel={k} stride={stride?.ToString() ?? "None"} padding={padding} output_size={(outputSize is null ? "None" : string.Join("x", outputSize))} indices={indexKind}",
            new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (e.MaxUnpool2d(t[0], indices, k, stride, padding, outputSize), null))));

    private static readonly Gen<int> PadAmount = Gen.Frequency(
        (8, Gen.Int[-2, 3]), (2, Gen.OneOf(1 << 16, 1 << 30, int.MaxValue, -(1 << 16), -(1 << 30), int.MinValue)));

    private static readonly Gen<FuzzCase> Pad = Case("pad", ["pad", "constant_pad"],
        from x in Image
        from kind in Values
        from count in Gen.OneOf(2, 4, 4, 4, 3, 6)
        from pads in PadAmount.Array[count]
        from value in Gen.OneOf(0.0, 1.5, double.NaN, double.NegativeInfinity)
        select ($"pad=({string.Join(", ", pads)}) value={value}", new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (e.Pad(t[0], pads, value), null))));

    private static readonly Gen<FuzzCase> Reduce = Case("mean", ["mean", "sum", "dim"],
        from x in Image
        from kind in Values
        from mean in Gen.Bool
        from dims in Gen.Int[-6, 5].Array[0, 3]
        from keep in Gen.Bool
        select ($"{(mean ? "mean" : "sum")} dims=({string.Join(", ", dims)}) keepdim={keep}", new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (mean ? e.Mean(t[0], dims, keep) : e.Sum(t[0], dims, keep), null))));

    private static readonly Gen<FuzzCase> Softmax = Case("softmax", ["softmax", "log_softmax", "dim"],
        from x in Image
        from kind in Values
        from log in Gen.Bool
        from dim in Gen.Frequency((4, Gen.Int[-4, 3]), (1, Gen.OneOf(int.MaxValue, int.MinValue, 5, -5)))
        select ($"{(log ? "log_softmax" : "softmax")} dim={dim}", new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (log ? e.LogSoftmax(t[0], dim) : e.Softmax(t[0], dim), null))));

    private static readonly Gen<FuzzCase> CrossEntropy = Case("cross_entropy", ["cross_entropy", "nll_loss"],
        from n in Gen.Int[0, 3]
        from c in Gen.Int[0, 4]
        from kind in Values
        from targets in Gen.Frequency((6, Gen.Int[0, Math.Max(0, c - 1)]), (1, Gen.OneOf(-1, -100, 4, int.MaxValue, int.MinValue))).Array[n]
        from ignore in Gen.OneOf(-100, 0, int.MaxValue, int.MinValue)
        from reduction in Gen.OneOf(Reduction.Mean, Reduction.Sum, Reduction.None)
        select ($"targets=({string.Join(", ", targets)}) ignore_index={ignore} reduction={reduction}", new[] { new Input([n, c], kind) },
            (CrossCheck.Graph)((e, t) => (e.CrossEntropy(t[0], targets, reduction, ignore), null))));

    private static readonly Gen<int> DimArg = Gen.Frequency((6, Gen.Int[-5, 4]), (1, Gen.OneOf(int.MaxValue, int.MinValue, 1 << 30, -(1 << 30))));

    private static readonly Gen<FuzzCase> ShapeOps = Case("reshape", ["reshape", "view", "permute", "transpose", "unsqueeze", "squeeze", "flatten", "dim", "shape"],
        from x in Image
        from kind in Values
        from which in Gen.Int[0, 6]
        from dims in DimArg.Array[1, 5]
        from sizes in Gen.Frequency((4, Gen.Int[-1, 6]), (1, Gen.OneOf(0, 1 << 16, 1 << 30, int.MaxValue, -2, int.MinValue))).Array[1, 5]
        select (which switch
            {
                0 => $"reshape({string.Join(", ", sizes)})",
                1 => $"view({string.Join(", ", sizes)})",
                2 => $"permute({string.Join(", ", dims)})",
                3 => $"transpose({dims[0]}, {dims[^1]})",
                4 => $"unsqueeze({dims[0]})",
                5 => $"squeeze({dims[0]})",
                _ => $"flatten({dims[0]}, {dims[^1]})",
            }, new[] { new Input(x, kind) },
            (CrossCheck.Graph)((e, t) => (which switch
            {
                0 => e.Reshape(t[0], sizes),
                1 => e.View(t[0], sizes),
                2 => e.Permute(t[0], dims),
                3 => e.Transpose(t[0], dims[0], dims[^1]),
                4 => e.Unsqueeze(t[0], dims[0]),
                5 => e.Squeeze(t[0], dims[0]),
                _ => e.Flatten(t[0], dims[0], dims[^1]),
            }, null))));

    private static readonly Gen<int[]> SmallShape = Gen.Frequency((1, Gen.Const(0)), (8, Gen.Int[1, 4])).Array[0, 4];

    private static readonly Gen<FuzzCase> Matmul = Case("matmul", ["matmul", "mm", "bmm", "linear", "size", "shape", "broadcast"],
        from a in SmallShape
        from b in SmallShape
        from linear in Gen.Bool
        from kind in Values
        select ($"{(linear ? "linear" : "matmul")} [{string.Join(",", a)}] x [{string.Join(",", b)}]", new[] { new Input(a, kind), new Input(b) },
            (CrossCheck.Graph)((e, t) => (linear ? e.Linear(t[0], t[1]) : e.Matmul(t[0], t[1]), null))));

    /// <summary>Every op, weighted toward the geometry-heavy ones the issue is about.</summary>
    public static readonly Gen<FuzzCase> Any = Gen.Frequency(
        (4, Conv2d), (4, MaxPool2d), (4, AvgPool2d), (2, LpPool2d), (2, AdaptiveAvg), (2, AdaptiveMax),
        (2, MaxUnpool2d), (3, Pad), (1, Reduce), (1, Softmax), (1, CrossEntropy), (2, ShapeOps), (1, Matmul));

    /// <summary>Case <paramref name="index"/> of <paramref name="seed"/>: the same configuration on every run and machine.</summary>
    public static FuzzCase Draw(int seed, int index) => Any.Generate(new PCG((uint)seed, (ulong)index * 0x9E3779B97F4A7C15UL + 1), null, out _);
}
