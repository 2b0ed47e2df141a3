using Autograd.Oracle;
using Autograd.Tests.Oracle;
using static Autograd.TensorIndex;

namespace Autograd.Tests.Ops.Indexing;

/// <summary>
/// Seeded random index expressions (integers in and out of range, slices with steps and wild bounds, None,
/// ellipsis, int64/int32 index tensors of rank 0-2, bool masks over 1-2 dims, some of the wrong shape, 0-dim
/// bools) on random shapes, read and assigned on both engines: both must reject, or agree on the values and
/// every gradient (CrossCheck.Agree).
/// </summary>
[Collection(OracleCollection.Name)]
public class IndexingRandomOracleTests
{
    private const int Expressions = 400;

    internal static (int[] Shape, TensorIndex[] Ix, string Text) Draw(Random rng)
    {
        int rank = rng.Next(5);
        var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(10) == 0 ? 0 : rng.Next(1, 5)).ToArray();
        var ix = new List<TensorIndex>();
        int d = 0, n = rng.Next(1, rank + 2);
        for (int e = 0; e < n; e++)
        {
            int size = d < rank ? shape[d] : 3;
            switch (rng.Next(9))
            {
                case 0 or 1:
                    ix.Add(rng.Next(8) == 0 ? Single(size + rng.Next(2)) : Single(rng.Next(-size, Math.Max(size, 1)))); d++; break;
                case 2 or 3:
                    long? Bound() => rng.Next(3) == 0 ? null : rng.Next(-7, 8);
                    ix.Add(Slice(Bound(), Bound(), rng.Next(1, 4))); d++; break;
                case 4:
                    ix.Add(None); break;
                case 5:
                {
                    int r = rng.Next(3);
                    var s = Enumerable.Range(0, r).Select(_ => rng.Next(1, 4)).ToArray();
                    var v = Enumerable.Range(0, s.Aggregate(1, (a, b) => a * b)).Select(_ => (long)(rng.Next(12) == 0 ? size : rng.Next(-size, Math.Max(size, 1)))).ToArray();
                    ix.Add(rng.Next(3) == 0 ? Tensor.From(Array.ConvertAll(v, x => (int)x), s) : Tensor.From(v, s)); d++; break;
                }
                case 6 or 7:
                {
                    int k = Math.Max(1, Math.Min(rng.Next(1, 3), rank - d));
                    var s = Enumerable.Range(d, k).Select(j => j < rank ? shape[j] : 2).ToArray();
                    if (rng.Next(10) == 0 && s.Length > 0) s[0] += 1;   // a mask of the wrong shape
                    ix.Add(Tensor.From(Enumerable.Range(0, s.Aggregate(1, (a, b) => a * b)).Select(_ => rng.Next(2) == 0).ToArray(), s));
                    d += k; break;
                }
                default:
                    ix.Add(rng.Next(2) == 0); break;
            }
        }
        if (rng.Next(4) == 0) ix.Insert(rng.Next(ix.Count + 1), Ellipsis);
        return (shape, [.. ix], $"[{string.Join(",", shape)}][{string.Join(", ", ix)}]");
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Reads(int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < Expressions; i++)
        {
            var (shape, ix, text) = Draw(rng);
            yield return (new Case("Index", text, ["random"], [new Input(shape)]), (e, x) => e.Index(x[0], ix));
        }
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Writes(int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < Expressions; i++)
        {
            var (shape, ix, text) = Draw(rng);
            int[] value;
            try { var r = Tensor.Zeros(shape)[ix].Shape.ToArray(); value = rng.Next(3) switch { 0 => [], 1 => r, _ => r.Length > 0 ? r[^1..] : [] }; }
            catch (ArgumentException) { value = []; }   // rejected: both engines must reject the write too
            yield return (new Case("IndexPut_", text + $" = [{string.Join(",", value)}]", ["random"], [new Input(shape), new Input(value)]),
                (e, x) => e.SetIndex(e.Mul(x[0], 1.0), ix, x[1]));
        }
    }

    private static void AgreeAll(DType dtype, IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> items)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (c, f) in items)
            if (CrossCheck.Agree(c, dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RandomReadsAgreeWithLibtorch(DType dtype) => AgreeAll(dtype, Reads(14));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void RandomAssignmentsAgreeWithLibtorch(DType dtype) => AgreeAll(dtype, Writes(15));
}
