using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Layers;

/// <summary>conv_transpose2d, interpolate and embedding against libtorch: values and every gradient, float32 and float64, and error agreement.</summary>
[Collection(OracleCollection.Name)]
public class LayersOracleTests
{
    /// <summary>One conv_transpose2d configuration.</summary>
    private sealed record ConvT(int N, int C, int H, int W, int OutC, int KH, int KW, Pair Stride, Pair Padding, Pair OutputPadding,
        Pair Dilation, int Groups, bool Bias, bool Unbatched, bool InputGrad)
    {
        public int[] InputShape => Unbatched ? [C, H, W] : [N, C, H, W];
        public int[] WeightShape => [C, Groups <= 0 ? OutC : OutC / Groups, KH, KW];

        public override string ToString() =>
            $"x[{string.Join(",", InputShape)}] w[{string.Join(",", WeightShape)}]{(Bias ? " bias" : "")} stride {Stride} padding {Padding} output_padding {OutputPadding} dilation {Dilation} groups {Groups}";

        public Case ToCase(string[] tags)
        {
            var inputs = new List<Input> { new(InputShape, Data.Normal, InputGrad), new(WeightShape) };
            if (Bias) inputs.Add(new Input([OutC]));
            return new Case("ConvTranspose2d", ToString(), tags, [.. inputs]);
        }

        public OracleTensor Run(IOracleBackend e, OracleTensor[] x)
            => e.ConvTranspose2d(x[0], x[1], Bias ? x[2] : null, Stride, Padding, OutputPadding, Groups, Dilation);
    }

    private static ConvT RandomValid(Random r)
    {
        int groups = r.Next(4) == 0 ? 1 + r.Next(3) : 1;
        int c = groups * (1 + r.Next(3)), outC = groups * (1 + r.Next(3));
        int kh = 1 + r.Next(4), kw = r.Next(3) == 0 ? 1 + r.Next(4) : kh;
        Pair stride = r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1 + r.Next(3);
        Pair dilation = r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1;
        Pair padding = r.Next(2) == 0 ? r.Next(3) : (r.Next(3), r.Next(3));
        // output padding below max(stride, dilation) per dim
        Pair op = r.Next(2) == 0 ? 0 : (r.Next(Math.Max(stride.H, dilation.H)), r.Next(Math.Max(stride.W, dilation.W)));
        int h = 1 + r.Next(5), w = 1 + r.Next(5);
        // grow the input until the output is at least 1
        while ((h - 1) * stride.H - 2 * padding.H + dilation.H * (kh - 1) + op.H + 1 < 1) h++;
        while ((w - 1) * stride.W - 2 * padding.W + dilation.W * (kw - 1) + op.W + 1 < 1) w++;
        return new ConvT(1 + r.Next(3), c, h, w, outC, kh, kw, stride, padding, op, dilation, groups, r.Next(10) < 7, r.Next(5) == 0, r.Next(6) != 0);
    }

    private static string[] Tags(ConvT c) =>
    [
        c.Stride == new Pair(1, 1) ? "stride 1" : "stride > 1",
        c.Padding == new Pair(0, 0) ? "padding 0" : "padding > 0",
        c.OutputPadding == new Pair(0, 0) ? "output_padding 0" : c.OutputPadding.H > c.Padding.H || c.OutputPadding.W > c.Padding.W ? "output_padding > padding" : "output_padding ≤ padding",
        c.Dilation == new Pair(1, 1) ? "dilation 1" : "dilation > 1",
        c.Groups == 1 ? "groups 1" : "groups > 1",
        c.Bias ? "bias" : "no bias",
        c.Unbatched ? "unbatched" : "batched",
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvTranspose2dRandomGridMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(15001);
        CrossCheck.All(dtype, Enumerable.Range(0, Sweep.Count(150)).Select(_ => RandomValid(r))
            .Select(c => (c.ToCase(Tags(c)), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    /// <summary>Shapes wide enough for the fast conv paths (the input gradient as a convolution, HWC weight gradient).</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvTranspose2dWideLayersMatchLibtorch(DType dtype)
    {
        ConvT[] wide =
        [
            new(2, 64, 7, 7, 32, 4, 4, 2, 1, 0, 1, 1, true, false, true),      // DCGAN-style k4 s2 p1
            new(2, 40, 12, 12, 36, 3, 3, 1, 1, 0, 1, 1, true, false, true),    // stride 1: dX as a convolution
            new(1, 32, 9, 10, 32, 3, 3, 2, 1, 1, 1, 2, false, false, true),    // grouped, output padding
            new(2, 33, 6, 5, 34, 3, 2, 2, 0, 1, 1, 1, true, false, true),      // output padding > padding
        ];
        CrossCheck.All(dtype, wide.Select(c => (c.ToCase([.. Tags(c), "wide layer"]), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    /// <summary>Empty batches, 1×1 inputs, a kernel larger than the output would be without padding.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvTranspose2dEdgeShapesMatchLibtorch(DType dtype)
    {
        ConvT[] edge =
        [
            new(0, 2, 3, 3, 4, 3, 3, 2, 1, 1, 1, 1, true, false, true),       // empty batch
            new(1, 3, 1, 1, 2, 1, 1, 1, 0, 0, 1, 1, true, false, true),       // 1×1 everything
            new(2, 2, 1, 1, 2, 5, 5, 3, 2, 2, 1, 1, true, false, true),       // one pixel, output padding = padding
            new(1, 2, 2, 2, 2, 2, 2, 3, 0, 2, 1, 1, false, false, true),      // output padding 2 > padding 0: two zero rows
            new(1, 2, 4, 3, 2, 3, 3, 1, 0, 2, 3, 1, true, true, true),        // unbatched, output padding from dilation 3
        ];
        CrossCheck.All(dtype, edge.Select(c => (c.ToCase([.. Tags(c), "edge shape"]), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    private static (string Why, ConvT Conv) Mutate(ConvT c, Random r) => r.Next(9) switch
    {
        0 => ("input channels ≠ weight dim 0", c with { C = c.C + 1, Groups = 1, OutC = c.OutC / c.Groups }),
        1 => ("output padding ≥ stride and dilation", c with { OutputPadding = Math.Max(c.Stride.H, c.Dilation.H) + r.Next(2) }),
        2 => ("non-positive stride", c with { Stride = (0, 1) }),
        3 => ("negative padding", c with { Padding = (-1, 0) }),
        4 => ("negative output padding", c with { OutputPadding = (0, -1) }),
        5 => ("non-positive dilation", c with { Dilation = (1, 0) }),
        6 => ("groups = 0", c with { Groups = 0 }),
        7 => ("output size too small", c with { H = 1, W = 1, KH = 1, KW = 1, Padding = 2, OutputPadding = 0, Dilation = 1 }),
        _ => ("valid configuration", c),
    };

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ConvTranspose2dRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        var r = Sweep.Random(15002);
        var failures = new List<string>();
        int n = 0;
        for (; n < Sweep.Count(80); n++)
        {
            var (why, c) = Mutate(RandomValid(r), r);
            if (CrossCheck.Agree(c.ToCase([why]), dtype, c.Run, n) is { } m) failures.Add(m);
        }
        var extra = new (string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[]
        {
            ("input rank 2", [new([3, 5]), new([3, 2, 1, 1])], (e, x) => e.ConvTranspose2d(x[0], x[1])),
            ("weight rank 3", [new([1, 3, 5, 5]), new([3, 2, 3])], (e, x) => e.ConvTranspose2d(x[0], x[1])),
            ("zero input channels (weight dim 0 below groups)", [new([2, 0, 3, 3]), new([0, 4, 3, 3])], (e, x) => e.ConvTranspose2d(x[0], x[1])),
            ("in_channels not divisible by groups", [new([1, 3, 3, 3]), new([3, 2, 3, 3])], (e, x) => e.ConvTranspose2d(x[0], x[1], groups: 2)),
            ("bias of the wrong size", [new([1, 3, 5, 5]), new([3, 2, 3, 3]), new([3])], (e, x) => e.ConvTranspose2d(x[0], x[1], x[2])),
            ("output padding 1 with stride 1", [new([1, 3, 5, 5]), new([3, 2, 3, 3])], (e, x) => e.ConvTranspose2d(x[0], x[1], outputPadding: 1)),
            ("output padding 1 with dilation 2", [new([1, 3, 5, 5]), new([3, 2, 3, 3])], (e, x) => e.ConvTranspose2d(x[0], x[1], outputPadding: 1, dilation: 2)),
        };
        foreach (var (why, inputs, f) in extra)
            if (CrossCheck.Agree(new Case("ConvTranspose2d", why, [why], inputs), dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void InterpolateMatchesLibtorch(DType dtype)
    {
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        (int H, int W, Pair? Size, ScalePair? Scale, bool Recompute)[] shapes =
        [
            (3, 4, (5, 7), null, false), (4, 4, (8, 8), null, false), (5, 6, (3, 4), null, false), (4, 5, (4, 5), null, false),
            (1, 3, (4, 1), null, false), (7, 5, (3, 11), null, false),
            (4, 3, null, (2, 2), false), (4, 3, null, (1.5, 2.5), false), (5, 6, null, (0.7, 0.5), false), (3, 3, null, (1.7, 3.3), false),
            (5, 6, null, (0.7, 1.3), true), (6, 6, null, (2.5, 2.5), true),
        ];
        string[] modes = ["nearest", "nearest-exact", "bilinear/false", "bilinear/true", "area"];
        foreach (var mm in modes)
            foreach (var (h, w, size, scale, recompute) in shapes)
            {
                string mode = mm.Split('/')[0];
                bool? corners = mm.Contains('/') ? mm.EndsWith("true") : null;
                string cfg = $"{mm} [2,3,{h},{w}] size {size} scale {scale} recompute {recompute}";
                string[] tags = [mm, size is null ? (recompute ? "scale (recomputed)" : "scale factor") : "size"];
                cases.Add((new Case("Interpolate", cfg, tags, [new([2, 3, h, w])]),
                    (e, x) => e.Interpolate(x[0], size, scale, mode, corners, recompute)));
            }
        CrossCheck.All(dtype, cases);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void InterpolateRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        var bad = new (string Why, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[]
        {
            ("size and scale", (e, x) => e.Interpolate(x[0], (4, 4), 2.0)),
            ("neither size nor scale", (e, x) => e.Interpolate(x[0])),
            ("align_corners with nearest", (e, x) => e.Interpolate(x[0], (4, 4), null, "nearest", true)),
            ("output size 0", (e, x) => e.Interpolate(x[0], null, 0.1, "bilinear", false)),
            ("valid: bilinear scale 1", (e, x) => e.Interpolate(x[0], null, 1.0, "bilinear", false)),
        };
        var failures = new List<string>();
        int n = 0;
        foreach (var (why, f) in bad)
            if (CrossCheck.Agree(new Case("Interpolate", why, [why], [new([1, 2, 3, 3])]), dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EmbeddingMatchesLibtorch(DType dtype)
    {
        long[] idx = [0, 3, 4, 3, 1, 4, 4, 2, 0, 6];
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        foreach (long? pad in new long?[] { null, 3, -3, 0 })
            foreach (bool freq in new[] { false, true })
                foreach (int[] shape in new[] { new[] { 10 }, new[] { 2, 5 } })
                    cases.Add((new Case("Embedding", $"idx [{string.Join(",", shape)}] padding_idx {pad} scale_grad_by_freq {freq}",
                        [pad is null ? "no padding_idx" : "padding_idx", freq ? "scale_grad_by_freq" : "plain"], [new([7, 4])]),
                        (e, x) => e.Embedding(e.FromInt64(idx, shape), x[0], pad, scaleGradByFreq: freq)));
        CrossCheck.All(dtype, cases);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EmbeddingRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        var bad = new (string Why, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[]
        {
            ("index out of range", (e, x) => e.Embedding(e.FromInt64([0, 7], [2]), x[0])),
            ("negative index", (e, x) => e.Embedding(e.FromInt64([-1], [1]), x[0])),
            ("valid", (e, x) => e.Embedding(e.FromInt64([6, 0], [2]), x[0], 2)),
        };
        var failures = new List<string>();
        int n = 0;
        foreach (var (why, f) in bad)
            if (CrossCheck.Agree(new Case("Embedding", why, [why], [new([7, 4])]), dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }
}
