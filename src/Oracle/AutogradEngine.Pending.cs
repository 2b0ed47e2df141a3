namespace Autograd.Oracle;

// Ops whose F.* has not landed on main yet: each throws until it does (then it moves to AutogradEngine.cs).
public sealed partial class AutogradEngine
{
    private static NotSupportedException Pending(string op) => new($"F.{op} has not landed on main yet");

    public EngineTensor Pow(EngineTensor x, double exponent) => throw Pending("Pow");
    public EngineTensor Exp(EngineTensor x) => throw Pending("Exp");
    public EngineTensor Log(EngineTensor x) => throw Pending("Log");
    public EngineTensor Sqrt(EngineTensor x) => throw Pending("Sqrt");
    public EngineTensor Abs(EngineTensor x) => throw Pending("Abs");
    public EngineTensor Relu(EngineTensor x) => throw Pending("Relu");
    public EngineTensor Sigmoid(EngineTensor x) => throw Pending("Sigmoid");
    public EngineTensor Tanh(EngineTensor x) => throw Pending("Tanh");
    public EngineTensor Max(EngineTensor x) => throw Pending("Max");
    public EngineTensor Min(EngineTensor x) => throw Pending("Min");
    public (EngineTensor Values, int[] Indices) Max(EngineTensor x, int dim, bool keepDim = false) => throw Pending("Max");
    public (EngineTensor Values, int[] Indices) Min(EngineTensor x, int dim, bool keepDim = false) => throw Pending("Min");
    public EngineTensor Reshape(EngineTensor x, int[] shape) => throw Pending("Reshape");
    public EngineTensor View(EngineTensor x, int[] shape) => throw Pending("View");
    public EngineTensor Flatten(EngineTensor x, int startDim = 0, int endDim = -1) => throw Pending("Flatten");
    public EngineTensor Permute(EngineTensor x, int[] dims) => throw Pending("Permute");
    public EngineTensor Transpose(EngineTensor x, int dim0, int dim1) => throw Pending("Transpose");
    public EngineTensor Unsqueeze(EngineTensor x, int dim) => throw Pending("Unsqueeze");
    public EngineTensor Squeeze(EngineTensor x) => throw Pending("Squeeze");
    public EngineTensor Squeeze(EngineTensor x, int dim) => throw Pending("Squeeze");
    public EngineTensor Matmul(EngineTensor a, EngineTensor b) => throw Pending("Matmul");
    public EngineTensor Linear(EngineTensor x, EngineTensor weight, EngineTensor? bias = null) => throw Pending("Linear");
    public EngineTensor Softmax(EngineTensor x, int dim) => throw Pending("Softmax");
    public EngineTensor LogSoftmax(EngineTensor x, int dim) => throw Pending("LogSoftmax");
    public EngineTensor CrossEntropy(EngineTensor input, int[] target, Reduction reduction = Reduction.Mean) => throw Pending("CrossEntropy");
    public EngineTensor MseLoss(EngineTensor input, EngineTensor target, Reduction reduction = Reduction.Mean) => throw Pending("MseLoss");
    public EngineTensor MaxPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        Pair? dilation = null, bool ceilMode = false) => throw Pending("MaxPool2d");
    public (EngineTensor Output, int[] Indices) MaxPool2dWithIndices(EngineTensor input, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, Pair? dilation = null, bool ceilMode = false) => throw Pending("MaxPool2dWithIndices");
    public EngineTensor AvgPool2d(EngineTensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null) => throw Pending("AvgPool2d");
    public EngineTensor LpPool2d(EngineTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false) => throw Pending("LpPool2d");
    public EngineTensor AdaptiveAvgPool2d(EngineTensor input, Pair outputSize) => throw Pending("AdaptiveAvgPool2d");
    public EngineTensor AdaptiveMaxPool2d(EngineTensor input, Pair outputSize) => throw Pending("AdaptiveMaxPool2d");
    public (EngineTensor Output, int[] Indices) AdaptiveMaxPool2dWithIndices(EngineTensor input, Pair outputSize) => throw Pending("AdaptiveMaxPool2dWithIndices");
    public EngineTensor MaxUnpool2d(EngineTensor input, int[] indices, Pair kernelSize, Pair? stride = null,
        Pair? padding = null, int[]? outputSize = null) => throw Pending("MaxUnpool2d");
}
