namespace Autograd.Oracle;

// Ops whose F.* has not landed on main yet: each throws until it does (then it moves to AutogradEngine.Nn.cs).
public sealed partial class AutogradEngine
{
    private static NotSupportedException Pending(string op) => new($"F.{op} has not landed on main yet");

    public EngineTensor LpPool2d(EngineTensor input, double normType, Pair kernelSize, Pair? stride = null, bool ceilMode = false) => throw Pending("LpPool2d");
}
