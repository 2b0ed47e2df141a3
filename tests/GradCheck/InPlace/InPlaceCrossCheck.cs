using System.Globalization;
using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.InPlace;

/// <summary>
/// Runs an in-place sequence, written once over <see cref="IOracleBackend"/> and <see cref="EngineInPlace"/>,
/// on libtorch 2.10 and on ours with the same inputs, then backward with the same upstream gradient.
/// Valid sequences must agree on the output, on every input's final values (a no-grad write may change
/// a leaf) and on every input's gradient (present or not, then values, under <see cref="Tolerance"/>).
/// Invalid ones must fail in both, in the same phase (forward or backward), each message holding the
/// expected phrase: PyTorch's own words, which also proves the phrase is PyTorch's.
/// </summary>
internal static class InPlaceCrossCheck
{
    private sealed record Outcome(double[]? Output, bool OutputRequiresGrad, double[][] InputValues, double[]?[] Grads, string? Error, string? Phase);

    /// <summary>Null when both engines agree, else what differs.</summary>
    public static string? Compare(string name, DType dtype, Operand[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> seq, int seed, string? errorPhrase = null)
    {
        OracleFixture.RequireOracle();
        string where = $"{name} ({(dtype == DType.Float32 ? "float32" : "float64")}, seed {seed})";
        var data = inputs.Select((o, i) => InPlaceMembers.Draw(o, seed, i)).ToArray();
        Outcome theirs, ours;
        using (var torch = new TorchSharpBackend()) theirs = Run(torch, inputs, data, dtype, seq, seed);
        ours = Run(AutogradBackend.Instance, inputs, data, dtype, seq, seed);

        if (errorPhrase is not null)
        {
            if (theirs.Error is null) return $"{where}: libtorch accepted it (expected \"{errorPhrase}\")";
            if (ours.Error is null) return $"{where}: ours accepted it; libtorch raised in {theirs.Phase}: {theirs.Error}";
            if (ours.Phase != theirs.Phase) return $"{where}: ours raised in {ours.Phase}, libtorch in {theirs.Phase}: {ours.Error} / {theirs.Error}";
            if (!theirs.Error.Contains(errorPhrase, StringComparison.Ordinal)) return $"{where}: libtorch's message lacks \"{errorPhrase}\": {theirs.Error}";
            if (!ours.Error.Contains(errorPhrase, StringComparison.Ordinal)) return $"{where}: our message lacks \"{errorPhrase}\": {ours.Error}";
            return null;
        }
        if (theirs.Error is not null || ours.Error is not null)
            return $"{where}: libtorch {(theirs.Error is null ? "accepted it" : $"raised in {theirs.Phase}: {theirs.Error}")}; ours {(ours.Error is null ? "accepted it" : $"raised in {ours.Phase}: {ours.Error}")}";

        // float32 anywhere in the case means float32 rounding somewhere in it.
        var tol = Tolerance.For(dtype == DType.Float32 || inputs.Any(o => o.Type == DType.Float32) ? DType.Float32 : DType.Float64);
        if (ours.OutputRequiresGrad != theirs.OutputRequiresGrad) return $"{where}: output requires_grad {ours.OutputRequiresGrad}, libtorch {theirs.OutputRequiresGrad}";
        if (Values("output", ours.Output!, theirs.Output!, tol) is { } f) return $"{where}: {f}";
        for (int i = 0; i < inputs.Length; i++)
        {
            if (Values($"input {i} after the sequence", ours.InputValues[i], theirs.InputValues[i], tol) is { } fi) return $"{where}: {fi}";
            double[]? o = ours.Grads[i], t = theirs.Grads[i];
            if ((o is null) != (t is null)) return $"{where}: grad of input {i}: ours {(o is null ? "has none" : "has one")}, libtorch {(t is null ? "has none" : "has one")}";
            if (o is not null && Values($"grad of input {i}", o, t!, tol) is { } fg) return $"{where}: {fg}";
        }
        return null;
    }

    // PyTorch's phrases for the refusals, and the operands the sequences are written over (shared by the in-place
    // and the slice-view oracle tests).
    internal const string Stale = "is at version 1; expected version 0 instead";
    internal const string Modified = "one of the variables needed for gradient computation has been modified by an inplace operation";
    internal const string Leaf = "a leaf Variable that requires grad is being used in an in-place operation.";
    internal const string ViewOfLeaf = "a view of a leaf Variable that requires grad is being used in an in-place operation.";
    internal const string NoGradView = "A view was created in no_grad mode and is being modified inplace with grad mode enabled";
    internal const string Overlap = "unsupported operation: more than one element of the written-to tensor refers to a single memory location";
    internal const string MultiOutput = "This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace.";

    internal static Operand In(params int[] shape) => new(shape);
    internal static Operand Pos(params int[] shape) => new(shape, Data.Positive);
    internal static Operand Plain(params int[] shape) => new(shape, RequiresGrad: false);

    /// <summary>Runs every sequence (seeds from <paramref name="seed"/> up) and fails with every disagreement at once.</summary>
    internal static void CompareAll(IEnumerable<(string Name, Operand[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> Seq, string? Phrase)> cases, DType dtype, int seed)
    {
        int n = 0;
        var failures = cases.Select(c => Compare(c.Name, dtype, c.Inputs, c.Seq, seed + n++, c.Phrase)).ToList();
        AssertAll(failures, n);
    }

    /// <summary>Fails with every disagreement of a grid at once.</summary>
    public static void AssertAll(IEnumerable<string?> failures, int count)
    {
        var list = failures.Where(f => f is not null).ToList();
        Assert.True(count > 0, "no configuration ran");
        if (list.Count > 0) Assert.Fail($"{list.Count} of {count} in-place sequences disagree with libtorch:\n" + string.Join("\n", list));
    }

    private static Outcome Run(IOracleBackend e, Operand[] inputs, double[][] data, DType dtype, Func<IOracleBackend, OracleTensor[], OracleTensor> seq, int seed)
    {
        var x = inputs.Select((o, i) => e.From(data[i], o.Shape, o.Type ?? dtype, o.RequiresGrad)).ToArray();
        OracleTensor output;
        try { output = seq(e, x); }
        catch (Exception ex) when (ex is TorchException or InvalidOperationException or ArgumentException)
        {
            return new(null, false, [], [], ex.Message, "forward");
        }
        double[] values = output.Values();
        string? error = null;
        if (output.RequiresGrad)
        {
            var upstream = CrossCheck.Draw(output.Shape, Data.Normal, seed * 7919 + 1000);
            try { e.Backward(output, e.From(upstream, output.Shape, output.DType)); }
            catch (Exception ex) when (ex is TorchException or InvalidOperationException or ArgumentException)
            {
                error = ex.Message;
            }
        }
        return new(values, output.RequiresGrad, x.Select(t => t.Values()).ToArray(), x.Select(t => t.GradValues()).ToArray(), error, error is null ? null : "backward");
    }

    private static string? Values(string what, double[] o, double[] t, (double Rtol, double Atol) tol)
    {
        if (o.Length != t.Length) return $"{what}: {o.Length} values, libtorch {t.Length}";
        double scale = 1;
        foreach (var v in t) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < o.Length; i++)
        {
            double a = o[i], b = t[i];
            bool special = !double.IsFinite(a) || !double.IsFinite(b);
            if (special ? a.Equals(b) : Math.Abs(a - b) <= tol.Atol * scale + tol.Rtol * Math.Abs(b)) continue;
            return string.Create(CultureInfo.InvariantCulture, $"{what}: element {i} is {a:R}, libtorch {b:R}");
        }
        return null;
    }
}
