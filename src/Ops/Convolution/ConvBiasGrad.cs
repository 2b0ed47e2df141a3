using Autograd.Kernels;

namespace Autograd;

// db[o] = Σₙ Σₚ dY[n, o, p]: conv2d's bias gradient, as a recorded op so that a gradient computed under
// createGraph can be differentiated again (Note [conv2d double backward]). It is linear in dY:
//   ∂/∂dY ⟨V, db⟩ = V[o] broadcast over every image and position (expand of V as (1, outC, 1, 1)).
public static partial class F
{
    /// <summary>conv2d's bias gradient for upstream gradient <paramref name="gy"/> (outC elements).</summary>
    /// <paramref name="input"/> and <paramref name="weight"/> are the forward's: inputs of the node that get no
    /// gradient (Note [conv2d double backward]).
    internal static Tensor ConvBiasGrad(Tensor gy, ConvGeometry geo, Tensor input, Tensor weight)
    {
        var db = Tensor.Empty(gy.DType, [geo.OutC]);   // zeroed: BiasGrad adds into it
        if (gy.DType == DType.Float32) ConvKernels.BiasGrad(geo, gy.Array<float>(), db.Array<float>());
        else ConvKernels.BiasGrad(geo, gy.Array<double>(), db.Array<double>());

        if (!Node.NeedsGrad([gy, input, weight])) return db;
        int[] gShape = gy.Dims, column = geo.Batched ? [1, geo.OutC, 1, 1] : [geo.OutC, 1, 1];
        bool needG = gy.RequiresGrad;
        return Node.Record(db, "ConvolutionBackwardBackward0", [gy, input, weight],
            v => [needG ? ExpandTo(AsShape(v, column), gShape) : null, null, null], differentiable: true);
    }
}
