using System.Numerics;

namespace Autograd;

/// <summary>An interpolation scale factor: one value for both spatial dims or an (H, W) pair.</summary>
public readonly record struct ScalePair(double H, double W)
{
    /// <summary>The same scale factor for height and width.</summary>
    public static implicit operator ScalePair(double v) => new(v, v);
    /// <summary>Separate scale factors for height and width.</summary>
    public static implicit operator ScalePair((double H, double W) v) => new(v.H, v.W);
    /// <inheritdoc/>
    public override string ToString() => $"({H}, {W})";
}

// Upsampling of (N, C, H, W) to (N, C, oH, oW), separable per axis with PyTorch's index tables
// (aten/src/ATen/native/UpSample.h, the CPU kernels of UpSampleKernel.cpp):
//   scale = align_corners ? (in − 1)/(out − 1) (0 for out = 1) : (given scale_factor ? 1/scale_factor : in/out)
//   nearest:        i = min(floor(scale·o), in − 1)
//   nearest-exact:  i = min(floor(scale·(o + ½)), in − 1)
//   bilinear:       s = align_corners ? scale·o : max(scale·(o + ½) − ½, 0); i0 = min(floor(s), in − 1),
//                   i1 = i0 + (i0 < in − 1), λ1 = clamp(s − i0, 0, 1), λ0 = 1 − λ1 (out = in without
//                   align_corners copies: i0 = i1 = o, λ0 = 1)
//   y[oh, ow] = Σ_ab λh_a λw_b x[ih_a, iw_b]                     (nearest: one tap, weight 1)
//   dX[ih_a, iw_b] += λh_a λw_b dY[oh, ow]                        (UpsampleNearest2DBackward0 / UpsampleBilinear2DBackward0)
// Both are linear; each is the other's adjoint on the same tables, so the backward is recorded
// (…BackwardBackward0) with the forward as its own backward and every order of derivative works.
// The floor is floorf, on the source index rounded to float, as in PyTorch's kernels.
//
// Note [Interpolate scale]
// The scale_factor the user gave is passed to the kernels unless recompute_scale_factor=True, as
// F.interpolate does: with scale 1.5 on 3 pixels the output has floor(4.5) = 4 pixels, but the source
// coordinates use 1/1.5, not 3/4. The same indices serve the backward; libtorch's nearest backward
// recomputes them with a float scale (nearest_idx) where its forward used the dtype's, which can
// differ in the last bit for float64 — we keep the forward's, so the gradient is the exact adjoint.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.interpolate for 4-d (N, C, H, W) input, modes "nearest", "nearest-exact",
    /// "bilinear" and "area" (adaptive average pooling, as PyTorch dispatches it). Exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/> is given.
    /// </summary>
    public static Tensor Interpolate(Tensor input, Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool? recomputeScaleFactor = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (mode is "nearest" or "area" or "nearest-exact")
        {
            if (alignCorners is not null)
                throw new ArgumentException("interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear", nameof(alignCorners));
        }
        bool corners = alignCorners ?? false;
        if (size is not null && scaleFactor is not null)
            throw new ArgumentException("interpolate: only one of size or scale_factor should be defined", nameof(size));
        if (size is null && scaleFactor is null)
            throw new ArgumentException("interpolate: either size or scale_factor should be defined", nameof(size));
        if (recomputeScaleFactor == true && size is not null)
            throw new ArgumentException("interpolate: recompute_scale_factor is not meaningful with an explicit size.", nameof(recomputeScaleFactor));
        if (mode is not ("nearest" or "nearest-exact" or "bilinear" or "area"))
            throw new NotSupportedException($"interpolate: mode '{mode}' is not supported (supported: nearest | nearest-exact | bilinear | area; PyTorch also has linear | bicubic | trilinear)");
        if (input.Rank != 4)
            throw new ArgumentException(mode == "bilinear" && input.Rank is 3 or 5
                ? $"interpolate: Got {input.Rank}D input, but bilinear mode needs 4D input"
                : $"interpolate: only 4-D (N, C, H, W) input is supported, got input of size {ShapeUtil.Format(input.Shape)}", nameof(input));
        input.RequireFloating("interpolate", nameof(input));
        int h = input.Dims[2], w = input.Dims[3];
        int oh, ow;
        double? sh = null, sw = null;
        if (size is { } s) (oh, ow) = (s.H, s.W);
        else
        {
            var f = scaleFactor!.Value;
            if (!double.IsFinite(f.H) || !double.IsFinite(f.W))
                throw new ArgumentException($"interpolate: scale_factor must be finite, got {f}", nameof(scaleFactor));
            // Python's floor(float(size)·scale) and ATen's int64 truncation of the same product agree for positive products.
            double ph = Math.Floor(h * f.H), pw = Math.Floor(w * f.W);
            oh = ph > int.MaxValue ? int.MaxValue : ph < int.MinValue ? int.MinValue : (int)ph;
            ow = pw > int.MaxValue ? int.MaxValue : pw < int.MinValue ? int.MinValue : (int)pw;
            if (recomputeScaleFactor != true) (sh, sw) = (f.H, f.W);
        }
        if (h <= 0 || w <= 0 || oh <= 0 || ow <= 0)
            throw new ArgumentException($"interpolate: Input and output sizes should be greater than 0, but got input (H: {h}, W: {w}) output (H: {oh}, W: {ow})", nameof(input));
        // "area" is adaptive average pooling to the output size (F.interpolate's own dispatch; the scale is always recomputed).
        if (mode == "area") return AdaptiveAvgPool2d(input, (oh, ow));
        if ((long)input.Dims[0] * input.Dims[1] * oh * ow > int.MaxValue)
            throw new ArgumentException($"interpolate: output of size [{input.Dims[0]}, {input.Dims[1]}, {oh}, {ow}] has more than {int.MaxValue} elements", nameof(size));
        var plan = new Resample(input.Dims[0] * input.Dims[1], h, w,
            Axis.Create(h, oh, mode, corners, sh, input.DType), Axis.Create(w, ow, mode, corners, sw, input.DType),
            mode == "bilinear" ? "UpsampleBilinear2DBackward0" : mode == "nearest" ? "UpsampleNearest2DBackward0" : "UpsampleNearestExact2DBackward0");
        return plan.Forward(input, [input.Dims[0], input.Dims[1], oh, ow]);
    }

    /// <summary>One axis's table: output position o reads input I0[o] with weight L0[o] and I1[o] with L1[o].</summary>
    private sealed record Axis(int[] I0, int[] I1, double[] L0, double[] L1)
    {
        public static Axis Create(int input, int output, string mode, bool alignCorners, double? scale, DType dtype)
            => dtype == DType.Float32 ? Create<float>(input, output, mode, alignCorners, scale) : Create<double>(input, output, mode, alignCorners, scale);

        private static Axis Create<T>(int input, int output, string mode, bool alignCorners, double? scale) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int[] i0 = new int[output], i1 = new int[output];
            double[] l0 = new double[output], l1 = new double[output];
            // area_pixel_compute_scale / compute_scales_value, in the dtype (opmath) as PyTorch's CPU kernels.
            T r = alignCorners ? (output > 1 ? T.CreateTruncating(input - 1) / T.CreateTruncating(output - 1) : T.Zero)
                : scale is > 0 ? T.CreateTruncating(1.0 / scale.Value) : T.CreateTruncating(input) / T.CreateTruncating(output);
            T half = T.CreateTruncating(0.5);
            for (int o = 0; o < output; o++)
            {
                if (mode == "nearest" || mode == "nearest-exact")
                {
                    // HelperInterpNearest(Exact): floorf(scale·o), floorf(max(scale·(o + ½) − ½, 0) + ½)
                    T src = mode == "nearest" ? r * T.CreateTruncating(o) : T.Max(r * (T.CreateTruncating(o) + half) - half, T.Zero) + half;
                    i0[o] = i1[o] = (int)Math.Min((long)MathF.Floor(float.CreateTruncating(src)), input - 1);
                    l0[o] = 1;
                    continue;
                }
                if (output == input && !alignCorners) { i0[o] = i1[o] = o; l0[o] = 1; continue; }
                T real = alignCorners ? r * T.CreateTruncating(o) : T.Max(r * (T.CreateTruncating(o) + half) - half, T.Zero);
                int idx = (int)Math.Min((long)MathF.Floor(float.CreateTruncating(real)), input - 1);
                T lambda1 = T.Min(T.Max(real - T.CreateTruncating(idx), T.Zero), T.One);
                i0[o] = idx;
                i1[o] = idx + (idx < input - 1 ? 1 : 0);
                l1[o] = double.CreateTruncating(lambda1);
                l0[o] = double.CreateTruncating(T.One - lambda1);
            }
            return new Axis(i0, i1, l0, l1);
        }

        public bool Nearest => Array.TrueForAll(L1, v => v == 0);
    }

    /// <summary>The resampling of <paramref name="Planes"/> planes of InH×InW by two axis tables, and its adjoint.</summary>
    private sealed record Resample(int Planes, int InH, int InW, Axis Rows, Axis Cols, string Node)
    {
        /// <summary>y = resample(x) of <paramref name="shape"/>, recorded with Backward as its backward.</summary>
        public Tensor Forward(Tensor x, int[] shape)
        {
            var y = Tensor.Uninitialized(x.DType, shape);
            if (x.DType == DType.Float32) ResampleKernels.Forward(this, x.Array<float>(), y.Array<float>());
            else ResampleKernels.Forward(this, x.Array<double>(), y.Array<double>());
            if (!Autograd.Node.NeedsGrad([x])) return y;
            int[] xShape = x.Dims;
            return Autograd.Node.Record(y, Node, [x], g => [Backward(g, xShape)], differentiable: true);
        }

        /// <summary>dX = resampleᵀ(dY), recorded (under createGraph) with Forward as its backward.</summary>
        public Tensor Backward(Tensor g, int[] xShape)
        {
            var dx = Tensor.Empty(g.DType, xShape);
            if (g.DType == DType.Float32) ResampleKernels.Backward(this, g.Array<float>(), dx.Array<float>());
            else ResampleKernels.Backward(this, g.Array<double>(), dx.Array<double>());
            if (!Autograd.Node.NeedsGrad([g])) return dx;
            int[] gShape = g.Dims;
            return Autograd.Node.Record(dx, Node.Replace("Backward0", "BackwardBackward0"), [g], v => [Forward(v, gShape)], differentiable: true);
        }
    }

    private static class ResampleKernels
    {
        public static void Forward<T>(Resample p, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int oh = p.Rows.I0.Length, ow = p.Cols.I0.Length, w = p.InW, xPlane = p.InH * p.InW, yPlane = oh * ow;
            var (ci0, ci1) = (p.Cols.I0, p.Cols.I1);
            T[] cl0 = Cast<T>(p.Cols.L0), cl1 = Cast<T>(p.Cols.L1), rl0 = Cast<T>(p.Rows.L0), rl1 = Cast<T>(p.Rows.L1);
            bool nearest = p.Rows.Nearest && p.Cols.Nearest;
            Kernels.Parallelism.For(p.Planes, (long)p.Planes * yPlane * 4, plane =>
            {
                var xs = x.AsSpan(plane * xPlane, xPlane);
                var ys = y.AsSpan(plane * yPlane, yPlane);
                for (int r = 0; r < oh; r++)
                {
                    var x0 = xs.Slice(p.Rows.I0[r] * w, w);
                    var yr = ys.Slice(r * ow, ow);
                    if (nearest)
                    {
                        for (int c = 0; c < ow; c++) yr[c] = x0[ci0[c]];
                        continue;
                    }
                    var x1 = xs.Slice(p.Rows.I1[r] * w, w);
                    T h0 = rl0[r], h1 = rl1[r];
                    for (int c = 0; c < ow; c++)
                        yr[c] = (x0[ci0[c]] * cl0[c] + x0[ci1[c]] * cl1[c]) * h0 + (x1[ci0[c]] * cl0[c] + x1[ci1[c]] * cl1[c]) * h1;
                }
            });
        }

        public static void Backward<T>(Resample p, T[] g, T[] dx) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int oh = p.Rows.I0.Length, ow = p.Cols.I0.Length, w = p.InW, xPlane = p.InH * p.InW, yPlane = oh * ow;
            bool nearest = p.Rows.Nearest && p.Cols.Nearest;
            var (ci0, ci1) = (p.Cols.I0, p.Cols.I1);
            T[] cl0 = Cast<T>(p.Cols.L0), cl1 = Cast<T>(p.Cols.L1), rl0 = Cast<T>(p.Rows.L0), rl1 = Cast<T>(p.Rows.L1);
            Kernels.Parallelism.For(p.Planes, (long)p.Planes * yPlane * 4, plane =>
            {
                var ds = dx.AsSpan(plane * xPlane, xPlane);
                var gs = g.AsSpan(plane * yPlane, yPlane);
                for (int r = 0; r < oh; r++)
                {
                    var d0 = ds.Slice(p.Rows.I0[r] * w, w);
                    var d1 = ds.Slice(p.Rows.I1[r] * w, w);
                    var gr = gs.Slice(r * ow, ow);
                    if (nearest)
                    {
                        for (int c = 0; c < ow; c++) d0[ci0[c]] += gr[c];   // one tap of weight 1: no 0·∞ terms
                        continue;
                    }
                    T h0 = rl0[r], h1 = rl1[r];
                    for (int c = 0; c < ow; c++)
                    {
                        T v = gr[c];
                        d0[ci0[c]] += h0 * cl0[c] * v;
                        d0[ci1[c]] += h0 * cl1[c] * v;
                        d1[ci0[c]] += h1 * cl0[c] * v;
                        d1[ci1[c]] += h1 * cl1[c] * v;
                    }
                }
            });
        }

        private static T[] Cast<T>(double[] v) where T : unmanaged, IFloatingPointIeee754<T>
            => Array.ConvertAll(v, T.CreateTruncating);
    }
}
