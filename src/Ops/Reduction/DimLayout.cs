namespace Autograd;

/// <summary>
/// A contiguous tensor seen along one dim as [Outer, Size, Inner]: element k of lane (o, i) sits at
/// <c>o * Size * Inner + k * Inner + i</c>. Softmax, max/min over a dim and the losses walk lanes this way.
/// </summary>
internal readonly record struct DimLayout(int Outer, int Size, int Inner)
{
    internal static DimLayout Of(int[] shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= shape[d];
        for (int d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        return new(outer, shape.Length == 0 ? 1 : shape[dim], inner);
    }

    /// <summary>Number of lanes (Outer × Inner).</summary>
    internal int Lanes => Outer * Inner;

    /// <summary>Flat offset of element 0 of lane <paramref name="lane"/> (lanes numbered o * Inner + i).</summary>
    internal int Start(int lane) => lane / Inner * Size * Inner + lane % Inner;
}
