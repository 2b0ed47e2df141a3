using System.Numerics;
using Autograd.Kernels;

namespace Autograd;

// y = conv_transpose2d(x, W) + b, W of shape (inC, outC/groups, kH, kW):
//   y[n, g·Og + o, r·s + i·d − p] += Σ_c x[n, g·Cg + c, r] · W[g·Cg + c, o, i]   (per group g, 2-d)
// which is conv2d's input gradient with x in the role of dY and W as conv2d's weight (its dim 0 is
// then conv2d's out_channels): y = convInputGrad(x, W). So
//   dX = conv2d(dY, W)                 (forward convolution, same stride/padding/dilation/groups)
//   dW = convWeightGrad(dY, x)         (conv2d's weight gradient with dY as the input, x as dY)
//   db = Σₙ Σₚ dY
// Output size: (H − 1)·s − 2p + d·(k − 1) + output_padding + 1 per spatial dim.
//
// Note [conv_transpose2d as an input gradient]
// The conv2d geometry G that runs it has conv2d's input = our output (outC channels), conv2d's
// output = our input (inC channels), padding p at the top/left and p − output_padding at the
// bottom/right, which makes G consistent: ((oH + p + p − op) − dk)/s + 1 = H exactly. When
// output_padding > p (allowed up to max(stride, dilation) − 1) the bottom padding would be negative;
// the last op − p rows are then out of reach of every tap (the last one written is
// (H−1)·s + d·(k−1) − p < oH − (op − p)), so G runs on the output without them (bottom padding 0)
// and they are zeros. The backward crops dY the same way before the kernels see it.
// All three gradients are the fast kernels on G (ConvKernels.Forward for dX, ConvKernels.Backward for
// dW); under createGraph they are the recorded ops ConvWithGeometry / ConvWeightGrad (whose options
// carry G, so their own derivatives run on G too) and ConvBiasGrad, so any order of derivative works.
// PyTorch records conv_transpose2d as the same convolution node as conv2d: ConvolutionBackward0.
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.conv_transpose2d: the transposed convolution ("deconvolution") of a batched
    /// (N, inC, H, W) or unbatched (inC, H, W) input with weight (inC, outC/groups, kH, kW), plus an
    /// optional bias (outC). <paramref name="outputPadding"/> adds rows/columns at the bottom/right of
    /// the output (it must be smaller than the stride or the dilation).
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, Pair? stride = null,
        Pair? padding = null, Pair? outputPadding = null, int groups = 1, Pair? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        input.RequireFloating("conv_transpose2d", nameof(input));
        weight.RequireFloating("conv_transpose2d", nameof(weight));
        bias?.RequireFloating("conv_transpose2d", nameof(bias));
        var t = TransposedGeometry.Create(input, weight, bias, stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1, groups);
        var g = t.Conv;
        var core = Tensor.Uninitialized(input.DType, g.Batched ? [g.N, g.C, g.H, g.W] : [g.C, g.H, g.W]);
        // The bias goes in with the kernel unless the output is wider than G's (its extra rows need it too).
        var inKernel = t.Extra ? null : bias;
        if (input.DType == DType.Float32)
            ConvKernels.TransposedForward(g, weight.Array<float>(), input.Array<float>(), inKernel?.Array<float>(), core.Array<float>());
        else
            ConvKernels.TransposedForward(g, weight.Array<double>(), input.Array<double>(), inKernel?.Array<double>(), core.Array<double>());
        var output = t.Extra ? t.Widen(core) : core;
        if (bias is not null && t.Extra)
        {
            if (input.DType == DType.Float32) ConvKernels.AddChannelBias(output.Array<float>(), bias.Array<float>(), g.N, t.OH * t.OW);
            else ConvKernels.AddChannelBias(output.Array<double>(), bias.Array<double>(), g.N, t.OH * t.OW);
        }

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        if (!Node.NeedsGrad(inputs)) return output;
        bool needX = input.RequiresGrad, needW = weight.RequiresGrad, needB = bias?.RequiresGrad ?? false;
        var options = new ConvOptions(t.Stride, 0, t.Dilation, groups, g);
        return Node.Record(output, "ConvolutionBackward0", inputs, gy =>
        {
            if (GradMode.IsEnabled)   // createGraph: recorded ops (Note [conv_transpose2d as an input gradient])
            {
                var gyc = t.Extra ? Pad(gy, [0, -(t.OW - g.W), 0, -(t.OH - g.H)]) : gy;
                var gx = needX ? ConvWithGeometry(gyc, weight, g, options) : null;
                var gw = needW ? ConvWeightGrad(gyc, input, g, options) : null;
                // db as conv2d's: a node on (dY, x, W), so it requires grad when W does, as PyTorch's (Note [conv2d double backward]).
                var gb = needB ? ConvBiasGrad(gy, t.Conv with { OutC = t.OutC, OH = t.OH, OW = t.OW }, input, weight) : null;
                return bias is null ? [gx, gw] : [gx, gw, gb];
            }
            var crop = t.Extra ? t.Crop(gy) : gy;
            var dx = needX ? Tensor.Uninitialized(input.DType, input.Dims) : null;
            var dw = needW ? Tensor.Empty(weight.DType, weight.Dims) : null;
            var db = needB ? Tensor.Empty(input.DType, [t.OutC]) : null;
            if (input.DType == DType.Float32) ConvTransposeBackward<float>(t, crop, gy, input, weight, dx, dw, db);
            else ConvTransposeBackward<double>(t, crop, gy, input, weight, dx, dw, db);
            return bias is null ? [dx, dw] : [dx, dw, db];
        }, saved: [input, weight], differentiable: true);
    }

    private static void ConvTransposeBackward<T>(in TransposedGeometry t, Tensor crop, Tensor gy, Tensor x, Tensor w, Tensor? dx, Tensor? dw, Tensor? db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (dx is not null) ConvKernels.Forward(t.Conv, crop.Array<T>(), w.Array<T>(), null, dx.Array<T>());
        if (dw is not null) ConvKernels.Backward(t.Conv, crop.Array<T>(), [], x.Array<T>(), null, dw.Array<T>());
        // The bias sum over the full output: conv2d's bias gradient on a geometry whose output is ours.
        if (db is not null) ConvKernels.BiasGrad(t.Conv with { OutC = t.OutC, OH = t.OH, OW = t.OW }, gy.Array<T>(), db.Array<T>());
    }

    /// <summary>
    /// conv2d forward on an explicit geometry (no bias), recorded as ConvolutionBackward0 with the
    /// geometry-carrying double-backward ops: the input gradient of conv_transpose2d, whose geometry
    /// F.Conv2d's arguments cannot express (Note [conv_transpose2d as an input gradient]).
    /// </summary>
    internal static Tensor ConvWithGeometry(Tensor input, Tensor weight, ConvGeometry geo, ConvOptions options)
    {
        CheckConvGradTypes(input, weight);
        var output = Tensor.Uninitialized(input.DType, geo.OutputShape);
        if (input.DType == DType.Float32) ConvKernels.Forward(geo, input.Array<float>(), weight.Array<float>(), null, output.Array<float>());
        else ConvKernels.Forward(geo, input.Array<double>(), weight.Array<double>(), null, output.Array<double>());
        if (!Node.NeedsGrad([input, weight])) return output;
        bool needX = input.RequiresGrad, needW = weight.RequiresGrad;
        return Node.Record(output, "ConvolutionBackward0", [input, weight], gy =>
            [needX ? ConvInputGrad(gy, weight, geo, options, name: "ConvolutionBackward0") : null,
             needW ? ConvWeightGrad(input, gy, geo, options) : null],
            saved: [input, weight], differentiable: true);
    }
}
