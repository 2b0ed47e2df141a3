namespace Autograd.Nn;

/// <summary>
/// 2-d transposed convolution over NCHW or CHW input (torch.nn.ConvTranspose2d). Weight
/// (inChannels, outChannels/groups, kH, kW) and bias start as PyTorch's do: uniform in ±1/√fan_in where
/// fan_in is computed from the weight as for any tensor (nn.init._calculate_fan_in_and_fan_out: size(1)
/// times the kernel), i.e. outChannels/groups·kH·kW — not the in_channels one might expect.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary><c>nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, padding_mode)</c>, initialized as PyTorch's from <paramref name="generator"/>.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? outputPadding = null, int groups = 1, bool bias = true, Pair? dilation = null, string paddingMode = "zeros",
        DType dtype = DType.Float32, Generator? generator = null)
    {
        if (paddingMode != "zeros")
            throw new ArgumentException($"ConvTranspose2d: Only \"zeros\" padding mode is supported for ConvTranspose2d, got padding_mode='{paddingMode}'", nameof(paddingMode));
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"ConvTranspose2d: groups must be a positive integer, got {groups}");
        if (inChannels <= 0 || inChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: in_channels must be positive and divisible by groups, got in_channels={inChannels}, groups={groups}", nameof(inChannels));
        if (outChannels <= 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: out_channels must be positive and divisible by groups, got out_channels={outChannels}, groups={groups}", nameof(outChannels));
        if (kernelSize.H <= 0 || kernelSize.W <= 0)
            throw new ArgumentException($"ConvTranspose2d: kernel_size must be positive, got {kernelSize}", nameof(kernelSize));
        Pair s = stride ?? 1, p = padding ?? 0, op = outputPadding ?? 0, d = dilation ?? 1;
        if (s.H <= 0 || s.W <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"ConvTranspose2d: stride must be positive, got {s}");
        if (p.H < 0 || p.W < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"ConvTranspose2d: padding must be non-negative, got {p}");
        if (d.H <= 0 || d.W <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), $"ConvTranspose2d: dilation must be positive, got {d}");
        if (op.H < 0 || op.W < 0) throw new ArgumentOutOfRangeException(nameof(outputPadding), $"ConvTranspose2d: output_padding must be non-negative, got {op}");
        // PyTorch checks this only in forward; a module that can never run is refused here (issue 15).
        TransposedGeometry.CheckOutputPadding("ConvTranspose2d", s, op, d);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = s;
        Padding = p;
        OutputPadding = op;
        Groups = groups;
        Dilation = d;
        PaddingMode = paddingMode;
        var w = Tensor.Zeros([inChannels, outChannels / groups, kernelSize.H, kernelSize.W], dtype);
        Init.KaimingUniform_(w, a: Math.Sqrt(5), generator: generator);
        Weight = RegisterParameter("weight", new Parameter(w))!;
        int fanIn = Init.CalculateFanInAndFanOut(w).FanIn;
        Bias = RegisterParameter("bias", bias ? new Parameter(Linear.DefaultBias(outChannels, fanIn, dtype, generator)) : null);
    }

    /// <summary>The number of input channels (<c>in_channels</c>).</summary>
    public int InChannels { get; }
    /// <summary>The number of output channels (<c>out_channels</c>).</summary>
    public int OutChannels { get; }
    /// <summary>The window size, height × width (<c>kernel_size</c>).</summary>
    public Pair KernelSize { get; }
    /// <summary>The step between windows (<c>stride</c>).</summary>
    public Pair Stride { get; }
    /// <summary>The zero padding added to each side (<c>padding</c>).</summary>
    public Pair Padding { get; }
    /// <summary>The size added to one side of the output (<c>output_padding</c>).</summary>
    public Pair OutputPadding { get; }
    /// <summary>The number of blocked connections from input to output channels (<c>groups</c>).</summary>
    public int Groups { get; }
    /// <summary>The spacing between kernel elements (<c>dilation</c>).</summary>
    public Pair Dilation { get; }
    /// <summary>How the input is padded: "zeros", "reflect", "replicate" or "circular" (<c>padding_mode</c>).</summary>
    public string PaddingMode { get; }
    /// <summary>The learnable weight (<c>weight</c>).</summary>
    public Parameter Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.ConvTranspose2d(input, Weight, Bias?.Data, Stride, Padding, OutputPadding, Groups, Dilation);

    /// <summary>
    /// forward(input, output_size): the output padding is chosen so the output has
    /// <paramref name="outputSize"/> (its last two entries; a full (N, C, H, W) or (C, H, W) size may be
    /// given), which must lie between the smallest output and that plus stride − 1 (PyTorch's _output_padding).
    /// </summary>
    public Tensor Forward(Tensor input, ReadOnlySpan<int> outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        int nonSpatial = input.Rank == 4 ? 2 : 1;
        if (outputSize.Length == nonSpatial + 2) outputSize = outputSize[nonSpatial..];
        if (outputSize.Length != 2)
            throw new ArgumentException($"ConvTranspose2D: for {input.Rank}D input, output_size must have 2 or {nonSpatial + 2} elements (got {outputSize.Length})", nameof(outputSize));
        if (input.Rank is not (3 or 4)) return Forward(input);   // F.ConvTranspose2d names the bad rank
        int[] min = new int[2], max = new int[2];
        for (int d = 0; d < 2; d++)
        {
            int size = input.Shape[nonSpatial + d], s = d == 0 ? Stride.H : Stride.W, p = d == 0 ? Padding.H : Padding.W;
            int dil = d == 0 ? Dilation.H : Dilation.W, k = d == 0 ? KernelSize.H : KernelSize.W;
            min[d] = (size - 1) * s - 2 * p + dil * (k - 1) + 1;
            max[d] = min[d] + s - 1;
        }
        for (int d = 0; d < 2; d++)
            if (outputSize[d] < min[d] || outputSize[d] > max[d])
                throw new ArgumentException($"ConvTranspose2d: requested an output size of {ShapeUtil.Format(outputSize)}, but valid sizes range from " +
                    $"{ShapeUtil.Format(min)} to {ShapeUtil.Format(max)} (for an input of {ShapeUtil.Format(input.Shape[nonSpatial..])})", nameof(outputSize));
        Pair op = (outputSize[0] - min[0], outputSize[1] - min[1]);
        return F.ConvTranspose2d(input, Weight, Bias?.Data, Stride, Padding, op, Groups, Dilation);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding != (Pair)0) s += $", padding={Padding}";
        if (Dilation != (Pair)1) s += $", dilation={Dilation}";
        if (OutputPadding != (Pair)0) s += $", output_padding={OutputPadding}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}
