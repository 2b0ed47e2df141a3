namespace Autograd.Nn;

/// <summary>
/// torch.nn.LayerNorm: F.LayerNorm over the trailing <see cref="NormalizedShape"/> dims; weight (ones) and
/// bias (zeros) shaped like it when elementwiseAffine (bias only when <c>bias</c> too).
/// </summary>
public sealed class LayerNorm : Module
{
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

    public int[] NormalizedShape { get; }
    public double Eps { get; }
    public bool ElementwiseAffine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => F.LayerNorm(input, NormalizedShape, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Weight to ones, bias to zeros (reset_parameters).</summary>
    public void ResetParameters()
    {
        if (Weight is not null) NormFill.Fill(Weight.Data, 1);
        if (Bias is not null) NormFill.Fill(Bias.Data, 0);
    }

    protected override string ExtraRepr() =>
        $"{PyTuple(NormalizedShape)}, eps={ActivationRepr.Float(Eps)}, elementwise_affine={Py(ElementwiseAffine)}";

    /// <summary>Python's tuple repr: (10,), (3, 4).</summary>
    internal static string PyTuple(int[] t) => t.Length == 1 ? $"({t[0]},)" : "(" + string.Join(", ", t) + ")";
}

/// <summary>torch.nn.GroupNorm: F.GroupNorm with numGroups groups; per-channel weight (ones) and bias (zeros) when affine.</summary>
public sealed class GroupNorm : Module
{
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

    public int NumGroups { get; }
    public int NumChannels { get; }
    public double Eps { get; }
    public bool Affine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => F.GroupNorm(input, NumGroups, Weight?.Data, Bias?.Data, Eps);

    /// <summary>Weight to ones, bias to zeros (reset_parameters).</summary>
    public void ResetParameters()
    {
        if (Weight is not null) NormFill.Fill(Weight.Data, 1);
        if (Bias is not null) NormFill.Fill(Bias.Data, 0);
    }

    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={ActivationRepr.Float(Eps)}, affine={Py(Affine)}";
}
