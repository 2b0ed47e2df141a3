using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Kernels;

/// <summary>
/// The speed paths of issue 14's ops against libtorch 2.10 (TorchSharp) on the same data: gather's direct one-pass
/// kernel (no gradient to record, Note [Direct gather]), pad's plane-by-plane forward, repeat's direct tiling
/// (Note [Direct tiling]) and float32 gelu's AVX-512 kernel (ErfF32.GeluKernel). Copies must match
/// exactly; gelu within float32's rounding. Shapes include odd sizes (SIMD tails), broadcast-free leading dims,
/// index tensors smaller than the input, float64 and int32 indices.
/// </summary>
[Collection(OracleCollection.Name)]
public class KernelPathOracleTests
{
    private static Tensor Data(int[] shape, int seed, DType dtype)
    {
        var x = TestData.Randn(shape, seed, requiresGrad: false);
        return dtype == DType.Float64 ? x : x.To(dtype);
    }

    private static double[] Torch(TorchApi.Tensor t) => TorchConversions.ReadDoubles(t);

    public static TheoryData<int[], int, int[], bool, bool> GatherCases => new()
    {
        { [64, 1000], 1, [64, 10], false, false },   // the bench's shape
        { [64, 1000], 0, [3, 1000], true, false },
        { [5, 7, 9], 1, [4, 3, 9], false, true },    // index smaller than x in the other dims
        { [5, 7, 9], 2, [5, 7, 17], false, false },  // index longer than x along dim
        { [5, 7, 9], 0, [2, 1, 1], true, true },
        { [13], 0, [31], false, false },
        { [], 0, [], true, false },                  // 0-dim x and index
        { [3, 0], 1, [3, 0], false, false },         // empty
    };

    [Theory]
    [MemberData(nameof(GatherCases))]
    public void GatherWithoutGradientMatchesTorch(int[] xShape, int dim, int[] indexShape, bool float64, bool int32)
    {
        OracleFixture.RequireOracle();
        var x = Data(xShape, 3, float64 ? DType.Float64 : DType.Float32);
        int size = xShape.Length == 0 ? 1 : xShape[dim];
        var rng = new Random(4);
        long[] values = Enumerable.Range(0, indexShape.Aggregate(1, (a, b) => a * b)).Select(_ => (long)rng.Next(size)).ToArray();
        var index = Tensor.From(values, indexShape);
        if (int32) index = index.To(DType.Int32);
        var ours = F.Gather(x, dim, index);
        using var tx = x.ToTorch();
        using var ti = index.ToTorch();
        using var theirs = tx.gather(dim, ti);
        Assert.Equal(indexShape, ours.Shape.ToArray());
        Assert.Equal(Torch(theirs), ours.ToDoubleArray());
        // The general path (taken when a gradient is recorded) gives the same elements.
        var general = F.Gather(x.Detach().RequiresGrad_(), dim, index);
        Assert.Equal(general.ToDoubleArray(), ours.ToDoubleArray());
    }

    [Fact]
    public void GatherWithoutGradientReportsTheFirstOutOfRangeIndexAsTorchDoes()
    {
        var x = Data([3, 4], 5, DType.Float32);
        var index = Tensor.From(new long[] { 0, 1, 7, -1, 2, 9 }, [2, 3]);
        var direct = Assert.Throws<ArgumentException>(() => F.Gather(x, 1, index));
        var general = Assert.Throws<ArgumentException>(() => F.Gather(x.Detach().RequiresGrad_(), 1, index));
        Assert.Equal(general.Message, direct.Message);
        Assert.Contains("index 7 is out of bounds for dimension 1 with size 4", direct.Message);
        Assert.Contains("index -1 is out of bounds", Assert.Throws<ArgumentException>(() => F.Gather(x, 0, Tensor.From(new long[] { 0, -1 }, [1, 2]))).Message);
    }

    public static TheoryData<int[], int[], string, bool> PadCases => new()
    {
        { [2, 3, 8, 8], [1, 1, 1, 1], "reflect", false },
        { [2, 3, 7, 5], [2, 1, 3, 2], "reflect", true },
        { [2, 3, 7, 5], [2, 0, 1, 3], "replicate", false },
        { [2, 3, 7, 5], [1, 2, 2, 1], "circular", true },
        { [3, 7, 5], [1, 3, 2, 0], "reflect", false },         // unbatched 2-d pad
        { [2, 3, 11], [3, 2], "reflect", false },              // 1-d pad of a batch
        { [3, 11], [0, 4], "replicate", true },                // 1-d pad, unbatched
        { [200, 11], [3, 2], "reflect", false },               // a tall plane: several items of 64 rows
        { [2, 2, 4, 5, 6], [1, 1, 2, 1, 1, 2], "reflect", false },   // 3-d pad: the depth map picks planes
        { [2, 4, 5, 6], [1, 2, 1, 1, 2, 1], "replicate", true },
        { [1, 2, 3, 4, 5], [2, 1, 1, 2, 1, 1], "circular", false },
        { [2, 3, 5, 6], [-1, 2, 1, -2], "circular", false },   // negative pads crop
    };

    [Theory]
    [MemberData(nameof(PadCases))]
    public void PadForwardMatchesTorch(int[] shape, int[] pad, string mode, bool float64)
    {
        OracleFixture.RequireOracle();
        var x = Data(shape, 6, float64 ? DType.Float64 : DType.Float32);
        var ours = F.Pad(x, pad, mode);
        var torchMode = mode switch
        {
            "reflect" => global::TorchSharp.PaddingModes.Reflect,
            "replicate" => global::TorchSharp.PaddingModes.Replicate,
            _ => global::TorchSharp.PaddingModes.Circular,
        };
        using var tx = x.ToTorch();
        using var theirs = TorchApi.nn.functional.pad(tx, pad.Select(p => (long)p).ToArray(), torchMode);
        Assert.Equal(theirs.shape.Select(s => (int)s).ToArray(), ours.Shape.ToArray());
        Assert.Equal(Torch(theirs), ours.ToDoubleArray());
    }

    public static TheoryData<int[], int[], bool> RepeatCases => new()
    {
        { [2, 3, 20, 17], [1, 1, 2, 2], false },    // the bench's pattern, rows of 17 (direct tiling)
        { [2, 3, 5, 16], [2, 1, 3, 1], true },      // leading-dim tiles, rows of exactly 16
        { [3, 40], [3, 2, 5], false },              // more dims than x
        { [4, 7], [2, 3], false },                  // rows of 7: the dim-by-dim path
        { [2, 33], [70, 70], false },               // 4900 tiles: the dim-by-dim path
        { [5, 18], [1, 1], true },
        { [0, 20], [2, 2], false },
    };

    [Theory]
    [MemberData(nameof(RepeatCases))]
    public void RepeatMatchesTorch(int[] shape, int[] repeats, bool float64)
    {
        OracleFixture.RequireOracle();
        var x = Data(shape, 7, float64 ? DType.Float64 : DType.Float32);
        var ours = F.Repeat(x, repeats);
        using var tx = x.ToTorch();
        using var theirs = tx.repeat(repeats.Select(r => (long)r).ToArray());
        Assert.Equal(theirs.shape.Select(s => (int)s).ToArray(), ours.Shape.ToArray());
        Assert.Equal(Torch(theirs), ours.ToDoubleArray());
    }

    [Fact]
    public void RepeatOfAnIntegerTensorTilesDirectly()
    {
        OracleFixture.RequireOracle();
        var x = Tensor.From(Enumerable.Range(0, 2 * 20).Select(i => (long)i * 3 - 7).ToArray(), [2, 20]);
        var ours = F.Repeat(x, 3, 2);
        using var tx = x.ToTorch();
        using var theirs = tx.repeat(3, 2);
        Assert.Equal(theirs.data<long>().ToArray(), ours.ToArray<long>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(47)]
    [InlineData(1000)]
    public void Float32GeluMatchesTorchAtEveryLengthAndPosition(int n)
    {
        OracleFixture.RequireOracle();
        var rng = new Random(n);
        float[] values = Enumerable.Range(0, n).Select(i => (float)((rng.NextDouble() * 2 - 1) * (i % 3 == 0 ? 6 : 2))).ToArray();
        if (n > 5) { values[0] = float.NegativeInfinity; values[1] = float.NaN; values[2] = -0f; values[3] = 4.5f; values[4] = -4.5f; }
        var x = Tensor.From(values, [n]);
        var ours = F.Gelu(x).ToFloatArray();
        using var tx = x.ToTorch();
        using var ty = TorchApi.nn.functional.gelu(tx);
        var theirs = ty.data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(theirs[i])) { Assert.True(float.IsNaN(ours[i]), $"gelu({values[i]}): expected NaN, got {ours[i]}"); continue; }
            // a few ulp of the result plus |x|/2 times the error of 1 + erf: libtorch's float32 gelu (oneDNN) uses an erf
            // off by up to ~5e-7 absolute (seen: gelu(-2.8305264) = -0.006577595 against -0.0065769370 exactly; ours to ~3 ulp
            // of erf, -0.00657692); the accuracy against float64 is
            // ElementwiseOpsBehaviourTests.Float32ErfGeluSinCosAreWithinAFewUlpOfFloat64.
            double tol = 4 * Math.Abs(theirs[i]) * 6e-8 + Math.Abs(values[i]) * 5e-7;
            Assert.True(Math.Abs(ours[i] - theirs[i]) <= tol, $"gelu({values[i]:R}) at {i} of {n}: ours {ours[i]:R}, torch {theirs[i]:R}");
            // the element's value does not depend on where it sits (SIMD body or tail)
            Assert.Equal(ours[i], F.Gelu(Tensor.From(new[] { values[i] }, [1])).ToFloatArray()[0]);
        }
        Assert.Equal(-0f, F.Gelu(Tensor.From(new[] { -0f }, [1])).ToFloatArray()[0]);
        // Note [gelu at +∞], measured with libtorch 2.10 (oneDNN on, its default): gelu of [+∞] is +∞ (one element
        // takes libtorch's own kernel), of [+∞, 1, 2] NaN at +∞ (oneDNN's kernel); float64 gives +∞ either way.
        Assert.Equal(float.PositiveInfinity, F.Gelu(Tensor.From(new[] { float.PositiveInfinity }, [1])).ToFloatArray()[0]);
        Assert.True(float.IsNaN(F.Gelu(Tensor.From(new[] { float.PositiveInfinity, 1, 2 }, [3])).ToFloatArray()[0]));
        Assert.Equal(double.PositiveInfinity, F.Gelu(Tensor.From(new[] { double.PositiveInfinity, 1, 2 }, [3])).ToDoubleArray()[0]);
    }
}
