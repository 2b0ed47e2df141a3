namespace Autograd.Oracle;

/// <summary><see cref="IEngine"/> on our engine: every method is the <see cref="F"/> op of the same name.</summary>
public sealed partial class AutogradEngine : IEngine
{
    public static readonly AutogradEngine Instance = new();

    public string Name => "Autograd";

    /// <summary>Our tensor behind an engine tensor of this engine.</summary>
    public static Tensor Unwrap(EngineTensor t) => t is Ours o ? o.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Engine.Name}' was passed to Autograd");

    public static EngineTensor Wrap(Tensor t) => new Ours(t);

    public EngineTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false)
        => Wrap(dtype == DType.Float32
            ? Tensor.From(Array.ConvertAll(data, v => (float)v), shape, requiresGrad)
            : Tensor.From((double[])data.Clone(), shape, requiresGrad));

    public void Backward(EngineTensor root, EngineTensor? gradient = null) => U(root).Backward(gradient is null ? null : U(gradient));

    public EngineTensor?[] Grad(EngineTensor[] outputs, EngineTensor[] inputs, EngineTensor?[]? gradOutputs = null, bool createGraph = false, bool allowUnused = false)
        => Autograd.Grad.Compute(outputs.Select(U).ToArray(), inputs.Select(U).ToArray(), gradOutputs?.Select(g => g is null ? null : U(g)).ToArray(),
                createGraph: createGraph, allowUnused: allowUnused)
            .Select(g => g is null ? null : Wrap(g)).ToArray();

    public EngineTensor Add(EngineTensor a, EngineTensor b) => Wrap(F.Add(U(a), U(b)));
    public EngineTensor Sub(EngineTensor a, EngineTensor b) => Wrap(F.Sub(U(a), U(b)));
    public EngineTensor Mul(EngineTensor a, EngineTensor b) => Wrap(F.Mul(U(a), U(b)));
    public EngineTensor Div(EngineTensor a, EngineTensor b) => Wrap(F.Div(U(a), U(b)));
    public EngineTensor Add(EngineTensor a, double b) => Wrap(F.Add(U(a), b));
    public EngineTensor Sub(EngineTensor a, double b) => Wrap(F.Sub(U(a), b));
    public EngineTensor Mul(EngineTensor a, double b) => Wrap(F.Mul(U(a), b));
    public EngineTensor Div(EngineTensor a, double b) => Wrap(F.Div(U(a), b));
    public EngineTensor Neg(EngineTensor x) => Wrap(F.Neg(U(x)));

    public EngineTensor Sum(EngineTensor x) => Wrap(F.Sum(U(x)));
    public EngineTensor Sum(EngineTensor x, int[] dims, bool keepDim = false) => Wrap(F.Sum(U(x), dims, keepDim));
    public EngineTensor Mean(EngineTensor x) => Wrap(F.Mean(U(x)));
    public EngineTensor Mean(EngineTensor x, int[] dims, bool keepDim = false) => Wrap(F.Mean(U(x), dims, keepDim));

    public EngineTensor Pow(EngineTensor x, double exponent) => Wrap(F.Pow(U(x), exponent));
    public EngineTensor Exp(EngineTensor x) => Wrap(F.Exp(U(x)));
    public EngineTensor Log(EngineTensor x) => Wrap(F.Log(U(x)));
    public EngineTensor Sqrt(EngineTensor x) => Wrap(F.Sqrt(U(x)));
    public EngineTensor Abs(EngineTensor x) => Wrap(F.Abs(U(x)));
    public EngineTensor Relu(EngineTensor x) => Wrap(F.Relu(U(x)));
    public EngineTensor Sigmoid(EngineTensor x) => Wrap(F.Sigmoid(U(x)));
    public EngineTensor Tanh(EngineTensor x) => Wrap(F.Tanh(U(x)));
    public EngineTensor Clamp(EngineTensor x, double? min = null, double? max = null) => Wrap(F.Clamp(U(x), min, max));
    public EngineTensor Max(EngineTensor x) => Wrap(F.Max(U(x)));
    public EngineTensor Min(EngineTensor x) => Wrap(F.Min(U(x)));

    public (EngineTensor Values, int[] Indices) Max(EngineTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = F.Max(U(x), dim, keepDim);
        return (Wrap(v), i.ToArray<int>());
    }

    public (EngineTensor Values, int[] Indices) Min(EngineTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = F.Min(U(x), dim, keepDim);
        return (Wrap(v), i.ToArray<int>());
    }

    public EngineTensor Reshape(EngineTensor x, int[] shape) => Wrap(F.Reshape(U(x), shape));
    public EngineTensor View(EngineTensor x, int[] shape) => Wrap(F.View(U(x), shape));
    public EngineTensor Flatten(EngineTensor x, int startDim = 0, int endDim = -1) => Wrap(F.Flatten(U(x), startDim, endDim));
    public EngineTensor Permute(EngineTensor x, int[] dims) => Wrap(F.Permute(U(x), dims));
    public EngineTensor Transpose(EngineTensor x, int dim0, int dim1) => Wrap(F.Transpose(U(x), dim0, dim1));
    public EngineTensor Unsqueeze(EngineTensor x, int dim) => Wrap(F.Unsqueeze(U(x), dim));
    public EngineTensor Squeeze(EngineTensor x) => Wrap(F.Squeeze(U(x)));
    public EngineTensor Squeeze(EngineTensor x, int dim) => Wrap(F.Squeeze(U(x), dim));

    public EngineTensor Matmul(EngineTensor a, EngineTensor b) => Wrap(F.Matmul(U(a), U(b)));
    public EngineTensor Linear(EngineTensor x, EngineTensor weight, EngineTensor? bias = null) => Wrap(F.Linear(U(x), U(weight), Opt(bias)));
    public EngineTensor Softmax(EngineTensor x, int dim) => Wrap(F.Softmax(U(x), dim));
    public EngineTensor LogSoftmax(EngineTensor x, int dim) => Wrap(F.LogSoftmax(U(x), dim));

    public EngineTensor CrossEntropy(EngineTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
        => Wrap(F.CrossEntropy(U(input), target, reduction, ignoreIndex));

    public EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction = Reduction.Mean) => Wrap(F.MseLoss(U(input), U(target), reduction));

    private static Tensor U(EngineTensor t) => Unwrap(t);

    private static Tensor? Opt(EngineTensor? t) => t is null ? null : U(t);

    private sealed class Ours(Tensor tensor) : EngineTensor
    {
        public Tensor Tensor => tensor;
        public override IEngine Engine => Instance;
        public override int[] Shape => tensor.Shape.ToArray();
        public override DType DType => tensor.DType;
        public override bool RequiresGrad => tensor.RequiresGrad;
        public override double[] Values() => tensor.ToDoubleArray();
        public override double[]? GradValues() => tensor.Grad?.ToDoubleArray();
    }
}
