using Autograd.Kernels;

namespace Autograd;

// dX = convInputGrad(dY, W): conv2d's input gradient (the transposed convolution), as a recorded op so
// that a gradient computed under createGraph can be differentiated again (Note [conv2d double backward]).
// It is bilinear: ⟨V, convInputGrad(dY, W)⟩ = ⟨conv(V, W), dY⟩ for any V of the input's shape, so
//   ∂/∂dY ⟨V, dX⟩ = conv(V, W)                 (the forward convolution, no bias)
//   ∂/∂W  ⟨V, dX⟩ = convWeightGrad(V, dY)      (conv2d's weight gradient with V as the input)
// Both are the fast kernels again, with the same geometry; each is itself recorded, so any order works.
public static partial class F
{
    /// <summary>
    /// conv2d's input gradient for upstream gradient <paramref name="gy"/> and weight <paramref name="weight"/>,
    /// of the input's shape (geo fixes it: several input sizes give the same output size).
    /// </summary>
    /// <paramref name="input"/>, when given, is the forward's input: an input of the node that gets no gradient
    /// (Note [conv2d double backward]). <paramref name="computed"/>, when given, is the gradient already computed
    /// (by the fused kernel call), recorded as is.
    internal static Tensor ConvInputGrad(Tensor gy, Tensor weight, ConvGeometry geo, ConvOptions options, Tensor? input = null,
        string name = "ConvolutionBackwardBackward0", Tensor? computed = null)
    {
        CheckConvGradTypes(gy, weight);
        int[] inputShape = geo.Batched ? [geo.N, geo.C, geo.H, geo.W] : [geo.C, geo.H, geo.W];
        var dx = computed ?? Tensor.Uninitialized(gy.DType, inputShape);   // overwritten image by image
        if (computed is null)   // else already computed (fused with the other gradient: Conv2d's createGraph path)
        {
            if (gy.DType == DType.Float32) ConvKernels.Backward(geo, [], weight.Array<float>(), gy.Array<float>(), dx.Array<float>(), null);
            else ConvKernels.Backward(geo, [], weight.Array<double>(), gy.Array<double>(), dx.Array<double>(), null);
        }

        Tensor[] inputs = input is null ? [gy, weight] : [gy, weight, input];
        if (!Node.NeedsGrad(inputs)) return dx;
        bool needG = gy.RequiresGrad, needW = weight.RequiresGrad;
        return Node.Record(dx, name, inputs, v =>
            [needG ? options.Conv(v, weight) : null, needW ? ConvWeightGrad(v, gy, geo, options) : null, null],
            saved: [needW ? gy : null, needG ? weight : null], differentiable: true);
    }

    /// <summary>The double-backward ops take the dtype of the forward; a mismatch is a bug upstream, not a cast to make here.</summary>
    private static void CheckConvGradTypes(Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new InvalidOperationException($"conv2d double backward: operands of different dtypes ({a.DType}, {b.DType})");
    }
}
