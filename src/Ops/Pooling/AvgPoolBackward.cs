namespace Autograd;

// The backward of average pooling (fixed and adaptive) as a recorded op, for double backward:
//   dX = Aᵀ g        dX[i] = Σ_{w ∋ i} g[w] / divisor(w)   (WindowWalk.SumBackward)
//   d/dg = A gg      the average pool of the incoming gradient with the same windows and divisors (AvgPoolRun)
//   d/dx = 0         (the backward does not read x: PyTorch's self: zeros_like(self))
// Nodes AvgPool2DBackwardBackward0 and AdaptiveAvgPool2DBackwardBackward0, as PyTorch's. The forward input
// x is an input of the node only so the result requires grad whenever x does, as PyTorch's does; its
// gradient is always zero, so none is returned.
public static partial class F
{
    /// <summary>
    /// Aᵀ <paramref name="g"/> for the pooling <paramref name="geo"/> of the op recorded as <paramref name="nodeName"/>;
    /// under grad mode it records the double-backward node, whose own backward is the pooling op again.
    /// </summary>
    internal static Tensor AvgPoolBackward(PoolGeometry geo, Tensor g, Tensor input, string nodeName, string? emptyGradCheck)
    {
        int[] inShape = geo.InputShape;
        bool pairs = PairPool.Applies(geo);   // Note [Pair pooling]
        var dx = g.DType == DType.Float32
            ? new Tensor(pairs ? PairPool.SumBackward(geo, g.Array<float>()) : WindowWalk.SumBackward(geo, g.Array<float>()), inShape)
            : new Tensor(pairs ? PairPool.SumBackward(geo, g.Array<double>()) : WindowWalk.SumBackward(geo, g.Array<double>()), inShape);
        if (!Node.NeedsGrad([g, input])) return dx;
        return Node.Record(dx, DoubleBackwardName(nodeName), [g, input], gg => [AvgPoolRun(geo, gg, nodeName, emptyGradCheck), null],
            default, differentiable: true);
    }
}
