using System.Numerics;
using System.Runtime.InteropServices;

namespace Autograd.Tests.Ops.Pooling;

/// <summary>
/// The 2×2, stride-2 pools of Note [Pair pooling] against the general window walk (WindowWalk, itself
/// checked against libtorch and ATen's loops), bit for bit: values, argmax indices and avg's gradient, on
/// inputs full of ties, NaNs and infinities, odd sizes (a last row or column in no window), ceil mode on
/// even sizes, divisor_override, unbatched input and rows wider than a block.
/// </summary>
public class PairPoolTests
{
    public static TheoryData<int[], bool, int?> Layouts() => new()
    {
        { [4, 16, 28, 28], false, null },   // the sample's first pool: large enough to run in parallel
        { [64, 3, 14, 14], false, null },
        { [2, 3, 7, 9], false, null },      // odd height and width
        { [3, 5, 6, 10], true, null },      // ceil mode on even sizes gives the same windows
        { [9, 12, 8], false, 3 },           // unbatched, divisor_override
        { [1, 2, 5, 4101], false, null },   // output rows wider than a block of PairPool
        { [2, 2, 2, 2], false, null },
        { [1, 1, 3, 2], false, 7 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void MatchesTheGeneralWalkBitForBit(int[] shape, bool ceil, int? divisor)
    {
        Check<float>(shape, ceil, divisor, DType.Float32);
        Check<double>(shape, ceil, divisor, DType.Float64);
    }

    [Fact]
    public void OtherWindowsKeepTheGeneralWalk()
    {
        var x = Tensor.Zeros([1, 1, 9, 9]);
        Assert.False(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 2, 2, 0, 1, ceilMode: true)));   // a ceil window past the edge
        Assert.False(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 2, 2, 1, 1, ceilMode: false)));
        Assert.False(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 2, 1, 0, 1, ceilMode: false)));
        Assert.False(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 2, 2, 0, 2, ceilMode: false)));
        Assert.False(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 3, 2, 0, 1, ceilMode: false)));
        Assert.True(PairPool.Applies(PoolGeometry.Fixed("max_pool2d", x, 2, 2, 0, 1, ceilMode: false)));
    }

    private static void Check<T>(int[] shape, bool ceil, int? divisor, DType dtype) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = Make(Values<T>(shape), shape, requiresGrad: true);
        var geo = PoolGeometry.Fixed("avg_pool2d", x, 2, 2, 0, 1, ceil, includePad: true, divisorOverride: divisor);
        Assert.True(PairPool.Applies(geo));
        Assert.Equal(dtype, x.DType);
        int outN = geo.Planes * geo.OH * geo.OW;

        var (y, indices) = F.MaxPool2dWithIndices(x, 2, 2, 0, 1, ceil);
        var maxRef = new T[outN];
        var idxRef = new int[outN];
        WindowWalk.Forward<T, MaxFold<T>>(geo, x.Array<T>(), maxRef, idxRef);
        AssertBits(maxRef, y.ToArray<T>(), "max_pool2d values");
        Assert.Equal(idxRef.Select(i => (long)i).ToArray(), indices.ToArray<long>());

        var avg = F.AvgPool2d(x, 2, 2, 0, ceil, countIncludePad: true, divisorOverride: divisor);
        var avgRef = new T[outN];
        WindowWalk.Forward<T, AvgFold<T>>(geo, x.Array<T>(), avgRef, null);
        AssertBits(avgRef, avg.ToArray<T>(), "avg_pool2d values");

        var g = Make(Values<T>(avg.Dims, seed: 5), avg.Dims);
        avg.Backward(g);
        AssertBits(WindowWalk.SumBackward(geo, g.Array<T>()), x.Grad!.ToArray<T>(), "avg_pool2d gradient");
    }

    private static Tensor Make<T>(T[] v, int[] shape, bool requiresGrad = false) where T : unmanaged =>
        v is float[] f ? Tensor.From(f, shape, requiresGrad) : Tensor.From((double[])(object)v, shape, requiresGrad);

    /// <summary>Small integers (many ties, exact sums), signed zeros, ±∞ and NaNs.</summary>
    private static T[] Values<T>(int[] shape, int seed = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        T[] pool = [T.Zero, -T.Zero, T.One, -T.One, T.CreateTruncating(2), T.CreateTruncating(0.375), T.PositiveInfinity, T.NegativeInfinity, T.NaN];
        var v = new T[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < v.Length; i++)
        {
            int r = rng.Next(100);
            v[i] = r < 4 ? pool[6 + r % 3] : pool[r % 6];   // 4 % non-finite
        }
        return v;
    }

    private static void AssertBits<T>(T[] expected, T[] actual, string what) where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        var e = MemoryMarshal.AsBytes(expected.AsSpan()).ToArray();
        var a = MemoryMarshal.AsBytes(actual.AsSpan()).ToArray();
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i < e.Length; i++)
            if (e[i] != a[i]) Assert.Fail($"{what}: element {i / size} differs: expected {expected[i / size]}, got {actual[i / size]}");
    }
}
