using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// Y = X · Wᵀ + b over the rows of X (all leading dims flattened into R rows):
//   dX = dY · W          (R×out · out×in)
//   dW = dYᵀ · X         (out×R · R×in)
//   db = sum of dY over the rows
// Note [Linear node name]: one fused node, AddmmBackward0 with a bias and MmBackward0 without, the
// names PyTorch gives the 2-D case (for other ranks PyTorch wraps the same product in views).
public static partial class F
{
    /// <summary>torch.nn.functional.linear: x (…, in) · weightᵀ (in, out) + bias (out).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        x.RequireFloating("linear", "input");
        weight.RequireFloating("linear", nameof(weight));
        if (weight.Rank != 2)
            throw new ArgumentException($"linear: weight must be 2-D (out_features, in_features), got shape {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        int outF = weight.Dims[0], inF = weight.Dims[1];
        if (x.Rank == 0)
            throw new ArgumentException("linear: input must be at least 1-D, got a 0-dim tensor", nameof(x));
        int rows = ShapeUtil.Numel(x.Dims[..^1]);
        if (x.Dims[^1] != inF)
            throw new ArgumentException($"linear: mat1 and mat2 shapes cannot be multiplied ({rows}x{x.Dims[^1]} and {inF}x{outF}); input shape {ShapeUtil.Format(x.Shape)}, weight shape {ShapeUtil.Format(weight.Shape)}", nameof(x));
        if (bias is not null && (bias.Rank > 1 || bias.Numel != outF))
            throw new ArgumentException($"linear: bias must have shape [{outF}] (out_features), got {ShapeUtil.Format(bias.Shape)}", nameof(bias));
        if (x.DType != weight.DType || (bias is not null && bias.DType != x.DType))
            throw new ArgumentException($"linear: expected input, weight and bias to have the same dtype, but got {x.DType}, {weight.DType}{(bias is null ? "" : ", " + bias.DType)}");

        int[] outShape = [.. x.Dims[..^1], outF];
        var y = Tensor.Empty(x.DType, outShape);
        if (x.DType == DType.Float32) LinearForward<float>(x.Array<float>(), weight.Array<float>(), bias?.Array<float>(), y.Array<float>(), rows, inF, outF);
        else LinearForward<double>(x.Array<double>(), weight.Array<double>(), bias?.Array<double>(), y.Array<double>(), rows, inF, outF);

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        if (!Node.NeedsGrad(inputs)) return y;
        bool gx = x.RequiresGrad, gw = weight.RequiresGrad, gb = bias?.RequiresGrad ?? false;
        int[]? biasShape = bias?.Dims;
        return Node.Record(y, bias is null ? "MmBackward0" : "AddmmBackward0", inputs, g =>
        {
            if (GradMode.IsEnabled) return LinearGrad(g, x, weight, gx, gw, biasShape, gb);   // createGraph: recorded ops
            Tensor? dx = gx ? Tensor.Empty(x.DType, x.Dims) : null, dw = gw ? Tensor.Empty(x.DType, weight.Dims) : null;
            if (x.DType == DType.Float32) LinearBackward<float>(g.Array<float>(), x.Array<float>(), weight.Array<float>(), dx?.Array<float>(), dw?.Array<float>(), rows, inF, outF);
            else LinearBackward<double>(g.Array<double>(), x.Array<double>(), weight.Array<double>(), dx?.Array<double>(), dw?.Array<double>(), rows, inF, outF);
            if (biasShape is null) return [dx, dw];
            Tensor? db = gb ? new Tensor(BinaryKernel.SumTo(g, [outF]).Storage, biasShape) : null;
            return [dx, dw, db];
        }, saved: [gw ? x : null, gx ? weight : null], differentiable: true);
    }

    /// <summary>
    /// The linear gradients written with recorded ops (Note [Double backward]): dX = dY·W (any rank, matmul
    /// broadcasts W), dW = dY_rowsᵀ·X_rows with the leading dims flattened into rows, db = dY summed to
    /// (out). <paramref name="biasShape"/> is null when there is no bias.
    /// </summary>
    private static Tensor?[] LinearGrad(Tensor g, Tensor x, Tensor weight, bool gx, bool gw, int[]? biasShape, bool gb)
    {
        int outF = weight.Dims[0], inF = weight.Dims[1], rows = ShapeUtil.Numel(x.Dims[..^1]);
        var dx = gx ? Matmul(g, weight) : null;
        var dw = gw ? Matmul(Transpose(Rows(g, outF), 0, 1), Rows(x, inF)) : null;
        if (biasShape is null) return [dx, dw];
        return [dx, dw, !gb ? null : biasShape.Length == 1 ? SumToSize(g, [outF]) : AsShape(SumToSize(g, [outF]), biasShape)];

        Tensor Rows(Tensor t, int cols) => t.Rank == 2 ? t : AsShape(t, [rows, cols]);
    }

    private static void LinearForward<T>(T[] x, T[] w, T[]? b, T[] y, int rows, int inF, int outF) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (b is not null)
            for (int r = 0; r < rows; r++) b.CopyTo(y, r * outF);
        Gemm.Run<T>(false, true, rows, outF, inF, x, inF, w, inF, y, outF, accumulate: b is not null);
    }

    private static void LinearBackward<T>(T[] g, T[] x, T[] w, T[]? dx, T[]? dw, int rows, int inF, int outF) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (dx is not null) Gemm.Run<T>(false, false, rows, inF, outF, g, outF, w, inF, dx, inF, accumulate: false);
        if (dw is not null) Gemm.Run<T>(true, false, outF, inF, rows, g, outF, x, inF, dw, inF, accumulate: false);
    }
}
