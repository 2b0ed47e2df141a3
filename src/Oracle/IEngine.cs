namespace Autograd.Oracle;

/// <summary>
/// The ops both engines implement, with <see cref="F"/>'s names, parameters and defaults, so a
/// computation is written once as a lambda over <see cref="IEngine"/> and run on ours
/// (<see cref="AutogradEngine"/>) and on libtorch 2.10 through TorchSharp (<see cref="TorchSharpEngine"/>):
/// <code>
/// Func&lt;IEngine, EngineTensor[], EngineTensor&gt; f = (e, x) => e.Mean(e.MaxPool2d(e.Conv2d(x[0], x[1], padding: "same"), 2));
/// </code>
/// </summary>
public partial interface IEngine
{
    string Name { get; }

    /// <summary>A leaf tensor holding <paramref name="data"/> (rounded to float32 for Float32).</summary>
    EngineTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false);

    /// <summary>loss.backward(gradient): gradients land in each leaf's <see cref="EngineTensor.GradValues"/>.</summary>
    void Backward(EngineTensor root, EngineTensor? gradient = null);

    /// <summary>
    /// torch.autograd.grad(outputs, inputs, grad_outputs, create_graph, allow_unused): the gradients, with a
    /// graph of their own under <paramref name="createGraph"/> (so they can be differentiated again).
    /// </summary>
    EngineTensor?[] Grad(EngineTensor[] outputs, EngineTensor[] inputs, EngineTensor?[]? gradOutputs = null, bool createGraph = false, bool allowUnused = false);

    EngineTensor Add(EngineTensor a, EngineTensor b);
    EngineTensor Sub(EngineTensor a, EngineTensor b);
    EngineTensor Mul(EngineTensor a, EngineTensor b);
    EngineTensor Div(EngineTensor a, EngineTensor b);
    EngineTensor Add(EngineTensor a, double b);
    EngineTensor Sub(EngineTensor a, double b);
    EngineTensor Mul(EngineTensor a, double b);
    EngineTensor Div(EngineTensor a, double b);
    EngineTensor Neg(EngineTensor x);
    EngineTensor Pow(EngineTensor x, double exponent);
    EngineTensor Exp(EngineTensor x);
    EngineTensor Log(EngineTensor x);
    EngineTensor Sqrt(EngineTensor x);
    EngineTensor Abs(EngineTensor x);
    EngineTensor Relu(EngineTensor x);
    EngineTensor Sigmoid(EngineTensor x);
    EngineTensor Tanh(EngineTensor x);

    /// <summary>torch.clamp with scalar bounds; at least one must be given (both null is rejected, as PyTorch does).</summary>
    EngineTensor Clamp(EngineTensor x, double? min = null, double? max = null);

    EngineTensor Sum(EngineTensor x);
    EngineTensor Sum(EngineTensor x, int[] dims, bool keepDim = false);
    EngineTensor Mean(EngineTensor x);
    EngineTensor Mean(EngineTensor x, int[] dims, bool keepDim = false);
    EngineTensor Max(EngineTensor x);
    EngineTensor Min(EngineTensor x);
    (EngineTensor Values, int[] Indices) Max(EngineTensor x, int dim, bool keepDim = false);
    (EngineTensor Values, int[] Indices) Min(EngineTensor x, int dim, bool keepDim = false);

    EngineTensor Reshape(EngineTensor x, int[] shape);
    EngineTensor View(EngineTensor x, int[] shape);
    EngineTensor Flatten(EngineTensor x, int startDim = 0, int endDim = -1);
    EngineTensor Permute(EngineTensor x, int[] dims);
    EngineTensor Transpose(EngineTensor x, int dim0, int dim1);
    EngineTensor Unsqueeze(EngineTensor x, int dim);
    EngineTensor Squeeze(EngineTensor x);
    EngineTensor Squeeze(EngineTensor x, int dim);

    EngineTensor Matmul(EngineTensor a, EngineTensor b);
    EngineTensor Linear(EngineTensor x, EngineTensor weight, EngineTensor? bias = null);
    EngineTensor Softmax(EngineTensor x, int dim);
    EngineTensor LogSoftmax(EngineTensor x, int dim);
    EngineTensor CrossEntropy(EngineTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100);
    EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction = Reduction.Mean);

    EngineTensor Conv2d(EngineTensor input, EngineTensor weight, EngineTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1);
    EngineTensor Pad(EngineTensor input, int[] pad, double value = 0);
    EngineTensor MaxPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false);
    (EngineTensor Output, int[] Indices) MaxPool2dWithIndices(EngineTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false);
    EngineTensor AvgPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null);
    EngineTensor LpPool2d(EngineTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false);
    EngineTensor AdaptiveAvgPool2d(EngineTensor input, Pair outputSize);
    EngineTensor AdaptiveMaxPool2d(EngineTensor input, Pair outputSize);
    (EngineTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(EngineTensor input, Pair outputSize);
    EngineTensor MaxUnpool2d(EngineTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null);
}

/// <summary>A tensor of one engine: enough to read it back and to write graphs with operators.</summary>
public abstract class EngineTensor
{
    public abstract IEngine Engine { get; }
    public abstract int[] Shape { get; }
    public abstract DType DType { get; }
    public abstract bool RequiresGrad { get; }

    /// <summary>The values as double (exact for float32).</summary>
    public abstract double[] Values();

    /// <summary>The accumulated gradient as double, or null when there is none.</summary>
    public abstract double[]? GradValues();

    public static EngineTensor operator +(EngineTensor a, EngineTensor b) => a.Engine.Add(a, b);
    public static EngineTensor operator -(EngineTensor a, EngineTensor b) => a.Engine.Sub(a, b);
    public static EngineTensor operator *(EngineTensor a, EngineTensor b) => a.Engine.Mul(a, b);
    public static EngineTensor operator /(EngineTensor a, EngineTensor b) => a.Engine.Div(a, b);
    public static EngineTensor operator -(EngineTensor a) => a.Engine.Neg(a);
    public static EngineTensor operator +(EngineTensor a, double b) => a.Engine.Add(a, b);
    public static EngineTensor operator -(EngineTensor a, double b) => a.Engine.Sub(a, b);
    public static EngineTensor operator *(EngineTensor a, double b) => a.Engine.Mul(a, b);
    public static EngineTensor operator /(EngineTensor a, double b) => a.Engine.Div(a, b);
    public static EngineTensor operator *(double a, EngineTensor b) => b.Engine.Mul(b, a);
    public static EngineTensor operator +(double a, EngineTensor b) => b.Engine.Add(b, a);
}
