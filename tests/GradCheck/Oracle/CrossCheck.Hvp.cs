using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

public static partial class CrossCheck
{
    /// <summary>
    /// Double backward against libtorch (Note [Double backward]): with the same values in both engines,
    /// g = grad(f(x), x, v, create_graph=True) for a random upstream v, then the Hessian-vector product
    /// h = grad(Σ_k ⟨g_k, u_k⟩, x) for random u. Compares g and h (and that both engines agree on which
    /// of them exist, i.e. on whether a gradient depends on the inputs at all). Records the configuration
    /// in the conformance report's double-backward section. Returns null on agreement.
    /// </summary>
    public static string? CompareHvp(Case c, DType dtype, Func<IOracleBackend, OracleTensor[], OracleTensor> f, int seed)
    {
        OracleFixture.RequireOracle();
        string where = $"{c.Op} double backward [{c.Config}] {(dtype == DType.Float32 ? "float32" : "float64")} seed {seed}";
        var data = c.Inputs.Select((inp, i) => Draw(inp.Shape, inp.Kind, Sweep.Mix(seed * 7919 + i))).ToArray();
        using var torch = new TorchSharpBackend();
        var ours = AutogradBackend.Instance;
        var cmp = new Comparer(dtype);
        var results = new (OracleTensor?[] G, OracleTensor?[] H)[2];
        var engines = new IOracleBackend[] { ours, torch };
        for (int e = 0; e < 2; e++)
        {
            var eng = engines[e];
            var x = c.Inputs.Select((inp, i) => eng.From(data[i], inp.Shape, dtype, inp.RequiresGrad)).ToArray();
            var diff = x.Where((_, i) => c.Inputs[i].RequiresGrad).ToArray();
            try
            {
                var y = f(eng, x);
                var v = eng.From(Draw(y.Shape, Data.Normal, Sweep.Mix(seed * 7919 + 1000)), y.Shape, y.DType);
                var g = eng.Grad([y], diff, [v], createGraph: true, allowUnused: true);
                OracleTensor? s = null;
                for (int k = 0; k < g.Length; k++)
                {
                    if (g[k] is not { RequiresGrad: true } gk) continue;
                    var u = eng.From(Draw(gk.Shape, Data.Normal, Sweep.Mix(seed * 7919 + 2000 + k)), gk.Shape, gk.DType);
                    var term = eng.Sum(eng.Mul(gk, u));
                    s = s is null ? term : eng.Add(s, term);
                }
                results[e] = (g, s is null ? new OracleTensor?[diff.Length] : eng.Grad([s], diff, allowUnused: true));
            }
            catch (Exception ex) when (ex is TorchException || e == 0)
            {
                return $"{where}: {(e == 0 ? "ours" : "libtorch")} threw {ex.GetType().Name}: {OneLine(ex.Message)}";
            }
        }
        var (og, oh) = results[0];
        var (tg, th) = results[1];
        for (int k = 0; k < og.Length && cmp.Failure is null; k++)
        {
            if ((og[k] is null) != (tg[k] is null)) return $"{where}: first-order gradient {k} is {(og[k] is null ? "missing in ours" : "missing in libtorch")}";
            if (og[k] is { } a && tg[k] is { } b)
            {
                if (a.RequiresGrad != b.RequiresGrad) return $"{where}: first-order gradient {k} requires grad in {(a.RequiresGrad ? "ours" : "libtorch")} only";
                cmp.Tensor($"first-order gradient {k}", a, b);
            }
        }
        for (int k = 0; k < oh.Length && cmp.Failure is null; k++)
        {
            // An input the first-order gradients do not depend on has no second derivative: null in one engine may be zeros in the other.
            if (oh[k] is { } a && th[k] is { } b) cmp.Tensor($"Hessian-vector product {k}", a, b);
            else if (oh[k] is { } z && z.Values().Any(t => t != 0)) return $"{where}: HVP {k}: libtorch has none, ours is non-zero";
            else if (th[k] is { } w && w.Values().Any(t => t != 0)) return $"{where}: HVP {k}: ours has none, libtorch's is non-zero";
        }
        if (cmp.Failure is not null) return $"{where}: {cmp.Failure}";
        Conformance.RecordDoubleBackward(c.Op, c.Tags, dtype, cmp.Count, cmp.WorstAbs, cmp.WorstScaled, cmp.WorstUsed);
        return null;
    }

    /// <summary><see cref="CompareHvp"/> over every case; fails with all disagreements.</summary>
    public static void AllHvp(DType dtype, IEnumerable<(Case Case, Func<IOracleBackend, OracleTensor[], OracleTensor> F)> items)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (c, f) in items)
            if (CompareHvp(c, dtype, f, n++) is { } m) failures.Add(m);
        AssertAllAgree(failures, n);
    }
}
