using System.Numerics;
using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>Gemm.Run against a naive float64 triple loop, over shapes that hit every edge of the blocking.</summary>
public class GemmTests
{
    // Sizes straddle the register tile (MR = 6, NR = 16/32/64 lanes), the depth block (256), the
    // column block (4096) and the small-product cutoff.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 5, 1, 9 }, { 3, 4, 0 }, { 6, 32, 17 }, { 7, 33, 65 },
        { 13, 31, 257 }, { 64, 64, 64 }, { 65, 129, 31 }, { 127, 17, 300 }, { 1, 300, 300 },
        { 300, 1, 300 }, { 300, 300, 1 }, { 130, 250, 513 }, { 7, 4100, 3 }, { 2, 4099, 40 },
        // Note [Skinny products]: A·Bᵀ with up to 16 rows (dot products, depth past DotGemm's block of 1024,
        // ragged 4×4 tiles), one row more (packed again), and depths up to 4 (row updates).
        { 1, 128, 3136 }, { 16, 130, 1100 }, { 3, 5, 2050 }, { 17, 33, 600 }, { 40, 500, 4 }, { 9, 70, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveReferenceForEveryTransposeAndAccumulate(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var p = Problem.Create(ta, tb, m, n, k, pad: (m + n) % 4, seed: m * 31 + n * 7 + k);
                foreach (bool acc in new[] { false, true })
                {
                    p.Check<float>(acc);
                    p.Check<double>(acc);
                }
            }
    }

    [Fact]
    public void LeadingDimensionsLargerThanTheMatrixAreHonoured()
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                Check<float>(ta, tb, 45, 70, 260, accumulate: true, pad: 5, seed: 11);
    }

    [Fact]
    public void ZeroTimesNaNIsNaNLikeBlas()
    {
        // PyTorch: torch.zeros(2,3) @ torch.full((3,40), nan) is all NaN; a kernel that skips zero
        // multipliers would return zeros.
        foreach (int n in new[] { 4, 400 })
        {
            var a = new float[2 * 300];
            var b = new float[300 * n];
            Array.Fill(b, float.NaN);
            var c = new float[2 * n];
            Gemm.Run<float>(false, false, 2, n, 300, a, 300, b, n, c, n, accumulate: false);
            Assert.All(c, v => Assert.True(float.IsNaN(v)));
        }
    }

    [Fact]
    public void OverwriteIgnoresNaNAlreadyInC()
    {
        foreach (int k in new[] { 2, 300 })
        {
            var a = Enumerable.Repeat(1f, 40 * k).ToArray();
            var b = Enumerable.Repeat(2f, k * 40).ToArray();
            var c = Enumerable.Repeat(float.NaN, 40 * 40).ToArray();
            Gemm.Run<float>(false, false, 40, 40, k, a, k, b, 40, c, 40, accumulate: false);
            Assert.All(c, v => Assert.Equal(2f * k, v));
        }
    }

    [Fact]
    public void TooSmallBufferThrowsBeforeWriting()
    {
        var c = new float[9];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Run<float>(false, false, 3, 3, 3, new float[8], 3, new float[9], 3, c, 3, false));
        Assert.Contains("gemm", ex.Message);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    // Note [Prepacked weights]: A packed once into panels (conv2d's weight) gives the naive product, and the same
    // bits as packing A on every call (the kernel sees identical panels), over ragged panels and depth blocks.
    [Theory]
    [InlineData(64, 196, 288)]
    [InlineData(13, 70, 700)]
    [InlineData(1, 33, 5)]
    [InlineData(9, 1, 321)]
    public void PrepackedPanelsGiveTheNaiveProductAndTheSameBitsAsPackingEachCall(int m, int n, int k)
    {
        var p = Problem.Create(false, false, m, n, k, pad: 0, seed: m + n + k);
        PrepackedMatches<float>(p, 2e-6);
        PrepackedMatches<double>(p, 1e-14);
    }

    private static unsafe void PrepackedMatches<T>(Problem p, double tol) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Array.ConvertAll(p.A, T.CreateChecked), b = Array.ConvertAll(p.B, T.CreateChecked);
        var viaPanels = new T[p.M * p.N];
        var viaMatrix = new T[p.M * p.N];
        int mr = Gemm.PanelRows<T>();
        var panels = new T[PackedPanels<T>.Length(p.M, p.K, mr)];
        fixed (T* pa = a, pb = b, pp = panels, c1 = viaPanels, c2 = viaMatrix)
        {
            PackedPanels<T>.PackInto(new MatrixSource<T>(pa, p.K, 1, p.M), p.K, mr, pp);
            var sb = new MatrixSource<T>(pb, 1, p.N, p.N);
            Gemm.Run<T, PackedPanels<T>, MatrixSource<T>>(p.M, p.N, p.K, new PackedPanels<T>(pp, p.M, p.K, mr), sb, c1, p.N, accumulate: false);
            Gemm.Run<T, MatrixSource<T>, MatrixSource<T>>(p.M, p.N, p.K, new MatrixSource<T>(pa, p.K, 1, p.M), sb, c2, p.N, accumulate: false);
        }
        for (int i = 0; i < viaPanels.Length; i++)
        {
            Assert.Equal(viaMatrix[i], viaPanels[i]);
            double got = double.CreateChecked(viaPanels[i]);
            Assert.True(Math.Abs(got - p.Product[i]) <= tol * (p.Magnitude[i] + 1), $"{typeof(T).Name} {p.M}x{p.N}x{p.K}: C[{i}] = {got}, expected {p.Product[i]}");
        }
    }

    internal static void Check<T>(bool ta, bool tb, int m, int n, int k, bool accumulate, int pad, int seed)
        where T : unmanaged, IFloatingPointIeee754<T> => Problem.Create(ta, tb, m, n, k, pad, seed).Check<T>(accumulate);

    /// <summary>Operands (as doubles, exactly representable in float) and their product by the naive triple loop.</summary>
    internal sealed record Problem(bool TA, bool TB, int M, int N, int K, int Lda, int Ldb, int Ldc,
        double[] A, double[] B, double[] C0, double[] Product, double[] Magnitude)
    {
        public static Problem Create(bool ta, bool tb, int m, int n, int k, int pad, int seed)
        {
            var rng = new Random(seed);
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            double[] a = Values(rng, (ta ? k : m) * lda), b = Values(rng, (tb ? n : k) * ldb), c0 = Values(rng, m * ldc);
            var prod = new double[m * n];
            var mag = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, sa = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double xy = (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                        s += xy;
                        sa += Math.Abs(xy);
                    }
                    prod[i * n + j] = s;
                    mag[i * n + j] = sa;
                }
            return new Problem(ta, tb, m, n, k, lda, ldb, ldc, a, b, c0, prod, mag);
        }

        // Floats that survive the round trip, so float and double runs see the same operands.
        private static double[] Values(Random rng, int length)
        {
            var r = new double[length];
            for (int i = 0; i < length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
            return r;
        }

        public void Check<T>(bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T[] a = Array.ConvertAll(A, T.CreateChecked), b = Array.ConvertAll(B, T.CreateChecked), c = Array.ConvertAll(C0, T.CreateChecked);
            Gemm.Run<T>(TA, TB, M, N, K, a, Lda, b, Ldb, c, Ldc, accumulate);
            double tol = typeof(T) == typeof(float) ? 2e-6 : 1e-14;
            for (int i = 0; i < M; i++)
                for (int j = 0; j < Ldc; j++)
                {
                    double got = double.CreateChecked(c[i * Ldc + j]), c0 = C0[i * Ldc + j];
                    if (j >= N)
                    {
                        Assert.True(got == c0, $"padding of C written at ({i},{j})");
                        continue;
                    }
                    double want = (accumulate ? c0 : 0) + Product[i * N + j];
                    double mag = (accumulate ? Math.Abs(c0) : 0) + Magnitude[i * N + j];
                    if (Math.Abs(got - want) > tol * (mag + 1))
                        Assert.Fail($"{typeof(T).Name} transA={TA} transB={TB} m={M} n={N} k={K} acc={accumulate}: C[{i},{j}] = {got}, expected {want}");
                }
        }
    }

    internal static T[] Random<T>(Random rng, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[length];
        for (int i = 0; i < length; i++) r[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return r;
    }
}
