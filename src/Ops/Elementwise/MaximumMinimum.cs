using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Autograd;

// maximum(a, b) elementwise with broadcasting; NaN in either gives NaN (torch.maximum propagates it).
// PyTorch's rule (derivatives.yaml):
//   dA = where(a == b, g/2, g).masked_fill_(a < b, 0),  dB = where(a == b, g/2, g).masked_fill_(a > b, 0)
// so a tie splits the gradient in halves, and where a NaN is involved no comparison holds and BOTH inputs
// get all of g. minimum swaps the comparisons. Each gradient is summed back to its input's shape.
// The rule is g times a constant weight (0, ½ or 1) with a select for 0 (masked_fill: NaN·0 gives 0):
// under createGraph it is recorded as that op (MaskedFillBackward0), whose derivative is itself; with a
// constant g nothing is recorded, as in PyTorch.
public static partial class F
{
    /// <summary>torch.maximum(a, b): elementwise max with broadcasting, NaN-propagating.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum(a, b, max: true);

    /// <summary>torch.minimum(a, b): elementwise min with broadcasting, NaN-propagating.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum(a, b, max: false);

    private static Tensor Extremum(Tensor a, Tensor b, bool max)
    {
        (a, b) = Promote(a, b);
        var r = max ? BinaryKernel.Run<MaximumOp>(a, b, "maximum") : BinaryKernel.Run<MinimumOp>(a, b, "minimum");
        if (!Node.NeedsGrad([a, b])) return r;
        bool ga = a.RequiresGrad, gb = b.RequiresGrad;
        return Node.Record(r, max ? "MaximumBackward0" : "MinimumBackward0", [a, b], g =>
        [
            ga ? Share(g, max ? a : b, max ? b : a, a.Dims) : null,
            gb ? Share(g, max ? b : a, max ? a : b, b.Dims) : null,
        ], saved: [a, b], differentiable: true);
    }

    /// <summary>
    /// The share of g that goes to the input whose value is <paramref name="self"/> competing with <paramref name="rival"/>
    /// for the larger value (minimum passes them swapped), summed to <paramref name="shape"/>. Without broadcasting
    /// and without createGraph it is one fused pass; otherwise the weights are a tensor and the product is recorded.
    /// </summary>
    private static Tensor Share(Tensor g, Tensor self, Tensor rival, int[] shape)
    {
        if (!GradMode.IsEnabled && ShapeUtil.SameShape(self.Shape, g.Shape)
            && (ShapeUtil.SameShape(rival.Shape, g.Shape) || Kernels.RowBroadcast.IsSuffix(rival.Dims, g.Dims, rival.Numel)))
        {
            var r = Tensor.Uninitialized(g.DType, g.Dims);   // every element written
            if (g.DType == DType.Float32) Fused(g.Array<float>(), self.Array<float>(), rival.Array<float>(), r.Array<float>());
            else Fused(g.Array<double>(), self.Array<double>(), rival.Array<double>(), r.Array<double>());
            return r;
        }
        return SumToSize(WeightedGrad(g, BinaryKernel.Run<WinWeight>(self, rival, "maximum")), shape);

        // the rival is of g's shape or a row repeated along it
        static void Fused<T>(T[] g, T[] s, T[] o, T[] r) where T : unmanaged, IFloatingPointIeee754<T>
            => Kernels.RowBroadcast.Chunks(o, r.Length, (start, n, os) => Share<T>(g.AsSpan(start, n), s.AsSpan(start, n), os, r.AsSpan(start, n)));

        // s < o ? 0 : s == o ? g/2 : g, vectorised (the same selects lane by lane, so bit-identical to the scalar form)
        static void Share<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> s, ReadOnlySpan<T> o, Span<T> r) where T : unmanaged, IFloatingPointIeee754<T>
        {
            T half = T.CreateTruncating(0.5);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vh = Vector256.Create(half);
                for (; i + Vector256<T>.Count <= r.Length; i += Vector256<T>.Count)
                {
                    Vector256<T> gv = Vector256.Create(g.Slice(i)), sv = Vector256.Create(s.Slice(i)), ov = Vector256.Create(o.Slice(i));
                    var w = Vector256.ConditionalSelect(Vector256.Equals(sv, ov), gv * vh, gv);
                    Vector256.ConditionalSelect(Vector256.LessThan(sv, ov), Vector256<T>.Zero, w).CopyTo(r.Slice(i));
                }
            }
            for (; i < r.Length; i++) r[i] = s[i] < o[i] ? T.Zero : s[i] == o[i] ? g[i] * half : g[i];
        }
    }

    /// <summary>w == 0 ? 0 : g·w, recorded (MaskedFillBackward0) when g requires grad; its derivative is itself.</summary>
    private static Tensor WeightedGrad(Tensor g, Tensor w)
    {
        var r = Pointwise.Map(g, w, new WeightSelect());
        return Node.NeedsGrad([g]) ? Node.Record(r, "MaskedFillBackward0", [g], d => [WeightedGrad(d, w)], differentiable: true) : r;
    }

    private struct MaximumOp : IBinaryOp
    {
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || a > b ? a : b;   // b when b is NaN
        public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, d);
    }

    private struct MinimumOp : IBinaryOp
    {
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || a < b ? a : b;
        public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, d);
    }

    /// <summary>
    /// The share of the gradient that goes to `a` when `a` competes with `b` for the larger value (called with the
    /// operands swapped for the other input, and for minimum): 0 where b wins, ½ on a tie, else 1 (NaN included).
    /// </summary>
    private struct WinWeight : IBinaryOp
    {
        public static T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
            => a < b ? T.Zero : a == b ? T.CreateTruncating(0.5) : T.One;

        public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < d.Length; i++) d[i] = Apply(a[i], b[i]);
        }
    }

    private readonly struct WeightSelect : IPointwise2
    {
        public T Apply<T>(T g, T w) where T : unmanaged, IFloatingPointIeee754<T> => w == T.Zero ? T.Zero : g * w;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the MaximumMinimum ops in <see cref="F"/>.</summary>
public static class TensorMaximumMinimumExtensions
{
    extension(Tensor a)
    {
        /// <summary>tensor.maximum(other).</summary>
        public Tensor Maximum(Tensor other) => F.Maximum(a, other);

        /// <summary>tensor.minimum(other).</summary>
        public Tensor Minimum(Tensor other) => F.Minimum(a, other);
    }
}
