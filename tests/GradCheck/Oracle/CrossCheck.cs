using System.Globalization;
using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

/// <summary>How a cross-check input's values are drawn.</summary>
public enum Data
{
    /// <summary>Standard normal.</summary>
    Normal,
    /// <summary>Uniform in [0.5, 2.5): inside the domain of log, sqrt and fractional powers.</summary>
    Positive,
    /// <summary>Integers −2..2: windows and rows full of ties.</summary>
    Ties,
    /// <summary>Normal with about 5% each of +∞, −∞ and NaN.</summary>
    Special,
}

/// <summary>One input of a cross-checked computation.</summary>
public sealed record Input(int[] Shape, Data Kind = Data.Normal, bool RequiresGrad = true);

/// <summary>One configuration: the op it proves (an <see cref="IOracleBackend"/> method name), a description for failure messages,
/// the option tags it counts for in the conformance report, and its inputs.</summary>
public sealed record Case(string Op, string Config, string[] Tags, Input[] Inputs)
{
    /// <summary>How the upstream gradient fed to backward is drawn (Special: NaN/±∞ gradients reach the backward rules).</summary>
    public Data Upstream { get; init; } = Data.Normal;
}

/// <summary>
/// Runs one computation, written once over <see cref="IOracleBackend"/>, on libtorch and on ours with the
/// same input values, and compares the outputs, any integer indices and every input gradient
/// (after backward with the same random upstream gradient). Returns null on agreement, else a
/// message; grid tests collect the messages and fail with all of them at once.
/// </summary>
public static partial class CrossCheck
{
    public delegate (OracleTensor Output, int[]? Indices) Graph(IOracleBackend e, OracleTensor[] x);

    public static string? Compare(Case c, DType dtype, Func<IOracleBackend, OracleTensor[], OracleTensor> f, int seed)
        => Run(c, dtype, (e, x) => (f(e, x), null), seed, mustAccept: true);

    public static string? CompareWithIndices(Case c, DType dtype, Graph f, int seed) => Run(c, dtype, f, seed, mustAccept: true);

    /// <summary>Error agreement: both engines reject the configuration, or both accept it (and then agree on every tensor).</summary>
    public static string? Agree(Case c, DType dtype, Func<IOracleBackend, OracleTensor[], OracleTensor> f, int seed)
        => Run(c, dtype, (e, x) => (f(e, x), null), seed, mustAccept: false);

    /// <summary>Error agreement over a table of (op, why, inputs, f) rows, each seeded by its position; fails with every disagreement.</summary>
    public static void AllAgree(DType dtype, IEnumerable<(string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)> rows)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (op, why, inputs, f) in rows)
            if (Agree(new Case(op, why, [why], inputs), dtype, f, n++) is { } m) failures.Add(m);
        AssertAllAgree(failures, n);
    }

    /// <summary>Compares every case (seeded by its position, so both dtypes see the same values) and fails with all disagreements.</summary>
    public static void All(DType dtype, IEnumerable<(Case Case, Func<IOracleBackend, OracleTensor[], OracleTensor> F)> items)
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var (c, f) in items)
            if (Compare(c, dtype, f, n++) is { } m) failures.Add(m);
        AssertAllAgree(failures, n);
    }

    /// <summary>Fails with every collected message (and how many configurations ran).</summary>
    public static void AssertAllAgree(IReadOnlyCollection<string> failures, int configs)
    {
        Assert.True(configs > 0, "no configuration ran");
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} of {configs} configurations disagree with libtorch:\n" + string.Join("\n", failures.Take(25)));
    }

    private static string? Run(Case c, DType dtype, Graph f, int seed, bool mustAccept)
    {
        OracleFixture.RequireOracle();
        string where = $"{c.Op} [{c.Config}] {(dtype == DType.Float32 ? "float32" : "float64")} seed {seed}{Sweep.Describe}";
        // AUTOGRAD_TRACE=1 names each configuration before it runs: the last one printed is the culprit when
        // libtorch terminates the process (as 2.10 does on some inputs, docs/oracle.md).
        if (Environment.GetEnvironmentVariable("AUTOGRAD_TRACE") is not null) { Console.Error.WriteLine("TRACE " + where); Console.Error.Flush(); }
        var data = c.Inputs.Select((inp, i) => Draw(inp.Shape, inp.Kind, Sweep.Mix(seed * 7919 + i))).ToArray();
        using var torch = new TorchSharpBackend();
        var ours = AutogradBackend.Instance;
        var tx = c.Inputs.Select((inp, i) => torch.From(data[i], inp.Shape, dtype, inp.RequiresGrad)).ToArray();
        var ox = c.Inputs.Select((inp, i) => ours.From(data[i], inp.Shape, dtype, inp.RequiresGrad)).ToArray();

        (OracleTensor Output, int[]? Indices) t, o;
        string? torchError = null, ourError = null;
        t = o = default;
        try { t = f(torch, tx); }
        catch (TorchException e) { torchError = e.Message; }
        catch (OracleGuardException e)
        {
            // libtorch never saw it (Note [Window of padding only], or TorchSharp cannot express
            // it); the guard knows what PyTorch does with it, so ours is held to that alone.
            if (mustAccept) return $"{where}: configuration cannot be sent to libtorch ({e.Message}); test it on our side alone";
            if (e.LibtorchRejects)
            {
                try { f(ours, ox); }
                catch (ArgumentException oe) when (NamesOp(oe.Message, c.Op)) { Conformance.RecordGuarded(c.Op, rejected: true, e.Reason); return null; }
                catch (Exception oe) { return $"{where}: PyTorch rejects it ({e.Message}); ours threw {oe.GetType().Name} without naming the op: {oe.Message}"; }
                return $"{where}: PyTorch rejects it ({e.Message}) but ours accepted it";
            }
            try { f(ours, ox); }
            catch (Exception oe) { return $"{where}: ours rejects a configuration libtorch accepts (its max_pool2d writes out of bounds on it, so only acceptance is checked): {oe.Message}"; }
            Conformance.RecordGuarded(c.Op, rejected: false, e.Reason);
            return null;
        }
        try { o = f(ours, ox); }
        catch (ArgumentException e) { ourError = e.Message; }
        catch (Exception e) { return $"{where}: ours threw {e.GetType().Name} (not an ArgumentException): {e.Message}"; }

        if (torchError is not null && ourError is not null)
        {
            if (mustAccept) return $"{where}: both engines rejected a configuration meant to be valid: libtorch: {torchError}";
            if (!NamesOp(ourError, c.Op)) return $"{where}: our error message does not name the op: {ourError}";
            foreach (var tag in c.Tags) Conformance.RecordRejected(c.Op, tag);
            return null;
        }
        if (torchError is not null) return $"{where}: libtorch rejects it ({OneLine(torchError)}) but ours accepted it";
        if (ourError is not null) return $"{where}: ours rejects it ({ourError}) but libtorch accepted it";

        var cmp = new Comparer(dtype);
        cmp.Tensor("output", o.Output!, t.Output!);
        if (t.Indices is not null || o.Indices is not null) cmp.Indices(o.Indices, t.Indices);
        if (cmp.Failure is null && t.Output!.RequiresGrad)
        {
            if (!o.Output!.RequiresGrad) return $"{where}: libtorch's output requires grad, ours does not";
            var up = Draw(t.Output.Shape, c.Upstream, Sweep.Mix(seed * 7919 + 1000));
            string? torchBackwardError = null;
            try { torch.Backward(t.Output, torch.From(up, t.Output.Shape, t.Output.DType)); }
            catch (TorchException e) { torchBackwardError = e.Message; }
            try { ours.Backward(o.Output, ours.From(up, o.Output.Shape, o.Output.DType)); }
            catch (Exception e) when (torchBackwardError is null || e is not ArgumentException)
            {
                return $"{where}: our backward threw {e.GetType().Name}: {e.Message}";
            }
            catch (ArgumentException) when (!mustAccept)
            {
                foreach (var tag in c.Tags) Conformance.RecordRejected(c.Op, tag + " (in backward)");
                return null;
            }
            if (torchBackwardError is not null)
                return $"{where}: libtorch's backward rejects it ({OneLine(torchBackwardError)}) but ours accepted it";
            for (int i = 0; i < c.Inputs.Length && cmp.Failure is null; i++)
                if (c.Inputs[i].RequiresGrad) cmp.Grad($"grad of input {i}", ox[i], tx[i]);
        }
        if (cmp.Failure is not null) return $"{where}: {cmp.Failure}";
        Conformance.Record(c.Op, c.Tags, dtype, cmp.Count, cmp.WorstAbs, cmp.WorstScaled, cmp.WorstUsed);
        return null;
    }

    /// <summary>The project's rule: an error names the op (as PyTorch spells it, e.g. max_pool2d, or as we do).</summary>
    private static bool NamesOp(string message, string op)
    {
        var snake = string.Concat(op.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
        snake = snake.Replace("_with_indices", "");
        return message.Contains(snake, StringComparison.OrdinalIgnoreCase) || message.Contains(op, StringComparison.OrdinalIgnoreCase);
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Seeded input values (the same for both engines and both dtypes).</summary>
    public static double[] Draw(int[] shape, Data kind, int seed)
    {
        int n = 1;
        foreach (var d in shape) n *= d;
        var rng = new Random(seed);
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = kind switch
            {
                Data.Positive => 0.5 + 2 * rng.NextDouble(),
                Data.Ties => rng.Next(-2, 3),
                _ => Normal(rng),
            };
            if (kind == Data.Special && rng.NextDouble() < 0.15)
                r[i] = rng.Next(3) switch { 0 => double.PositiveInfinity, 1 => double.NegativeInfinity, _ => double.NaN };
        }
        return r;
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Compares tensors element by element under <see cref="Tolerance"/>; keeps the first failure and the worst errors.</summary>
    private sealed class Comparer(DType dtype)
    {
        private readonly (double Rtol, double Atol) _tol = Tolerance.For(dtype);
        public string? Failure;
        public int Count;
        public double WorstAbs, WorstScaled, WorstUsed;

        public void Tensor(string what, OracleTensor ours, OracleTensor torch)
        {
            if (Failure is not null) return;
            if (!ours.Shape.SequenceEqual(torch.Shape)) { Failure = $"{what}: shape [{Join(ours.Shape)}], libtorch [{Join(torch.Shape)}]"; return; }
            if (ours.DType != torch.DType) { Failure = $"{what}: dtype {ours.DType}, libtorch {torch.DType}"; return; }
            Values(what, ours.Values(), torch.Values(), ours.Shape);
        }

        public void Grad(string what, OracleTensor ours, OracleTensor torch)
        {
            if (Failure is not null) return;
            double[]? o = ours.GradValues(), t = torch.GradValues();
            if (o is null && t is null) return;
            if (o is null || t is null) { Failure = $"{what}: {(o is null ? "ours has none" : "ours has one")}, libtorch {(t is null ? "has none" : "has one")}"; return; }
            Values(what, o, t, torch.Shape);
        }

        public void Indices(int[]? ours, int[]? torch)
        {
            if (Failure is not null) return;
            if (ours is null || torch is null) { Failure = "indices: only one engine returned indices"; return; }
            if (ours.Length != torch.Length) { Failure = $"indices: {ours.Length} of them, libtorch {torch.Length}"; return; }
            for (int i = 0; i < ours.Length; i++)
                if (ours[i] != torch[i]) { Failure = $"indices: element {i} is {ours[i]}, libtorch {torch[i]}"; return; }
            Count++;
        }

        public void Values(string what, double[] o, double[] t, int[] shape)
        {
            if (o.Length != t.Length) { Failure = $"{what}: {o.Length} values, libtorch {t.Length}"; return; }
            double scale = 1;
            foreach (var v in t) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < o.Length; i++)
            {
                double a = o[i], b = t[i];
                if (double.IsNaN(a) || double.IsNaN(b) || double.IsInfinity(a) || double.IsInfinity(b))
                {
                    if (a.Equals(b)) continue; // NaN.Equals(NaN) is true; ±∞ must match exactly
                    Failure = $"{what}: element {i} ({At(i, shape)}) is {Fmt(a)}, libtorch {Fmt(b)}";
                    return;
                }
                double diff = Math.Abs(a - b), allowed = _tol.Atol * scale + _tol.Rtol * Math.Abs(b);
                WorstAbs = Math.Max(WorstAbs, diff);
                WorstScaled = Math.Max(WorstScaled, diff / scale);
                WorstUsed = Math.Max(WorstUsed, diff / allowed);
                if (diff > allowed)
                {
                    Failure = $"{what}: element {i} ({At(i, shape)}) is {Fmt(a)}, libtorch {Fmt(b)} (|Δ| = {Fmt(diff)} > {Fmt(allowed)})";
                    return;
                }
            }
            Count++;
        }

        private static string At(int flat, int[] shape)
        {
            var idx = new int[shape.Length];
            for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
            return "[" + Join(idx) + "]";
        }

        private static string Join(int[] v) => string.Join(", ", v);
        private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
