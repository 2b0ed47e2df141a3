using System.Numerics;

namespace Autograd;

// dropout(x, p) = x·m, m[i] = Bernoulli(1 − p)/(1 − p)           dX = dY·m   (MulBackward0)
// dropout1d/2d/3d(x, p) = x·m, m of shape (N, C, 1, …): one draw per channel, broadcast over the rest.
//
// Note [Dropout on CPU]
// On CPU libtorch does not use the fused native_dropout (that is CUDA's): at::dropout builds the
// scaled noise tensor and multiplies, so the node is MulBackward0, and we do the same — the mask is
// the saved operand of an ordinary Mul, which gives the backward and every higher derivative. As
// there, p = 0 or training = false returns the input itself (same tensor, no node), and p = 1
// multiplies by zeros (the gradient is zero, not absent). The mask is drawn from the Generator in
// element order, U[0, 1) < 1 − p keeps an element; the stream is not PyTorch's (Note [Generator
// threads]), so only the statistics, not the exact mask, match PyTorch's for a seed.
public static partial class F
{
    /// <summary>torch.nn.functional.dropout: zeroes each element with probability p, scales the rest by 1/(1 − p).</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (!training || p == 0 || input.Numel == 0) return input;
        input.RequireFloating("dropout", nameof(input));
        return ApplyMask(input, DropoutMask(input.DType, input.Dims, p, generator), inplace, "dropout_");
    }

    /// <summary>
    /// torch.nn.functional.dropout1d: zeroes whole channels of a (N, C, L) or unbatched (C, L) input with
    /// probability p, scaling the rest by 1/(1 − p).
    /// </summary>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"dropout1d: Expected 2D or 3D input, but received a {input.Rank}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).", nameof(input));
        return FeatureDropout(input, p, training, inplace, generator, "dropout1d_", batched: input.Rank == 3);
    }

    /// <summary>
    /// torch.nn.functional.dropout2d: zeroes whole channels with probability p — one draw per (dim 0, dim 1)
    /// pair, broadcast over the rest — scaling the rest by 1/(1 − p). As in PyTorch, a 3-d input is taken
    /// as (N, C, L) (channel-wise 1-d dropout, with PyTorch's warning), not as an unbatched (C, H, W).
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.Rank is not (3 or 4))
            Warnings.Raise($"dropout2d: Received a {input.Rank}-D input to dropout2d, which is deprecated and will result in an error in a future release. " +
                "To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).");
        if (input.Rank == 3)
            Warnings.Raise("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. " +
                "This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.");
        return FeatureDropout(input, p, training, inplace, generator, "dropout2d_", batched: true);
    }

    /// <summary>
    /// torch.nn.functional.dropout3d: zeroes whole channels of a (N, C, D, H, W) or unbatched (C, D, H, W)
    /// input with probability p, scaling the rest by 1/(1 − p).
    /// </summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.Rank is not (4 or 5))
            Warnings.Raise($"dropout3d: Received a {input.Rank}-D input to dropout3d, which is deprecated and will result in an error in a future release. " +
                "To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).");
        return FeatureDropout(input, p, training, inplace, generator, "dropout3d_", batched: input.Rank == 5);
    }

    /// <summary>
    /// at::feature_dropout: noise of shape (size0, size1, 1, …) — or, for an unbatched input that PyTorch
    /// unsqueezes first, (size0, 1, …) — so each channel is kept or dropped as a whole.
    /// </summary>
    private static Tensor FeatureDropout(Tensor input, double p, bool training, bool inplace, Generator? generator, string op, bool batched)
    {
        // at::_dropout_impl returns early before make_feature_noise looks at the rank, as here
        if (!training || p == 0 || input.Numel == 0) return input;
        if (input.Rank + (batched ? 0 : 1) < 2)
            throw new ArgumentException($"{op.TrimEnd('_')}: Feature dropout requires at least 2 dimensions in the input, got {input.Rank}", nameof(input));
        input.RequireFloating(op.TrimEnd('_'), nameof(input));
        var noiseShape = new int[input.Rank];
        noiseShape.AsSpan().Fill(1);
        for (int d = 0; d < (batched ? 2 : 1); d++) noiseShape[d] = input.Dims[d];
        return ApplyMask(input, DropoutMask(input.DType, noiseShape, p, generator), inplace, op);
    }

    private static void CheckDropoutP(double p)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"dropout probability has to be between 0 and 1, but got {p}");
    }

    private static Tensor ApplyMask(Tensor input, Tensor mask, bool inplace, string op)
        => inplace ? InPlace(input, op, t => Mul(t, mask)) : Mul(input, mask);

    /// <summary>Bernoulli(1 − p)/(1 − p) noise of <paramref name="shape"/> (zeros for p = 1), drawn in element order.</summary>
    private static Tensor DropoutMask(DType dtype, int[] shape, double p, Generator? generator)
    {
        var mask = Tensor.Uninitialized(dtype, shape);
        if (dtype == DType.Float32) FillMask(mask.Array<float>(), p, generator ?? Generator.Default);
        else FillMask(mask.Array<double>(), p, generator ?? Generator.Default);
        return mask;
    }

    private static void FillMask<T>(T[] mask, double p, Generator generator) where T : unmanaged, IFloatingPointIeee754<T>
    {
        generator.FillUniform<T>(mask);   // one lock for the whole mask (Note [Generator threads])
        T keep = T.CreateTruncating(1 - p), scale = p == 1 ? T.Zero : T.One / keep;
        for (int i = 0; i < mask.Length; i++) mask[i] = mask[i] < keep ? scale : T.Zero;
    }
}
