using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>max_pool2d (with and without indices) and avg_pool2d against libtorch: seeded random grids over every option.</summary>
[Collection(OracleCollection.Name)]
public class PoolOracleTests
{
    /// <summary>One 2-d pooling configuration (Dilation unused by avg_pool2d, CountIncludePad/Divisor unused by max_pool2d).</summary>
    internal sealed record Pool(int N, int C, int H, int W, Pair Kernel, Pair? Stride, Pair Padding, Pair Dilation, bool Ceil,
        bool Unbatched, Data Kind, bool CountIncludePad = true, int? Divisor = null)
    {
        public int[] Shape => Unbatched ? [C, H, W] : [N, C, H, W];

        public string Describe(bool max) =>
            $"x[{string.Join(",", Shape)}] {Kind} kernel {Kernel} stride {Stride?.ToString() ?? "default"} padding {Padding}" +
            (max ? $" dilation {Dilation}" : $" count_include_pad={CountIncludePad} divisor {Divisor?.ToString() ?? "none"}") + $" ceil_mode={Ceil}";

        public bool GuardTrips => MaxPoolGuard.HasPaddingOnlyWindow(Shape, Kernel, Stride ?? Kernel, Padding, Dilation, Ceil);

        public OracleTensor Avg(IOracleBackend e, OracleTensor x) => e.AvgPool2d(x, Kernel, Stride, Padding, Ceil, CountIncludePad, Divisor);
    }

    internal static Pool RandomValid(Random r, bool max)
    {
        Pair k = r.Next(3) == 0 ? (1 + r.Next(4), 1 + r.Next(4)) : 1 + r.Next(4);
        Pair? s = r.Next(4) == 0 ? null : r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1 + r.Next(3);
        Pair p = (r.Next(k.H / 2 + 1), r.Next(k.W / 2 + 1));
        Pair d = max && r.Next(3) == 0 ? (1 + r.Next(3), 1 + r.Next(3)) : 1;
        int effH = d.H * (k.H - 1) + 1, effW = d.W * (k.W - 1) + 1;
        int h = Math.Max(1, effH - 2 * p.H) + r.Next(6), w = Math.Max(1, effW - 2 * p.W) + r.Next(6);
        var kind = max ? r.Next(4) switch { 0 or 1 => Data.Normal, 2 => Data.Ties, _ => Data.Special } : r.Next(5) == 0 ? Data.Special : Data.Normal;
        int? divisor = !max && r.Next(4) == 0 ? (r.Next(5) == 0 ? -2 : 1 + r.Next(6)) : null;
        return new Pool(1 + r.Next(2), 1 + r.Next(3), h, w, k, s, p, d, r.Next(2) == 0, r.Next(5) == 0, kind, r.Next(2) == 0, divisor);
    }

    internal static string[] CommonTags(Pool c) =>
    [
        c.Stride is null ? "stride default (= kernel)" : c.Stride.Value.H != c.Stride.Value.W ? "stride (h ≠ w)" : c.Stride.Value.H < Math.Max(c.Kernel.H, c.Kernel.W) ? "stride < kernel (overlap)" : "stride ≥ kernel",
        c.Padding == new Pair(0, 0) ? "padding 0" : "padding > 0",
        c.Ceil ? "ceil_mode" : "floor mode",
        c.Unbatched ? "unbatched (C, H, W)" : "batched (N, C, H, W)",
        c.Kernel.H != c.Kernel.W ? "non-square kernel" : "square kernel",
        c.Kind switch { Data.Ties => "ties", Data.Special => "±inf/NaN inputs", _ => "normal inputs" },
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxPool2dRandomGridMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(4242);
        var failures = new List<string>();
        int n = 0;
        while (n < Sweep.Count(420)) // 210 each for MaxPool2d and MaxPool2dWithIndices
        {
            var c = RandomValid(r, max: true);
            if (c.GuardTrips) continue; // padding-only windows crash libtorch 1.13: see MaxPoolGuardTests
            bool withIndices = n % 2 == 0;
            string[] tags = [.. CommonTags(c), c.Dilation == new Pair(1, 1) ? "dilation 1" : "dilation > 1"];
            var cs = new Case(withIndices ? "MaxPool2dWithIndices" : "MaxPool2d", c.Describe(max: true), tags, [new Input(c.Shape, c.Kind)]);
            var m = withIndices
                ? CrossCheck.CompareWithIndices(cs, dtype, (e, x) => e.MaxPool2dWithIndices(x[0], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil), n)
                : CrossCheck.Compare(cs, dtype, (e, x) => e.MaxPool2d(x[0], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil), n);
            if (m is not null) failures.Add(m);
            n++;
        }
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AvgPool2dRandomGridMatchesLibtorch(DType dtype)
    {
        var r = Sweep.Random(2424);
        CrossCheck.All(dtype, Enumerable.Range(0, Sweep.Count(240)).Select(_ => RandomValid(r, max: false)).Select(c =>
            (new Case("AvgPool2d", c.Describe(max: false), [.. CommonTags(c), c.CountIncludePad ? "count_include_pad" : "count_include_pad=False",
                    c.Divisor is null ? "no divisor_override" : c.Divisor < 0 ? "negative divisor_override" : "divisor_override"], [new Input(c.Shape, c.Kind)]),
             (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => c.Avg(e, x[0])))));
    }

    /// <summary>
    /// The compact layout (Note [Compact pool axes]): strides, kernels and padding far beyond the input, for
    /// max_pool2d (with indices) and avg_pool2d. Kept to values libtorch walks quickly (it loops over every
    /// kernel tap) and MaxPoolGuard computes without overflow.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CompactLayoutGeometriesMatchLibtorch(DType dtype)
    {
        Pool[] configs =
        [
            new(1, 2, 5, 7, 2, 1 << 22, 0, 1, false, false, Data.Ties),
            new(2, 1, 5, 7, 3, (1 << 22, 1 << 20), 1, 3, true, false, Data.Special),
            new(1, 2, 5, 7, 201, (1, 3), 100, 1, false, false, Data.Ties),
            new(1, 2, 6, 9, (3, 301), (1, 2), (1, 150), (2, 1), true, true, Data.Special),
            new(1, 1, 4, 5, 201, (1, 1 << 22), 100, 1, true, false, Data.Normal, CountIncludePad: false),
            new(2, 3, 9, 11, (101, 5), (1, 40), (50, 2), (1, 2), true, false, Data.Normal, Divisor: 7),
        ];
        var failures = new List<string>();
        int n = 0;
        foreach (var c in configs)
        {
            var geometry = PoolGeometry.Fixed("max_pool2d", Tensor.Zeros(c.Shape), c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil);
            Assert.False(geometry.Cols.Uniform, c.Describe(max: true));
            Assert.False(c.GuardTrips, c.Describe(max: true));
            string[] tags = [.. CommonTags(c), "compact layout"];
            var max = new Case("MaxPool2dWithIndices", c.Describe(max: true), tags, [new Input(c.Shape, c.Kind)]);
            if (CrossCheck.CompareWithIndices(max, dtype, (e, x) => e.MaxPool2dWithIndices(x[0], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil), n++) is { } m1) failures.Add(m1);
            var avg = new Case("AvgPool2d", c.Describe(max: false), tags, [new Input(c.Shape, c.Kind == Data.Ties ? Data.Normal : c.Kind)]);
            if (CrossCheck.Compare(avg, dtype, (e, x) => c.Avg(e, x[0]), n++) is { } m2) failures.Add(m2);
        }
        CrossCheck.AssertAllAgree(failures, n);
    }

    /// <summary>Seed 004's point at scale: planes full of ties, overlapping windows, each window's gradient to one cell.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxPool2dWithAllEqualInputsRoutesLikeLibtorch(DType dtype)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (k, s) in new (int, int)[] { (2, 2), (3, 1), (3, 2), (2, 1) })
        {
            var cs = new Case("MaxPool2dWithIndices", $"constant input, kernel {k} stride {s}", ["ties", "constant planes"], [new Input([2, 3, 7, 6], Data.Ties)]);
            if (CrossCheck.CompareWithIndices(cs, dtype, (e, x) => e.MaxPool2dWithIndices(e.Mul(x[0], 0.0) + 1.5, k, s, 1), n++) is { } m) failures.Add(m);
        }
        CrossCheck.AssertAllAgree(failures, n);
    }
}
