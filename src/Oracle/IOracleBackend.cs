namespace Autograd.Oracle;

/// <summary>
/// The ops both engines implement, with <see cref="F"/>'s names, parameters and defaults, so a
/// computation is written once as a lambda over <see cref="IOracleBackend"/> and run on ours
/// (<see cref="AutogradBackend"/>) and on libtorch 2.10 through TorchSharp (<see cref="TorchSharpBackend"/>):
/// <code>
/// Func&lt;IOracleBackend, OracleTensor[], OracleTensor&gt; f = (e, x) => e.Mean(e.MaxPool2d(e.Conv2d(x[0], x[1], padding: "same"), 2));
/// </code>
/// </summary>
public partial interface IOracleBackend
{
    string Name { get; }

    /// <summary>A leaf tensor holding <paramref name="data"/> (rounded to float32 for Float32).</summary>
    OracleTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false);

    /// <summary>loss.backward(gradient): gradients land in each leaf's <see cref="OracleTensor.GradValues"/>.</summary>
    void Backward(OracleTensor root, OracleTensor? gradient = null);

    /// <summary>
    /// torch.autograd.grad(outputs, inputs, grad_outputs, create_graph, allow_unused): the gradients, with a
    /// graph of their own under <paramref name="createGraph"/> (so they can be differentiated again).
    /// </summary>
    OracleTensor?[] Grad(OracleTensor[] outputs, OracleTensor[] inputs, OracleTensor?[]? gradOutputs = null, bool createGraph = false, bool allowUnused = false);

    OracleTensor Add(OracleTensor a, OracleTensor b);
    OracleTensor Sub(OracleTensor a, OracleTensor b);
    OracleTensor Mul(OracleTensor a, OracleTensor b);
    OracleTensor Div(OracleTensor a, OracleTensor b);
    OracleTensor Add(OracleTensor a, double b);
    OracleTensor Sub(OracleTensor a, double b);
    OracleTensor Mul(OracleTensor a, double b);
    OracleTensor Div(OracleTensor a, double b);
    OracleTensor Neg(OracleTensor x);
    OracleTensor Pow(OracleTensor x, double exponent);
    OracleTensor Exp(OracleTensor x);
    OracleTensor Log(OracleTensor x);
    OracleTensor Sqrt(OracleTensor x);
    OracleTensor Abs(OracleTensor x);
    OracleTensor Relu(OracleTensor x);
    OracleTensor Sigmoid(OracleTensor x);
    OracleTensor Tanh(OracleTensor x);

    /// <summary>torch.clamp with scalar bounds; at least one must be given (both null is rejected, as PyTorch does).</summary>
    OracleTensor Clamp(OracleTensor x, double? min = null, double? max = null);

    OracleTensor Sum(OracleTensor x);
    OracleTensor Sum(OracleTensor x, int[] dims, bool keepDim = false);
    OracleTensor Mean(OracleTensor x);
    OracleTensor Mean(OracleTensor x, int[] dims, bool keepDim = false);
    OracleTensor Max(OracleTensor x);
    OracleTensor Min(OracleTensor x);
    (OracleTensor Values, int[] Indices) Max(OracleTensor x, int dim, bool keepDim = false);
    (OracleTensor Values, int[] Indices) Min(OracleTensor x, int dim, bool keepDim = false);

    OracleTensor Reshape(OracleTensor x, int[] shape);
    OracleTensor View(OracleTensor x, int[] shape);
    OracleTensor Flatten(OracleTensor x, int startDim = 0, int endDim = -1);
    OracleTensor Permute(OracleTensor x, int[] dims);
    OracleTensor Transpose(OracleTensor x, int dim0, int dim1);
    OracleTensor Unsqueeze(OracleTensor x, int dim);
    OracleTensor Squeeze(OracleTensor x);
    OracleTensor Squeeze(OracleTensor x, int dim);

    OracleTensor Matmul(OracleTensor a, OracleTensor b);
    OracleTensor Linear(OracleTensor x, OracleTensor weight, OracleTensor? bias = null);
    OracleTensor Softmax(OracleTensor x, int dim);
    OracleTensor LogSoftmax(OracleTensor x, int dim);
    OracleTensor CrossEntropy(OracleTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100);
    OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction = Reduction.Mean);

    OracleTensor Conv2d(OracleTensor input, OracleTensor weight, OracleTensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1);
    OracleTensor Pad(OracleTensor input, int[] pad, double value = 0);
    OracleTensor MaxPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false);
    (OracleTensor Output, int[] Indices) MaxPool2dWithIndices(OracleTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false);
    OracleTensor AvgPool2d(OracleTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null);
    OracleTensor LpPool2d(OracleTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false);
    OracleTensor AdaptiveAvgPool2d(OracleTensor input, Pair outputSize);
    OracleTensor AdaptiveMaxPool2d(OracleTensor input, Pair outputSize);
    (OracleTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(OracleTensor input, Pair outputSize);
    OracleTensor MaxUnpool2d(OracleTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null);
}
