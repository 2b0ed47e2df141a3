namespace Autograd;

// max_pool2d: y[w] = x[argmax(w)], the argmax chosen as in Note [Max pooling order].
// dX = scatter_add(dY, argmax): each window sends its whole gradient to exactly one input cell (never to
// every tied maximum), and a cell that wins several overlapping windows adds up their gradients.
// Under createGraph the scatter-add is itself a recorded op (IndexScatterAdd, node
// MaxPool2DWithIndicesBackwardBackward0): its derivative is the gather of the incoming gradient by the
// same argmax (a max pool by indices), and zero with respect to x.
// Executable spec: tests/GradCheck/Support/NaivePool.cs, NaivePool.Max/MaxBackward (tests/GradCheck/Ops/Pooling).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.max_pool2d: the maximum of each kernelSize window of each (N, C) plane of a
    /// 4-d (N, C, H, W) or 3-d (C, H, W) input. stride defaults to kernelSize; padding (at most half the
    /// kernel) is −∞; dilation spaces the window's taps; ceilMode rounds the output size up
    /// (PyTorch's rule). A window's first maximum in row-major order wins and NaN wins over everything.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var geo = PoolGeometry.Fixed("max_pool2d", input, kernelSize, stride, padding ?? 0, dilation ?? 1, ceilMode);
        return MaxPoolRun(geo, input, "MaxPool2DWithIndicesBackward0").Output;
    }

    /// <summary>
    /// torch.nn.functional.max_pool2d(..., return_indices=True): the output and, laid out like it, the
    /// flat index into H·W of each window's maximum within its plane (−1 for a window of padding only,
    /// see docs/pooling.md). The indices feed <see cref="MaxUnpool2d(Tensor, Tensor, Pair, Pair?, Pair?, int[])"/>.
    /// </summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, Pair kernelSize, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceilMode = false)
    {
        var geo = PoolGeometry.Fixed("max_pool2d", input, kernelSize, stride, padding ?? 0, dilation ?? 1, ceilMode);
        var (output, indices) = MaxPoolRun(geo, input, "MaxPool2DWithIndicesBackward0");
        return (output, IndexTensor(indices, output.Dims));
    }

    /// <summary>An int64 tensor of the indices (a copy: the backward keeps its own array safe from the caller).</summary>
    internal static Tensor IndexTensor(int[] indices, int[] shape)
    {
        var r = new long[indices.Length];
        for (int i = 0; i < r.Length; i++) r[i] = indices[i];
        return new Tensor(r, shape);
    }

    /// <summary>Runs a max fold over validated windows and records the scatter-add backward under <paramref name="nodeName"/>.</summary>
    internal static (Tensor Output, int[] Indices) MaxPoolRun(PoolGeometry geo, Tensor input, string nodeName, string? emptyGradCheck = null)
    {
        int outN = geo.Planes * geo.OH * geo.OW;
        var indices = TensorStorage.Allocate<int>(outN, zeroed: false);
        var output = input.DType == DType.Float32
            ? new Tensor(MaxForward<float>(geo, input.Array<float>(), indices), geo.OutputShape)
            : new Tensor(MaxForward<double>(geo, input.Array<double>(), indices), geo.OutputShape);
        if (!Node.NeedsGrad([input])) return (output, indices);
        int[] inShape = geo.InputShape;
        // An ordinary backward runs grad mode off, so IndexScatterAdd is its raw kernel and records nothing.
        string doubleName = DoubleBackwardName(nodeName);
        Node.Record(output, nodeName, [input], g => [IndexScatterAdd(CheckAdaptiveGrad(emptyGradCheck, g), indices, inShape, doubleName, input)],
            saved: [input], differentiable: true);
        return (output, indices);
    }

    /// <summary>PyTorch's name for the node of an op's backward: "XBackward0" → "XBackwardBackward0".</summary>
    internal static string DoubleBackwardName(string nodeName) => nodeName[..^1] + "Backward0";

    private static T[] MaxForward<T>(PoolGeometry geo, T[] x, int[] indices) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var y = TensorStorage.Allocate<T>(geo.Planes * geo.OH * geo.OW, zeroed: false);
        if (PairPool.Applies(geo)) PairPool.MaxForward(geo, x, y, indices);   // Note [Pair pooling]
        else WindowWalk.Forward<T, MaxFold<T>>(geo, x, y, indices);
        return y;
    }
}
