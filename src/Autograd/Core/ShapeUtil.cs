namespace Autograd;

/// <summary>Shape arithmetic shared by the engine and the ops.</summary>
public static class ShapeUtil
{
    // Note [Strides of empty tensors]
    // An empty tensor (a zero dim) holds nothing, but PyTorch still computes its contiguous strides,
    // the products of the later dims (zeros counted as one), in int64, and refuses the tensor when they
    // overflow ("Stride calculation overflowed"; 1.13 fails later, reading a negative stride). Ops whose
    // output dims come from arguments (pad, the pools, conv2d) check that first, so an empty result with
    // dims like [0, 2^30, 4, 2^31 − 1] is rejected as in PyTorch (found by the fuzz test).

    /// <summary>Throws when the contiguous strides of <paramref name="shape"/> overflow int64 (Note [Strides of empty tensors]).</summary>
    internal static void CheckStrides(string op, ReadOnlySpan<long> shape)
    {
        Int128 stride = 1;
        for (int d = shape.Length - 1; d > 0; d--)
        {
            stride *= Math.Max(shape[d], 1);
            if (stride > long.MaxValue)
                throw new ArgumentException($"{op}: Stride calculation overflowed with sizes=[{string.Join(", ", shape.ToArray())}]");
        }
    }

    /// <summary>The number of elements of a tensor of this shape (the product of the sizes; 1 for a 0-dim shape).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        // An empty shape holds no elements however large its other dims ([2, 2^30, 4, 0] is a valid
        // empty tensor, as in PyTorch; found by the fuzz test), so a zero dim ends the count first.
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"negative dimension {d} in shape {Format(shape)}");
        foreach (var d in shape)
            if (d == 0) return 0;
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"shape {Format(shape)} has more than {int.MaxValue} elements");
        }
        return (int)n;
    }

    /// <summary>Row-major strides of a contiguous tensor.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>Whether the two shapes have the same rank and sizes.</summary>
    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Formats like torch.Size: [2, 3].</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Normalises a possibly negative dim against a rank, PyTorch style.</summary>
    public static int NormalizeDim(int dim, int rank, string op)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: Dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim})");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>NumPy/PyTorch broadcast of two shapes.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            int db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}; shapes {Format(a)} and {Format(b)}");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Whether a tensor of shape <paramref name="from"/> broadcasts (expands) to <paramref name="to"/>.</summary>
    public static bool ExpandableTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length > to.Length) return false;
        int off = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
            if (from[i] != 1 && from[i] != to[i + off]) return false;
        return true;
    }
}
