using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Note [Plane normalisation]
// batch_norm and group_norm see their input as planes: (n, c) → the S = H·W·… contiguous elements of
// sample n, channel c. A statistics group is a set of planes: batch_norm's channel c is planes
// (0, c), (1, c), … (group stride 1, plane stride C); group_norm's (n, g) is the Cg consecutive planes
// of its channels (group stride Cg, plane stride 1). Both scale a plane by its channel's weight, so one
// kernel serves both: y = x·a + s per plane with a = w_c·rstd, s = b_c − μ·a, and the backward
//   dx = g·k1 + x·k2 + k3,  k1 = w_c·rstd,  k2 = −rstd³·A/M,  k3 = −rstd·B/M − μ·k2,
//   A = Σ_group w_c·Σ_plane g·(x − μ),  B = Σ_group w_c·Σ_plane g,  M = elements per group,
//   dw_c = Σ_planes of c rstd·Σ_plane g·(x − μ),  db_c = Σ_planes of c Σ_plane g,
// which is w/σ·(g − mean(g) − x̂·mean(g·x̂)) written per plane (x̂ = (x − μ)·rstd). With fixed
// statistics (batch_norm in eval mode) μ and rstd are constants: k2 = k3 = 0.
// Groups run in parallel; each plane's partial sums are kept and combined per channel afterwards in
// plane order, so results do not depend on the thread count (Note [Deterministic parallelism]).
// Sums of a plane accumulate in T (SIMD lanes), across planes in double; the variance is the mean of
// squared deviations from the mean (two passes: no cancellation when |μ| ≫ σ).
//
// Note [Fused group normalisation]
// group_norm's statistics of a group depend on that group alone, so PlaneNormalize computes them and
// applies the affine in the same parallel item: the group's planes (Cg·H·W values, 12.5 KB for 4 planes
// of 28×28 floats) come from memory once and the second statistics pass and the affine read them from
// L1/L2. Separate statistics and affine loops read the whole input from memory (or L3) twice. batch_norm
// cannot do this: it updates the running stats between the two.
internal readonly record struct PlaneGroups(int Groups, int PerGroup, int GroupStride, int PlaneStride, int Channels, int PlaneSize)
{
    internal int Plane(int group, int j) => group * GroupStride + j * PlaneStride;
    internal long GroupSize => (long)PerGroup * PlaneSize;
}

internal static class NormKernels
{
    /// <summary>Per-group mean and biased variance of the planes (Note [Plane normalisation]).</summary>
    internal static void PlaneStats<T>(T[] x, PlaneGroups p, double[] mean, double[] var) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (NormColumns.Applies(p)) { NormColumns.Stats(x, p, mean, var); return; }   // Note [Batch norm on (N, C)]
        Parallelism.For(p.Groups, p.Groups * p.GroupSize, k => (mean[k], var[k]) = GroupStats(x, p, k));
    }

    /// <summary>y = x·(w_c·rstd) + (b_c − μ·w_c·rstd) per plane.</summary>
    internal static void PlaneApply<T>(T[] x, T[]? w, T[]? b, T[] y, PlaneGroups p, double[] mean, double[] rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (NormColumns.Applies(p)) { NormColumns.Apply(x, w, b, y, p, mean, rstd); return; }
        Parallelism.For(p.Groups, p.Groups * p.GroupSize, k => ApplyGroup(x, w, b, y, p, k, mean[k], rstd[k]));
    }

    /// <summary>
    /// Statistics and affine of each group in one parallel loop, rstd = 1/√(σ² + eps): a group's planes are read
    /// from memory once and stay in L1/L2 for the second statistics pass and the affine (Note [Fused group
    /// normalisation]). For statistics that need more than the group's own values (batch_norm's running stats
    /// are updated in between) use <see cref="PlaneStats{T}"/> and <see cref="PlaneApply{T}"/>.
    /// </summary>
    internal static void PlaneNormalize<T>(T[] x, T[]? w, T[]? b, T[] y, PlaneGroups p, double eps, double[] mean, double[] rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (NormColumns.Applies(p))
        {
            var var = new double[p.Groups];
            NormColumns.Stats(x, p, mean, var);
            for (int k = 0; k < p.Groups; k++) rstd[k] = 1 / Math.Sqrt(var[k] + eps);
            NormColumns.Apply(x, w, b, y, p, mean, rstd);
            return;
        }
        Parallelism.For(p.Groups, 3 * p.Groups * p.GroupSize, k =>
        {
            (mean[k], double v) = GroupStats(x, p, k);
            rstd[k] = 1 / Math.Sqrt(v + eps);
            ApplyGroup(x, w, b, y, p, k, mean[k], rstd[k]);
        });
    }

    /// <summary>Mean and biased variance of group <paramref name="k"/>, two passes (NaN for an empty group).</summary>
    private static (double Mean, double Var) GroupStats<T>(T[] x, PlaneGroups p, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.GroupSize == 0) return (double.NaN, double.NaN);
        double s = 0, q = 0;
        for (int j = 0; j < p.PerGroup; j++) s += double.CreateTruncating(NormSimd.Sum<T>(x.AsSpan(p.Plane(k, j) * p.PlaneSize, p.PlaneSize)));
        double mu = s / p.GroupSize;
        for (int j = 0; j < p.PerGroup; j++) q += double.CreateTruncating(SquaredDeviation<T>(x.AsSpan(p.Plane(k, j) * p.PlaneSize, p.PlaneSize), T.CreateTruncating(mu)));
        return (mu, q / p.GroupSize);
    }

    private static void ApplyGroup<T>(T[] x, T[]? w, T[]? b, T[] y, PlaneGroups p, int k, double mean, double rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < p.PerGroup; j++)
        {
            int plane = p.Plane(k, j), c = plane % p.Channels;
            double a = (w is null ? 1 : double.CreateTruncating(w[c])) * rstd;
            double s = (b is null ? 0 : double.CreateTruncating(b[c])) - mean * a;
            Affine<T>(x.AsSpan(plane * p.PlaneSize, p.PlaneSize), T.CreateTruncating(a), T.CreateTruncating(s), y.AsSpan(plane * p.PlaneSize, p.PlaneSize));
        }
    }

    /// <summary>
    /// The backward of <see cref="PlaneApply{T}"/> (Note [Plane normalisation]); dx, dw, db may be null when not needed.
    /// <paramref name="batchStats"/>: μ and rstd were computed from x (training), else they are constants.
    /// </summary>
    internal static void PlaneBackward<T>(T[] g, T[] x, T[]? w, PlaneGroups p, double[] mean, double[] rstd, bool batchStats,
        T[]? dx, T[]? dw, T[]? db) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (NormColumns.Applies(p)) { NormColumns.Backward(g, x, w, p, mean, rstd, batchStats, dx, dw, db); return; }
        int planes = p.Groups * p.PerGroup;
        var centred = new double[planes];   // Σ_plane g·(x − μ), by plane index
        var sums = new double[planes];      // Σ_plane g
        double m = p.GroupSize;
        Parallelism.For(p.Groups, 2 * p.Groups * p.GroupSize, k =>
        {
            double a = 0, bsum = 0;
            T mu = T.CreateTruncating(mean[k]);
            for (int j = 0; j < p.PerGroup; j++)
            {
                int plane = p.Plane(k, j), c = plane % p.Channels;
                var gs = g.AsSpan(plane * p.PlaneSize, p.PlaneSize);
                var (sg, dot) = SumAndDotDeviation<T>(gs, x.AsSpan(plane * p.PlaneSize, p.PlaneSize), mu);
                centred[plane] = double.CreateTruncating(dot);
                sums[plane] = double.CreateTruncating(sg);
                double wc = w is null ? 1 : double.CreateTruncating(w[c]);
                a += wc * centred[plane];
                bsum += wc * sums[plane];
            }
            if (dx is null) return;
            double r = rstd[k];
            double k2 = batchStats ? -r * r * r * a / m : 0, k3 = batchStats ? -r * bsum / m - mean[k] * k2 : 0;
            for (int j = 0; j < p.PerGroup; j++)
            {
                int plane = p.Plane(k, j), c = plane % p.Channels, o = plane * p.PlaneSize;
                double k1 = (w is null ? 1 : double.CreateTruncating(w[c])) * r;
                Combine<T>(g.AsSpan(o, p.PlaneSize), T.CreateTruncating(k1), x.AsSpan(o, p.PlaneSize), T.CreateTruncating(k2), T.CreateTruncating(k3), dx.AsSpan(o, p.PlaneSize));
            }
        });
        if (dw is null && db is null) return;
        var dwAcc = new double[p.Channels];
        var dbAcc = new double[p.Channels];
        for (int k = 0; k < p.Groups; k++)
            for (int j = 0; j < p.PerGroup; j++)
            {
                int plane = p.Plane(k, j), c = plane % p.Channels;
                dwAcc[c] += rstd[k] * centred[plane];
                dbAcc[c] += sums[plane];
            }
        for (int c = 0; c < p.Channels; c++)
        {
            if (dw is not null) dw[c] = T.CreateTruncating(dwAcc[c]);
            if (db is not null) db[c] = T.CreateTruncating(dbAcc[c]);
        }
    }

    /// <summary>Σ (x − μ)² (Note [Normalisation rows at full width]).</summary>
    internal static T SquaredDeviation<T>(ReadOnlySpan<T> x, T mu) where T : unmanaged, IFloatingPointIeee754<T> => NormSimd.SquaredDeviation(x, mu);

    /// <summary>(Σ g, Σ g·(x − μ)) in one pass, SIMD lanes.</summary>
    internal static (T Sum, T Dot) SumAndDotDeviation<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T mu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T s = T.Zero, d = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var vm = new Vector<T>(mu);
            Vector<T> accS = Vector<T>.Zero, accD = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vg = new Vector<T>(g[i..]);
                accS += vg;
                accD += vg * (new Vector<T>(x[i..]) - vm);
            }
            s = Vector.Sum(accS);
            d = Vector.Sum(accD);
        }
        for (; i < x.Length; i++) { s += g[i]; d += g[i] * (x[i] - mu); }
        return (s, d);
    }

    /// <summary>y = x·a + s (Note [Normalisation rows at full width]).</summary>
    internal static void Affine<T>(ReadOnlySpan<T> x, T a, T s, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
        => NormSimd.Affine(x, a, s, default, default, y);

    /// <summary>d = g·k1 + x·k2 + k3 in one pass.</summary>
    internal static void Combine<T>(ReadOnlySpan<T> g, T k1, ReadOnlySpan<T> x, T k2, T k3, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && d.Length >= Vector<T>.Count)
        {
            Vector<T> v1 = new(k1), v2 = new(k2), v3 = new(k3);
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(g[i..]) * v1 + new Vector<T>(x[i..]) * v2 + v3).CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = g[i] * k1 + x[i] * k2 + k3;
    }
}
