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
        if (step == 0) throw new ArgumentException("arange: step must be nonzero", nameof(step));
        if (double.IsNaN(start) || double.IsNaN(end) || double.IsInfinity(start) || double.IsInfinity(end))
            throw new ArgumentException($"arange: unsupported range: {start} -> {end}");
        if ((step > 0 && end < start) || (step < 0 && end > start))
            throw new ArgumentException($"arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})");
        int n = (int)Math.Ceiling((end - start) / step);
        var t = Empty(dtype, [n]);
        for (int i = 0; i < n; i++) t.SetDouble(i, start + i * step);
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>A 1-D tensor 0, 1, ..., end-1 (torch.arange(end)).</summary>
    public static Tensor Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary>Uniform in [0, 1) (torch.rand).</summary>
    public static Tensor Rand(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
        => Fill(shape, dtype, requiresGrad, (generator ?? Generator.Default).NextUniform);

    /// <summary>Standard normal (torch.randn).</summary>
    public static Tensor Randn(ReadOnlySpan<int> shape, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
        => Fill(shape, dtype, requiresGrad, (generator ?? Generator.Default).NextNormal);

    /// <summary>Uniform in [low, high) (torch.empty(...).uniform_(low, high)).</summary>
    public static Tensor Uniform(ReadOnlySpan<int> shape, double low, double high, DType dtype = DType.Float32, bool requiresGrad = false, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        return Fill(shape, dtype, requiresGrad, () => low + (high - low) * g.NextUniform());
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType);

    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType);

    private static Tensor Fill(ReadOnlySpan<int> shape, DType dtype, bool requiresGrad, Func<double> next)
    {
        var t = Empty(dtype, CheckedShape(shape, null));
        for (int i = 0; i < t.Numel; i++) t.SetDouble(i, next());
        t.RequiresGrad = requiresGrad;
        return t;
    }

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
