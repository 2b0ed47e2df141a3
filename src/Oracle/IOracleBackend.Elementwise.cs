namespace Autograd.Oracle;

// The elementwise math functions and activations of issue 14 (sin ... round, the nn.functional activations,
// maximum/minimum), with F's names, parameters and defaults.
public partial interface IOracleBackend
{
    OracleTensor Sin(OracleTensor x);
    OracleTensor Cos(OracleTensor x);
    OracleTensor Log1p(OracleTensor x);
    OracleTensor Expm1(OracleTensor x);
    OracleTensor Erf(OracleTensor x);
    OracleTensor Rsqrt(OracleTensor x);
    OracleTensor Reciprocal(OracleTensor x);
    OracleTensor Sign(OracleTensor x);
    OracleTensor Round(OracleTensor x);
    OracleTensor Softplus(OracleTensor x, double beta = 1, double threshold = 20);
    OracleTensor LogSigmoid(OracleTensor x);
    OracleTensor Gelu(OracleTensor x, string approximate = "none");
    OracleTensor LeakyRelu(OracleTensor x, double negativeSlope = 0.01);
    OracleTensor Elu(OracleTensor x, double alpha = 1);
    OracleTensor Silu(OracleTensor x);
    OracleTensor Hardtanh(OracleTensor x, double minVal = -1, double maxVal = 1);
    OracleTensor Maximum(OracleTensor a, OracleTensor b);
    OracleTensor Minimum(OracleTensor a, OracleTensor b);
}
