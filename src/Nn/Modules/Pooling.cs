namespace Autograd.Nn;

/// <summary>2-d max pooling (torch.nn.MaxPool2d); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false) : Module
{
    public Pair KernelSize { get; } = kernelSize;
    public Pair Stride { get; } = stride ?? kernelSize;
    public Pair Padding { get; } = padding ?? 0;
    public Pair Dilation { get; } = dilation ?? 1;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    protected override string ExtraRepr() => $"kernel_size={Repr(KernelSize)}, stride={Repr(Stride)}, padding={Repr(Padding)}, dilation={Repr(Dilation)}, ceil_mode={Py(CeilMode)}";

    /// <summary>PyTorch's pooling modules print their arguments as given: 2, or (2, 1).</summary>
    internal static string Repr(Pair p) => p.H == p.W ? p.H.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.ToString();
}

/// <summary>2-d average pooling (torch.nn.AvgPool2d); stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(Pair kernelSize, Pair? stride = null, Pair? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null) : Module
{
    public Pair KernelSize { get; } = kernelSize;
    public Pair Stride { get; } = stride ?? kernelSize;
    public Pair Padding { get; } = padding ?? 0;
    public bool CeilMode { get; } = ceilMode;
    public bool CountIncludePad { get; } = countIncludePad;
    public int? DivisorOverride { get; } = divisorOverride;

    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    protected override string ExtraRepr() => $"kernel_size={MaxPool2d.Repr(KernelSize)}, stride={MaxPool2d.Repr(Stride)}, padding={MaxPool2d.Repr(Padding)}";
}
