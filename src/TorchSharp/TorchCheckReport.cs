using System.Globalization;
using System.Text;

namespace Autograd.TorchSharp;

/// <summary>
/// What <see cref="TorchCheck"/> found: one row for the forward output and one per input gradient (shape,
/// worst difference, the worst element with both values, pass/fail), then a verdict with the likely cause.
/// <see cref="ToString"/> prints it as a table.
/// </summary>
public sealed class TorchCheckReport
{
    private readonly List<Entry> _entries = [];
    private string? _failure, _cause;

    internal TorchCheckReport(string version, DType dtype, double rtol, double atol)
    {
        LibTorchVersion = version;
        DType = dtype;
        Rtol = rtol;
        Atol = atol;
    }

    /// <summary>The libtorch version TorchSharp ran (e.g. 2.10.0).</summary>
    public string LibTorchVersion { get; }
    /// <summary>The dtype both functions ran in.</summary>
    public DType DType { get; }

    /// <summary>Relative tolerance: an element passes when |Δ| ≤ Atol·max(1, max|PyTorch|) + Rtol·|PyTorch|.</summary>
    public double Rtol { get; }

    /// <summary>Absolute tolerance, scaled by the tensor's largest |PyTorch| value (at least 1).</summary>
    public double Atol { get; }

    /// <summary>The forward row first, then one row per input that requires grad.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>True when every row passed and neither function threw.</summary>
    public bool Passed => _failure is null && _entries.All(e => e.Passed);

    /// <summary>The first failing row's description with its likely cause, or null when the check passed.</summary>
    public string? Failure
    {
        get
        {
            if (_failure is not null) return $"{_failure}. {_cause}";
            var bad = _entries.FirstOrDefault(e => !e.Passed);
            return bad is null ? null : $"{bad.Name} differs: {bad.Detail}. {Cause(bad)}";
        }
    }

    internal void Add(Entry e) => _entries.Add(e);

    internal TorchCheckReport Failed(string failure, string cause)
    {
        _failure = failure;
        _cause = cause;
        return this;
    }

    /// <summary>The likely cause of a failing row, from what else agreed (GradCheck's style).</summary>
    private string Cause(Entry bad)
    {
        bool forwardOk = _entries.Count > 0 && _entries[0].Passed;
        if (bad.Kind == EntryKind.ShapeMismatch)
            return bad.IsGrad ? "Likely cause: a backward rule returns the wrong shape (a missing sum over broadcast dims?)."
                : "Likely cause: the two functions reduce, reshape or broadcast differently (keepdim, a dim argument, mean vs none).";
        if (bad.Kind == EntryKind.Missing)
            return bad.OursHasIt ? "Likely cause: the TorchSharp function does not use this input (or detaches it)."
                : "Likely cause: ours does not reach this input: a Detach(), a NoGrad block, or an op without a backward rule on the way.";
        if (bad.SpecialMismatch)
            return "Likely cause: NaN or ±∞ on one side only: a domain problem (log or sqrt of ≤ 0, division by 0) or a missing clamp/epsilon.";
        if (bad.Ratio is { } r && Math.Abs(r + 1) < 1e-6)
            return bad.IsGrad ? "Likely cause: the gradient has the wrong sign (a subtraction reversed in a backward rule)."
                : "Likely cause: the result has the wrong sign (operands of a subtraction reversed).";
        if (bad.Ratio is { } k)
            return $"Likely cause: ours is off by a constant factor {k.ToString("G6", CultureInfo.InvariantCulture)} (a missing scale or divisor: mean vs sum, a batch size, a 0.5).";
        if (bad.IsGrad && forwardOk)
            return "Likely cause: the forward agrees, so a backward rule is wrong for this input, or the inputs sit on a kink (ties, 0 for relu/abs) where the engines pick different subgradients.";
        if (bad.IsGrad)
            return "Likely cause: the forward already differs (see above); fix that first.";
        return "Likely cause: the two functions compute different formulas (compare them op by op).";
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(inv, $"TorchCheck: Autograd vs PyTorch (libtorch {LibTorchVersion} via TorchSharp), {(DType == DType.Float32 ? "float32" : "float64")}; element passes when |Δ| ≤ {Atol:g3}·max(1, max|PyTorch|) + {Rtol:g3}·|PyTorch|"));
        int w = Math.Max(16, _entries.Select(e => e.Name.Length).DefaultIfEmpty(0).Max());
        sb.AppendLine($"  {"tensor".PadRight(w)}  {"shape",-16} {"max |Δ|",11}  {"tol used",11}  worst element: ours | PyTorch");
        foreach (var e in _entries)
            sb.AppendLine($"  {e.Name.PadRight(w)}  {e.ShapeText,-16} {e.MaxAbsText,11}  {e.UsedText,11}  {e.WorstText}  {(e.Passed ? "ok" : "MISMATCH")}");
        sb.Append(Passed ? "PASS: the forward output and every input gradient agree with PyTorch." : "FAIL: " + Failure);
        return sb.ToString();
    }

    /// <summary>What a row compared: values, shapes that differ, a gradient on one side only, or no gradient on either.</summary>
    public enum EntryKind
    {
        /// <summary>Both sides have the tensor, with the same shape: its values were compared.</summary>
        Values,
        /// <summary>Both sides have the tensor, with different shapes.</summary>
        ShapeMismatch,
        /// <summary>A gradient on one side only.</summary>
        Missing,
        /// <summary>No gradient on either side.</summary>
        Absent,
    }

    /// <summary>One compared tensor: the forward output or one input's gradient.</summary>
    public sealed class Entry
    {
        private Entry(string name, EntryKind kind, bool isGrad) { Name = name; Kind = kind; IsGrad = isGrad; }

        /// <summary>"forward" or "grad of input i".</summary>
        public string Name { get; }

        /// <summary>What this row compared.</summary>
        public EntryKind Kind { get; }

        /// <summary>True for an input's gradient, false for the forward output.</summary>
        public bool IsGrad { get; }

        /// <summary>Whether every element is within tolerance (NaN and ±∞ at the same places).</summary>
        public bool Passed { get; private init; }

        /// <summary>Our tensor's shape.</summary>
        public int[] Shape { get; private init; } = [];

        /// <summary>PyTorch's shape when it differs from ours, else null.</summary>
        public int[]? TheirShape { get; private init; }
        /// <summary>The worst element's flat index, or −1.</summary>
        public int WorstIndex { get; private init; } = -1;
        /// <summary>Our value at the worst element.</summary>
        public double Ours { get; private init; } = double.NaN;

        /// <summary>PyTorch's value at the worst element.</summary>
        public double Theirs { get; private init; } = double.NaN;

        /// <summary>The largest |ours − PyTorch| over the tensor.</summary>
        public double MaxAbs { get; private init; }
        /// <summary>The worst element's |Δ| as a fraction of its tolerance (≤ 1 passes).</summary>
        public double ToleranceUsed { get; private init; }
        internal bool OursHasIt { get; private init; }
        internal bool SpecialMismatch { get; private init; }
        /// <summary>ours / PyTorch when that ratio is the same (to 1e-6) over every element where PyTorch is not ~0; else null.</summary>
        public double? Ratio { get; private init; }

        internal string Detail => Kind switch
        {
            EntryKind.ShapeMismatch => $"shape [{string.Join(", ", Shape)}] in ours, [{string.Join(", ", TheirShape!)}] in PyTorch",
            EntryKind.Missing => OursHasIt ? "ours has a gradient, PyTorch has none" : "PyTorch has a gradient, ours has none",
            _ => $"worst element {WorstText}, |Δ| = {G(MaxAbs)}",
        };

        internal string ShapeText => "[" + string.Join(", ", Shape) + "]";
        internal string MaxAbsText => Kind == EntryKind.Values ? G(MaxAbs) : "-";
        internal string UsedText => Kind == EntryKind.Values ? G(ToleranceUsed) : "-";

        internal string WorstText => Kind switch
        {
            EntryKind.Values when WorstIndex >= 0 => $"{Index(Shape, WorstIndex)}: {G(Ours)} | {G(Theirs)}",
            EntryKind.Values => "(empty)",
            EntryKind.ShapeMismatch => $"shapes differ: PyTorch [{string.Join(", ", TheirShape!)}]",
            EntryKind.Missing => OursHasIt ? "ours has a gradient | none" : "none | PyTorch has a gradient",
            _ => "no gradient on either side",
        };

        internal static Entry Values(string name, int[] shape, double[] o, double[] t, int worst, double worstDiff, double used, bool isGrad)
        {
            bool special = worst >= 0 && (!double.IsFinite(o[worst]) || !double.IsFinite(t[worst])) && !o[worst].Equals(t[worst]);
            return new(name, EntryKind.Values, isGrad)
            {
                Shape = shape, WorstIndex = worst, MaxAbs = MaxAbsFinite(o, t), ToleranceUsed = Math.Max(0, used),
                Ours = worst >= 0 ? o[worst] : double.NaN, Theirs = worst >= 0 ? t[worst] : double.NaN,
                Passed = used <= 1, SpecialMismatch = special, Ratio = used > 1 ? ConstantRatio(o, t) : null,
            };
        }

        internal static Entry ShapeMismatch(string name, int[] ours, int[] theirs, bool isGrad)
            => new(name, EntryKind.ShapeMismatch, isGrad) { Shape = ours, TheirShape = theirs, Passed = false };

        internal static Entry Missing(string name, int[] shape, bool oursHasIt)
            => new(name, EntryKind.Missing, true) { Shape = shape, OursHasIt = oursHasIt, Passed = false };

        internal static Entry Absent(string name, int[] shape) => new(name, EntryKind.Absent, true) { Shape = shape, Passed = true };

        private static double MaxAbsFinite(double[] o, double[] t)
        {
            double m = 0;
            for (int i = 0; i < o.Length; i++)
                m = Math.Max(m, double.IsFinite(o[i]) && double.IsFinite(t[i]) ? Math.Abs(o[i] - t[i]) : o[i].Equals(t[i]) ? 0 : double.PositiveInfinity);
            return m;
        }

        private static double? ConstantRatio(double[] o, double[] t)
        {
            double? ratio = null;
            for (int i = 0; i < o.Length; i++)
            {
                if (!double.IsFinite(o[i]) || !double.IsFinite(t[i])) return null;
                if (Math.Abs(t[i]) < 1e-12) { if (Math.Abs(o[i]) > 1e-12) return null; continue; }
                double r = o[i] / t[i];
                if (ratio is null) ratio = r;
                else if (Math.Abs(r - ratio.Value) > 1e-6 * Math.Max(1, Math.Abs(ratio.Value))) return null;
            }
            return ratio is { } v && Math.Abs(v - 1) > 1e-6 ? v : null;
        }

        private static string Index(int[] shape, int flat)
        {
            var idx = new int[shape.Length];
            for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % Math.Max(1, shape[d]); flat /= Math.Max(1, shape[d]); }
            return "[" + string.Join(", ", idx) + "]";
        }

        private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
    }
}
