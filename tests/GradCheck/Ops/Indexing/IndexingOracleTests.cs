using Autograd.Oracle;
using Autograd.Tests.Oracle;
using static Autograd.TensorIndex;
using static Autograd.Tests.Ops.Indexing.IndexCases;

namespace Autograd.Tests.Ops.Indexing;

/// <summary>
/// Indexing against libtorch 2.10 (TorchSharp's TensorIndex, so libtorch's own __getitem__/__setitem__ rules):
/// values and every gradient of the read grid and the writes, float32 and float64; error agreement; and
/// Hessian-vector products through reads and writes.
/// </summary>
[Collection(OracleCollection.Name)]
public class IndexingOracleTests
{
    private static Case C(string op, string config, params int[][] shapes) => new(op, config, [config], shapes.Select(s => new Input(s)).ToArray());

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Reads() =>
        Expressions.Select(kv => (C("Index", kv.Key, kv.Value.Shape), (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => e.Index(x[0], kv.Value.Ix))));

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Writes()
    {
        foreach (var (name, (shape, ix, value)) in Assignments)
            yield return (C("SetIndex", name, shape, value), (e, x) => e.SetIndex(e.Mul(x[0], 1.0), ix, x[1]));
        foreach (var (name, (shape, ix, value, acc)) in Puts)
            yield return (C("IndexPut_", name, shape, value), (e, x) => e.IndexPut_(e.Mul(x[0], 1.0), ix, x[1], acc));
        yield return (C("SetIndex", "y[mask] = 2.5", [2, 3]), (e, x) => e.Mul(e.SetIndex(e.Mul(x[0], 1.0), [Mask([true, false, true, false, false, true], [2, 3])], 2.5), x[0]));
        yield return (C("SetIndex", "y[1:, idx] = -1", [3, 4]), (e, x) => e.Mul(e.SetIndex(e.Mul(x[0], 1.0), [Slice(1), Long(3, 0)], -1), x[0]));
        yield return (C("SetIndex", "y[idx] = y[other] * v", [4, 2], [2]), (e, x) =>
        {
            var y = e.Mul(x[0], 1.0);
            return e.SetIndex(y, [Long(0, 1)], e.Mul(e.Index(y, [Long(2, 3)]), x[1]));
        });
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ReadsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Reads());

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void WritesMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Writes());

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype,
        Reads().Select(r => (r.Item1, (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => { var y = r.Item2(e, x); return e.Mul(y, y); })))
            .Concat(Writes().Select(w => (w.Item1, (Func<IOracleBackend, OracleTensor[], OracleTensor>)((e, x) => { var y = w.Item2(e, x); return e.Mul(e.Mul(y, y), e.Mul(x[0], 1.0)); })))));

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Errors()
    {
        (Case, Func<IOracleBackend, OracleTensor[], OracleTensor>) Read(string name, int[] shape, TensorIndex[] ix) => (C("Index", name, shape), (e, x) => e.Index(x[0], ix));
        yield return Read("index 5 out of bounds", [3, 2], [5]);
        yield return Read("index -4 out of bounds", [3, 2], [-4]);
        yield return Read("^4 out of bounds", [3, 2], [^4]);
        yield return Read("too many indices", [3, 2], [0, 1, 0]);
        yield return Read("index of a 0-dim tensor", [], [0]);
        yield return Read("valid: two ellipses (libtorch accepts them)", [3, 2], [Ellipsis, Ellipsis]);
        yield return Read("valid: two ellipses around an index", [3, 2, 4], [Ellipsis, 1, Ellipsis]);
        yield return Read("two ellipses then an index", [3, 2], [Ellipsis, Ellipsis, 0]);
        yield return Read("step 0", [3, 2], [Slice(null, null, 0)]);
        yield return Read("negative step", [3, 2], [Slice(null, null, -1)]);
        yield return Read("float index tensor", [3, 2], [Tensor.From([0.0, 1.0])]);
        yield return Read("index tensor out of bounds", [3, 2], [Long(0, 3)]);
        yield return Read("index tensor out of bounds on dim 1", [3, 2], [Colon, Long(-3)]);
        yield return Read("index tensors do not broadcast", [3, 4], [Long(0, 1), Long(0, 1, 2)]);
        yield return Read("mask shape [3] on [4, 2]", [4, 2], [Mask([true, false, true], [3])]);
        yield return Read("mask shape [2, 3] on [2, 2]", [2, 2], [Mask([true, false, true, false, false, true], [2, 3])]);
        yield return Read("mask too many dims", [2, 2], [Mask(new bool[8], [2, 2, 2])]);
        yield return Read("0-dim int tensor out of bounds", [3, 2], [Long2([3], [])]);
        yield return Read("valid: big slice bounds", [3, 2], [Slice(-100, 100)]);
        yield return Read("valid: index tensor out of bounds, empty result", [3, 0], [Long(5), Colon]);
        yield return Read("index tensor out of bounds, empty index elsewhere", [3, 2], [Long(5), Long2([], [0])]);
        yield return (C("IndexPut_", "valid: out of bounds into an empty result", [3, 0, 2], []), (e, x) => e.SetIndex(e.Mul(x[0], 1.0), [Long(3), Slice(null, -1)], x[1]));
        yield return (C("IndexPut_", "value does not broadcast", [4, 3], [4]), (e, x) => e.SetIndex(e.Mul(x[0], 1.0), [1..3], x[1]));
        yield return (C("IndexPut_", "advanced value does not broadcast", [4, 3], [3, 3]), (e, x) => e.SetIndex(e.Mul(x[0], 1.0), [Long(0, 1)], x[1]));
        yield return (C("IndexPut_", "index_put_ out of bounds", [4, 3], [3]), (e, x) => e.IndexPut_(e.Mul(x[0], 1.0), [Long(4)], x[1]));
        yield return (C("IndexPut_", "index_put_ too many indices", [4], [1]), (e, x) => e.IndexPut_(e.Mul(x[0], 1.0), [Long(0), Long(0)], x[1]));
        yield return (C("IndexPut_", "index_put_ value [2, 3] for [3]", [4, 3], [2, 3]), (e, x) => e.IndexPut_(e.Mul(x[0], 1.0), [Long(1)], x[1]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ErrorsAgreeWithLibtorch(DType dtype)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (c, f) in Errors())
            if (CrossCheck.Agree(c, dtype, f, n++) is { } m) failures.Add(m);
        CrossCheck.AssertAllAgree(failures, n);
    }
}
