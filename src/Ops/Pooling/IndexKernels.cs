using System.Numerics;

namespace Autograd;

/// <summary>
/// Per-plane moves through flat H·W indices: the backward of max pooling (scatter-add) and its double
/// backward (gather), and max_unpool2d's forward (scatter) and backward (gather). Planes are split over
/// threads; every plane is written by one worker in index order, so results never depend on the thread count.
/// </summary>
internal static class IndexKernels
{
    /// <summary>dX[plane, idx[o]] += dY[plane, o] for every o with idx[o] ≥ 0 (−1 marks a window of padding only).</summary>
    public static T[] ScatterAdd<T>(int planes, int inPlane, T[] dy, int[] indices) where T : unmanaged, INumber<T>
    {
        int outPlane = planes == 0 ? 0 : dy.Length / planes;
        var dx = TensorStorage.Allocate<T>(planes * inPlane, zeroed: false);
        ForPlanes(planes, (long)planes * (inPlane + outPlane), p =>
        {
            var plane = dx.AsSpan(p * inPlane, inPlane);
            plane.Clear();
            var g = dy.AsSpan(p * outPlane, outPlane);
            var idx = indices.AsSpan(p * outPlane, outPlane);
            for (int o = 0; o < g.Length; o++)
            {
                int i = idx[o];
                if (i >= 0) plane[i] += g[o];
            }
        });
        return dx;
    }

    /// <summary>Y[plane, idx[i]] = X[plane, i], later entries overwriting earlier ones (PyTorch's CPU order); zeros elsewhere.</summary>
    public static T[] Scatter<T>(int planes, int outPlane, T[] x, int[] indices) where T : unmanaged, INumber<T>
    {
        int inPlane = planes == 0 ? 0 : x.Length / planes;
        var y = TensorStorage.Allocate<T>(planes * outPlane, zeroed: true);
        ForPlanes(planes, (long)planes * inPlane, p =>
        {
            var plane = y.AsSpan(p * outPlane, outPlane);
            var v = x.AsSpan(p * inPlane, inPlane);
            var idx = indices.AsSpan(p * inPlane, inPlane);
            for (int i = 0; i < v.Length; i++) plane[idx[i]] = v[i];
        });
        return y;
    }

    /// <summary>dX[plane, i] = dY[plane, idx[i]], or 0 where idx[i] = −1 (a max-pool window of padding only).</summary>
    public static T[] Gather<T>(int planes, int outPlane, T[] dy, int[] indices) where T : unmanaged, INumber<T>
    {
        var dx = TensorStorage.Allocate<T>(indices.Length, zeroed: false);
        int inPlane = planes == 0 ? 0 : indices.Length / planes;
        ForPlanes(planes, (long)planes * inPlane, p =>
        {
            var plane = dy.AsSpan(p * outPlane, outPlane);
            var d = dx.AsSpan(p * inPlane, inPlane);
            var idx = indices.AsSpan(p * inPlane, inPlane);
            for (int i = 0; i < d.Length; i++)
            {
                int at = idx[i];
                d[i] = at >= 0 ? plane[at] : T.Zero;
            }
        });
        return dx;
    }

    private static void ForPlanes(int planes, long work, Action<int> plane)
    {
        if (planes == 0) return;
        int chunks = Kernels.Parallelism.Worth(planes, work) ? Math.Min(planes, Threading.NumThreads * 4) : 1;
        Kernels.Parallelism.For(chunks, work, c =>
        {
            var (p0, p1) = WindowWalk.PlaneRange(c, chunks, planes);
            for (int p = p0; p < p1; p++) plane(p);
        });
    }
}
