using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// Error agreement for the pooling family: invalid variations of valid configurations are rejected by
/// both engines, valid ones accepted by both (and compared). Ours must throw an ArgumentException naming the op.
/// </summary>
[Collection(OracleCollection.Name)]
public class PoolErrorOracleTests
{
    private static (string Why, PoolOracleTests.Pool Pool) Mutate(PoolOracleTests.Pool c, Random r, bool max) => r.Next(max ? 12 : 11) switch
    {
        0 => ("kernel 0", c with { Kernel = (0, c.Kernel.W), Padding = 0 }),
        1 => ("negative kernel", c with { Kernel = (c.Kernel.H, -1), Padding = 0 }),
        2 => ("stride 0", c with { Stride = (0, 1) }),
        3 => ("negative stride", c with { Stride = (1, -2) }),
        4 => ("padding > kernel / 2", c with { Padding = (c.Kernel.H / 2 + 1, 0) }),
        5 => ("negative padding", c with { Padding = (0, -1) }),
        6 => ("output smaller than 1", c with { H = 1, W = 2, Kernel = 3, Padding = 0, Dilation = 1, Ceil = false }),
        7 => ("valid configuration", c),
        8 => ("empty batch (N = 0)", c with { N = 0, Unbatched = false }),
        9 => ("zero channels", c with { C = 0 }),
        10 => max ? ("dilation 0", c with { Dilation = (1, 0) }) : ("divisor_override 0", c with { Divisor = 0 }),
        _ => ("padding ≤ half the effective kernel but > half the kernel", c with { Kernel = 2, Dilation = 3, Padding = 2, H = c.H + 4, W = c.W + 4 }),
    };

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxAndAvgPool2dRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        var r = Sweep.Random(8080);
        var failures = new List<string>();
        int n = 0;
        for (int i = 0; i < Sweep.Count(160); i++)
        {
            bool max = i % 2 == 0;
            var (why, c) = Mutate(PoolOracleTests.RandomValid(r, max), r, max);
            var cs = new Case(max ? "MaxPool2d" : "AvgPool2d", c.Describe(max), [why], [new Input(c.Shape, c.Kind)]);
            var m = max
                ? CrossCheck.Agree(cs, dtype, (e, x) => e.MaxPool2d(x[0], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Ceil), n++)
                : CrossCheck.Agree(cs, dtype, (e, x) => c.Avg(e, x[0]), n++);
            if (m is not null) failures.Add(m);
        }
        var extra = new (string Op, string Why, int[] Shape, Func<IOracleBackend, OracleTensor, OracleTensor> F)[]
        {
            ("MaxPool2d", "input rank 2", [5, 5], (e, x) => e.MaxPool2d(x, 2)),
            ("MaxPool2d", "input rank 5", [1, 1, 1, 5, 5], (e, x) => e.MaxPool2d(x, 2)),
            ("AvgPool2d", "input rank 2", [5, 5], (e, x) => e.AvgPool2d(x, 2)),
            ("AvgPool2d", "input rank 5", [1, 1, 1, 5, 5], (e, x) => e.AvgPool2d(x, 2)),
            ("MaxPool2d", "zero height", [1, 2, 0, 5], (e, x) => e.MaxPool2d(x, 1)),
            ("AvgPool2d", "zero width", [2, 4, 0], (e, x) => e.AvgPool2d(x, 1)),
            ("AvgPool2d", "ceil mode window starting in the right padding", [1, 1, 5, 5], (e, x) => e.AvgPool2d(x, 3, 2, 1, ceilMode: true)),
            ("MaxPool2d", "ceil mode, stride > kernel", [1, 1, 6, 6], (e, x) => e.MaxPool2d(x, 2, 3, 0, 1, true)),
            ("AdaptiveAvgPool2d", "negative output size", [1, 2, 4, 4], (e, x) => e.AdaptiveAvgPool2d(x, (2, -1))),
            ("AdaptiveAvgPool2d", "input rank 2", [4, 4], (e, x) => e.AdaptiveAvgPool2d(x, 2)),
            ("AdaptiveAvgPool2d", "zero height", [1, 2, 0, 4], (e, x) => e.AdaptiveAvgPool2d(x, 2)),
            ("AdaptiveAvgPool2d", "empty batch (N = 0)", [0, 2, 4, 4], (e, x) => e.AdaptiveAvgPool2d(x, 2)),
            ("AdaptiveMaxPool2d", "input rank 5", [1, 1, 2, 4, 4], (e, x) => e.AdaptiveMaxPool2d(x, 2)),
            ("AdaptiveMaxPool2d", "zero width", [2, 4, 0], (e, x) => e.AdaptiveMaxPool2d(x, 1)),
            ("AdaptiveMaxPool2d", "valid: output larger than input", [1, 2, 3, 3], (e, x) => e.AdaptiveMaxPool2d(x, 5)),
            ("LpPool2d", "norm_type 0", [1, 1, 4, 4], (e, x) => e.LpPool2d(x, 0, 2)),
            ("LpPool2d", "kernel 0", [1, 1, 4, 4], (e, x) => e.LpPool2d(x, 2, 0)),
            ("LpPool2d", "stride 0", [1, 1, 4, 4], (e, x) => e.LpPool2d(x, 2, 2, (0, 1))),
            ("LpPool2d", "kernel larger than input", [1, 1, 2, 2], (e, x) => e.LpPool2d(x, 2, 3)),
            ("LpPool2d", "input rank 2", [4, 4], (e, x) => e.LpPool2d(x, 2, 2)),
            ("LpPool2d", "valid: negative norm_type", [1, 1, 4, 4], (e, x) => e.LpPool2d(e.Abs(x) + 0.5, -1, 2)),
            ("MaxUnpool2d", "output_size beyond default + stride", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 3], 2, 2, 0, [6, 4])),
            ("MaxUnpool2d", "output_size at default - stride", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 3], 2, 2, 0, [2, 4])),
            ("MaxUnpool2d", "valid: output_size default + stride - 1", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 3], 2, 2, 0, [5, 5])),
            ("MaxUnpool2d", "valid: 4-element output_size", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 5, 10, 15], 2, 2, 0, [1, 1, 4, 4])),
            ("MaxUnpool2d", "output_size of 3 elements", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 3], 2, 2, 0, [1, 4, 4])),
            ("MaxUnpool2d", "index beyond the output plane", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 16], 2)),
            ("MaxUnpool2d", "negative index", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, -1, 2, 3], 2)),
            ("MaxUnpool2d", "fewer indices than inputs", [1, 1, 2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2], 2)),
            ("MaxUnpool2d", "input rank 2", [2, 2], (e, x) => e.MaxUnpool2d(x, [0, 1, 2, 3], 2)),
        };
        foreach (var (op, why, shape, f) in extra)
            if (CrossCheck.Agree(new Case(op, why, [why], [new Input(shape)]), dtype, (e, x) => f(e, x[0]), n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }

    /// <summary>
    /// libtorch computes adaptive pooling to an output size of 0 (an empty tensor) but its backward then
    /// rejects the empty gradient; ours does the same, with the same message (Note [Adaptive backward
    /// of an empty output]; until issue 10 this was a documented deviation).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AdaptivePoolingToAnEmptyOutputRejectsItsBackwardAsLibtorchDoes(bool max)
    {
        OracleFixture.RequireOracle();
        using var torch = new TorchSharpBackend();
        var ours = AutogradBackend.Instance;
        var data = CrossCheck.Draw([1, 2, 4, 4], Data.Normal, 1);
        OracleTensor Pool(IOracleBackend e, OracleTensor x) => max ? e.AdaptiveMaxPool2d(x, (0, 2)) : e.AdaptiveAvgPool2d(x, (0, 2));

        var tx = torch.From(data, [1, 2, 4, 4], DType.Float64, requiresGrad: true);
        var ty = Pool(torch, tx);
        Assert.Equal([1, 2, 0, 2], ty.Shape);
        var te = Assert.Throws<TorchException>(() => torch.Backward(ty, torch.From([], [1, 2, 0, 2], DType.Float64)));

        var ox = ours.From(data, [1, 2, 4, 4], DType.Float64, requiresGrad: true);
        var oy = Pool(ours, ox);
        Assert.Equal([1, 2, 0, 2], oy.Shape);
        var oe = Assert.Throws<ArgumentException>(() => ours.Backward(oy, ours.From([], [1, 2, 0, 2], DType.Float64)));
        Assert.StartsWith(oe.Message, te.Message);   // libtorch appends its C++ context after the same sentence
    }
}
