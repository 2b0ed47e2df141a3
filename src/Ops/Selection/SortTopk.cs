namespace Autograd;

// sort: each lane along dim ordered ascending (or descending), with the int64 positions the values came from.
//   NaN sorts as the largest value (after +∞ ascending, first descending), as PyTorch. Equal values keep their
//   order (stable), so `stable` changes nothing here; PyTorch's unstable sort may order ties differently.
// topk: the k largest (or smallest) of each lane, in sorted order (also for sorted: false, which leaves the
//   order to the implementation in PyTorch), with their positions.
// SortBackward0 / TopkBackward0: dX = zeros(x.shape) with dR scattered to the positions (the route back of the
//   values' gather, Route.cs), so differentiable again.
public static partial class F
{
    /// <summary>torch.sort(x, dim, descending, stable): the sorted values and the int64 indices they came from.</summary>
    public static (Tensor Values, Tensor Indices) Sort(Tensor x, int dim = -1, bool descending = false, bool stable = false)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "sort");
        var l = DimLayout.Of(x.Dims, d);
        return Ordered(x, l, l.Size, x.Dims, descending, "SortBackward0");
    }

    /// <summary>torch.topk(x, k, dim, largest, sorted): the k largest (or smallest) values along dim and their int64 indices.</summary>
    public static (Tensor Values, Tensor Indices) Topk(Tensor x, int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "topk");
        var l = DimLayout.Of(x.Dims, d);
        if (k < 0 || k > l.Size)
            throw new ArgumentException($"topk(): selected index k out of range (k = {k}, size of dim {d} is {l.Size})", nameof(k));
        int[] shape = x.Rank == 0 ? [] : x.Dims.Select((s, i) => i == d ? k : s).ToArray();
        return Ordered(x, l, k, shape, largest, "TopkBackward0");
    }

    /// <summary>The first <paramref name="k"/> of each lane in order, as values (a differentiable route) and indices.</summary>
    private static (Tensor, Tensor) Ordered(Tensor x, DimLayout l, int k, int[] shape, bool descending, string node)
    {
        var keys = x.DType.IsFloatingPoint() ? (Array)x.ToDoubleArray() : x.ToArray<long>();   // exact for every dtype
        var map = new int[ShapeUtil.Numel(shape)];
        var indices = new long[map.Length];
        var order = new int[l.Size];
        for (int lane = 0; lane < l.Lanes; lane++)
        {
            int start = l.Start(lane);
            for (int j = 0; j < order.Length; j++) order[j] = j;
            if (keys is double[] dk) Array.Sort(order, Comparer(dk, start, l.Inner, descending));
            else Array.Sort(order, Comparer((long[])keys, start, l.Inner, descending));
            int o = lane / l.Inner * k * l.Inner + lane % l.Inner;   // element 0 of this lane in the output
            for (int j = 0; j < k; j++)
            {
                map[o + j * l.Inner] = start + order[j] * l.Inner;
                indices[o + j * l.Inner] = order[j];
            }
        }
        var values = Route(x, map, null, shape, node, "ScatterBackward0");
        return (values, new Tensor(indices, shape));
    }

    /// <summary>Orders positions of one lane by value (NaN largest), ties by position: a stable total order.</summary>
    private static Comparison<int> Comparer<T>(T[] keys, int start, int inner, bool descending) where T : System.Numerics.INumber<T>
        => (i, j) =>
        {
            T a = keys[start + i * inner], b = keys[start + j * inner];
            int c = T.IsNaN(a) ? (T.IsNaN(b) ? 0 : 1) : T.IsNaN(b) ? -1 : a.CompareTo(b);
            if (descending) c = -c;
            return c != 0 ? c : i.CompareTo(j);
        };
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the SortTopk ops in <see cref="F"/>.</summary>
public static class TensorSortTopkExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.sort(dim, descending, stable).</summary>
        public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false, bool stable = false) => F.Sort(x, dim, descending, stable);

        /// <summary>tensor.topk(k, dim, largest, sorted).</summary>
        public (Tensor Values, Tensor Indices) Topk(int k, int dim = -1, bool largest = true, bool sorted = true) => F.Topk(x, k, dim, largest, sorted);
    }
}
