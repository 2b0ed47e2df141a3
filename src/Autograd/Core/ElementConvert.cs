namespace Autograd;

/// <summary>
/// Element conversions between storage types, with PyTorch's .to(dtype) meaning: floating point to
/// integer truncates toward zero, integers narrow by wrapping (int64 → uint8 keeps the low byte),
/// anything to bool is "nonzero" (NaN is true), bool is 0 or 1.
/// </summary>
internal static class ElementConvert
{
    internal static T[] ToArray<T>(Array src) where T : unmanaged => (T[])ToArray(src, DTypes.FromElementType(typeof(T)));

    internal static Array ToArray(Array src, DType dst)
    {
        int n = src.Length;
        switch (dst)
        {
            case DType.Float32:
            {
                var r = GC.AllocateUninitializedArray<float>(n);
                if (src is double[] d) for (int i = 0; i < n; i++) r[i] = (float)d[i];
                else if (src is long[] l) for (int i = 0; i < n; i++) r[i] = l[i];
                else { var v = Doubles(src); for (int i = 0; i < n; i++) r[i] = (float)v[i]; }
                return r;
            }
            case DType.Float64:
                { var dd = Doubles(src); return ReferenceEquals(dd, src) ? (double[])dd.Clone() : dd; }
            case DType.Bool:
            {
                var r = new bool[n];
                switch (src)
                {
                    case float[] f: for (int i = 0; i < n; i++) r[i] = f[i] != 0; break;
                    case double[] d: for (int i = 0; i < n; i++) r[i] = d[i] != 0; break;
                    default: var l = Longs(src); for (int i = 0; i < n; i++) r[i] = l[i] != 0; break;
                }
                return r;
            }
            default:
            {
                var l = Longs(src);
                if (dst == DType.Int64) return ReferenceEquals(l, src) ? (long[])l.Clone() : l;
                if (dst == DType.Int32) { var r = new int[n]; for (int i = 0; i < n; i++) r[i] = unchecked((int)l[i]); return r; }
                var b = new byte[n];
                for (int i = 0; i < n; i++) b[i] = unchecked((byte)l[i]);
                return b;
            }
        }
    }

    /// <summary>The values as double (the array itself when it already is one).</summary>
    private static double[] Doubles(Array src)
    {
        if (src is double[] same) return same;
        int n = src.Length;
        var r = GC.AllocateUninitializedArray<double>(n);
        switch (src)
        {
            case float[] f: for (int i = 0; i < n; i++) r[i] = f[i]; break;
            case long[] l: for (int i = 0; i < n; i++) r[i] = l[i]; break;
            case int[] x: for (int i = 0; i < n; i++) r[i] = x[i]; break;
            case bool[] b: for (int i = 0; i < n; i++) r[i] = b[i] ? 1 : 0; break;
            case byte[] u: for (int i = 0; i < n; i++) r[i] = u[i]; break;
        }
        return r;
    }

    /// <summary>The values as long, floating point truncated toward zero (the array itself when it already is one).</summary>
    private static long[] Longs(Array src)
    {
        if (src is long[] same) return same;
        int n = src.Length;
        var r = GC.AllocateUninitializedArray<long>(n);
        switch (src)
        {
            case float[] f: for (int i = 0; i < n; i++) r[i] = FloatToLong(f[i]); break;
            case double[] d: for (int i = 0; i < n; i++) r[i] = FloatToLong(d[i]); break;
            case int[] x: for (int i = 0; i < n; i++) r[i] = x[i]; break;
            case bool[] b: for (int i = 0; i < n; i++) r[i] = b[i] ? 1 : 0; break;
            case byte[] u: for (int i = 0; i < n; i++) r[i] = u[i]; break;
        }
        return r;
    }

    // NaN and out-of-range values are undefined behaviour in PyTorch's casts; on x86 they give
    // long.MinValue, which this reproduces (.NET's own cast saturates).
    private static long FloatToLong(double v) => double.IsNaN(v) || v >= 9.2233720368547758e18 || v < -9.2233720368547758e18 ? long.MinValue : (long)v;

    /// <summary>Stores <paramref name="value"/> at a flat index of an integer or bool array.</summary>
    internal static void Set(Array storage, int index, double value)
    {
        switch (storage)
        {
            case long[] l: l[index] = FloatToLong(value); break;
            case int[] x: x[index] = unchecked((int)FloatToLong(value)); break;
            case bool[] b: b[index] = value != 0; break;
            case byte[] u: u[index] = unchecked((byte)FloatToLong(value)); break;
            default: throw new ArgumentException($"Set: unexpected storage {storage.GetType().Name}");
        }
    }
}
