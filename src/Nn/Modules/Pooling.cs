namespace Autograd.Nn;

/// <summary>
/// 2-d max pooling (torch.nn.MaxPool2d); stride defaults to the kernel size. The window is checked when the
/// module is built, with F.MaxPool2d's own checks and messages (PyTorch checks only at the first call).
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary><c>nn.MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode)</c>; the stride defaults to the kernel size.</summary>
    public MaxPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        CeilMode = ceilMode;
        PoolGeometry.CheckWindow("MaxPool2d", KernelSize, Stride, Padding, Dilation);
    }

    /// <summary>The window size, height × width (<c>kernel_size</c>).</summary>
    public Pair KernelSize { get; }
    /// <summary>The step between windows (<c>stride</c>).</summary>
    public Pair Stride { get; }
    /// <summary>The zero padding added to each side (<c>padding</c>).</summary>
    public Pair Padding { get; }
    /// <summary>The spacing between kernel elements (<c>dilation</c>).</summary>
    public Pair Dilation { get; }
    /// <summary>Whether the output size rounds up instead of down (<c>ceil_mode</c>).</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={Repr(KernelSize)}, stride={Repr(Stride)}, padding={Repr(Padding)}, dilation={Repr(Dilation)}, ceil_mode={Py(CeilMode)}";

    /// <summary>PyTorch's pooling modules print their arguments as given: 2, or (2, 1).</summary>
    internal static string Repr(Pair p) => p.H == p.W ? p.H.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.ToString();
}

/// <summary>
/// 2-d average pooling (torch.nn.AvgPool2d); stride defaults to the kernel size. Checked when built, as
/// <see cref="MaxPool2d"/>, including divisor_override ≠ 0.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary><c>nn.AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)</c>; the stride defaults to the kernel size.</summary>
    public AvgPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
        DivisorOverride = divisorOverride;
        PoolGeometry.CheckWindow("AvgPool2d", KernelSize, Stride, Padding, 1);
        if (divisorOverride == 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), "AvgPool2d: divisor must be not zero, got divisor_override=0");
    }

    /// <summary>The window size, height × width (<c>kernel_size</c>).</summary>
    public Pair KernelSize { get; }
    /// <summary>The step between windows (<c>stride</c>).</summary>
    public Pair Stride { get; }
    /// <summary>The zero padding added to each side (<c>padding</c>).</summary>
    public Pair Padding { get; }
    /// <summary>Whether the output size rounds up instead of down (<c>ceil_mode</c>).</summary>
    public bool CeilMode { get; }
    /// <summary>Whether zero padding counts in the average's divisor (<c>count_include_pad</c>).</summary>
    public bool CountIncludePad { get; }
    /// <summary>The divisor used instead of the window size, or null (<c>divisor_override</c>).</summary>
    public int? DivisorOverride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={MaxPool2d.Repr(KernelSize)}, stride={MaxPool2d.Repr(Stride)}, padding={MaxPool2d.Repr(Padding)}";
}
