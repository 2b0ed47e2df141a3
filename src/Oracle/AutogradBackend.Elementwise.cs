namespace Autograd.Oracle;

// The elementwise math functions and activations on our engine.
public sealed partial class AutogradBackend
{
    public OracleTensor Sin(OracleTensor x) => Wrap(F.Sin(U(x)));
    public OracleTensor Cos(OracleTensor x) => Wrap(F.Cos(U(x)));
    public OracleTensor Log1p(OracleTensor x) => Wrap(F.Log1p(U(x)));
    public OracleTensor Expm1(OracleTensor x) => Wrap(F.Expm1(U(x)));
    public OracleTensor Erf(OracleTensor x) => Wrap(F.Erf(U(x)));
    public OracleTensor Rsqrt(OracleTensor x) => Wrap(F.Rsqrt(U(x)));
    public OracleTensor Reciprocal(OracleTensor x) => Wrap(F.Reciprocal(U(x)));
    public OracleTensor Sign(OracleTensor x) => Wrap(F.Sign(U(x)));
    public OracleTensor Round(OracleTensor x) => Wrap(F.Round(U(x)));
    public OracleTensor Softplus(OracleTensor x, double beta = 1, double threshold = 20) => Wrap(F.Softplus(U(x), beta, threshold));
    public OracleTensor LogSigmoid(OracleTensor x) => Wrap(F.LogSigmoid(U(x)));
    public OracleTensor Gelu(OracleTensor x, string approximate = "none") => Wrap(F.Gelu(U(x), approximate));
    public OracleTensor LeakyRelu(OracleTensor x, double negativeSlope = 0.01) => Wrap(F.LeakyRelu(U(x), negativeSlope));
    public OracleTensor Elu(OracleTensor x, double alpha = 1) => Wrap(F.Elu(U(x), alpha));
    public OracleTensor Silu(OracleTensor x) => Wrap(F.Silu(U(x)));
    public OracleTensor Hardtanh(OracleTensor x, double minVal = -1, double maxVal = 1) => Wrap(F.Hardtanh(U(x), minVal, maxVal));
    public OracleTensor Maximum(OracleTensor a, OracleTensor b) => Wrap(F.Maximum(U(a), U(b)));
    public OracleTensor Minimum(OracleTensor a, OracleTensor b) => Wrap(F.Minimum(U(a), U(b)));
}
