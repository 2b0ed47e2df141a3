namespace Autograd;

public sealed partial class Tensor
{
    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> (torch.tensor).</summary>
    public static Tensor From(float[] data, ReadOnlySpan<int> shape, bool requiresGrad = false)
        => new Tensor((float[])data.Clone(), CheckedShape(shape, data.Length)) { RequiresGrad = requiresGrad };

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> (torch.tensor).</summary>
    public static Tensor From(double[] data, ReadOnlySpan<int> shape, bool requiresGrad = false)
        => new Tensor((double[])data.Clone(), CheckedShape(shape, data.Length)) { RequiresGrad = requiresGrad };

    /// <summary>A 1-D tensor of the values.</summary>
    public static Tensor From(float[] data, bool requiresGrad = false) => From(data, [data.Length], requiresGrad);

    /// <summary>A 1-D tensor of the values.</summary>
    public static Tensor From(double[] data, bool requiresGrad = false) => From(data, [data.Length], requiresGrad);

    /// <summary>An int64 tensor holding a copy of <paramref name="data"/> (torch.tensor(..., dtype=torch.int64)).</summary>
    public static Tensor From(long[] data, ReadOnlySpan<int> shape) => new((long[])data.Clone(), CheckedShape(shape, data.Length));

    /// <summary>An int32 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From(int[] data, ReadOnlySpan<int> shape) => new((int[])data.Clone(), CheckedShape(shape, data.Length));

    /// <summary>A bool tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From(bool[] data, ReadOnlySpan<int> shape) => new((bool[])data.Clone(), CheckedShape(shape, data.Length));

    /// <summary>A uint8 tensor holding a copy of <paramref name="data"/> (image bytes).</summary>
    public static Tensor From(byte[] data, ReadOnlySpan<int> shape) => new((byte[])data.Clone(), CheckedShape(shape, data.Length));

    /// <summary>A 1-D int64 tensor of the values (class targets, indices).</summary>
    public static Tensor From(long[] data) => From(data, [data.Length]);

    /// <summary>A 1-D int32 tensor of the values (C#'s int is torch.int32; <c>.Long()</c> gives int64).</summary>
    public static Tensor From(int[] data) => From(data, [data.Length]);

    /// <summary>A 1-D bool tensor of the values (a mask).</summary>
    public static Tensor From(bool[] data) => From(data, [data.Length]);

    /// <summary>A 1-D uint8 tensor of the values.</summary>
    public static Tensor From(byte[] data) => From(data, [data.Length]);

    /// <summary>
    /// A tensor with the shape and values of a multi-dimensional C# array (<c>float[,]</c>, <c>double[,,,]</c>,
    /// <c>long[,]</c>, <c>bool[,]</c>, ...; row-major like torch.tensor of nested lists), its dtype given by
    /// the element type. <see cref="ToArray()"/> gives such an array back.
    /// </summary>
    public static Tensor From(Array data, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var type = DTypes.FromElementType(data.GetType().GetElementType()!);
        var shape = new int[data.Rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = data.GetLength(d);
        var t = Empty(type, CheckedShape(shape, data.Length));
        CopyBytes(data, t.Storage);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>
    /// The values as a C# array of the tensor's rank and element type (<c>(float[,])x.ToArray()</c>), the
    /// inverse of <see cref="From(Array, bool)"/>; a 0-dim tensor gives a one-element 1-D array.
    /// </summary>
    public Array ToArray()
    {
        var r = System.Array.CreateInstance(DType.ElementType(), Rank == 0 ? [1] : _shape);
        CopyBytes(Storage, r);
        return r;
    }

    /// <summary>Copies every element between two arrays of the same element type and length, whatever their ranks.</summary>
    private static void CopyBytes(Array from, Array to)
    {
        int bytes = checked(from.Length * System.Runtime.InteropServices.Marshal.SizeOf(from.GetType().GetElementType() == typeof(bool) ? typeof(byte) : from.GetType().GetElementType()!));
        System.Runtime.CompilerServices.Unsafe.CopyBlockUnaligned(
            ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(to),
            ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(from), (uint)bytes);
    }

    /// <summary>A 0-dim tensor (torch.tensor(value)).</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full([], value, dtype, requiresGrad);

    /// <summary>A tensor of zeros (<c>torch.zeros(shape, dtype, requires_grad)</c>).</summary>
    public static Tensor Zeros(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full(shape, 0, dtype, requiresGrad);

    /// <summary>A tensor of ones (<c>torch.ones(shape, dtype, requires_grad)</c>).</summary>
    public static Tensor Ones(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full(shape, 1, dtype, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/> (<c>torch.full(shape, value, dtype, requires_grad)</c>).</summary>
    public static Tensor Full(ReadOnlySpan<int> shape, double value, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Empty(dtype, CheckedShape(shape, null));
        switch (t.Storage)
        {
            case float[] f: System.Array.Fill(f, (float)value); break;
            case double[] d: System.Array.Fill(d, value); break;
            default: if (value != 0) for (int i = 0; i < t.Numel; i++) t.SetDouble(i, value); break;
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Values start, start+step, ... below end (torch.arange).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        // PyTorch's checks, in its order; a NaN step fails "nonzero" as in PyTorch (NaN is neither > 0 nor < 0).
        if (!(step > 0 || step < 0)) throw new ArgumentException($"arange: step must be nonzero, got step={step}", nameof(step));
        if (!double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException($"arange: unsupported range: {start} -> {end}");
        if ((step > 0 && end < start) || (step < 0 && end > start))
            throw new ArgumentException($"arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})");
        double size = Math.Ceiling((end - start) / step);   // an infinite step gives 0 (an empty tensor), as in PyTorch
        if (size > int.MaxValue)
            throw new ArgumentException($"arange: the result would have {size:R} elements (start={start}, end={end}, step={step}); a tensor holds at most {int.MaxValue}", nameof(end));
        int n = (int)size;
        var t = Empty(dtype, [n]);
        for (int i = 0; i < n; i++) t.SetDouble(i, start + i * step);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A 1-D tensor 0, 1, ..., end-1 (torch.arange(end)).</summary>
    public static Tensor Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary>Uniform in [0, 1) (torch.rand).</summary>
    public static Tensor Rand(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
        => Uniform(shape, 0, 1, dtype, requiresGrad, generator);

    /// <summary>Standard normal (torch.randn).</summary>
    public static Tensor Randn(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"randn: \"normal_kernel_cpu\" not implemented for '{dtype.ScalarTypeName()}'", nameof(dtype));
        var t = Empty(dtype, CheckedShape(shape, null));
        var g = generator ?? Generator.Default;
        if (t.Storage is float[] f) g.FillNormal<float>(f);
        else g.FillNormal<double>((double[])t.Storage);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Uniform in [low, high) (torch.empty(...).uniform_(low, high)).</summary>
    public static Tensor Uniform(ReadOnlySpan<int> shape, double low, double high, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"uniform_: \"check_uniform_bounds\" not implemented for '{dtype.ScalarTypeName()}'", nameof(dtype));
        var t = Empty(dtype, CheckedShape(shape, null));
        var g = generator ?? Generator.Default;
        if (t.Storage is float[] f) g.FillUniform<float>(f, low, high);
        else g.FillUniform<double>((double[])t.Storage, low, high);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Integers drawn uniformly from [low, high) (torch.randint), int64 unless <paramref name="dtype"/> says otherwise.</summary>
    public static Tensor Randint(long low, long high, ReadOnlySpan<int> shape, DType dtype = DType.Int64, Generator? generator = null)
    {
        if (low >= high)
            throw new ArgumentException($"randint: random_ expects 'from' to be less than 'to', but got from={low} >= to={high}", nameof(high));
        var u = Uniform(shape, 0, 1, DType.Float64, false, generator).Array<double>();
        var t = Empty(dtype, CheckedShape(shape, null));
        double span = (double)high - low;
        for (int i = 0; i < u.Length; i++) t.SetDouble(i, low + Math.Min(Math.Floor(u[i] * span), span - 1));
        return t;
    }

    /// <summary>Zeros with <paramref name="t"/>'s shape and dtype (<c>torch.zeros_like</c>); does not require grad.</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

    /// <summary>Ones with <paramref name="t"/>'s shape and dtype (<c>torch.ones_like</c>); does not require grad.</summary>
    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType);

    private static int[] CheckedShape(ReadOnlySpan<int> shape, int? length)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {d}: {ShapeUtil.Format(shape)}");
        int n = ShapeUtil.Numel(shape);
        if (length is { } l && l != n)
            throw new ArgumentException($"shape {ShapeUtil.Format(shape)} is invalid for input of size {l}");
        return shape.ToArray();
    }
}
