namespace Autograd.Tests.Oracle;

/// <summary>
/// The one place where the cross-checks' tolerances live.
/// </summary>
/// <remarks>
/// Note [Oracle tolerances]: an element passes when |ours − libtorch| ≤ Atol·scale + Rtol·|libtorch|,
/// scale = max(1, max |libtorch| over the tensor). Both engines compute the same formulas but sum
/// in different orders (im2col + GEMM blocking vs oneDNN/OpenBLAS, SIMD lanes vs sequential, a
/// different reduction tree), so the results differ by rounding, and rounding error of a sum is
/// proportional to the magnitude of its terms, not of the (possibly cancelling) result: hence the
/// absolute term scaled by the tensor's magnitude.
/// float64: 1e-10 — rounding is ~1e-16 per operation; 1e-10 leaves six orders of magnitude for
/// long sums and still catches any real formula error (those show up at 1e-3 or worse).
/// float32: 1e-4 — float32 rounding is ~6e-8 per operation and sums of a few hundred terms
/// (conv windows × channels, large means) plus exp/log/pow amplification reach ~1e-5.
/// NaN must be NaN on both sides at the same positions, ±∞ must match exactly, integer indices
/// must be equal: no tolerance at all.
/// </remarks>
public static class Tolerance
{
    public static (double Rtol, double Atol) For(DType dtype) => dtype == DType.Float64 ? (1e-10, 1e-10) : (1e-4, 1e-4);
}
