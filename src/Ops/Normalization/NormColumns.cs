using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd;

// Note [Batch norm on (N, C)]
// batch_norm of a 2-D input (BatchNorm1d after a Linear) has planes of one element, so the plane kernel
// would make N·C calls of length 1. Its channels are the columns of an (N, C) matrix instead: the sums
// walk the rows (contiguous, in row order, accumulated in double per column) and the elementwise passes
// are row-wide SIMD with per-column coefficient vectors. Same formulas as Note [Plane normalisation].
internal static class NormColumns
{
    /// <summary>Whether <paramref name="p"/> is batch_norm's layout with one element per plane.</summary>
    internal static bool Applies(PlaneGroups p) => p.PlaneSize == 1 && p.GroupStride == 1 && p.PlaneStride == p.Channels && p.Groups == p.Channels;

    internal static void Stats<T>(T[] x, PlaneGroups p, double[] mean, double[] var) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.PerGroup, c = p.Channels;
        var s = new double[c];
        for (int r = 0; r < n; r++)
            for (int k = 0, o = r * c; k < c; k++) s[k] += double.CreateTruncating(x[o + k]);
        for (int k = 0; k < c; k++) mean[k] = s[k] / n;
        Array.Clear(s);
        for (int r = 0; r < n; r++)
            for (int k = 0, o = r * c; k < c; k++) { double d = double.CreateTruncating(x[o + k]) - mean[k]; s[k] += d * d; }
        for (int k = 0; k < c; k++) var[k] = s[k] / n;
    }

    internal static void Apply<T>(T[] x, T[]? w, T[]? b, T[] y, PlaneGroups p, double[] mean, double[] rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.PerGroup, c = p.Channels;
        T[] a = new T[c], s = new T[c];
        for (int k = 0; k < c; k++)
        {
            double ak = (w is null ? 1 : double.CreateTruncating(w[k])) * rstd[k];
            a[k] = T.CreateTruncating(ak);
            s[k] = T.CreateTruncating((b is null ? 0 : double.CreateTruncating(b[k])) - mean[k] * ak);
        }
        for (int r = 0; r < n; r++) TensorPrimitives.MultiplyAdd<T>(x.AsSpan(r * c, c), a, s, y.AsSpan(r * c, c));
    }

    internal static void Backward<T>(T[] g, T[] x, T[]? w, PlaneGroups p, double[] mean, double[] rstd, bool batchStats, T[]? dx, T[]? dw, T[]? db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.PerGroup, c = p.Channels;
        double[] centred = new double[c], sums = new double[c];
        for (int r = 0; r < n; r++)
            for (int k = 0, o = r * c; k < c; k++)
            {
                double gv = double.CreateTruncating(g[o + k]);
                sums[k] += gv;
                centred[k] += gv * (double.CreateTruncating(x[o + k]) - mean[k]);
            }
        for (int k = 0; k < c; k++)
        {
            if (dw is not null) dw[k] = T.CreateTruncating(rstd[k] * centred[k]);
            if (db is not null) db[k] = T.CreateTruncating(sums[k]);
        }
        if (dx is null) return;
        T[] k1 = new T[c], k2 = new T[c], k3 = new T[c];
        for (int k = 0; k < c; k++)
        {
            double wk = w is null ? 1 : double.CreateTruncating(w[k]), r = rstd[k];
            double c2 = batchStats ? -r * r * r * wk * centred[k] / n : 0;
            k1[k] = T.CreateTruncating(wk * r);
            k2[k] = T.CreateTruncating(c2);
            k3[k] = T.CreateTruncating(batchStats ? -r * wk * sums[k] / n - mean[k] * c2 : 0);
        }
        for (int r = 0; r < n; r++)
        {
            var d = dx.AsSpan(r * c, c);
            TensorPrimitives.MultiplyAdd<T>(g.AsSpan(r * c, c), k1, k3, d);
            TensorPrimitives.MultiplyAdd<T>(x.AsSpan(r * c, c), k2, d, d);
        }
    }
}
