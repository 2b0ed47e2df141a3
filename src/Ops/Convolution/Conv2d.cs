using Autograd.Kernels;

namespace Autograd;

// Y[n, o] = b[o] + Σ_c W[o, c] ⋆ X[n, g(o)·Cg + c]   (cross-correlation, per group g)
// As matrices, per image and group: Y = W·col(X), with col = im2col (Note [im2col layout]). Then
//   dW = Σₙ dY·col(X)ᵀ                   (the valid correlation of X with dY)
//   dX = col2im(Wᵀ·dY)                   (the full convolution of dY with W rotated 180°)
//   db = Σₙ Σₚ dY
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
        var geo = ConvGeometry.Create(input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        var output = Tensor.Uninitialized(input.DType, geo.OutputShape);   // every element written by the kernel
        if (input.DType == DType.Float32)
            ConvKernels.Forward(geo, input.Array<float>(), weight.Array<float>(), bias?.Array<float>(), output.Array<float>());
        else
            ConvKernels.Forward(geo, input.Array<double>(), weight.Array<double>(), bias?.Array<double>(), output.Array<double>());

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Node.NeedsGrad(inputs)) return output;
        bool needX = input.RequiresGrad, needW = weight.RequiresGrad, needB = bias?.RequiresGrad ?? false;
        return Node.Record(output, "ConvolutionBackward0", inputs, gy =>
        {
            var dx = needX ? Tensor.Uninitialized(input.DType, input.Dims) : null;   // overwritten image by image
            var dw = needW ? Tensor.Empty(weight.DType, weight.Dims) : null;
            var db = needB ? Tensor.Empty(input.DType, [geo.OutC]) : null;
            if (input.DType == DType.Float32) Conv2dBackward<float>(geo, input, weight, gy, dx, dw, db);
            else Conv2dBackward<double>(geo, input, weight, gy, dx, dw, db);
            return bias is null ? [dx, dw] : [dx, dw, db];
        }, saved: [input, weight]);
    }

    private static void Conv2dBackward<T>(in ConvGeometry geo, Tensor x, Tensor w, Tensor gy, Tensor? dx, Tensor? dw, Tensor? db)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (dx is not null || dw is not null)
            ConvKernels.Backward(geo, x.Array<T>(), w.Array<T>(), gy.Array<T>(), dx?.Array<T>(), dw?.Array<T>());
        if (db is not null) ConvKernels.BiasGrad(geo, gy.Array<T>(), db.Array<T>());
    }
}
