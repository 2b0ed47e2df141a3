namespace Autograd.Oracle;

/// <summary><see cref="IOracleBackend"/> on our engine: every method is the <see cref="F"/> op of the same name.</summary>
public sealed partial class AutogradBackend : IOracleBackend
{
    public static readonly AutogradBackend Instance = new();

    public string Name => "Autograd";

    /// <summary>Our tensor behind an engine tensor of this engine.</summary>
    public static Tensor Unwrap(OracleTensor t) => t is Ours o ? o.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Backend.Name}' was passed to Autograd");

    public static OracleTensor Wrap(Tensor t) => new Ours(t);

    public OracleTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false)
        => Wrap(dtype == DType.Float32
            ? Tensor.From(Array.ConvertAll(data, v => (float)v), shape, requiresGrad)
            : Tensor.From((double[])data.Clone(), shape, requiresGrad));

    public void Backward(OracleTensor root, OracleTensor? gradient = null) => U(root).Backward(gradient is null ? null : U(gradient));

    public OracleTensor?[] Grad(OracleTensor[] outputs, OracleTensor[] inputs, OracleTensor?[]? gradOutputs = null, bool createGraph = false, bool allowUnused = false)
        => Autograd.Grad.Compute(outputs.Select(U).ToArray(), inputs.Select(U).ToArray(), gradOutputs?.Select(g => g is null ? null : U(g)).ToArray(),
                createGraph: createGraph, allowUnused: allowUnused)
            .Select(g => g is null ? null : Wrap(g)).ToArray();

    public OracleTensor Add(OracleTensor a, OracleTensor b) => Wrap(F.Add(U(a), U(b)));
    public OracleTensor Sub(OracleTensor a, OracleTensor b) => Wrap(F.Sub(U(a), U(b)));
    public OracleTensor Mul(OracleTensor a, OracleTensor b) => Wrap(F.Mul(U(a), U(b)));
    public OracleTensor Div(OracleTensor a, OracleTensor b) => Wrap(F.Div(U(a), U(b)));
    public OracleTensor Add(OracleTensor a, double b) => Wrap(F.Add(U(a), b));
    public OracleTensor Sub(OracleTensor a, double b) => Wrap(F.Sub(U(a), b));
    public OracleTensor Mul(OracleTensor a, double b) => Wrap(F.Mul(U(a), b));
    public OracleTensor Div(OracleTensor a, double b) => Wrap(F.Div(U(a), b));
    public OracleTensor Neg(OracleTensor x) => Wrap(F.Neg(U(x)));

    public OracleTensor Sum(OracleTensor x) => Wrap(F.Sum(U(x)));
    public OracleTensor Sum(OracleTensor x, int[] dims, bool keepDim = false) => Wrap(F.Sum(U(x), dims, keepDim));
    public OracleTensor Mean(OracleTensor x) => Wrap(F.Mean(U(x)));
    public OracleTensor Mean(OracleTensor x, int[] dims, bool keepDim = false) => Wrap(F.Mean(U(x), dims, keepDim));

    public OracleTensor Pow(OracleTensor x, double exponent) => Wrap(F.Pow(U(x), exponent));
    public OracleTensor Exp(OracleTensor x) => Wrap(F.Exp(U(x)));
    public OracleTensor Log(OracleTensor x) => Wrap(F.Log(U(x)));
    public OracleTensor Sqrt(OracleTensor x) => Wrap(F.Sqrt(U(x)));
    public OracleTensor Abs(OracleTensor x) => Wrap(F.Abs(U(x)));
    public OracleTensor Relu(OracleTensor x) => Wrap(F.Relu(U(x)));
    public OracleTensor Sigmoid(OracleTensor x) => Wrap(F.Sigmoid(U(x)));
    public OracleTensor Tanh(OracleTensor x) => Wrap(F.Tanh(U(x)));
    public OracleTensor Clamp(OracleTensor x, double? min = null, double? max = null) => Wrap(F.Clamp(U(x), min, max));
    public OracleTensor Max(OracleTensor x) => Wrap(F.Max(U(x)));
    public OracleTensor Min(OracleTensor x) => Wrap(F.Min(U(x)));

    public (OracleTensor Values, int[] Indices) Max(OracleTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = F.Max(U(x), dim, keepDim);
        return (Wrap(v), i.ToArray<int>());
    }

    public (OracleTensor Values, int[] Indices) Min(OracleTensor x, int dim, bool keepDim = false)
    {
        var (v, i) = F.Min(U(x), dim, keepDim);
        return (Wrap(v), i.ToArray<int>());
    }

    public OracleTensor Reshape(OracleTensor x, int[] shape) => Wrap(F.Reshape(U(x), shape));
    public OracleTensor View(OracleTensor x, int[] shape) => Wrap(F.View(U(x), shape));
    public OracleTensor Flatten(OracleTensor x, int startDim = 0, int endDim = -1) => Wrap(F.Flatten(U(x), startDim, endDim));
    public OracleTensor Permute(OracleTensor x, int[] dims) => Wrap(F.Permute(U(x), dims));
    public OracleTensor Transpose(OracleTensor x, int dim0, int dim1) => Wrap(F.Transpose(U(x), dim0, dim1));
    public OracleTensor Unsqueeze(OracleTensor x, int dim) => Wrap(F.Unsqueeze(U(x), dim));
    public OracleTensor Squeeze(OracleTensor x) => Wrap(F.Squeeze(U(x)));
    public OracleTensor Squeeze(OracleTensor x, int dim) => Wrap(F.Squeeze(U(x), dim));

    public OracleTensor Matmul(OracleTensor a, OracleTensor b) => Wrap(F.Matmul(U(a), U(b)));
    public OracleTensor Linear(OracleTensor x, OracleTensor weight, OracleTensor? bias = null) => Wrap(F.Linear(U(x), U(weight), Opt(bias)));
    public OracleTensor Softmax(OracleTensor x, int dim) => Wrap(F.Softmax(U(x), dim));
    public OracleTensor LogSoftmax(OracleTensor x, int dim) => Wrap(F.LogSoftmax(U(x), dim));

    public OracleTensor CrossEntropy(OracleTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
        => Wrap(F.CrossEntropy(U(input), target, reduction, ignoreIndex));

    public OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction = Reduction.Mean) => Wrap(F.MseLoss(U(input), U(target), reduction));

    private static Tensor U(OracleTensor t) => Unwrap(t);

    private static Tensor? Opt(OracleTensor? t) => t is null ? null : U(t);

    private sealed class Ours(Tensor tensor) : OracleTensor
    {
        public Tensor Tensor => tensor;
        public override IOracleBackend Backend => Instance;
        public override int[] Shape => tensor.Shape.ToArray();
        public override DType DType => tensor.DType;
        public override bool RequiresGrad => tensor.RequiresGrad;
        public override double[] Values() => tensor.ToDoubleArray();
        public override double[]? GradValues() => tensor.Grad?.ToDoubleArray();
    }
}
