namespace Autograd.Nn;

/// <summary>
/// y = x·Wᵀ + b (torch.nn.Linear). Weight (outFeatures, inFeatures) and bias (outFeatures) start as
/// PyTorch's do: kaiming_uniform_(a=√5) and U(−1/√inFeatures, 1/√inFeatures), i.e. both uniform in ±1/√fan_in.
/// </summary>
public sealed class Linear : Module
{
    /// <summary><c>nn.Linear(in_features, out_features, bias)</c>: y = x Wᵀ + b, weight and bias uniform in ±1/√in_features from <paramref name="generator"/>, as PyTorch's.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inFeatures < 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, $"Linear: in_features must be non-negative, got {inFeatures}");
        if (outFeatures < 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, $"Linear: out_features must be non-negative, got {outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var w = Tensor.Zeros([outFeatures, inFeatures], dtype);
        Init.KaimingUniform_(w, a: Math.Sqrt(5), generator: generator);
        Weight = RegisterParameter("weight", new Parameter(w))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(DefaultBias(outFeatures, inFeatures, dtype, generator)) : null);
    }

    /// <summary>The size of each input sample (<c>in_features</c>).</summary>
    public int InFeatures { get; }
    /// <summary>The size of each output sample (<c>out_features</c>).</summary>
    public int OutFeatures { get; }
    /// <summary>The learnable weight (<c>weight</c>).</summary>
    public Parameter Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias?.Data);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py(Bias is not null)}";

    /// <summary>PyTorch's default bias: U(−1/√fan_in, 1/√fan_in), 0 when fan_in is 0.</summary>
    internal static Tensor DefaultBias(int size, int fanIn, DType dtype, Generator? generator)
    {
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        return Init.Uniform_(Tensor.Zeros([size], dtype), -bound, bound, generator);
    }
}
