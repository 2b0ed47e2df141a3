using System.Numerics;

namespace Autograd;

// argmax/argmin: the int64 position of the first largest/smallest element along dim (no dim: of the
// flattened tensor, a 0-dim result, or all-ones shape with keepDim). NaN counts as the extreme (the first
// NaN wins), as PyTorch's CPU kernels. Not differentiable (an integer result, as in PyTorch). Any dtype but bool.
public static partial class F
{
    /// <summary>torch.argmax(x, dim, keepdim).</summary>
    public static Tensor Argmax(Tensor x, int? dim = null, bool keepDim = false) => ArgExtreme(x, dim, keepDim, "argmax", max: true);

    /// <summary>torch.argmin(x, dim, keepdim).</summary>
    public static Tensor Argmin(Tensor x, int? dim = null, bool keepDim = false) => ArgExtreme(x, dim, keepDim, "argmin", max: false);

    private static Tensor ArgExtreme(Tensor x, int? dim, bool keepDim, string op, bool max)
    {
        if (x.DType == DType.Bool)
            throw new ArgumentException($"{op}(): \"{op}_cpu\" not implemented for 'Bool'", nameof(x));
        int d = dim is { } v ? ShapeUtil.NormalizeDim(v, x.Rank, op) : 0;
        if (dim is null && x.Numel == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim to be specified for input.numel() == 0.", nameof(x));
        var l = dim is null ? new DimLayout(1, x.Numel, 1) : DimLayout.Of(x.Dims, d);
        if (x.Rank > 0 && l.Size == 0)
            throw new ArgumentException($"{op}(): Expected reduction dim {d} to have non-zero size.", nameof(dim));
        int[] shape = dim is null ? (keepDim ? x.Dims.Select(_ => 1).ToArray() : [])
            : x.Rank == 0 ? [] : keepDim ? x.Dims.Select((s, i) => i == d ? 1 : s).ToArray() : x.Dims.Where((_, i) => i != d).ToArray();
        var r = new long[l.Lanes];
        switch (x.Storage)
        {
            case float[] a: Lanes(a, r, l, max); break;
            case double[] a: Lanes(a, r, l, max); break;
            case long[] a: Lanes(a, r, l, max); break;
            case int[] a: Lanes(a, r, l, max); break;
            case byte[] a: Lanes(a, r, l, max); break;
        }
        return new Tensor(r, shape);

        static void Lanes<T>(T[] x, long[] r, DimLayout l, bool max) where T : INumber<T>
        {
            for (int lane = 0; lane < l.Lanes; lane++)
            {
                int start = l.Start(lane), arg = 0;
                T best = x[start];
                for (int k = 1; k < l.Size && !T.IsNaN(best); k++)
                {
                    T c = x[start + k * l.Inner];
                    if ((max ? c > best : c < best) || T.IsNaN(c)) { best = c; arg = k; }
                }
                r[lane] = arg;
            }
        }
    }

    /// <summary>torch.any(x): whether any element is nonzero (NaN is nonzero); bool (uint8 for a uint8 x, as PyTorch).</summary>
    public static Tensor Any(Tensor x) => AnyAll(x, null, false, any: true);

    /// <summary>torch.any(x, dim, keepdim).</summary>
    public static Tensor Any(Tensor x, int dim, bool keepDim = false) => AnyAll(x, dim, keepDim, any: true);

    /// <summary>torch.all(x): whether every element is nonzero; bool (uint8 for a uint8 x, as PyTorch).</summary>
    public static Tensor All(Tensor x) => AnyAll(x, null, false, any: false);

    /// <summary>torch.all(x, dim, keepdim).</summary>
    public static Tensor All(Tensor x, int dim, bool keepDim = false) => AnyAll(x, dim, keepDim, any: false);

    private static Tensor AnyAll(Tensor x, int? dim, bool keepDim, bool any)
    {
        int d = dim is { } v ? ShapeUtil.NormalizeDim(v, x.Rank, any ? "any" : "all") : 0;
        var l = dim is null ? new DimLayout(1, x.Numel, 1) : DimLayout.Of(x.Dims, d);
        int[] shape = dim is null || x.Rank == 0 ? [] : keepDim ? x.Dims.Select((s, i) => i == d ? 1 : s).ToArray() : x.Dims.Where((_, i) => i != d).ToArray();
        var truth = x.ToArray<bool>();   // nonzero (and NaN) is true
        var r = new bool[ShapeUtil.Numel(shape)];
        for (int lane = 0; lane < r.Length; lane++)
        {
            int start = l.Start(lane);
            bool acc = !any;   // any of nothing is false, all of nothing is true
            for (int k = 0; k < l.Size && acc != any; k++) acc = truth[start + k * l.Inner];
            r[lane] = acc;
        }
        var result = new Tensor(r, shape);
        return x.DType == DType.UInt8 ? result.ConvertData(DType.UInt8) : result;
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the ArgExtreme ops in <see cref="F"/>.</summary>
public static class TensorArgExtremeExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.argmax(dim, keepdim).</summary>
        public Tensor Argmax(int? dim = null, bool keepDim = false) => F.Argmax(x, dim, keepDim);

        /// <summary>tensor.argmin(dim, keepdim).</summary>
        public Tensor Argmin(int? dim = null, bool keepDim = false) => F.Argmin(x, dim, keepDim);

        /// <summary>tensor.any().</summary>
        public Tensor Any() => F.Any(x);

        /// <summary>tensor.any(dim, keepdim).</summary>
        public Tensor Any(int dim, bool keepDim = false) => F.Any(x, dim, keepDim);

        /// <summary>tensor.all().</summary>
        public Tensor All() => F.All(x);

        /// <summary>tensor.all(dim, keepdim).</summary>
        public Tensor All(int dim, bool keepDim = false) => F.All(x, dim, keepDim);
    }
}
