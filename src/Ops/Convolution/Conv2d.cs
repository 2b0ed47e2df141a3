using Autograd.Kernels;

namespace Autograd;

// Y[n, o] = b[o] + Σ_c W[o, c] ⋆ X[n, g(o)·Cg + c]   (cross-correlation, per group g)
// As matrices, per image and group: Y = W·col(X), with col = im2col (Note [im2col layout]). Then
//   dW = Σₙ dY·col(X)ᵀ                   (the valid correlation of X with dY)
//   dX = col2im(Wᵀ·dY)                   (the full convolution of dY with W rotated 180°)
//   db = Σₙ Σₚ dY
// Executable spec: tests/GradCheck/Support/NaiveConv.cs (the direct seven loops; tests/GradCheck/Ops/Conv2d).
//
// Note [conv2d double backward]
// The three gradients are bilinear or linear in (X, W, dY), so their derivatives are the same three
// computations again with the roles exchanged (ConvInputGrad.cs, ConvWeightGrad.cs, ConvBiasGrad.cs):
//   ⟨V, dX⟩ = ⟨conv(V, W), dY⟩:  ∂/∂dY = conv(V, W),        ∂/∂W = convWeightGrad(V, dY)
//   ⟨V, dW⟩ = ⟨conv(X, V), dY⟩:  ∂/∂X  = convInputGrad(dY, V), ∂/∂dY = conv(X, V)
//   ⟨V, db⟩ = Σ V[o]·dY[n, o, p]:  ∂/∂dY = V broadcast
// ConvolutionBackward0's rule branches on grad mode (Note [Double backward]): an ordinary backward runs
// the raw kernels exactly as before (one ConvKernels.Backward call for dX and dW together); under
// createGraph it records ConvInputGrad, ConvWeightGrad and ConvBiasGrad, built on the same kernels
// (ConvKernels.Backward with only dX or only dW wanted, ConvKernels.BiasGrad, ConvKernels.Forward via
// F.Conv2d), same geometry, extreme geometries included (Note [Bounded convolution] is chosen inside
// the kernels). Each of their rules is recorded again, so any order works.
// Node names: PyTorch 1.13 gives dX, dW and db one three-output node, ConvolutionBackwardBackward0,
// whose inputs are (dY, X, W); ours are one single-output node per gradient, each named
// ConvolutionBackwardBackward0 and each taking all of dY, X and W as inputs (the one a gradient does
// not depend on gets none back), so a gradient requires grad exactly when PyTorch's does: db = Σ dY
// requires grad when W does, as in PyTorch, and its derivative with respect to W is None. At the next
// order PyTorch names what its composite code happens to call: the input gradient of dW (a transposed
// convolution) ConvolutionBackward0, which ours matches, the forward convolutions ConvolutionBackward0
// (ours are F.Conv2d, so the same), but the weight gradient of dX TransposeBackward0 (it is computed as
// a convolution of transposed tensors); ours is ConvWeightGrad, ConvolutionBackwardBackward0, since
// faking a transpose node would name an implementation detail we do not have.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.conv2d: 2-d cross-correlation of a batched (N, C, H, W) or unbatched
    /// (C, H, W) input with weight (outC, C/groups, kH, kW), plus an optional bias (outC).
    /// <paramref name="padding"/> is an int, an (H, W) pair, "valid" (none) or "same" (stride 1 only;
    /// for an even effective kernel the extra row/column goes at the bottom/right, like PyTorch).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Pair? stride = null,
        Padding? padding = null, Pair? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        input.RequireFloating("conv2d", nameof(input));
        weight.RequireFloating("conv2d", nameof(weight));
        bias?.RequireFloating("conv2d", nameof(bias));
        var geo = ConvGeometry.Create(input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        var output = Tensor.Uninitialized(input.DType, geo.OutputShape);   // every element written by the kernel
        if (input.DType == DType.Float32)
            ConvKernels.Forward(geo, input.Array<float>(), weight.Array<float>(), bias?.Array<float>(), output.Array<float>());
        else
            ConvKernels.Forward(geo, input.Array<double>(), weight.Array<double>(), bias?.Array<double>(), output.Array<double>());

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Node.NeedsGrad(inputs)) return output;
        bool needX = input.RequiresGrad, needW = weight.RequiresGrad, needB = bias?.RequiresGrad ?? false;
        var options = new ConvOptions(stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        return Node.Record(output, "ConvolutionBackward0", inputs, gy =>
        {
            if (GradMode.IsEnabled)   // createGraph: recorded ops (Note [conv2d double backward])
            {
                // Both wanted: one fused kernel call (one pass over gy's images, one parallel region), the results
                // then recorded as the two ops; the kernel computes each the same way alone or fused (bit-identical).
                var (dxBoth, dwBoth) = needX && needW ? ConvBothGrads(geo, input, weight, gy) : (null, null);
                var gx = needX ? ConvInputGrad(gy, weight, geo, options, input, computed: dxBoth) : null;
                var gw = needW ? ConvWeightGrad(input, gy, geo, options, weight, computed: dwBoth) : null;
                var gb = needB ? ConvBiasGrad(gy, geo, input, weight) : null;
                return bias is null ? [gx, gw] : [gx, gw, gb];
            }
            var dx = needX ? Tensor.Uninitialized(input.DType, input.Dims) : null;   // overwritten image by image
            var dw = needW ? Tensor.Empty(weight.DType, weight.Dims) : null;
            var db = needB ? Tensor.Empty(input.DType, [geo.OutC]) : null;
            if (input.DType == DType.Float32) Conv2dBackward<float>(geo, input, weight, gy, dx, dw, db);
            else Conv2dBackward<double>(geo, input, weight, gy, dx, dw, db);
            return bias is null ? [dx, dw] : [dx, dw, db];
        }, saved: [input, weight], differentiable: true);
    }

    /// <summary>conv2d's input and weight gradients in one kernel call, as raw tensors (the createGraph path records them).</summary>
    private static (Tensor Dx, Tensor Dw) ConvBothGrads(in ConvGeometry geo, Tensor input, Tensor weight, Tensor gy)
    {
        CheckConvGradTypes(gy, weight);
        CheckConvGradTypes(input, gy);
        var dx = Tensor.Uninitialized(input.DType, input.Dims);   // overwritten image by image
        var dw = Tensor.Empty(weight.DType, weight.Dims);         // zeroed: the kernels add into it
        if (input.DType == DType.Float32) Conv2dBackward<float>(geo, input, weight, gy, dx, dw, null);
        else Conv2dBackward<double>(geo, input, weight, gy, dx, dw, null);
        return (dx, dw);
    }

    private static void Conv2dBackward<T>(in ConvGeometry geo, Tensor x, Tensor w, Tensor gy, Tensor? dx, Tensor? dw, Tensor? db)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (dx is not null || dw is not null)
            ConvKernels.Backward(geo, x.Array<T>(), w.Array<T>(), gy.Array<T>(), dx?.Array<T>(), dw?.Array<T>());
        if (db is not null) ConvKernels.BiasGrad(geo, gy.Array<T>(), db.Array<T>());
    }
}
