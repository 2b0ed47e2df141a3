namespace Autograd;

/// <summary>Element type of a tensor (torch.dtype). Only floating point tensors can require gradients.</summary>
public enum DType
{
    /// <summary>torch.float32, the default dtype (float[] storage).</summary>
    Float32,
    /// <summary>torch.float64 (double[] storage).</summary>
    Float64,
    /// <summary>torch.int64 / torch.long, the dtype of indices and class targets (long[] storage).</summary>
    Int64,
    /// <summary>torch.int32 / torch.int (int[] storage).</summary>
    Int32,
    /// <summary>torch.bool, the result of comparisons and the dtype of masks (bool[] storage).</summary>
    Bool,
    /// <summary>torch.uint8, the dtype of raw image bytes (byte[] storage).</summary>
    UInt8,
}

// Note [Type promotion]
// PyTorch's torch.result_type, for the dtypes we have. Each operand has a category (bool < integer <
// floating) and a priority: a dimensioned tensor over a 0-dim tensor over a C# number (a "wrapped
// scalar"). The highest-priority group decides the dtype, unless a lower group has a higher category:
// then that group's own dtype wins when it is a tensor (int64 [n] + float64 0-dim → float64), and the
// default float32 when it is a number (int64 [n] + 2.5 → float32; float32 [n] + 2.5 → float32).
// Within a group the wider type wins: bool < uint8 < int32 < int64 < float32 < float64
// (uint8 with int32 → int32, as neither is signed-wider: PyTorch's table gives int32 too).
// True division of integers gives float32; comparisons give bool; sum of bools/integers gives int64.
/// <summary>Helpers on <see cref="DType"/>: sizes, names and PyTorch's type promotion (<c>torch.result_type</c>, <c>torch.promote_types</c>).</summary>
public static class DTypes
{
    /// <summary>Whether tensors of this dtype can require gradients (torch.is_floating_point).</summary>
    public static bool IsFloatingPoint(this DType d) => d is DType.Float32 or DType.Float64;

    /// <summary>torch.float64's printed name, e.g. "torch.int64".</summary>
    public static string TorchName(this DType d) => d switch
    {
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        DType.Int64 => "torch.int64",
        DType.Int32 => "torch.int32",
        DType.Bool => "torch.bool",
        _ => "torch.uint8",
    };

    /// <summary>PyTorch's name in "not implemented for 'Long'" messages.</summary>
    public static string ScalarTypeName(this DType d) => d switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Int64 => "Long",
        DType.Int32 => "Int",
        DType.Bool => "Bool",
        _ => "Byte",
    };

    /// <summary>The storage element type: float, double, long, int, bool or byte.</summary>
    public static Type ElementType(this DType d) => d switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.Bool => typeof(bool),
        _ => typeof(byte),
    };

    /// <summary>The dtype whose storage element type is <paramref name="t"/>.</summary>
    public static DType FromElementType(Type t) =>
        t == typeof(float) ? DType.Float32 : t == typeof(double) ? DType.Float64 : t == typeof(long) ? DType.Int64
        : t == typeof(int) ? DType.Int32 : t == typeof(bool) ? DType.Bool : t == typeof(byte) ? DType.UInt8
        : throw new ArgumentException($"tensor: unsupported element type {t.Name}; expected float, double, long, int, bool or byte");

    private static int Category(DType d) => d == DType.Bool ? 0 : d.IsFloatingPoint() ? 2 : 1;

    private static int Rank(DType d) => d switch
    {
        DType.Bool => 0, DType.UInt8 => 1, DType.Int32 => 2, DType.Int64 => 3, DType.Float32 => 4, _ => 5,
    };

    /// <summary>The wider of two dtypes of the same priority group (Note [Type promotion]).</summary>
    public static DType Wider(DType a, DType b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>torch.result_type(a, b) for two tensors (Note [Type promotion]).</summary>
    public static DType ResultType(Tensor a, Tensor b)
    {
        if (a.IsWrappedNumber != b.IsWrappedNumber)
        {
            var (t, n) = a.IsWrappedNumber ? (b, a) : (a, b);
            if (n.DType == DType.Bool) return t.DType;
            return ResultType(t.DType, n.DType.IsFloatingPoint());
        }
        if (a.IsWrappedNumber) return a.DType == b.DType ? Default(a.DType) : Default(Wider(a.DType, b.DType));
        if (a.DType == b.DType) return a.DType;
        bool za = a.Rank == 0, zb = b.Rank == 0;
        if (za == zb) return Wider(a.DType, b.DType);
        var (dim, zero) = za ? (b.DType, a.DType) : (a.DType, b.DType);
        return Category(zero) > Category(dim) ? zero : dim;
    }

    /// <summary>The dtype torch.tensor(number) gives: float32 for a floating point number.</summary>
    private static DType Default(DType wrapped) => wrapped == DType.Float64 ? DType.Float32 : wrapped;

    /// <summary>torch.result_type(t, number): a C# integer (<paramref name="isFloat"/> false) or floating point number.</summary>
    public static DType ResultType(DType t, bool isFloat)
    {
        int c = isFloat ? 2 : 1;
        if (Category(t) >= c) return t;
        return isFloat ? DType.Float32 : DType.Int64;
    }
}
