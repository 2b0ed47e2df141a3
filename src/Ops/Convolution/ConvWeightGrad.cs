using Autograd.Kernels;

namespace Autograd;

// dW = convWeightGrad(X, dY) = Σₙ dY[n]·col(X[n])ᵀ: conv2d's weight gradient, as a recorded op so that a
// gradient computed under createGraph can be differentiated again (Note [conv2d double backward]).
// It is bilinear: ⟨V, convWeightGrad(X, dY)⟩ = ⟨conv(X, V), dY⟩ for any V of the weight's shape, so
//   ∂/∂X  ⟨V, dW⟩ = convInputGrad(dY, V)       (conv2d's input gradient with V as the weight)
//   ∂/∂dY ⟨V, dW⟩ = conv(X, V)                 (the forward convolution, no bias)
// Both are the fast kernels again, with the same geometry; each is itself recorded, so any order works.
public static partial class F
{
    /// <summary>conv2d's weight gradient for input <paramref name="input"/> and upstream gradient <paramref name="gy"/>.</summary>
    /// <paramref name="weight"/>, when given, is the forward's weight: an input of the node that gets no gradient
    /// (Note [conv2d double backward]). <paramref name="computed"/>, when given, is the gradient already computed
    /// (by the fused kernel call), recorded as is.
    internal static Tensor ConvWeightGrad(Tensor input, Tensor gy, ConvGeometry geo, ConvOptions options, Tensor? weight = null, Tensor? computed = null)
    {
        CheckConvGradTypes(input, gy);
        var dw = computed ?? Tensor.Empty(gy.DType, [geo.OutC, geo.Cg, geo.KH, geo.KW]);   // zeroed: the kernels add into it
        if (computed is null)   // else already computed (fused with the other gradient: Conv2d's createGraph path)
        {
            if (gy.DType == DType.Float32) ConvKernels.Backward(geo, input.Array<float>(), [], gy.Array<float>(), null, dw.Array<float>());
            else ConvKernels.Backward(geo, input.Array<double>(), [], gy.Array<double>(), null, dw.Array<double>());
        }

        Tensor[] inputs = weight is null ? [input, gy] : [input, gy, weight];
        if (!Node.NeedsGrad(inputs)) return dw;
        bool needX = input.RequiresGrad, needG = gy.RequiresGrad;
        // The input gradient of a weight gradient is a transposed convolution: PyTorch's node for it is
        // ConvolutionBackward0 (Note [conv2d double backward]).
        return Node.Record(dw, "ConvolutionBackwardBackward0", inputs, v =>
            [needX ? ConvInputGrad(gy, v, geo, options, name: "ConvolutionBackward0") : null, needG ? options.Conv(input, v) : null, null],
            saved: [needG ? input : null, needX ? gy : null], differentiable: true);
    }
}
