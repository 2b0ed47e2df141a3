namespace Autograd.Oracle;

// Ops whose F.* has not landed on main yet: each throws until it does (then it moves to AutogradEngine.cs).
public sealed partial class AutogradEngine
{
    private static NotSupportedException Pending(string op) => new($"F.{op} has not landed on main yet");

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
