namespace Autograd.Nn;

/// <summary>
/// torch.nn.LayerNorm: F.LayerNorm over the trailing <see cref="NormalizedShape"/> dims; weight (ones) and
/// bias (zeros) shaped like it when elementwiseAffine (bias only when <c>bias</c> too).
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary><c>nn.LayerNorm(normalized_shape, eps, elementwise_affine, bias)</c>: normalizes over the last dims given by <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        foreach (var d in normalizedShape)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(normalizedShape), d, $"LayerNorm: Trying to create tensor with negative dimension {d}: {ShapeUtil.Format(normalizedShape)}");
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"LayerNorm: expected a floating point dtype for the parameters, got {dtype.ScalarTypeName()}", nameof(dtype));
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(NormalizedShape, dtype)) : null);
        Bias = RegisterParameter("bias", elementwiseAffine && bias ? new Parameter(Tensor.Zeros(NormalizedShape, dtype)) : null);
    }

    /// <summary>LayerNorm(n): normalises the last dim of size n.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, dtype) { }

    /// <summary>The trailing shape normalized over (<c>normalized_shape</c>).</summary>
    public int[] NormalizedShape { get; }
    /// <summary>The value added to the denominator for numerical stability (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>Whether the module has a learnable per-element weight (and bias) (<c>elementwise_affine</c>).</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>The learnable weight (<c>weight</c>), or null when the module was built without one.</summary>
    public Parameter? Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LayerNorm(input, NormalizedShape, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Weight to ones, bias to zeros (reset_parameters).</summary>
    public void ResetParameters()
    {
        if (Weight is not null) NormFill.Fill(Weight.Data, 1);
        if (Bias is not null) NormFill.Fill(Bias.Data, 0);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{PyTuple(NormalizedShape)}, eps={ActivationRepr.Float(Eps)}, elementwise_affine={Py(ElementwiseAffine)}";

    /// <summary>Python's tuple repr: (10,), (3, 4).</summary>
    internal static string PyTuple(int[] t) => t.Length == 1 ? $"({t[0]},)" : "(" + string.Join(", ", t) + ")";
}

/// <summary>torch.nn.GroupNorm: F.GroupNorm with numGroups groups; per-channel weight (ones) and bias (zeros) when affine.</summary>
public sealed class GroupNorm : Module
{
    /// <summary><c>nn.GroupNorm(num_groups, num_channels, eps, affine)</c>: normalizes each of <paramref name="numGroups"/> groups of channels.</summary>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups <= 0)
            throw new ArgumentOutOfRangeException(nameof(numGroups), numGroups, $"GroupNorm: num_groups must be positive, got {numGroups}");
        if (numChannels < 0)
            throw new ArgumentOutOfRangeException(nameof(numChannels), numChannels, $"GroupNorm: Trying to create tensor with negative dimension {numChannels}: [{numChannels}] (num_channels)");
        if (numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels must be divisible by num_groups (num_channels={numChannels}, num_groups={numGroups})", nameof(numChannels));
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"GroupNorm: expected a floating point dtype for the parameters, got {dtype.ScalarTypeName()}", nameof(dtype));
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones([numChannels], dtype)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros([numChannels], dtype)) : null);
    }

    /// <summary>The number of channel groups (<c>num_groups</c>).</summary>
    public int NumGroups { get; }
    /// <summary>The number of channels (<c>num_channels</c>).</summary>
    public int NumChannels { get; }
    /// <summary>The value added to the denominator for numerical stability (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>Whether the module has a learnable weight and bias (<c>affine</c>).</summary>
    public bool Affine { get; }
    /// <summary>The learnable weight (<c>weight</c>), or null when the module was built without one.</summary>
    public Parameter? Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.GroupNorm(input, NumGroups, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Weight to ones, bias to zeros (reset_parameters).</summary>
    public void ResetParameters()
    {
        if (Weight is not null) NormFill.Fill(Weight.Data, 1);
        if (Bias is not null) NormFill.Fill(Bias.Data, 0);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={ActivationRepr.Float(Eps)}, affine={Py(Affine)}";
}
