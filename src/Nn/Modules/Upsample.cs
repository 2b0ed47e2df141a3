namespace Autograd.Nn;

/// <summary>
/// Upsamples (N, C, H, W) input to <see cref="Size"/> or by <see cref="ScaleFactor"/> (torch.nn.Upsample;
/// F.Interpolate does the work). Arguments are checked at construction as F.Interpolate would check them.
/// </summary>
public class Upsample : Module
{
    /// <summary><c>nn.Upsample(size, scale_factor, mode, align_corners, recompute_scale_factor)</c>: give exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/>; mode "nearest", "bilinear", ... as <c>F.interpolate</c>.</summary>
    public Upsample(Pair? size = null, ScalePair? scaleFactor = null, string mode = "nearest", bool? alignCorners = null,
        bool? recomputeScaleFactor = null)
    {
        if (size is not null && scaleFactor is not null)
            throw new ArgumentException("Upsample: only one of size or scale_factor should be defined", nameof(size));
        if (size is null && scaleFactor is null)
            throw new ArgumentException("Upsample: either size or scale_factor should be defined", nameof(size));
        if (mode is not ("nearest" or "nearest-exact" or "bilinear" or "area"))
            throw new NotSupportedException($"Upsample: mode '{mode}' is not supported (supported: nearest | nearest-exact | bilinear | area)");
        if (alignCorners is not null && mode != "bilinear")
            throw new ArgumentException("Upsample: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear", nameof(alignCorners));
        if (recomputeScaleFactor == true && size is not null)
            throw new ArgumentException("Upsample: recompute_scale_factor is not meaningful with an explicit size.", nameof(recomputeScaleFactor));
        if (size is { } s && (s.H <= 0 || s.W <= 0))
            throw new ArgumentOutOfRangeException(nameof(size), $"Upsample: output size must be positive, got {s}");
        if (scaleFactor is { } f && !(f.H > 0 && f.W > 0 && double.IsFinite(f.H) && double.IsFinite(f.W)))
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), $"Upsample: scale_factor must be positive and finite, got {f}");
        Size = size;
        ScaleFactor = scaleFactor;
        Mode = mode;
        AlignCorners = alignCorners;
        RecomputeScaleFactor = recomputeScaleFactor;
    }

    /// <summary>The output size (<c>size</c>).</summary>
    public Pair? Size { get; }
    /// <summary>The multiplier of the spatial size (<c>scale_factor</c>), or null.</summary>
    public ScalePair? ScaleFactor { get; }
    /// <summary>The interpolation: "nearest", "bilinear", ... (<c>mode</c>).</summary>
    public string Mode { get; }
    /// <summary>Whether the corner pixels of input and output are aligned (<c>align_corners</c>), or null.</summary>
    public bool? AlignCorners { get; }
    /// <summary>Whether the scale used in the interpolation is recomputed from the output size (<c>recompute_scale_factor</c>).</summary>
    public bool? RecomputeScaleFactor { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners, RecomputeScaleFactor);

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        string info = ScaleFactor is { } f
            ? "scale_factor=" + (f.H == f.W ? Dropout.PyFloat(f.H) : $"({Dropout.PyFloat(f.H)}, {Dropout.PyFloat(f.W)})")
            : "size=" + (Size!.Value.H == Size.Value.W ? Size.Value.H.ToString() : Size.Value.ToString());
        return info + $", mode='{Mode}'";
    }
}

/// <summary>Nearest-neighbour upsampling (torch.nn.UpsamplingNearest2d): Upsample with mode "nearest".</summary>
public sealed class UpsamplingNearest2d(Pair? size = null, ScalePair? scaleFactor = null)
    : Upsample(size, scaleFactor, "nearest");

/// <summary>Bilinear upsampling with align_corners=True (torch.nn.UpsamplingBilinear2d).</summary>
public sealed class UpsamplingBilinear2d(Pair? size = null, ScalePair? scaleFactor = null)
    : Upsample(size, scaleFactor, "bilinear", alignCorners: true);
