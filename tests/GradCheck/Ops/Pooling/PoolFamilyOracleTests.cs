using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>adaptive avg/max pooling, max_unpool2d and lp_pool2d against libtorch.</summary>
[Collection(OracleCollection.Name)]
public class PoolFamilyOracleTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AdaptivePoolingMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(555);
        var failures = new List<string>();
        int n = 0;
        for (int i = 0; i < 80; i++)
        {
            int h = 1 + r.Next(9), w = 1 + r.Next(9);
            Pair o = r.Next(5) == 0 ? 1 : (1 + r.Next(h + 2), 1 + r.Next(w + 2));
            bool unbatched = r.Next(4) == 0;
            int[] shape = unbatched ? [2, h, w] : [1 + r.Next(2), 2, h, w];
            var kind = r.Next(4) switch { 0 or 1 => Data.Normal, 2 => Data.Ties, _ => Data.Special };
            string[] Tags(Data d) => [o == new Pair(1, 1) ? "global (1×1)" : o.H > h || o.W > w ? "output larger than input" : o.H * 2 <= h ? "output ≤ half the input" : "other sizes",
                unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)", d switch { Data.Ties => "ties", Data.Special => "±inf/NaN inputs", _ => "normal inputs" }];
            string cfg = $"x[{string.Join(",", shape)}] {kind} output {o}";
            var avgKind = kind == Data.Ties ? Data.Normal : kind;
            var avg = new Case("AdaptiveAvgPool2d", cfg, Tags(avgKind), [new Input(shape, avgKind)]);
            if (CrossCheck.Compare(avg, dtype, (e, x) => e.AdaptiveAvgPool2d(x[0], o), n++) is { } m1) failures.Add(m1);
            var max = new Case(i % 2 == 0 ? "AdaptiveMaxPool2dWithIndices" : "AdaptiveMaxPool2d", cfg, Tags(kind), [new Input(shape, kind)]);
            var m2 = i % 2 == 0
                ? CrossCheck.CompareWithIndices(max, dtype, (e, x) => e.AdaptiveMaxPool2dWithIndices(x[0], o), n++)
                : CrossCheck.Compare(max, dtype, (e, x) => e.AdaptiveMaxPool2d(x[0], o), n++);
            if (m2 is not null) failures.Add(m2);
        }
        CrossCheck.AssertAllAgree(failures, n);
    }

    /// <summary>
    /// Adaptive windows are always compact (Note [Compact pool axes]); 5000 outputs per row span two column
    /// blocks, and stride 2^22 makes lp_pool2d's avg_pool2d and max_unpool2d's max_pool2d compact.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CompactLayoutFamilyMatchesLibtorch(DType dtype)
    {
        var failures = new List<string>();
        int n = 0;
        string[] tags = ["compact layout"];
        var wide = new Input([1, 2, 3, 7]);
        if (CrossCheck.Compare(new Case("AdaptiveAvgPool2d", "x[1,2,3,7] output (2, 5000)", tags, [wide]), dtype,
                (e, x) => e.AdaptiveAvgPool2d(x[0], (2, 5000)), n++) is { } m1) failures.Add(m1);
        if (CrossCheck.CompareWithIndices(new Case("AdaptiveMaxPool2dWithIndices", "x[1,2,3,7] output (2, 5000)", tags, [new Input([1, 2, 3, 7], Data.Ties)]), dtype,
                (e, x) => e.AdaptiveMaxPool2dWithIndices(x[0], (2, 5000)), n++) is { } m2) failures.Add(m2);
        if (CrossCheck.Compare(new Case("LpPool2d", "x[1,2,5,7] Positive p 3 kernel 3 stride 2^22 ceil_mode=True", tags, [new Input([1, 2, 5, 7], Data.Positive)]), dtype,
                (e, x) => e.LpPool2d(x[0], 3, 3, 1 << 22, ceilMode: true), n++) is { } m3) failures.Add(m3);
        if (CrossCheck.Compare(new Case("MaxUnpool2d", "unpool(max_pool2d(x, 2, 2^22)) output_size 5x7", tags, [new Input([2, 3, 5, 7])]), dtype, (e, x) =>
            {
                var (y, idx) = e.MaxPool2dWithIndices(x[0], 2, 1 << 22);
                return e.MaxUnpool2d(y, idx, 2, 1 << 22, outputSize: [5, 7]);
            }, n++) is { } m4) failures.Add(m4);
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxUnpool2dMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(909);
        var failures = new List<string>();
        int n = 0;
        for (int i = 0; i < 60; i++)
        {
            Pair k = 1 + r.Next(3);
            Pair s = r.Next(3) == 0 ? k : (1 + r.Next(3), 1 + r.Next(3));
            Pair p = (r.Next(k.H / 2 + 1), r.Next(k.W / 2 + 1));
            int h = 1 + r.Next(4), w = 1 + r.Next(4), planes = 2;
            int defH = (h - 1) * s.H - 2 * p.H + k.H, defW = (w - 1) * s.W - 2 * p.W + k.W;
            if (defH < 1 || defW < 1) { i--; continue; }
            int[]? outputSize = r.Next(3) == 0 ? [defH + r.Next(s.H), defW + r.Next(s.W)] : null;
            int oh = outputSize?[0] ?? defH, ow = outputSize?[1] ?? defW;
            if (h * w > oh * ow) { i--; continue; }
            // distinct indices inside each output plane (a repeated index's forward depends on write order)
            var indices = new int[planes * h * w];
            for (int pl = 0; pl < planes; pl++)
            {
                var cells = Enumerable.Range(0, oh * ow).OrderBy(_ => r.Next()).Take(h * w).ToArray();
                cells.CopyTo(indices, pl * h * w);
            }
            bool unbatched = i % 3 == 0;
            int[] shape = unbatched ? [planes, h, w] : [1, planes, h, w];
            var cs = new Case("MaxUnpool2d", $"x[{string.Join(",", shape)}] kernel {k} stride {s} padding {p} output_size {(outputSize is null ? "default" : string.Join("x", outputSize))}",
                [outputSize is null ? "default output size" : "explicit output_size", unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)", p == new Pair(0, 0) ? "padding 0" : "padding > 0"],
                [new Input(shape)]);
            if (CrossCheck.Compare(cs, dtype, (e, x) => e.MaxUnpool2d(x[0], indices, k, s, p, outputSize), n++) is { } m) failures.Add(m);
        }
        // The round trip the op exists for: unpool(pool(x)), indices from each engine's own pooling.
        foreach (var (k, s) in new (int, int)[] { (2, 2), (3, 2), (2, 1) })
        {
            var cs = new Case("MaxUnpool2d", $"unpool(max_pool2d(x)) kernel {k} stride {s}", ["round trip with max_pool2d indices"], [new Input([2, 3, 7, 8])]);
            if (CrossCheck.Compare(cs, dtype, (e, x) =>
                {
                    var (y, idx) = e.MaxPool2dWithIndices(x[0], k, s);
                    return e.MaxUnpool2d(y, idx, k, s, outputSize: [7, 8]);
                }, n++) is { } m) failures.Add(m);
        }
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LpPool2dMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(313);
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        for (int i = 0; i < 90; i++)
        {
            double norm = new[] { 1.0, 2, 3, 1.5, 4, 0.5 }[r.Next(6)];
            Pair k = r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1 + r.Next(3);
            Pair? s = r.Next(3) == 0 ? null : (1 + r.Next(3), 1 + r.Next(3));
            bool ceil = r.Next(2) == 0, unbatched = r.Next(4) == 0;
            int h = k.H + r.Next(5), w = k.W + r.Next(5);
            int[] shape = unbatched ? [2, h, w] : [1 + r.Next(2), 2, h, w];
            // Integer powers accept any sign; fractional ones need positive inputs (a negative base gives NaN on both sides, tested by Special).
            var kind = r.Next(5) switch { 0 => Data.Special, 1 => Data.Ties, _ => norm == Math.Floor(norm) ? Data.Normal : Data.Positive };
            cases.Add((new Case("LpPool2d", $"x[{string.Join(",", shape)}] {kind} p {norm} kernel {k} stride {s?.ToString() ?? "default"} ceil_mode={ceil}",
                    [$"norm_type {norm}", s is null ? "stride default (= kernel)" : "stride given", ceil ? "ceil_mode" : "floor mode",
                     kind switch { Data.Ties => "integer inputs (zeros, ties)", Data.Special => "±inf/NaN inputs", Data.Positive => "positive inputs", _ => "normal inputs" }],
                    [new Input(shape, kind)]),
                (e, x) => e.LpPool2d(x[0], norm, k, s, ceil)));
        }
        CrossCheck.All(dtype, cases);
    }
}
