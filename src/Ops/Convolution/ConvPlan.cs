using Autograd.Kernels;

namespace Autograd;

// Note [Conv plan]
// conv2d has several kernels per pass, each fastest on some geometries (docs/speed.md, Measurements
// behind the code). Which one runs is decided here, in one place, from the geometry alone, as PyTorch's
// select_conv_backend does, before any table or buffer is built: ConvKernels then runs the plan, one
// method per path. The plan is a value (printable: the bench prints it per conv case, docs/conv.md
// shows it), so tests assert which path a geometry takes. The rules, in order:
//  * any footprint too large for the fast paths' tables → Bounded for every pass (Note [Bounded convolution]);
//  * 1×1 kernel, unit stride, no padding → the input is the column matrix: plain GEMMs (Pointwise);
//  * forward: few discarded columns → WideRowGemm (Note [Wide-row convolution]), unless the direct
//    kernel suits and there are fewer than 16 output channels per group; else few taps on wide rows →
//    Direct (Note [Direct convolution]); else column stride 1 → PaddedIm2ColGemm (Note [Padded
//    im2col]); else Im2ColGemm (phase-split, Note [Strided im2col]);
//  * input gradient: Direct when its per-phase taps suit the direct kernel; else AsConvolution where
//    Note [Input gradient as a convolution] holds; else, strided, Phases (Note [Input gradient by output
//    phases]); else GemmCol2Im (Note [col2im blocks]);
//  * weight gradient: HwcGemm (Note [Weight gradient as GEMM]); else BatchedDot on small unstrided
//    images (Note [Small images]); else Dot, one dot-product GEMM per image (Note [Dot-product GEMM]).

/// <summary>How conv2d's forward runs (Note [Conv plan]).</summary>
internal enum ConvForwardPath { None, Bounded, PointwiseGemm, Direct, WideRowGemm, PaddedIm2ColGemm, Im2ColGemm }

/// <summary>How conv2d's input gradient runs (Note [Conv plan]).</summary>
internal enum ConvInputGradPath { None, Bounded, PointwiseGemm, Direct, AsConvolution, Phases, GemmCol2Im }

/// <summary>How conv2d's weight gradient runs (Note [Conv plan]).</summary>
internal enum ConvWeightGradPath { None, Bounded, PointwiseGemm, HwcGemm, BatchedDot, Dot }

/// <summary>The kernels one conv2d geometry runs, per pass (Note [Conv plan]); None for a pass not wanted.</summary>
internal readonly record struct ConvPlan(ConvForwardPath Forward, ConvInputGradPath InputGrad, ConvWeightGradPath WeightGrad)
{
    /// <summary>The plan for <paramref name="g"/>: the one place where conv2d's paths are chosen.</summary>
    public static ConvPlan For(in ConvGeometry g, bool forward = true, bool inputGrad = true, bool weightGrad = true)
    {
        if (BoundedConv.Suits(g))
            return new(forward ? ConvForwardPath.Bounded : ConvForwardPath.None,
                inputGrad ? ConvInputGradPath.Bounded : ConvInputGradPath.None,
                weightGrad ? ConvWeightGradPath.Bounded : ConvWeightGradPath.None);
        return new(forward ? ForwardPath(g) : ConvForwardPath.None,
            inputGrad ? InputGradPath(g) : ConvInputGradPath.None,
            weightGrad ? WeightGradPath(g) : ConvWeightGradPath.None);
    }

    private static ConvForwardPath ForwardPath(in ConvGeometry g) =>
        g.Pointwise ? ConvForwardPath.PointwiseGemm
        : WideRowConv.Suits(g) && (g.Og >= WideRowConv.MinDirectOutChannels || !DirectConv.Suits<float>(g.K, g.OW)) ? ConvForwardPath.WideRowGemm
        : DirectConv.Suits<float>(g.K, g.OW) ? ConvForwardPath.Direct
        : PaddedIm2Col.Suits(g) ? ConvForwardPath.PaddedIm2ColGemm
        : ConvForwardPath.Im2ColGemm;

    private static ConvInputGradPath InputGradPath(in ConvGeometry g)
    {
        if (g.Pointwise) return ConvInputGradPath.PointwiseGemm;
        int taps = DirectConvPlan.MaxPhaseTaps(g);
        if (taps > 0 && DirectConv.Suits<float>(taps, (g.W + g.StrideW - 1) / g.StrideW)) return ConvInputGradPath.Direct;
        return InputGradConv.Suits(g) ? ConvInputGradPath.AsConvolution : PhaseInputGrad.Suits(g) ? ConvInputGradPath.Phases : ConvInputGradPath.GemmCol2Im;
    }

    private static ConvWeightGradPath WeightGradPath(in ConvGeometry g) =>
        g.Pointwise ? ConvWeightGradPath.PointwiseGemm
        : HwcWeightGrad.Suits(g) ? ConvWeightGradPath.HwcGemm
        : g.StrideW == 1 && g.P <= DotGemm.DepthBlock / 2 ? ConvWeightGradPath.BatchedDot   // unphased images only
        : ConvWeightGradPath.Dot;

    /// <summary>For example "forward=Direct input=Direct weight=Dot".</summary>
    public override string ToString() => $"forward={Forward} input={InputGrad} weight={WeightGrad}";
}
