using System.Collections;

namespace Autograd;

/// <summary>
/// The sizes of a tensor's dimensions (torch.Size): indexable (<c>shape[^1]</c>, <c>shape[1..]</c>),
/// enumerable, comparable, and printable as <c>[2, 3]</c> (so <c>$"{x.Shape}"</c> works). It converts
/// implicitly to <c>ReadOnlySpan&lt;int&gt;</c> and <c>int[]</c> (a copy) to pass to any shape argument.
/// </summary>
public readonly struct TensorShape : IReadOnlyList<int>, IEquatable<TensorShape>
{
    private readonly int[] _dims;

    /// <summary>Wraps <paramref name="dims"/>, which must not change afterwards.</summary>
    internal TensorShape(int[] dims) => _dims = dims;

    /// <summary>A shape holding a copy of <paramref name="dims"/>.</summary>
    public static TensorShape Of(params ReadOnlySpan<int> dims) => new(dims.ToArray());

    private int[] Dims => _dims ?? [];

    /// <summary>The number of dimensions (len(x.shape)).</summary>
    public int Length => Dims.Length;

    /// <inheritdoc />
    public int Count => Dims.Length;

    /// <summary>The size of dimension <paramref name="dim"/> (from the end with <c>^k</c>).</summary>
    public int this[int dim] => Dims[dim];

    /// <summary>Dimensions <c>start .. start + length</c> (so <c>shape[1..]</c> works).</summary>
    public ReadOnlySpan<int> Slice(int start, int length) => Dims.AsSpan(start, length);

    /// <summary>The number of elements a tensor of this shape holds (x.numel()).</summary>
    public long Numel() { long n = 1; foreach (var d in Dims) n *= d; return n; }

    /// <summary>The sizes as a span (no copy).</summary>
    public ReadOnlySpan<int> AsSpan() => Dims;

    /// <summary>A copy of the sizes (<c>list(t.shape)</c>).</summary>
    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary>The sizes as a span, so a shape goes where a <c>ReadOnlySpan&lt;int&gt;</c> is expected.</summary>
    public static implicit operator ReadOnlySpan<int>(TensorShape s) => s.Dims;

    /// <summary>A copy of the sizes, so a shape goes where an <c>int[]</c> is expected.</summary>
    public static implicit operator int[](TensorShape s) => s.ToArray();

    /// <summary>Whether both shapes have the same sizes (<c>torch.Size.__eq__</c>).</summary>
    public bool Equals(TensorShape other) => Dims.AsSpan().SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Whether both shapes have the same sizes.</summary>
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);

    /// <summary>Whether the shapes differ in rank or in a size.</summary>
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);

    /// <summary>Whether the sizes are exactly <paramref name="dims"/>.</summary>
    public bool SequenceEqual(ReadOnlySpan<int> dims) => Dims.AsSpan().SequenceEqual(dims);

    /// <summary>Enumerates the sizes, outermost first.</summary>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Prints as <c>[2, 3]</c> (PyTorch's torch.Size([2, 3]) without the type name).</summary>
    public override string ToString() => ShapeUtil.Format(Dims);
}
