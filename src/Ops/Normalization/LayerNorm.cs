using System.Numerics;
using System.Numerics.Tensors;
using Autograd.Kernels;

namespace Autograd;

// layer_norm over the trailing dims given by normalized_shape: the input is R rows of D = Π normalized_shape.
//   y = (x − μ_r)·rstd_r·w + b,  μ_r, σ²_r = mean and biased variance of row r, rstd = 1/√(σ² + eps)
// Backward (NativeLayerNormBackward0), x̂ = (x − μ)·rstd, gw = g·w, means along the row:
//   dx = rstd·(gw − mean(gw) − x̂·mean(gw·x̂)),  dw = Σ_rows g·x̂,  db = Σ_rows g
// Rows run in parallel. dw and db are summed per fixed chunk of rows and the chunks combined in order,
// so results do not depend on the thread count (Note [Deterministic parallelism]). Under createGraph the
// gradients are recorded ops with μ, rstd recomputed from x (Note [Double backward]).
public static partial class F
{
    /// <summary>torch.nn.functional.layer_norm(input, normalized_shape, weight, bias, eps).</summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        input.RequireFloating("layer_norm", nameof(input));
        normalizedShape = (int[])normalizedShape.Clone();   // the backward keeps it; the caller may reuse its array
        int k = normalizedShape.Length;
        if (k == 0)
            throw new ArgumentException("layer_norm: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []", nameof(normalizedShape));
        if (input.Rank < k || !input.Dims.AsSpan(input.Rank - k).SequenceEqual(normalizedShape))
            throw new ArgumentException($"layer_norm: Given normalized_shape={ShapeUtil.Format(normalizedShape)}, expected input with shape [*, {string.Join(", ", normalizedShape)}], but got input of size{ShapeUtil.Format(input.Shape)}", nameof(input));
        CheckNormalizedAffine(weight, "weight", normalizedShape, input.DType);
        CheckNormalizedAffine(bias, "bias", normalizedShape, input.DType);
        int d = ShapeUtil.Numel(normalizedShape), rows = d == 0 ? 0 : input.Numel / d;
        if (d == 0) rows = ShapeUtil.Numel(input.Dims[..^k]);

        var mean = new double[rows];
        var rstd = new double[rows];
        var y = Tensor.Uninitialized(input.DType, input.Dims);
        if (input.DType == DType.Float32) LayerNormKernel.Forward(input.Array<float>(), weight?.Array<float>(), bias?.Array<float>(), y.Array<float>(), rows, d, eps, mean, rstd);
        else LayerNormKernel.Forward(input.Array<double>(), weight?.Array<double>(), bias?.Array<double>(), y.Array<double>(), rows, d, eps, mean, rstd);

        Tensor[] inputs = [input, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        if (!Node.NeedsGrad(inputs)) return y;
        bool gx = input.RequiresGrad, gw = weight?.RequiresGrad ?? false, gb = bias?.RequiresGrad ?? false;
        return Node.Record(y, "NativeLayerNormBackward0", inputs, g =>
        {
            Tensor? dx, dw, db;
            if (GradMode.IsEnabled) (dx, dw, db) = LayerNormGrad(g, input, weight, normalizedShape, rows, d, eps, gx, gw, gb);
            else
            {
                dx = gx ? Tensor.Uninitialized(input.DType, input.Dims) : null;
                dw = gw ? Tensor.Uninitialized(input.DType, normalizedShape) : null;
                db = gb ? Tensor.Uninitialized(input.DType, normalizedShape) : null;
                if (input.DType == DType.Float32)
                    LayerNormKernel.Backward(g.Array<float>(), input.Array<float>(), weight?.Array<float>(), rows, d, mean, rstd, dx?.Array<float>(), dw?.Array<float>(), db?.Array<float>());
                else
                    LayerNormKernel.Backward(g.Array<double>(), input.Array<double>(), weight?.Array<double>(), rows, d, mean, rstd, dx?.Array<double>(), dw?.Array<double>(), db?.Array<double>());
            }
            return [dx, .. weight is null ? Array.Empty<Tensor?>() : [dw], .. bias is null ? Array.Empty<Tensor?>() : [db]];
        }, saved: [input, weight], differentiable: true);
    }

    /// <summary>The layer_norm gradients as recorded ops of x, w and g (Note [Double backward]).</summary>
    private static (Tensor? Dx, Tensor? Dw, Tensor? Db) LayerNormGrad(Tensor g, Tensor x, Tensor? weight, int[] normalizedShape, int rows, int d, double eps, bool gx, bool gw, bool gb)
    {
        int[] dim = [1];
        var x2 = Reshape(x, [rows, d]);
        var g2 = Reshape(g, [rows, d]);
        var mu = Mean(x2, dim, keepDim: true);
        var rstd = Rsqrt(Add(Mean(Square(Sub(x2, mu)), dim, keepDim: true), eps));
        var xhat = Mul(Sub(x2, mu), rstd);
        Tensor? dx = null;
        if (gx)
        {
            var gwt = weight is null ? g2 : Mul(g2, Reshape(weight, [1, d]));
            dx = Reshape(Mul(rstd, Sub(Sub(gwt, Mean(gwt, dim, keepDim: true)), Mul(xhat, Mean(Mul(gwt, xhat), dim, keepDim: true)))), x.Dims);
        }
        var dw = gw ? Reshape(Sum(Mul(g2, xhat), [0]), normalizedShape) : null;
        var db = gb ? Reshape(Sum(g2, [0]), normalizedShape) : null;
        return (dx, dw, db);
    }

    private static void CheckNormalizedAffine(Tensor? t, string name, int[] normalizedShape, DType dtype)
    {
        if (t is null) return;
        if (!t.Dims.AsSpan().SequenceEqual(normalizedShape))
            throw new ArgumentException($"layer_norm: Expected {name} to be of same shape as normalized_shape, but got {name} of shape {ShapeUtil.Format(t.Shape)} and normalized_shape = {ShapeUtil.Format(normalizedShape)}", name);
        if (t.DType != dtype)
            throw new ArgumentException($"layer_norm: expected {name} to have the input's dtype {dtype.ScalarTypeName()}, got {t.DType.ScalarTypeName()}", name);
    }
}

internal static class LayerNormKernel
{
    // Note [Layer norm rows in chunks]: rows run in chunks of consecutive rows (the same shape-only split
    // as the backward's), not one parallel item per row: a row of 256 floats takes ~50 ns, about what the
    // Parallel.For bookkeeping of one item costs. Each row reads x from memory once; the statistics' second
    // pass and the affine read it from L1 (Note [Normalisation rows at full width]).
    internal static void Forward<T>(T[] x, T[]? w, T[]? b, T[] y, int rows, int d, double eps, double[] mean, double[] rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = Math.Min(Chunks(rows, d), Math.Max(rows, 1));
        // An affine with only one of w, b gets the identity for the other: one row kernel for every case.
        T[]? wa = w ?? (b is null ? null : Ones<T>(d)), ba = b ?? (w is null ? null : new T[d]);
        Parallelism.For(chunks, (long)rows * d * 3, ch =>
        {
            for (int r = (int)((long)rows * ch / chunks), end = (int)((long)rows * (ch + 1) / chunks); r < end; r++)
            {
                var xs = x.AsSpan(r * d, d);
                double mu = double.CreateTruncating(NormSimd.Sum<T>(xs)) / d;
                double rs = 1 / Math.Sqrt(double.CreateTruncating(NormSimd.SquaredDeviation<T>(xs, T.CreateTruncating(mu))) / d + eps);
                mean[r] = mu;
                rstd[r] = rs;
                NormSimd.Affine<T>(xs, T.CreateTruncating(rs), T.CreateTruncating(-mu * rs), wa, ba, y.AsSpan(r * d, d));
            }
        });
    }

    /// <summary>Rows per chunk of the dw/db partial sums: a function of the shape only, never of the thread count.</summary>
    private static int Chunks(int rows, int d) => Math.Clamp((int)Math.Min(rows, (long)rows * d / 16384), 1, 64);

    internal static void Backward<T>(T[] g, T[] x, T[]? w, int rows, int d, double[] mean, double[] rstd, T[]? dx, T[]? dw, T[]? db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = Math.Min(Chunks(rows, d), Math.Max(rows, 1));
        bool partials = dw is not null || db is not null;
        var pw = partials ? new T[chunks][] : null;
        var pb = partials ? new T[chunks][] : null;
        T[] ones = w ?? Ones<T>(d);
        Parallelism.For(chunks, (long)rows * d * 6, ch =>
        {
            int r0 = (int)((long)rows * ch / chunks), r1 = (int)((long)rows * (ch + 1) / chunks);
            // Partial dw/db of this chunk (scratch when not wanted: the row pass always accumulates them).
            T[] sw = new T[d], sb = new T[d];
            for (int r = r0; r < r1; r++)
            {
                var xs = x.AsSpan(r * d, d);
                var gs = g.AsSpan(r * d, d);
                double rs = rstd[r], sh = -mean[r] * rstd[r];
                var (sumGw, dotGwXhat) = RowSums<T>(xs, gs, ones, T.CreateTruncating(rs), T.CreateTruncating(sh), sw, sb);
                if (dx is null) continue;
                double mg = double.CreateTruncating(sumGw) / d, mgx = double.CreateTruncating(dotGwXhat) / d;
                // dx = rstd·gw − rstd·mgx·x̂ − rstd·mg, x̂ = x·rstd + sh
                RowGrad<T>(xs, gs, ones, T.CreateTruncating(rs), T.CreateTruncating(sh), T.CreateTruncating(-rs * mgx), T.CreateTruncating(-rs * mg), dx.AsSpan(r * d, d));
            }
            if (partials) { pw![ch] = sw; pb![ch] = sb; }
        });
        if (!partials) return;
        if (dw is not null) { Array.Clear(dw); for (int ch = 0; ch < chunks; ch++) TensorPrimitives.Add(dw, pw![ch], dw); }
        if (db is not null) { Array.Clear(db); for (int ch = 0; ch < chunks; ch++) TensorPrimitives.Add(db, pb![ch], db); }
    }

    private static T[] Ones<T>(int d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = new T[d];
        Array.Fill(o, T.One);
        return o;
    }

    /// <summary>
    /// One pass over a row: x̂ = x·a + s, sw += g·x̂, sb += g, and returns (Σ g·w, Σ g·w·x̂).
    /// </summary>
    private static (T SumGw, T DotGwXhat) RowSums<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> w, T a, T s, Span<T> sw, Span<T> sb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        T sumGw = T.Zero, dot = T.Zero;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            Vector<T> va = new(a), vs = new(s), accS = Vector<T>.Zero, accD = Vector<T>.Zero;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> vg = new(g[i..]), xh = new Vector<T>(x[i..]) * va + vs, gw = vg * new Vector<T>(w[i..]);
                (new Vector<T>(sw[i..]) + vg * xh).CopyTo(sw[i..]);
                (new Vector<T>(sb[i..]) + vg).CopyTo(sb[i..]);
                accS += gw;
                accD += gw * xh;
            }
            sumGw = Vector.Sum(accS);
            dot = Vector.Sum(accD);
        }
        for (; i < n; i++)
        {
            T xh = x[i] * a + s, gw = g[i] * w[i];
            sw[i] += g[i] * xh;
            sb[i] += g[i];
            sumGw += gw;
            dot += gw * xh;
        }
        return (sumGw, dot);
    }

    /// <summary>dx = g·w·rs + x̂·k2 + k3 in one pass, x̂ = x·rs + sh.</summary>
    private static void RowGrad<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> w, T rs, T sh, T k2, T k3, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            Vector<T> vr = new(rs), vs = new(sh), v2 = new(k2), v3 = new(k3);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(g[i..]) * new Vector<T>(w[i..]) * vr + (new Vector<T>(x[i..]) * vr + vs) * v2 + v3).CopyTo(dx[i..]);
        }
        for (; i < n; i++) dx[i] = g[i] * w[i] * rs + (x[i] * rs + sh) * k2 + k3;
    }
}
