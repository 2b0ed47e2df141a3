namespace Autograd;

// cross_entropy(x, t, w, ignore_index, label_smoothing ε), x of shape (C), (N, C) or (N, C, d1, ...), class dim
// 0 for a (C) input and 1 otherwise; lp = log_softmax(x, classDim). PyTorch's cross_entropy_loss, branch for branch:
// • class indices, ε = 0: nll_loss(lp, t, w, ignore_index)                        (two nodes, as in PyTorch)
// • class indices, ε > 0 (fused into one node for a (C) or (N, C) input: CrossEntropyFused.cs): (1 − ε) · nll_loss(lp, t, w, ignore_index) + (ε / C) · smooth, where
//     smooth[n, s] = −Σ_c w[c] · lp[n, c, s]   (0 where t == ignore_index),
//     reduced by: None → smooth; Sum → Σ smooth; Mean → Σ smooth / Σ w[t] over non-ignored targets
//     (the count of non-ignored targets without weights): the same denominator as nll_loss's mean.
// • class probabilities (float target shaped like x; ignore_index must be negative):
//     t' = t · (1 − ε) + ε / C;  per[n, s] = −Σ_c w[c] · t'[n, c, s] · lp[n, c, s];
//     None → per; Sum → Σ per; Mean → Σ per / (numel / C)  (not divided by the weights, as PyTorch).
// The composite branches are recorded ops, so every input that requires grad (x; a probability target) gets
// its gradient and double backward. ε outside [0, 1]: Note [Negative label smoothing].
//
// Note [Negative label smoothing]
// PyTorch rejects only label_smoothing > 1 ("label_smoothing must be between 0.0 and 1.0") and smooths only
// when ε > 0, so a negative ε silently means no smoothing. We do the same, so code ported from PyTorch
// behaves as it did there: ε > 1 throws PyTorch's message, ε < 0 is treated as 0 (NaN, which PyTorch would also treat as 0, is
// rejected with ε > 1: it is never meant), in F.CrossEntropy
// and in CrossEntropyLoss (which checks at construction rather than at the first forward).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.cross_entropy: <paramref name="target"/> holds int64 (or int32) class indices
    /// (shape (), (N) or (N, d1, ...)) or float class probabilities shaped like <paramref name="input"/>.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        const string op = "cross_entropy";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        input.RequireFloating(op, nameof(input));
        if (input.Rank == 0) throw new ArgumentException($"{op}: Expected 1 or more dimensions (got 0)", nameof(input));
        if (labelSmoothing > 1.0 || double.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{op}: label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        int classDim = input.Rank == 1 ? 0 : 1, c = input.Dims[classDim];
        if (ShapeUtil.SameShape(input.Shape, target.Shape))
        {
            if (!target.DType.IsFloatingPoint())
                throw new ArgumentException($"{op}: Expected floating point type for target with class probabilities, got {target.DType.ScalarTypeName()}", nameof(target));
            if (ignoreIndex >= 0)
                throw new ArgumentException($"{op}: ignore_index is not supported for floating point target", nameof(ignoreIndex));
            if (weight is not null && (weight.Rank != 1 || weight.Numel != c))
                throw new ArgumentException($"{op}: weight tensor should be defined either for all {c} classes or no classes but got weight tensor of shape: {ShapeUtil.Format(weight.Shape)}", nameof(weight));
            return ProbabilityCrossEntropy(input, target, weight?.Detach(), reduction, labelSmoothing, classDim, c);
        }
        if (target.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: Expected target size {ShapeUtil.Format(input.Shape)} (class probabilities are shaped like the input), got {ShapeUtil.Format(target.Shape)}; class-index targets are int64", nameof(target));
        var t = ClassTargets(input, target, weight, ignoreIndex, op);
        var w = weight?.Detach();
        if (labelSmoothing > 0 && FusedCrossEntropyApplies(input, w, c))
            return FusedSmoothedCrossEntropy(input, t, target.Dims, w, ignoreIndex, reduction, labelSmoothing);
        var lp = LogSoftmax(input, classDim);
        var nll = NllCore(lp, t, target.Dims, w, reduction, ignoreIndex);
        if (!(labelSmoothing > 0)) return nll;

        // −Σ_c w[c]·lp[n, c, s], zeroed where ignored (a select: lp may be −inf there).
        var smooth = Neg(Sum(w is null ? lp : Mul(lp, ClassView(w, input.Rank, classDim)), [classDim]));
        var ignored = Array.ConvertAll(t, v => v == ignoreIndex);
        smooth = MaskedFill(smooth, Tensor.From(ignored, target.Dims), 0.0);
        Tensor reduced = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => Sum(smooth),
            _ => Div(Sum(smooth), TargetWeightTotal(t, w, ignoreIndex)),
        };
        return Add(Mul(nll, 1 - labelSmoothing), Mul(reduced, labelSmoothing / c));
    }

    /// <summary>cross_entropy with the reduction first (the signature before class weights).</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Reduction reduction) => CrossEntropy(input, target, null, -100, reduction);

    /// <summary>cross_entropy with the reduction and ignore_index first (the signature before class weights).</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Reduction reduction, int ignoreIndex) => CrossEntropy(input, target, null, ignoreIndex, reduction);

    /// <summary>cross_entropy with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, string reduction, Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0)
        => CrossEntropy(input, target, weight, ignoreIndex, ParseReduction(reduction, "cross_entropy"), labelSmoothing);

    /// <summary>
    /// cross_entropy with class indices as an array: <paramref name="input"/> holds logits (N, C) or (C);
    /// <paramref name="target"/> one class per sample (length N, or 1 for a (C) input).
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, int[] target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
        => CrossEntropy(input, IndexTarget(input, target, "cross_entropy"), weight, ignoreIndex, reduction, labelSmoothing);

    /// <summary>cross_entropy (int[] targets) with the reduction first.</summary>
    public static Tensor CrossEntropy(Tensor input, int[] target, Reduction reduction) => CrossEntropy(input, target, null, -100, reduction);

    /// <summary>cross_entropy (int[] targets) with the reduction and ignore_index first.</summary>
    public static Tensor CrossEntropy(Tensor input, int[] target, Reduction reduction, int ignoreIndex) => CrossEntropy(input, target, null, ignoreIndex, reduction);

    /// <summary>cross_entropy (int[] targets) with PyTorch's reduction string.</summary>
    public static Tensor CrossEntropy(Tensor input, int[] target, string reduction, Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0)
        => CrossEntropy(input, target, weight, ignoreIndex, ParseReduction(reduction, "cross_entropy"), labelSmoothing);

    /// <summary>The probability-target branch (cross_entropy_loss_prob_target), as recorded ops.</summary>
    private static Tensor ProbabilityCrossEntropy(Tensor input, Tensor target, Tensor? w, Reduction reduction, double labelSmoothing, int classDim, int c)
    {
        var lp = LogSoftmax(input, classDim);
        var t = labelSmoothing > 0 ? Add(Mul(target, 1 - labelSmoothing), labelSmoothing / c) : target;
        var prod = Mul(lp, t);
        if (w is not null) prod = Mul(prod, ClassView(w, input.Rank, classDim));
        return reduction switch
        {
            Reduction.None => Neg(Sum(prod, [classDim])),
            Reduction.Sum => Neg(Sum(prod)),
            _ => Div(Neg(Sum(prod)), (double)(c == 0 ? 0 : input.Numel / c)),
        };
    }

    /// <summary>Class weights shaped to broadcast along the class dim: (C) for a (C) input, (1, C, 1, ...) otherwise.</summary>
    private static Tensor ClassView(Tensor w, int rank, int classDim)
    {
        if (rank == 1) return w;
        var shape = new int[rank];
        Array.Fill(shape, 1);
        shape[classDim] = w.Numel;
        return Reshape(w, shape);
    }

    /// <summary>Σ w[t] over non-ignored targets (their count without weights): nll_loss's mean denominator.</summary>
    private static double TargetWeightTotal(int[] t, Tensor? w, int ignoreIndex)
    {
        double[]? wd = w?.ToArray<double>();
        double total = 0;
        foreach (var v in t)
            if (v != ignoreIndex) total += wd is null ? 1 : wd[v];
        return total;
    }
}
