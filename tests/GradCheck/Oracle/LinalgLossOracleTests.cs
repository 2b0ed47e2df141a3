using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

/// <summary>matmul, linear, softmax/log_softmax, cross_entropy and mse_loss against libtorch.</summary>
[Collection(OracleCollection.Name)]
public class LinalgLossOracleTests
{
    private static string S(int[] s) => $"[{string.Join(",", s)}]";

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MatmulMatchesLibtorch(DType dtype)
    {
        var shapes = new (int[] A, int[] B, string Tag)[]
        {
            ([5], [5], "1-D · 1-D"), ([4], [4, 3], "1-D · 2-D"), ([3, 4], [4], "2-D · 1-D"), ([3, 4], [4, 5], "2-D · 2-D"),
            ([17, 33], [33, 9], "2-D · 2-D"), ([2, 3, 4], [4, 5], "batched · 2-D"), ([3, 4], [2, 4, 5], "2-D · batched"),
            ([2, 3, 4], [2, 4, 5], "batched · batched"), ([2, 1, 3, 4], [5, 4, 2], "broadcast batch dims"),
            ([4], [2, 4, 3], "1-D · batched"), ([2, 3, 4], [4], "batched · 1-D"), ([1, 1], [1, 1], "2-D · 2-D"),
        };
        CrossCheck.All(dtype,
            from sh in shapes
            from g in new[] { (true, true), (true, false), (false, true) }
            select (new Case("Matmul", $"{S(sh.A)} @ {S(sh.B)} grad {g.Item1}/{g.Item2}", [sh.Tag], [new Input(sh.A, Data.Normal, g.Item1), new Input(sh.B, Data.Normal, g.Item2)]),
                (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => e.Matmul(x[0], x[1]))));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LinearMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from x in new[] { new[] { 4, 6 }, [6], [2, 3, 6], [1, 6] }
        from bias in new[] { true, false }
        select (new Case("Linear", $"x{S(x)} w[5,6]{(bias ? " bias" : "")}", [bias ? "bias" : "no bias", x.Length == 2 ? "2-D input" : $"{x.Length}-D input"],
                bias ? [new Input(x), new Input([5, 6]), new Input([5])] : [new Input(x), new Input([5, 6])]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, t) => e.Linear(t[0], t[1], bias ? t[2] : null))));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SoftmaxAndLogSoftmaxMatchLibtorch(DType dtype) => CrossCheck.All(dtype,
        from c in new (int[] Shape, int Dim)[] { ([7], 0), ([3, 5], 1), ([3, 5], 0), ([2, 3, 4], -1), ([2, 3, 4], 1), ([4, 33], 1), ([], 0) }
        from scale in new[] { 1.0, 40 }
        from kind in new[] { Data.Normal, Data.Special }
        where kind == Data.Normal || scale == 1
        from op in new[] { "Softmax", "LogSoftmax" }
        select (new Case(op, $"{S(c.Shape)} dim {c.Dim} scale {scale} {kind}",
                [c.Dim < 0 ? "negative dim" : "dim", scale > 1 ? "large logits" : kind == Data.Special ? "±inf/NaN inputs" : "normal inputs"], [new Input(c.Shape, kind)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => op == "Softmax" ? e.Softmax(x[0] * scale, c.Dim) : e.LogSoftmax(x[0] * scale, c.Dim))));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropyMatchesLibtorch(DType dtype)
    {
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        var r = Sweep.Random(99);
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            foreach (var (n, c) in new[] { (4, 3), (1, 5), (7, 10), (3, 1) })
            {
                var target = Enumerable.Range(0, n).Select(_ => r.Next(c)).ToArray();
                cases.Add((new Case("CrossEntropy", $"({n}, {c}) {red}", [$"reduction {red}", "batched (N, C)"], [new Input([n, c])]),
                    (e, x) => e.CrossEntropy(x[0], target, red)));
                var ignored = target.Select((t, i) => i % 2 == 0 ? -100 : t).ToArray();
                cases.Add((new Case("CrossEntropy", $"({n}, {c}) {red} ignore_index -100 on even rows", [$"reduction {red}", "ignore_index"], [new Input([n, c])]),
                    (e, x) => e.CrossEntropy(x[0], ignored, red)));
                int ig = target[0];
                cases.Add((new Case("CrossEntropy", $"({n}, {c}) {red} ignore_index {ig}", [$"reduction {red}", "ignore_index"], [new Input([n, c])]),
                    (e, x) => e.CrossEntropy(x[0], target, red, ig)));
            }
            cases.Add((new Case("CrossEntropy", $"(5) unbatched {red}", [$"reduction {red}", "unbatched (C)"], [new Input([5])]),
                (e, x) => e.CrossEntropy(x[0], [3], red)));
            cases.Add((new Case("CrossEntropy", $"(4, 3) large logits {red}", [$"reduction {red}", "large logits"], [new Input([4, 3])]),
                (e, x) => e.CrossEntropy(x[0] * 60, [0, 2, 1, 2], red)));
        }
        CrossCheck.All(dtype, cases);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MseLossMatchesLibtorch(DType dtype) => CrossCheck.All(dtype,
        from red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None }
        from s in new (int[] In, int[] Target)[] { ([4, 3], [4, 3]), ([7], [7]), ([2, 3, 4], [2, 3, 4]), ([], []), ([4, 3], [3]), ([4, 1], [1, 3]) }
        from tg in new[] { true, false }
        select (new Case("MseLoss", $"{S(s.In)} vs {S(s.Target)} {red} target grad {tg}",
                [$"reduction {red}", s.In.SequenceEqual(s.Target) ? "same shape" : "broadcast target", tg ? "target requires grad" : "target without grad"],
                [new Input(s.In), new Input(s.Target, Data.Normal, tg)]),
            (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => e.MseLoss(x[0], x[1], red))));
}
