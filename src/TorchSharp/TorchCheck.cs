using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.TorchSharp;

/// <summary>Thrown by <see cref="TorchCheck.Check"/> when ours and PyTorch's disagree; the message is the whole report.</summary>
public sealed class TorchCheckException(TorchCheckReport report) : Exception(report.ToString())
{
    /// <summary>The full comparison.</summary>
    public TorchCheckReport Report { get; } = report;
}

/// <summary>
/// Verifies a function written with Autograd against the same function written with TorchSharp
/// (PyTorch's libtorch 2.10): both run on copies of the same inputs, then backpropagate the same
/// upstream gradient, and the forward output and every input gradient are compared element by element.
/// <code>
/// var report = TorchCheck.Compare(x => MyLoss(x[0], x[1]), t => MyTorchLoss(t[0], t[1]), [logits, target]);
/// Console.WriteLine(report);          // a table: forward and each gradient, worst element, pass/fail, likely cause
/// TorchCheck.Check(...);              // the same, throwing TorchCheckException on a mismatch
/// </code>
/// The two functions are best written in separate files (one with <c>using Autograd;</c>, one with
/// <c>using static TorchSharp.torch;</c>), so the two Tensor types never meet; the lambdas here infer them.
/// </summary>
/// <remarks>
/// An element passes when |ours − PyTorch| ≤ atol·max(1, max|PyTorch|) + rtol·|PyTorch| (the oracle's
/// rule, docs/oracle.md): the engines sum in different orders, and a sum's rounding error scales with the
/// magnitude of its terms. Defaults: 1e-9 for float64, 1e-4 for float32. NaN and ±∞ must sit at the same
/// positions on both sides. The inputs are copied for both engines (the caller's tensors are not touched,
/// and their gradients are not accumulated); an input takes part in the gradient check when its
/// RequiresGrad is set.
/// </remarks>
public static class TorchCheck
{
    /// <summary>Runs both functions and returns the side-by-side report (never throws for a mismatch).</summary>
    /// <param name="ours">The function with Autograd's ops.</param>
    /// <param name="theirs">The same function with TorchSharp's ops.</param>
    /// <param name="inputs">The inputs, float32 or float64; those with RequiresGrad get their gradients compared.</param>
    /// <param name="gradOutput">The upstream gradient for backward; ones of the output's shape when null.</param>
    /// <param name="rtol">The relative tolerance; 1e-9 for float64 inputs and 1e-4 for float32 when null.</param>
    /// <param name="atol">The absolute tolerance, scaled by max(1, max|PyTorch|); equal to the relative one when null.</param>
    public static TorchCheckReport Compare(Func<Tensor[], Tensor> ours, Func<TorchTensor[], TorchTensor> theirs, Tensor[] inputs,
        Tensor? gradOutput = null, double? rtol = null, double? atol = null)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException("TorchCheck: no inputs were given", nameof(inputs));
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentException($"TorchCheck: input {i} is null", nameof(inputs));
        TorchSharpLibrary.EnsureLoaded();
        var dtype = inputs[0].DType;
        double rt = rtol ?? (dtype == DType.Float64 ? 1e-9 : 1e-4), at = atol ?? rt;
        if (rt < 0 || at < 0 || double.IsNaN(rt) || double.IsNaN(at))
            throw new ArgumentOutOfRangeException(nameof(rtol), $"TorchCheck: tolerances must be non-negative, got rtol {rt}, atol {at}");

        var report = new TorchCheckReport(TorchSharpLibrary.LibTorchVersion, dtype, rt, at);
        var ox = inputs.Select(Copy).ToArray();
        var tx = inputs.Select(t => t.ToTorch()).ToArray();
        try
        {
            Tensor oy;
            TorchTensor ty;
            try { oy = ours(ox); }
            catch (Exception e) { return report.Failed($"ours threw {e.GetType().Name}: {e.Message}", "Likely cause: the Autograd function rejects these inputs (see the message)."); }
            try { ty = theirs(tx); }
            catch (Exception e) { return report.Failed($"the TorchSharp function threw {e.GetType().Name}: {TorchSharpLibrary.ShortMessage(e)}", "Likely cause: the TorchSharp function rejects these inputs (see the message)."); }
            using (ty)
            {
                report.Add(Compare("forward", Shape(oy), oy.ToDoubleArray(), ShapeOf(ty), TorchConversions.ReadDoubles(ty), rt, at, isGrad: false));
                if (!inputs.Any(t => t.RequiresGrad)) return report;
                if (!oy.RequiresGrad || !ty.requires_grad)
                    return report.Failed($"the output of {(oy.RequiresGrad ? "the TorchSharp function" : "ours")} does not require grad",
                        "Likely cause: no input that requires grad reaches it (a detach, a no_grad block, or only integer/constant inputs used).");
                var up = gradOutput ?? Tensor.Ones(oy.Shape.ToArray(), oy.DType);
                oy.Backward(up);
                using (var tup = up.ToTorch(requiresGrad: false)) ty.backward([tup]);
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!inputs[i].RequiresGrad) continue;
                    using var tg = tx[i].grad;
                    var og = ox[i].Grad;
                    string name = $"grad of input {i}";
                    if (og is null && tg is null) { report.Add(TorchCheckReport.Entry.Absent(name, Shape(inputs[i]))); continue; }
                    if (og is null || tg is null)
                    {
                        report.Add(TorchCheckReport.Entry.Missing(name, Shape(inputs[i]), oursHasIt: og is not null));
                        continue;
                    }
                    report.Add(Compare(name, Shape(og), og.ToDoubleArray(), ShapeOf(tg), TorchConversions.ReadDoubles(tg), rt, at, isGrad: true));
                }
            }
            return report;
        }
        finally
        {
            foreach (var t in tx) t.Dispose();
        }
    }

    /// <summary>Like <see cref="Compare(Func{Tensor[], Tensor}, Func{TorchTensor[], TorchTensor}, Tensor[], Tensor?, double?, double?)"/>, but throws <see cref="TorchCheckException"/> (whose message is the report) on a mismatch.</summary>
    public static TorchCheckReport Check(Func<Tensor[], Tensor> ours, Func<TorchTensor[], TorchTensor> theirs, Tensor[] inputs,
        Tensor? gradOutput = null, double? rtol = null, double? atol = null)
    {
        var report = Compare(ours, theirs, inputs, gradOutput, rtol, atol);
        return report.Passed ? report : throw new TorchCheckException(report);
    }

    private static int[] Shape(Tensor t) => t.Shape.ToArray();

    /// <summary>A fresh leaf with the input's values, dtype and requires_grad (the caller's tensor is left alone).</summary>
    private static Tensor Copy(Tensor t) => t.DType == DType.Float32
        ? Tensor.From(t.ToFloatArray(), Shape(t), t.RequiresGrad)
        : Tensor.From(t.ToDoubleArray(), Shape(t), t.RequiresGrad);

    private static int[] ShapeOf(TorchTensor t) => TorchConversions.ToInts(t.shape, "TorchCheck");

    private static TorchCheckReport.Entry Compare(string name, int[] oShape, double[] o, int[] tShape, double[] t, double rtol, double atol, bool isGrad)
    {
        if (!oShape.SequenceEqual(tShape)) return TorchCheckReport.Entry.ShapeMismatch(name, oShape, tShape, isGrad);
        double scale = 1;
        foreach (var v in t) if (double.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        int worst = -1;
        double worstDiff = 0, worstUsed = -1;
        for (int i = 0; i < o.Length; i++)
        {
            double a = o[i], b = t[i];
            bool special = !double.IsFinite(a) || !double.IsFinite(b);
            double diff = special ? (a.Equals(b) ? 0 : double.PositiveInfinity) : Math.Abs(a - b);
            double allowed = atol * scale + rtol * (double.IsFinite(b) ? Math.Abs(b) : 0);
            double used = diff == 0 ? 0 : allowed == 0 ? double.PositiveInfinity : diff / allowed;
            if (used > worstUsed) { worstUsed = used; worst = i; worstDiff = diff; }
        }
        return TorchCheckReport.Entry.Values(name, oShape, o, t, worst, worstDiff, worstUsed, isGrad);
    }
}
