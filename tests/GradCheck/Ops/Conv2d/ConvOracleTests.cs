using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Conv2d;

/// <summary>conv2d and pad against libtorch: a seeded random grid over every option, and error agreement.</summary>
[Collection(OracleCollection.Name)]
public class ConvOracleTests
{
    /// <summary>One conv2d configuration; Grad says which of input, weight, bias require grad.</summary>
    private sealed record Conv(int N, int C, int H, int W, int OutC, int KH, int KW, Pair Stride, Padding Padding, Pair Dilation,
        int Groups, bool Bias, bool Unbatched, bool InputGrad)
    {
        public int[] InputShape => Unbatched ? [C, H, W] : [N, C, H, W];
        public int[] WeightShape => [OutC, Groups == 0 ? C : C / Groups, KH, KW];

        public override string ToString() =>
            $"x[{string.Join(",", InputShape)}] w[{string.Join(",", WeightShape)}]{(Bias ? " bias" : "")} stride {Stride} padding {Padding} dilation {Dilation} groups {Groups}";

        public Case ToCase(string[] tags)
        {
            var inputs = new List<Input> { new(InputShape, Data.Normal, InputGrad), new(WeightShape) };
            if (Bias) inputs.Add(new Input([OutC]));
            return new Case("Conv2d", ToString(), tags, [.. inputs]);
        }

        public OracleTensor Run(IOracleBackend e, OracleTensor[] x)
            => e.Conv2d(x[0], x[1], Bias ? x[2] : null, Stride, Padding, Dilation, Groups);
    }

    /// <summary>A valid configuration drawn at random: every option, odd and non-square sizes.</summary>
    private static Conv RandomValid(Random r)
    {
        int groups = r.Next(4) == 0 ? 1 + r.Next(3) : 1;
        int c = groups * (1 + r.Next(3)), outC = groups * (1 + r.Next(3));
        int kh = 1 + r.Next(4), kw = r.Next(3) == 0 ? 1 + r.Next(4) : kh;
        Pair dilation = r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1;
        int mode = r.Next(5); // 0-2 explicit, 3 same, 4 valid
        Pair stride = mode == 3 ? 1 : r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1 + r.Next(2);
        Padding padding = mode switch
        {
            3 => "same",
            4 => "valid",
            _ => r.Next(2) == 0 ? (Padding)r.Next(3) : (r.Next(3), r.Next(3)),
        };
        int effH = dilation.H * (kh - 1) + 1, effW = dilation.W * (kw - 1) + 1;
        int padH = padding.Mode is null ? padding.Size.H : 0, padW = padding.Mode is null ? padding.Size.W : 0;
        int h = Math.Max(1, effH - 2 * padH) + r.Next(6), w = Math.Max(1, effW - 2 * padW) + r.Next(6);
        return new Conv(1 + r.Next(3), c, h, w, outC, kh, kw, stride, padding, dilation, groups, r.Next(10) < 7, r.Next(5) == 0, r.Next(6) != 0);
    }

    private static string[] Tags(Conv c) =>
    [
        c.Stride == new Pair(1, 1) ? "stride 1" : c.Stride.H != c.Stride.W ? "stride (h ≠ w)" : "stride > 1",
        c.Padding.Mode is { } m ? $"padding '{m}'" : c.Padding.Size == new Pair(0, 0) ? "padding 0" : c.Padding.Size.H != c.Padding.Size.W ? "padding (h ≠ w)" : "padding > 0",
        c.Dilation == new Pair(1, 1) ? "dilation 1" : "dilation > 1",
        c.Groups == 1 ? "groups 1" : "groups > 1",
        c.Bias ? "bias" : "no bias",
        c.Unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)",
        c.KH != c.KW ? "non-square kernel" : "square kernel",
        c.InputGrad ? "input requires grad" : "input without grad",
        .. c.Padding.Mode == "same" && ((c.Dilation.H * (c.KH - 1)) % 2 == 1 || (c.Dilation.W * (c.KW - 1)) % 2 == 1) ? new[] { "padding 'same', uneven (asymmetric)" } : [],
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Conv2dRandomGridMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(20240601);
        CrossCheck.All(dtype, Enumerable.Range(0, Sweep.Count(240)).Select(_ => RandomValid(r))
            .Select(c => (c.ToCase(Tags(c)), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    /// <summary>
    /// The random grid's sizes stay small (fast to compare), so they never reach the paths taken only by
    /// wide layers: the HWC weight-gradient GEMM (Note [Weight gradient as GEMM]), the input gradient
    /// as a convolution (Note [Input gradient as a convolution]), padded im2col planes (Note [Padded
    /// im2col]), col2im row blocks. These shapes do, with ragged channel counts and every option.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Conv2dWideLayerPathsMatchLibtorch(DType dtype)
    {
        Conv[] wide =
        [
            new(2, 33, 24, 24, 40, 3, 3, 1, 1, 1, 1, true, false, true),               // HWC dW, dX as a convolution
            new(2, 64, 23, 27, 64, 3, 3, 1, (1, 2), (1, 2), 2, true, false, true),     // grouped, dilated, uneven padding
            new(1, 35, 30, 31, 33, 2, 4, 1, "same", 2, 1, false, false, true),         // even kernel, 'same' (asymmetric)
            new(3, 32, 12, 13, 16, 3, 3, 1, 1, 1, 1, true, false, true),               // small images, several per GEMM call
            new(2, 32, 20, 21, 32, 3, 3, (2, 1), 1, 1, 1, true, false, true),          // row stride: padded planes
            new(1, 64, 9, 60, 24, 3, 3, 1, 1, 1, 1, false, true, true),                // unbatched, wide rows: col2im blocks
            new(3, 33, 12, 11, 17, 4, 4, 2, 1, 1, 1, true, false, true),               // small strided images: HWC dW with stride 2
        ];
        CrossCheck.All(dtype, wide.Select(c => (c.ToCase([.. Tags(c), "wide layer (fast paths)"]), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    /// <summary>
    /// One geometry per path of every pass (Note [Conv plan]): the test first asserts that together
    /// they select every forward, input-gradient and weight-gradient path, then that each agrees with libtorch.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EveryConvPlanPathMatchesLibtorch(DType dtype)
    {
        Conv[] paths =
        [
            new(2, 6, 7, 9, 4, 1, 1, 1, 0, 1, 1, true, false, true),                   // pointwise GEMMs
            new(2, 8, 20, 41, 8, 3, 3, 2, 1, 1, 4, true, false, true),                 // direct forward and input gradient, dot dW
            new(2, 3, 16, 36, 16, 5, 5, 1, 0, 1, 1, true, false, true),                // direct forward, col2im, batched dot dW
            new(2, 33, 24, 24, 40, 3, 3, 1, 1, 1, 1, true, false, true),               // wide rows, dX as a convolution, HWC dW
            new(2, 9, 5, 5, 7, 3, 3, 1, 1, 1, 1, true, false, true),                   // padded im2col (2 of 7 padded columns discarded)
            new(1, 24, 10, 9, 6, 3, 5, (1, 2), 0, 1, 1, true, false, true),            // phase-split im2col (2 of 5 phase columns discarded)
            new(2, 32, 14, 14, 48, 4, 4, 2, 1, 1, 1, true, false, true),               // dX by output phases (k4 s2 p1)
            new(1, 24, 18, 22, 10, 3, 3, (1, 2), 1, 1, 1, true, false, true),          // wide rows over column phases, col2im, dot dW
            new(1, 2, 6, 7, 2, 3, 3, 1, 1000, 999, 1, true, false, true),              // bounded loops
        ];
        var plans = paths.Select(c => ConvPlan.For(ConvGeometry.Create(Tensor.Zeros(c.InputShape), Tensor.Zeros(c.WeightShape), null,
            c.Stride, c.Padding, c.Dilation, c.Groups))).ToArray();
        Assert.Equal(Enum.GetValues<ConvForwardPath>().Skip(1), plans.Select(p => p.Forward).Distinct().Order());
        Assert.Equal(Enum.GetValues<ConvInputGradPath>().Skip(1), plans.Select(p => p.InputGrad).Distinct().Order());
        Assert.Equal(Enum.GetValues<ConvWeightGradPath>().Skip(1), plans.Select(p => p.WeightGrad).Distinct().Order());
        CrossCheck.All(dtype, paths.Select(c => (c.ToCase([.. Tags(c), "every plan path"]), (Func<IOracleBackend, OracleTensor[], OracleTensor>)c.Run)));
    }

    /// <summary>
    /// Strides, paddings and dilations far beyond the image (issue 10), which take the bounded loops
    /// (Note [Bounded convolution]): huge strides, paddings and dilations of 2^30, "same" padding past
    /// int, taps that all fall on padding. libtorch computes each of these at once, allocating nothing
    /// large; but its float32 CPU convolution goes to oneDNN, which cannot describe some of them ("could
    /// not create a descriptor for a dilated convolution forward propagation primitive", python3-torch
    /// too), while float64 takes the native path and computes them. An accident of dispatch (Note
    /// [conv2d validation]): ours computes float32 as it does float64, so those are compared in float64 only.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Conv2dExtremeGeometriesMatchLibtorch(DType dtype)
    {
        (Conv Conv, bool OneDnnRejects)[] extreme =
        [
            (new(1, 1, 1, 1, 1, 1, 1, 65536, 0, 1, 1, true, false, true), true),   // Note [oneDNN and huge strides]
            (new(2, 3, 5, 4, 2, 2, 2, 262144, 0, 1, 1, true, false, true), true),   // Note [oneDNN and huge strides]
            (new(1, 1, 1, 1, 1, 1, 1, 1 << 30, 1 << 30, 1, 1, true, false, true), true),
            (new(2, 2, 3, 3, 3, 2, 2, 1 << 30, 1 << 30, 1, 1, true, false, true), true),
            (new(1, 4, 3, 5, 6, 2, 3, (1 << 30, 1 << 29), (1 << 30, 1 << 29), 1, 2, true, false, true), true),
            (new(1, 2, 5, 5, 3, 5, 5, 1, "same", 1 << 30, 1, false, false, true), true),
            (new(1, 1, 4, 6, 2, 2, 4, 1, "same", (1073741825, 1 << 29), 1, true, true, true), false),
            (new(1, 1, 3, 3, 1, 2, 2, 1 << 30, 1 << 30, 1 << 30, 1, true, false, false), true),
            (new(1, 2, 6, 7, 2, 3, 3, 1, 1000, 999, 1, true, false, true), false),
            (new(2, 4, 6, 7, 6, 3, 3, (3, 2), (30, 40), (30, 40), 2, true, false, true), false),
        ];
        CrossCheck.All(dtype, extreme.Where(e => dtype == DType.Float64 || !e.OneDnnRejects).Select(e =>
            (e.Conv.ToCase([.. Tags(e.Conv), "extreme stride/padding/dilation (bounded path)"]), (Func<IOracleBackend, OracleTensor[], OracleTensor>)e.Conv.Run)));
    }

    /// <summary>Invalid variations of valid configurations, each named after what it breaks.</summary>
    private static (string Why, Conv Conv) Mutate(Conv c, Random r) => r.Next(12) switch
    {
        0 => ("channels ≠ weight channels × groups", c with { C = c.C + 1 }),
        1 => ("out channels not divisible by groups", c with { Groups = c.Groups + 1, C = c.C * (c.Groups + 1), OutC = c.Groups * 2 + 1 }),
        2 => ("kernel larger than padded input", c with { H = 1, W = 1, KH = 3, KW = 3, Padding = 0, Dilation = 1 }),
        3 => ("non-positive stride", c with { Stride = (r.Next(2) - 1, 1), Padding = 0 }),
        4 => ("non-positive dilation", c with { Dilation = (1, r.Next(2) - 1) }),
        5 => ("negative padding", c with { Padding = (-1, 0) }),
        6 => ("'same' with stride > 1", c with { Padding = "same", Stride = 2 }),
        7 => ("groups = 0", c with { Groups = 0 }),
        8 => ("zero-size kernel", c with { KH = 0, Padding = 0 }),
        9 => ("valid: unbatched, channels × batch", c with { Unbatched = true, C = c.C * c.N, Groups = 1, OutC = c.OutC }),
        10 => ("valid configuration", c),
        _ => ("'valid' with kernel larger than input", c with { Padding = "valid", H = Math.Max(1, c.KH - 1), KH = c.KH + 1, Dilation = 1 }),
    };

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Conv2dRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        var r = Sweep.Random(777);
        var failures = new List<string>();
        int n = 0;
        for (; n < Sweep.Count(120); n++)
        {
            var (why, c) = Mutate(RandomValid(r), r);
            var bad = c.ToCase([why]);
            if (CrossCheck.Agree(bad, dtype, c.Run, n) is { } m) failures.Add(m);
        }
        // Ranks and bias sizes the record above cannot express.
        var extra = new (string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[]
        {
            ("input rank 2", [new([3, 5]), new([2, 3, 1, 1])], (e, x) => e.Conv2d(x[0], x[1])),
            ("input rank 5", [new([1, 1, 3, 5, 5]), new([2, 3, 1, 1])], (e, x) => e.Conv2d(x[0], x[1])),
            ("weight rank 3", [new([1, 3, 5, 5]), new([2, 3, 3])], (e, x) => e.Conv2d(x[0], x[1])),
            ("bias of the wrong size", [new([1, 3, 5, 5]), new([2, 3, 3, 3]), new([3])], (e, x) => e.Conv2d(x[0], x[1], x[2])),
            ("bias of rank 2", [new([1, 3, 5, 5]), new([2, 3, 3, 3]), new([2, 1])], (e, x) => e.Conv2d(x[0], x[1], x[2])),
            ("unbatched input, channel mismatch", [new([4, 5, 5]), new([2, 3, 3, 3])], (e, x) => e.Conv2d(x[0], x[1])),
            ("dilation 2^30: a kernel of 2^32 + 1 larger than the input", [new([1, 1, 5, 5]), new([1, 1, 5, 5])], (e, x) => e.Conv2d(x[0], x[1], dilation: 1 << 30)),
        };
        foreach (var (why, inputs, f) in extra)
            if (CrossCheck.Agree(new Case("Conv2d", why, [why], inputs), dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PadMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(31337);
        var cases = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        for (int i = 0; i < 60; i++)
        {
            int rank = 1 + r.Next(4);
            var shape = Enumerable.Range(0, rank).Select(_ => 3 + r.Next(3)).ToArray(); // crops of at most 2 leave every dim non-empty
            int pairs = 1 + r.Next(Math.Min(rank, 3));
            var pad = Enumerable.Range(0, 2 * pairs).Select(_ => r.Next(4) == 0 ? -1 : r.Next(3)).ToArray();
            double value = r.Next(3) == 0 ? 0 : Math.Round(r.NextDouble() * 4 - 2, 2);
            string[] tags = [pad.Any(p => p < 0) ? "negative (crop)" : "non-negative", value == 0 ? "value 0" : "value ≠ 0", $"{pairs} dim(s) padded"];
            cases.Add((new Case("Pad", $"[{string.Join(",", shape)}] pad ({string.Join(",", pad)}) value {value}", tags, [new Input(shape)]),
                (e, x) => e.Pad(x[0], pad, value)));
        }
        CrossCheck.All(dtype, cases);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PadRejectsExactlyWhatLibtorchRejects(DType dtype)
    {
        var configs = new (string Why, int[] Shape, int[] Pad)[]
        {
            ("odd pad length", [2, 3], [1, 1, 1]),
            ("more pairs than dims", [3], [1, 1, 1, 1]),
            ("crop below zero", [2, 3], [-2, -2]),
            ("crop to exactly zero", [2, 4], [-2, -2]),
            ("valid: crop to zero while padding another dim (2.10)", [2, 2], [-1, -1, 1, 0]),
            ("crop to zero while padding the same dim", [2, 3], [1, -4]),
            ("empty pad", [2, 3], []),
            ("valid configuration", [2, 3], [0, -1, 1, 0]),
        };
        var failures = new List<string>();
        int n = 0;
        foreach (var (why, shape, pad) in configs)
            if (CrossCheck.Agree(new Case("Pad", $"[{string.Join(",", shape)}] pad ({string.Join(",", pad)})", [why], [new Input(shape)]),
                    dtype, (e, x) => e.Pad(x[0], pad), n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }
}
