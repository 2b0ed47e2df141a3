namespace Autograd.Nn;

/// <summary>
/// 2-d max pooling (torch.nn.MaxPool2d); stride defaults to the kernel size. The window is checked when the
/// module is built, with F.MaxPool2d's own checks and messages (PyTorch checks only at the first call).
/// </summary>
public sealed class MaxPool2d : Module
{
    public MaxPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        CeilMode = ceilMode;
        PoolGeometry.CheckWindow("MaxPool2d", KernelSize, Stride, Padding, Dilation);
    }

    public Pair KernelSize { get; }
    public Pair Stride { get; }
    public Pair Padding { get; }
    public Pair Dilation { get; }
    public bool CeilMode { get; }

    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

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

    public Pair KernelSize { get; }
    public Pair Stride { get; }
    public Pair Padding { get; }
    public bool CeilMode { get; }
    public bool CountIncludePad { get; }
    public int? DivisorOverride { get; }

    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    protected override string ExtraRepr() => $"kernel_size={MaxPool2d.Repr(KernelSize)}, stride={MaxPool2d.Repr(Stride)}, padding={MaxPool2d.Repr(Padding)}";
}
