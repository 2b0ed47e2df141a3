namespace Autograd.Oracle;

// The elementwise math functions and activations on our engine.
public sealed partial class AutogradEngine
{
    public EngineTensor Sin(EngineTensor x) => Wrap(F.Sin(U(x)));
    public EngineTensor Cos(EngineTensor x) => Wrap(F.Cos(U(x)));
    public EngineTensor Log1p(EngineTensor x) => Wrap(F.Log1p(U(x)));
    public EngineTensor Expm1(EngineTensor x) => Wrap(F.Expm1(U(x)));
    public EngineTensor Erf(EngineTensor x) => Wrap(F.Erf(U(x)));
    public EngineTensor Rsqrt(EngineTensor x) => Wrap(F.Rsqrt(U(x)));
    public EngineTensor Reciprocal(EngineTensor x) => Wrap(F.Reciprocal(U(x)));
    public EngineTensor Sign(EngineTensor x) => Wrap(F.Sign(U(x)));
    public EngineTensor Round(EngineTensor x) => Wrap(F.Round(U(x)));
    public EngineTensor Softplus(EngineTensor x, double beta = 1, double threshold = 20) => Wrap(F.Softplus(U(x), beta, threshold));
    public EngineTensor LogSigmoid(EngineTensor x) => Wrap(F.LogSigmoid(U(x)));
    public EngineTensor Gelu(EngineTensor x, string approximate = "none") => Wrap(F.Gelu(U(x), approximate));
    public EngineTensor LeakyRelu(EngineTensor x, double negativeSlope = 0.01) => Wrap(F.LeakyRelu(U(x), negativeSlope));
    public EngineTensor Elu(EngineTensor x, double alpha = 1) => Wrap(F.Elu(U(x), alpha));
    public EngineTensor Silu(EngineTensor x) => Wrap(F.Silu(U(x)));
    public EngineTensor Hardtanh(EngineTensor x, double minVal = -1, double maxVal = 1) => Wrap(F.Hardtanh(U(x), minVal, maxVal));
    public EngineTensor Maximum(EngineTensor a, EngineTensor b) => Wrap(F.Maximum(U(a), U(b)));
    public EngineTensor Minimum(EngineTensor a, EngineTensor b) => Wrap(F.Minimum(U(a), U(b)));
}
