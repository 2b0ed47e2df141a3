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
