namespace Autograd;

// The builders of conv2d and pad maps, and (RoutingMap.cs) Then to chain them.
public sealed partial class RoutingMap
{
    /// <summary>
    /// conv2d: output cell (n, o, oh, ow) sends gradient to every input cell (n, c, ih, iw) its window
    /// reads, with the weight of the filter tap that reads it: W[o, c − g·C/groups, kh, kw] where
    /// ih = oh·sH − padTop + kh·dH (and the same for columns), g the group of o. Padding cells receive
    /// nothing. The map of dX is "the full convolution of dY with W rotated 180°" written out cell by
    /// cell (seed 002). Arguments as <see cref="F.Conv2d"/> (padding: int, pair, "same", "valid"); an
    /// asymmetric padding such as TensorFlow's SAME with stride 2 is <see cref="Pad"/> then this, joined
    /// with <see cref="Then"/>.
    /// </summary>
    public static RoutingMap Conv2d(Tensor input, Tensor weight, Pair? stride = null, Padding? padding = null, Pair? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using (Grad.NoGrad()) F.Conv2d(input.Detach(), weight.Detach(), null, stride, padding, dilation, groups);
        var g = ConvGeometry.Create(input, weight, null, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        var w = weight.ToDoubleArray();
        var routes = new List<Route>();
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.OutC; o++)
            {
                int firstChannel = o / g.Og * g.Cg;
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        int output = ((n * g.OutC + o) * g.OH + oh) * g.OW + ow;
                        for (int c = 0; c < g.Cg; c++)
                            for (int kh = 0; kh < g.KH; kh++)
                            {
                                long ih = (long)oh * g.StrideH - g.PadTop + (long)kh * g.DilationH;
                                if (ih < 0 || ih >= g.H) continue;
                                for (int kw = 0; kw < g.KW; kw++)
                                {
                                    long iw = (long)ow * g.StrideW - g.PadLeft + (long)kw * g.DilationW;
                                    if (iw < 0 || iw >= g.W) continue;
                                    int cell = (int)(((long)(n * g.C + firstChannel + c) * g.H + ih) * g.W + iw);
                                    routes.Add(new Route(cell, output, w[((o * g.Cg + c) * g.KH + kh) * g.KW + kw]));
                                }
                            }
                    }
            }
        return new RoutingMap("conv2d", input.Shape, g.OutputShape, routes);
    }

    /// <summary>
    /// F.Pad (any mode): each output cell copies one input cell, so it sends its gradient, weight 1, to
    /// that cell; constant padding cells send nothing, and reflect/replicate/circular cells add to the
    /// cell they copy. Chain it with <see cref="Then"/>: TensorFlow's SAME, stride 2, on a 3×3
    /// input with a 2×2 filter is <c>RoutingMap.Pad(x, [0, 1, 0, 1]).Then(RoutingMap.Conv2d(padded, w, stride: 2))</c>.
    /// </summary>
    public static RoutingMap Pad(Tensor input, int[] pad, string mode = "constant")
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pad);
        // Pad a tensor holding (index + 1) of every cell: each output cell then names its source (0: padding).
        // F.Pad runs on the shape and arguments the caller gave, so its checks and geometry are the op's.
        var source = Tensor.From(Enumerable.Range(1, input.Numel).Select(i => (double)i).ToArray(), input.Shape);
        Tensor padded;
        // "constant" goes to the overload without a mode, whose messages are the ones F.Pad(x, pad) gives.
        using (Grad.NoGrad()) padded = mode == "constant" ? F.Pad(source, pad) : F.Pad(source, pad, mode);
        var from = padded.ToDoubleArray();
        var routes = new List<Route>();
        for (int o = 0; o < from.Length; o++)
            if (from[o] > 0) routes.Add(new Route((int)from[o] - 1, o, 1));
        return new RoutingMap("pad", input.Shape, padded.Shape, routes);
    }
}
