namespace Autograd;

// Note [Integer inputs of float ops]
// abs, relu, clamp and pow keep an integer tensor's dtype in PyTorch. Our kernels are written for
// float32/float64, so those ops run an integer tensor through float64 (exact for |values| < 2^53, the
// whole int32/uint8 range) and convert the result back. exp, log, sqrt, sigmoid, tanh, ... give float32
// (UnaryKernel converts); conv2d, the pools, softmax and the losses refuse integers (Tensor.RequireFloating).
public static partial class F
{
    /// <summary>f over float64 values of an integer or bool tensor, converted back to its dtype.</summary>
    private static Tensor KeepingDType(Tensor x, Func<Tensor, Tensor> f) => f(x.ConvertData(DType.Float64)).ConvertData(x.DType);

    private static bool IsIntegral(double? v) => v is not { } d || d == Math.Floor(d) || double.IsInfinity(d);
}
