namespace Autograd.Nn;

/// <summary>
/// 2-d convolution over NCHW or CHW input (torch.nn.Conv2d). Weight
/// (outChannels, inChannels/groups, kH, kW) and bias start as PyTorch's do: uniform in ±1/√fan_in with
/// fan_in = inChannels/groups·kH·kW (kaiming_uniform_(a=√5) and the default bias rule).
/// The padding mode "zeros" pads inside the convolution; "reflect", "replicate" and "circular"
/// pad the input with F.Pad in that mode and convolve with padding 0, as PyTorch's _conv_forward does
/// ("same" then splits each dim's total padding dilation·(k − 1) as total/2 before, the rest after).
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary><c>nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>, its weight and bias initialized as PyTorch's (Kaiming-uniform, a = √5) from <paramref name="generator"/>.</summary>
    public Conv2d(int inChannels, int outChannels, Pair kernelSize, Pair? stride = null, Padding? padding = null,
        Pair? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null,
        string paddingMode = "zeros")
    {
        // PyTorch's _ConvNd.__init__ checks, in its order and words; then what F.conv2d would reject at the
        // first call (kernel, stride, dilation, negative padding), so a bad module fails when built.
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Conv2d: groups must be a positive integer, got groups={groups}");
        if (inChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"Conv2d: in_channels must be positive, got in_channels={inChannels}");
        if (inChannels % groups != 0)
            throw new ArgumentException($"Conv2d: in_channels must be divisible by groups, got in_channels={inChannels}, groups={groups}", nameof(inChannels));
        if (outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, $"Conv2d: out_channels must be positive, got out_channels={outChannels}");
        if (outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: out_channels must be divisible by groups, got out_channels={outChannels}, groups={groups}", nameof(outChannels));
        var s = stride ?? 1;
        var pad = padding ?? 0;
        var d = dilation ?? 1;
        // Note [padding string repr]: PyTorch prints its set {'same', 'valid'} in hash order, which varies
        // from run to run; we print one fixed order.
        if (pad.Mode is { } mode && mode is not ("valid" or "same"))
            throw new ArgumentException($"Conv2d: Invalid padding string '{mode}', should be one of {{'valid', 'same'}}", nameof(padding));
        if (pad.Mode == "same" && s != (Pair)1)
            throw new ArgumentException($"Conv2d: padding='same' is not supported for strided convolutions, got stride={s}", nameof(padding));
        if (paddingMode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException($"Conv2d: padding_mode must be one of {{'zeros', 'reflect', 'replicate', 'circular'}}, but got padding_mode='{paddingMode}'", nameof(paddingMode));
        if (kernelSize.H <= 0 || kernelSize.W <= 0)
            throw new ArgumentException($"Conv2d: kernel_size must be positive, got {kernelSize}", nameof(kernelSize));
        if (s.H <= 0 || s.W <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"Conv2d: non-positive stride is not supported, got stride={s}");
        if (d.H <= 0 || d.W <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), $"Conv2d: non-positive dilation is not supported, got dilation={d}");
        if (pad.Mode is null && (pad.Size.H < 0 || pad.Size.W < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), $"Conv2d: negative padding is not supported, got padding={pad.Size}");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        PaddingMode = paddingMode;
        var w = Tensor.Zeros([outChannels, inChannels / groups, kernelSize.H, kernelSize.W], dtype);
        Init.KaimingUniform_(w, a: Math.Sqrt(5), generator: generator);
        Weight = RegisterParameter("weight", new Parameter(w))!;
        int fanIn = inChannels / groups * kernelSize.H * kernelSize.W;
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
    public Padding Padding { get; }
    /// <summary>The spacing between kernel elements (<c>dilation</c>).</summary>
    public Pair Dilation { get; }
    /// <summary>The number of blocked connections from input to output channels (<c>groups</c>).</summary>
    public int Groups { get; }
    /// <summary>How the input is padded: "zeros", "reflect", "replicate" or "circular" (<c>padding_mode</c>).</summary>
    public string PaddingMode { get; }
    /// <summary>The learnable weight (<c>weight</c>).</summary>
    public Parameter Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => PaddingMode == "zeros"
        ? F.Conv2d(input, Weight, Bias?.Data, Stride, Padding, Dilation, Groups)
        : F.Conv2d(F.Pad(input, ReversedPaddingRepeatedTwice(), PaddingMode), Weight, Bias?.Data, Stride, 0, Dilation, Groups);

    /// <summary>PyTorch's _reversed_padding_repeated_twice: (left, right, top, bottom) for F.pad.</summary>
    private int[] ReversedPaddingRepeatedTwice()
    {
        if (Padding.Mode is null) return [Padding.Size.W, Padding.Size.W, Padding.Size.H, Padding.Size.H];
        if (Padding.Mode != "same") return [0, 0, 0, 0];
        int th = Dilation.H * (KernelSize.H - 1), tw = Dilation.W * (KernelSize.W - 1);
        return [tw / 2, tw - tw / 2, th / 2, th - th / 2];
    }

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding != (Padding)0) s += $", padding={Padding}";
        if (Dilation != (Pair)1) s += $", dilation={Dilation}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }
}
