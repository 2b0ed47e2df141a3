namespace Autograd;

// Note [Scalar conversions]
// A C# number converts implicitly to a 0-dim tensor, as TorchSharp's numbers do, so a tensor argument
// or an indexed assignment takes a number directly (x[mask] = 0, F.Where(c, x, 0)). The dtype follows
// torch.tensor(number): double → float32 (the default dtype), long/int → int64, bool → bool; but the
// tensor keeps the number exactly (float64 storage) and is marked a wrapped number, PyTorch's own
// mechanism, so type promotion gives it the lowest priority (Note [Type promotion]): float64 x with 0.1
// stays float64 and sees 0.1, not its float32 rounding. Ops with a
// scalar overload of their own (x + 2.5, F.Clamp(x, -1, 1)) keep choosing it: a standard conversion
// beats a user-defined one in C#'s overload resolution. One trap, handled: a hook lambda with a
// number-valued body (_ => calls += 1) now converts to the gradient-replacing RegisterHook overload, so
// RegisterHook reads a returned wrapped number as "no replacement" (PyTorch's None).
public sealed partial class Tensor
{
    /// <summary>A C# number where a tensor goes: a 0-dim float64 "wrapped number", which does not raise a tensor's dtype in promotion (as a Python number in PyTorch: <c>x + 2.5</c> stays float32).</summary>
    public static implicit operator Tensor(double value) => new(new[] { value }, []) { IsWrappedNumber = true };

    /// <summary>A C# integer where a tensor goes: a 0-dim int64 "wrapped number" (<c>x + 2</c> keeps x's dtype, as in PyTorch).</summary>
    public static implicit operator Tensor(long value) => new(new[] { value }, []) { IsWrappedNumber = true };

    /// <summary>A C# bool where a tensor goes: a 0-dim bool "wrapped number" (as a Python bool in PyTorch).</summary>
    public static implicit operator Tensor(bool value) => new(new[] { value }, []) { IsWrappedNumber = true };

    /// <summary>A tensor made from a C# number by an implicit conversion (Note [Scalar conversions]).</summary>
    internal bool IsWrappedNumber { get; init; }
}
