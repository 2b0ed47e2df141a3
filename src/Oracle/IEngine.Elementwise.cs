namespace Autograd.Oracle;

// The elementwise math functions and activations of issue 14 (sin ... round, the nn.functional activations,
// maximum/minimum), with F's names, parameters and defaults.
public partial interface IEngine
{
    EngineTensor Sin(EngineTensor x);
    EngineTensor Cos(EngineTensor x);
    EngineTensor Log1p(EngineTensor x);
    EngineTensor Expm1(EngineTensor x);
    EngineTensor Erf(EngineTensor x);
    EngineTensor Rsqrt(EngineTensor x);
    EngineTensor Reciprocal(EngineTensor x);
    EngineTensor Sign(EngineTensor x);
    EngineTensor Round(EngineTensor x);
    EngineTensor Softplus(EngineTensor x, double beta = 1, double threshold = 20);
    EngineTensor LogSigmoid(EngineTensor x);
    EngineTensor Gelu(EngineTensor x, string approximate = "none");
    EngineTensor LeakyRelu(EngineTensor x, double negativeSlope = 0.01);
    EngineTensor Elu(EngineTensor x, double alpha = 1);
    EngineTensor Silu(EngineTensor x);
    EngineTensor Hardtanh(EngineTensor x, double minVal = -1, double maxVal = 1);
    EngineTensor Maximum(EngineTensor a, EngineTensor b);
    EngineTensor Minimum(EngineTensor a, EngineTensor b);
}
