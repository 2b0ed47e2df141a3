namespace Autograd.Nn;

/// <summary>
/// Parameter initialisers (torch.nn.init). They fill a tensor in place, outside the graph, from a
/// <see cref="Generator"/> (the default one when none is given) and return it.
/// </summary>
public static class Init
{
    /// <summary>Fills with U(low, high) (nn.init.uniform_).</summary>
    public static Tensor Uniform_(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(low <= high))
            throw new ArgumentException($"uniform_: expects low <= high, but got low={low} and high={high}", nameof(low));
        var g = generator ?? Generator.Default;
        if (tensor.DType == DType.Float32) g.FillUniform<float>(tensor.Span<float>(), low, high);   // one lock per tensor (Note [Generator threads])
        else g.FillUniform<double>(tensor.Span<double>(), low, high);
        tensor.BumpVersion();
        return tensor;
    }

    /// <summary>
    /// Kaiming (He) uniform fill (nn.init.kaiming_uniform_): U(−b, b) with
    /// b = gain·√3 / √fan, gain = <see cref="CalculateGain"/>(nonlinearity, a).
    /// </summary>
    /// <remarks>
    /// PyTorch's Linear and Conv2d call this with a = √5, which makes gain = √(1/3) and b = 1/√fan_in:
    /// the "default initialisation" everyone relies on.
    /// </remarks>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"kaiming_uniform_: Mode {mode} not supported, please use one of fan_in, fan_out", nameof(mode)),
        };
        if (fan == 0) return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op"
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>
    /// fan_in = size(1)·receptive field, fan_out = size(0)·receptive field, where the receptive field is
    /// the product of the dims after the first two (nn.init._calculate_fan_in_and_fan_out).
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {ShapeUtil.Format(tensor.Shape)})", nameof(tensor));
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>The recommended gain for a nonlinearity (nn.init.calculate_gain).</summary>
    public static double CalculateGain(string nonlinearity, double? param = null) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException($"calculate_gain: Unsupported nonlinearity {nonlinearity}", nameof(nonlinearity)),
    };
}
