namespace Autograd;

/// <summary>
/// One entry of an index expression (PyTorch's indexing, TorchSharp's TensorIndex): an integer, a slice
/// with a step, <see cref="None"/>/<see cref="NewAxis"/>, <see cref="Ellipsis"/>, or an index tensor
/// (Int64/Int32 for advanced indexing, Bool/UInt8 for a mask). C#'s own syntax converts implicitly:
/// <c>x[1]</c>, <c>x[-1]</c>, <c>x[^1]</c>, <c>x[1..^1]</c>, <c>x[.., 2]</c>, <c>x[idx]</c>, <c>x[mask]</c>;
/// steps and new axes are spelled <c>x[TensorIndex.Slice(0, null, 2), TensorIndex.NewAxis]</c>.
/// </summary>
public sealed class TensorIndex
{
    /// <summary>What an entry does.</summary>
    public enum Kind
    {
        /// <summary>An integer: one position, the dimension removed (<c>x[1]</c>).</summary>
        Single,
        /// <summary>A range with an optional step: the dimension kept (<c>x[1:5:2]</c>).</summary>
        Slice,
        /// <summary>A new axis of size 1 (<c>x[None]</c>).</summary>
        None,
        /// <summary>As many full slices as the other entries leave (<c>x[..., 0]</c>).</summary>
        Ellipsis,
        /// <summary>An index tensor: advanced indexing (int64/int32) or a mask (bool/uint8).</summary>
        Tensor,
    }

    private TensorIndex(Kind kind) => IndexKind = kind;

    /// <summary>Which kind of index this is.</summary>
    public Kind IndexKind { get; }

    // Positions as (value, from end): a Python negative integer and C#'s ^k both count from the end; ^0 is the size.
    internal long Value { get; private init; }
    internal bool FromEnd { get; private init; }
    internal long? Start { get; private init; }
    internal bool StartFromEnd { get; private init; }
    internal long? Stop { get; private init; }
    internal bool StopFromEnd { get; private init; }
    internal long Step { get; private init; } = 1;
    internal Tensor? Indices { get; private init; }

    /// <summary>x[i]: selects one position and removes the dim; negative i counts from the end (tensor.select).</summary>
    public static TensorIndex Single(long i) => new(Kind.Single) { Value = i < 0 ? -i : i, FromEnd = i < 0 };

    /// <summary>x[start:stop:step] with Python's rules (negative positions count from the end, out-of-range ones clamp); step must be positive.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) => new(Kind.Slice)
    {
        Start = start is { } s && s < 0 ? -s : start, StartFromEnd = start < 0,
        Stop = stop is { } e && e < 0 ? -e : stop, StopFromEnd = stop < 0,
        Step = step,
    };

    /// <summary>x[None]: inserts a dim of size 1 (torch's None / numpy.newaxis).</summary>
    public static readonly TensorIndex None = new(Kind.None);

    /// <summary>The same as <see cref="None"/>.</summary>
    public static readonly TensorIndex NewAxis = None;

    /// <summary>x[...]: as many full slices as the other entries leave dims.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);

    /// <summary>x[:]: every position of one dim.</summary>
    public static readonly TensorIndex Colon = Slice();

    /// <summary>An index tensor: integers (Int64/Int32) pick positions, a Bool/UInt8 mask picks its true positions.</summary>
    public static TensorIndex Tensor(Tensor indices) => new(Kind.Tensor) { Indices = indices ?? throw new ArgumentNullException(nameof(indices)) };

    /// <summary>A 0-dim mask (TorchSharp's TensorIndex.Bool): true adds a dim of size 1, false one of size 0.</summary>
    public static TensorIndex Bool(bool value) => Tensor(Autograd.Tensor.From([value], []));

    /// <summary>An integer index <c>x[i]</c>: selects one position and removes the dimension (negative counts from the end).</summary>
    public static implicit operator TensorIndex(int i) => Single(i);

    /// <summary>An integer index <c>x[i]</c>: selects one position and removes the dimension (negative counts from the end).</summary>
    public static implicit operator TensorIndex(long i) => Single(i);

    /// <summary>x[^1]: counts from the end.</summary>
    public static implicit operator TensorIndex(Index i) => new(Kind.Single) { Value = i.Value, FromEnd = i.IsFromEnd };

    /// <summary>x[1..^1], x[..]: a slice with step 1.</summary>
    public static implicit operator TensorIndex(Range r) => new(Kind.Slice)
    {
        Start = r.Start.Value, StartFromEnd = r.Start.IsFromEnd,
        Stop = r.End.Value, StopFromEnd = r.End.IsFromEnd,
    };

    /// <summary>An index tensor (int64/int32: advanced indexing; bool/uint8: a mask), as <c>x[idx]</c> in PyTorch.</summary>
    public static implicit operator TensorIndex(Tensor indices) => Tensor(indices);

    /// <summary>x[true] / x[false]: a 0-dim mask, as PyTorch's (a new dim of size 1 or 0).</summary>
    public static implicit operator TensorIndex(bool b) => Bool(b);

    /// <inheritdoc/>
    public override string ToString() => IndexKind switch
    {
        Kind.Single => FromEnd ? $"^{Value}" : $"{Value}",
        Kind.Slice => $"{Pos(Start, StartFromEnd)}:{Pos(Stop, StopFromEnd)}" + (Step == 1 ? "" : $":{Step}"),
        Kind.None => "None",
        Kind.Ellipsis => "...",
        _ => $"tensor({ShapeUtil.Format(Indices!.Dims)}, {Indices!.DType.TorchName()})",
    };

    private static string Pos(long? v, bool fromEnd) => v is null ? "" : fromEnd ? $"^{v}" : $"{v}";
}
