using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Kernels;

namespace Autograd;

// The float32/float64 kernel of binary_cross_entropy_with_logits (formulas in BinaryCrossEntropyWithLogits.cs):
// one pass forward (the reduced loss or the unreduced one) and one pass for dX, instead of a dozen
// full-size elementwise ops. With e = exp(−|x|), u = 1 + e:
//   log1p(e) = e where u == 1, else log(u)·e/(u − 1)  (Goldberg's correction: log1p from a vectorised log),
//   −log_sigmoid(x) = log1p(e) + max(−x, 0),  sigmoid(x) = 1/u for x ≥ 0, e/u otherwise,
//   ℓ = w·((1 − t)·x + (1 + (pw − 1)·t)·(−log_sigmoid(x))),  dX = g·w·((pw·t + 1 − t)·sigmoid(x) − pw·t).
// An absent weight or pos_weight is a row of ones (pw = 1 gives the formula without pos_weight). The
// elements run in segments: rows of the last dim when an operand is a last-dim vector, else fixed
// 4096-element pieces; segments run in parallel, and a reduction adds the segments' sums in order
// (Note [Deterministic parallelism]).
internal static class BceWithLogitsKernel
{
    private const int Block = 256, Piece = 4096;

    /// <summary>A weight operand: per element (flat), or one row repeated along the segments.</summary>
    internal readonly record struct Operand<T>(T[] Data, bool PerElement) where T : unmanaged
    {
        public ReadOnlySpan<T> At(int flat, int inSegment, int len) => PerElement ? Data.AsSpan(flat, len) : Data.AsSpan(inSegment, len);
    }

    /// <summary>
    /// Whether a weight of <paramref name="w"/>'s shape suits the kernel: absent, one value, one per element, or
    /// one per last-dim entry (<paramref name="lastRow"/>); any other broadcast runs the composite path.
    /// </summary>
    internal static bool Supported(Tensor? w, int[] shape, DType dtype, out bool lastRow)
    {
        lastRow = false;
        if (w is null) return true;
        if (w.DType != dtype) return false;
        if (w.Numel == 1 || w.Numel == ShapeUtil.Numel(shape)) return true;
        // A short last dim would make tiny segments: the composite path is as fast there.
        lastRow = shape.Length > 0 && w.Rank > 0 && w.Numel == shape[^1] && w.Dims[^1] == shape[^1] && shape[^1] >= 16;
        return lastRow;
    }

    /// <summary>The segment length: the last dim when some operand is a last-dim row, else <see cref="Piece"/>.</summary>
    internal static int SegmentLength(int[] shape, bool lastDimRow, int numel) => lastDimRow ? shape[^1] : Math.Min(Piece, Math.Max(numel, 1));

    /// <summary>A supported weight as an operand: per element, the last-dim row itself, or a row of ones (absent) or of its one value.</summary>
    internal static Operand<T> Make<T>(Tensor? w, int segment) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w is not null && w.Numel > 1) return new(w.Array<T>(), w.Numel != segment);
        var row = new T[segment];
        Array.Fill(row, w is null ? T.One : w.Array<T>()[0]);
        return new(row, false);
    }

    /// <summary>Per-element loss into <paramref name="loss"/> (when not null), and the sum of each segment into <paramref name="sums"/>.</summary>
    internal static void Forward<T>(T[] x, T[] t, Operand<T> w, Operand<T> pw, int segment, T[]? loss, double[] sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int numel = x.Length, segments = sums.Length, chunks = Math.Min(segments, 64);
        Parallelism.For(chunks, (long)numel * 12, ch =>
        {
            Span<T> e = stackalloc T[Block], lu = stackalloc T[Block];
            for (int sIdx = (int)((long)segments * ch / chunks), end = (int)((long)segments * (ch + 1) / chunks); sIdx < end; sIdx++)
            {
                int o = sIdx * segment, len = Math.Min(segment, numel - o);
                double total = 0;
                for (int b = 0; b < len; b += Block)
                {
                    int n = Math.Min(Block, len - b), at = o + b;
                    var xs = x.AsSpan(at, n);
                    ExpNegAbs(xs, e[..n]);
                    TensorPrimitives.Add<T>(e[..n], T.One, lu[..n]);
                    TensorPrimitives.Log<T>(lu[..n], lu[..n]);
                    var dst = loss is null ? lu[..n] : loss.AsSpan(at, n);   // elementwise: lu may be overwritten in place
                    LossBlock(xs, t.AsSpan(at, n), w.At(at, b, n), pw.At(at, b, n), e[..n], lu[..n], dst);
                    total += double.CreateTruncating(TensorPrimitives.Sum<T>(dst));
                }
                sums[sIdx] = total;
            }
        });
    }

    /// <summary>dX = g·w·((pw·t + 1 − t)·sigmoid(x) − pw·t); <paramref name="g"/> per element, or null for the scalar <paramref name="g0"/>.</summary>
    internal static void Backward<T>(T[] x, T[] t, Operand<T> w, Operand<T> pw, int segment, T[]? g, T g0, T[] dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int numel = x.Length, segments = (numel + segment - 1) / segment, chunks = Math.Min(segments, 64);
        Parallelism.For(chunks, (long)numel * 8, ch =>
        {
            Span<T> e = stackalloc T[Block];
            for (int sIdx = (int)((long)segments * ch / chunks), end = (int)((long)segments * (ch + 1) / chunks); sIdx < end; sIdx++)
            {
                int o = sIdx * segment, len = Math.Min(segment, numel - o);
                for (int b = 0; b < len; b += Block)
                {
                    int n = Math.Min(Block, len - b), at = o + b;
                    var xs = x.AsSpan(at, n);
                    ExpNegAbs(xs, e[..n]);
                    GradBlock(xs, t.AsSpan(at, n), w.At(at, b, n), pw.At(at, b, n), e[..n], g is null ? default : g.AsSpan(at, n), g0, dx.AsSpan(at, n));
                }
            }
        });
    }

    /// <summary>e = exp(−|x|).</summary>
    private static void ExpNegAbs<T>(ReadOnlySpan<T> x, Span<T> e) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Abs<T>(x, e);
        TensorPrimitives.Negate<T>(e, e);
        TensorPrimitives.Exp<T>(e, e);
    }

    private static void LossBlock<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> t, ReadOnlySpan<T> w, ReadOnlySpan<T> pw, ReadOnlySpan<T> e, ReadOnlySpan<T> lu, Span<T> dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<T>.One;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> vx = new(x[i..]), vt = new(t[i..]), ve = new(e[i..]), u = one + ve;
                var sp = Vector.ConditionalSelect(Vector.Equals(u, one), ve, new Vector<T>(lu[i..]) * ve / (u - one));
                var nls = sp + Vector.Max(-vx, Vector<T>.Zero);
                var l = new Vector<T>(w[i..]) * ((one - vt) * vx + (one + (new Vector<T>(pw[i..]) - one) * vt) * nls);
                l.CopyTo(dst[i..]);
            }
        }
        for (; i < n; i++)
        {
            T u = T.One + e[i];
            T sp = u == T.One ? e[i] : lu[i] * e[i] / (u - T.One);
            T nls = sp + T.Max(-x[i], T.Zero);
            dst[i] = w[i] * ((T.One - t[i]) * x[i] + (T.One + (pw[i] - T.One) * t[i]) * nls);
        }
    }

    private static void GradBlock<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> t, ReadOnlySpan<T> w, ReadOnlySpan<T> pw, ReadOnlySpan<T> e, ReadOnlySpan<T> g, T g0, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        bool perElement = !g.IsEmpty;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> one = Vector<T>.One, vg0 = new(g0);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> vx = new(x[i..]), vt = new(t[i..]), ve = new(e[i..]), u = one + ve;
                var sig = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(vx, Vector<T>.Zero), one, ve) / u;
                var pt = new Vector<T>(pw[i..]) * vt;
                var d = (perElement ? new Vector<T>(g[i..]) : vg0) * new Vector<T>(w[i..]) * ((pt + one - vt) * sig - pt);
                d.CopyTo(dx[i..]);
            }
        }
        for (; i < n; i++)
        {
            T sig = (x[i] >= T.Zero ? T.One : e[i]) / (T.One + e[i]);
            T pt = pw[i] * t[i];
            dx[i] = (perElement ? g[i] : g0) * w[i] * ((pt + T.One - t[i]) * sig - pt);
        }
    }
}
