namespace Autograd.Oracle;

/// <summary>
/// <see cref="IEngine"/> on libtorch. Owns every tensor it creates and frees them all on Dispose:
/// use one engine per computation (<c>using var torch = new LibTorchEngine();</c>).
/// </summary>
public sealed class LibTorchEngine : IEngine, IDisposable
{
    private readonly List<TorchTensor> _owned = [];

    /// <summary>Loads the shim; throws <see cref="OracleUnavailableException"/> (with the install hint) when it cannot.</summary>
    public LibTorchEngine() => OracleLibrary.EnsureLoaded();

    public string Name => "libtorch " + OracleLibrary.TorchVersion;

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
    }

    /// <summary>The libtorch tensor behind an engine tensor of this engine.</summary>
    public static TorchTensor Unwrap(EngineTensor t) => t is Theirs th ? th.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Engine.Name}' was passed to libtorch");

    public EngineTensor Wrap(TorchTensor t)
    {
        _owned.Add(t);
        return new Theirs(this, t);
    }

    public EngineTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false)
        => Wrap(dtype == DType.Float32
            ? TorchTensor.From(Array.ConvertAll(data, v => (float)v), shape, requiresGrad)
            : TorchTensor.From((double[])data.Clone(), shape, requiresGrad));

    public void Backward(EngineTensor root, EngineTensor? gradient = null) => U(root).Backward(gradient is null ? null : U(gradient));

    public EngineTensor Add(EngineTensor a, EngineTensor b) => Wrap(Torch.Add(U(a), U(b)));
    public EngineTensor Sub(EngineTensor a, EngineTensor b) => Wrap(Torch.Sub(U(a), U(b)));
    public EngineTensor Mul(EngineTensor a, EngineTensor b) => Wrap(Torch.Mul(U(a), U(b)));
    public EngineTensor Div(EngineTensor a, EngineTensor b) => Wrap(Torch.Div(U(a), U(b)));
    public EngineTensor Add(EngineTensor a, double b) => Wrap(Torch.Add(U(a), b));
    public EngineTensor Sub(EngineTensor a, double b) => Wrap(Torch.Sub(U(a), b));
    public EngineTensor Mul(EngineTensor a, double b) => Wrap(Torch.Mul(U(a), b));
    public EngineTensor Div(EngineTensor a, double b) => Wrap(Torch.Div(U(a), b));
    public EngineTensor Neg(EngineTensor x) => Wrap(Torch.Neg(U(x)));
    public EngineTensor Pow(EngineTensor x, double exponent) => Wrap(Torch.Pow(U(x), exponent));
    public EngineTensor Exp(EngineTensor x) => Wrap(Torch.Exp(U(x)));
    public EngineTensor Log(EngineTensor x) => Wrap(Torch.Log(U(x)));
    public EngineTensor Sqrt(EngineTensor x) => Wrap(Torch.Sqrt(U(x)));
    public EngineTensor Abs(EngineTensor x) => Wrap(Torch.Abs(U(x)));
    public EngineTensor Relu(EngineTensor x) => Wrap(Torch.Relu(U(x)));
    public EngineTensor Sigmoid(EngineTensor x) => Wrap(Torch.Sigmoid(U(x)));
    public EngineTensor Tanh(EngineTensor x) => Wrap(Torch.Tanh(U(x)));

    public EngineTensor Sum(EngineTensor x) => Wrap(Torch.Sum(U(x)));
    public EngineTensor Sum(EngineTensor x, int[] dims, bool keepDim = false) => Wrap(Torch.Sum(U(x), dims, keepDim));
    public EngineTensor Mean(EngineTensor x) => Wrap(Torch.Mean(U(x)));
    public EngineTensor Mean(EngineTensor x, int[] dims, bool keepDim = false) => Wrap(Torch.Mean(U(x), dims, keepDim));
    public EngineTensor Max(EngineTensor x) => Wrap(Torch.Max(U(x)));
    public EngineTensor Min(EngineTensor x) => Wrap(Torch.Min(U(x)));

    public (EngineTensor Values, int[] Indices) Max(EngineTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = Torch.Max(U(x), dim, keepDim);
        return (Wrap(v), i);
    }

    public (EngineTensor Values, int[] Indices) Min(EngineTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = Torch.Min(U(x), dim, keepDim);
        return (Wrap(v), i);
    }

    public EngineTensor Reshape(EngineTensor x, int[] shape) => Wrap(Torch.Reshape(U(x), shape));
    public EngineTensor View(EngineTensor x, int[] shape) => Wrap(Torch.View(U(x), shape));
    public EngineTensor Flatten(EngineTensor x, int startDim = 0, int endDim = -1) => Wrap(Torch.Flatten(U(x), startDim, endDim));
    public EngineTensor Permute(EngineTensor x, int[] dims) => Wrap(Torch.Permute(U(x), dims));
    public EngineTensor Transpose(EngineTensor x, int dim0, int dim1) => Wrap(Torch.Transpose(U(x), dim0, dim1));
    public EngineTensor Unsqueeze(EngineTensor x, int dim) => Wrap(Torch.Unsqueeze(U(x), dim));
    public EngineTensor Squeeze(EngineTensor x) => Wrap(Torch.Squeeze(U(x)));
    public EngineTensor Squeeze(EngineTensor x, int dim) => Wrap(Torch.Squeeze(U(x), dim));

    public EngineTensor Matmul(EngineTensor a, EngineTensor b) => Wrap(Torch.Matmul(U(a), U(b)));
    public EngineTensor Linear(EngineTensor x, EngineTensor weight, EngineTensor? bias = null) => Wrap(Torch.Linear(U(x), U(weight), Opt(bias)));
    public EngineTensor Softmax(EngineTensor x, int dim) => Wrap(Torch.Softmax(U(x), dim));
    public EngineTensor LogSoftmax(EngineTensor x, int dim) => Wrap(Torch.LogSoftmax(U(x), dim));
    public EngineTensor CrossEntropy(EngineTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
        => Wrap(Torch.CrossEntropy(U(input), target, reduction, ignoreIndex));
    public EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction = Reduction.Mean) => Wrap(Torch.MseLoss(U(input), U(target), reduction));

    public EngineTensor Conv2d(EngineTensor input, EngineTensor weight, EngineTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
        => Wrap(Torch.Conv2d(U(input), U(weight), Opt(bias), stride, padding, dilation, groups));

    public EngineTensor Pad(EngineTensor input, int[] pad, double value = 0) => Wrap(Torch.Pad(U(input), pad, value));

    public EngineTensor MaxPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false)
        => Wrap(Torch.MaxPool2d(U(input), kernelSize, stride, padding, dilation, ceilMode));

    public (EngineTensor Output, int[] Indices) MaxPool2dWithIndices(EngineTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var (o, i) = Torch.MaxPool2dWithIndices(U(input), kernelSize, stride, padding, dilation, ceilMode);
        return (Wrap(o), i);
    }

    public EngineTensor AvgPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => Wrap(Torch.AvgPool2d(U(input), kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride));

    public EngineTensor LpPool2d(EngineTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false)
        => Wrap(Torch.LpPool2d(U(input), normType, kernelSize, stride, ceilMode));

    public EngineTensor AdaptiveAvgPool2d(EngineTensor input, Pair outputSize) => Wrap(Torch.AdaptiveAvgPool2d(U(input), outputSize));
    public EngineTensor AdaptiveMaxPool2d(EngineTensor input, Pair outputSize) => Wrap(Torch.AdaptiveMaxPool2d(U(input), outputSize));

    public (EngineTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(EngineTensor input, Pair outputSize)
    {
        var (o, i) = Torch.AdaptiveMaxPool2dWithIndices(U(input), outputSize);
        return (Wrap(o), i);
    }

    public EngineTensor MaxUnpool2d(EngineTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null)
        => Wrap(Torch.MaxUnpool2d(U(input), indices, kernelSize, stride, padding, outputSize));

    private TorchTensor U(EngineTensor t) => t is Theirs th && th.Owner == this ? th.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Engine.Name}' was passed to another engine");

    private TorchTensor? Opt(EngineTensor? t) => t is null ? null : U(t);

    private sealed class Theirs(LibTorchEngine owner, TorchTensor tensor) : EngineTensor
    {
        public LibTorchEngine Owner => owner;
        public TorchTensor Tensor => tensor;
        public override IEngine Engine => owner;
        public override int[] Shape => tensor.Shape;
        public override DType DType => tensor.DType;
        public override bool RequiresGrad => tensor.RequiresGrad;
        public override double[] Values() => tensor.ToDoubleArray();

        public override double[]? GradValues()
        {
            using var g = tensor.Grad;
            return g?.ToDoubleArray();
        }
    }
}
