namespace Autograd.Tests.Ops.Selection;

/// <summary>Seeded index tensors and masks for the selection tests (the same values for both engines).</summary>
internal static class SelectionData
{
    /// <summary>Indices in [0, bound), repeats allowed.</summary>
    public static long[] Indices(int[] shape, int bound, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, ShapeUtil.Numel(shape)).Select(_ => (long)rng.Next(bound)).ToArray();
    }

    /// <summary>Indices in [0, bound) with no repeat along <paramref name="dim"/> in any lane (scatter without collisions).</summary>
    public static long[] Distinct(int[] shape, int dim, int bound, int seed)
    {
        var rng = new Random(seed);
        var r = new long[ShapeUtil.Numel(shape)];
        var l = DimLayout.Of(shape, dim);
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            var perm = Enumerable.Range(0, bound).OrderBy(_ => rng.Next()).ToArray();
            for (int k = 0; k < l.Size; k++) r[l.Start(lane) + k * l.Inner] = perm[k];
        }
        return r;
    }

    /// <summary>A seeded bool mask (about half true).</summary>
    public static bool[] Mask(int[] shape, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, ShapeUtil.Numel(shape)).Select(_ => rng.Next(2) == 1).ToArray();
    }

    /// <summary><paramref name="shape"/> with <paramref name="dim"/> set to <paramref name="size"/>.</summary>
    public static int[] With(int[] shape, int dim, int size)
    {
        var r = (int[])shape.Clone();
        r[(dim + shape.Length) % shape.Length] = size;
        return r;
    }

    public static string Fmt(int[] shape) => "[" + string.Join(",", shape) + "]";
}
