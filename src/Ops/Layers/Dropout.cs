using System.Numerics;

namespace Autograd;

// dropout(x, p) = x·m, m[i] = Bernoulli(1 − p)/(1 − p)           dX = dY·m   (MulBackward0)
// dropout2d(x, p) = x·m, m of shape (N, C, 1, 1): one draw per channel, broadcast over the plane.
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
    /// torch.nn.functional.dropout2d: zeroes whole channels with probability p (one draw per (n, c) of a
    /// 4-d (N, C, H, W) input, per dim-0 slice of a 3-d one, as PyTorch, which treats 3-d input as unbatched
    /// (C, H, W) and drops channels), scaling the rest by 1/(1 − p).
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.Rank is not (3 or 4))
            Warnings.Raise($"dropout2d: Received a {input.Rank}-D input to dropout2d, which is deprecated and will result in an error in a future release. " +
                "To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).");
        // PyTorch unsqueezes any input that is not 4-d and runs feature dropout: noise (size0, size1, 1, ...) of that.
        int[] batched = input.Rank == 4 ? input.Dims : [1, .. input.Dims];
        if (batched.Length < 2) throw new ArgumentException($"dropout2d: Feature dropout requires at least 2 dimensions in the input, got {input.Rank}", nameof(input));
        if (!training || p == 0 || input.Numel == 0) return input;
        input.RequireFloating("dropout2d", nameof(input));
        var noiseShape = new int[input.Rank];
        noiseShape.AsSpan().Fill(1);
        int lead = input.Rank == 4 ? 2 : 1;   // the dims of (size0, size1) that belong to the input itself
        for (int d = 0; d < lead && d < input.Rank; d++) noiseShape[d] = input.Dims[d];
        return ApplyMask(input, DropoutMask(input.DType, noiseShape, p, generator), inplace, "dropout2d_");
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
