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

    /// <summary>A 0-dim tensor (torch.tensor(value)).</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full([], value, dtype, requiresGrad);

    public static Tensor Zeros(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full(shape, 0, dtype, requiresGrad);

    public static Tensor Ones(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full(shape, 1, dtype, requiresGrad);

    public static Tensor Full(ReadOnlySpan<int> shape, double value, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        var t = Empty(dtype, CheckedShape(shape, null));
        if (t.Storage is float[] f) System.Array.Fill(f, (float)value);
        else System.Array.Fill((double[])t.Storage, value);
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
        var t = Empty(dtype, CheckedShape(shape, null));
        var g = generator ?? Generator.Default;
        if (t.Storage is float[] f) g.FillUniform<float>(f, low, high);
        else g.FillUniform<double>((double[])t.Storage, low, high);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

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
