namespace Autograd;

// nll_loss(x, t, w, ignore_index) over x of shape (C), (N, C) or (N, C, d1, ..., dk) with class-index targets
// t of shape (), (N) or (N, d1, ..., dk) (PyTorch's nll_loss / nll_loss2d / nll_loss_nd in one):
//   loss[n, s] = −w[t] · x[n, t, s]          (0, and weight 0, where t == ignore_index; w = 1 without weights)
//   Mean = Σ loss / Σ w[t] over non-ignored targets (NaN when that is 0, as PyTorch), Sum = Σ loss, None = loss.
//   dX[n, t, s] = −w[t] · g[n, s] (None), −w[t] · g (Sum) or −w[t] · g / Σw (Mean); every other entry is 0.
//   That scatter is linear in g and its derivative is nll_loss again, with the same weights and total:
//   d⟨gg, dX⟩/dg = nll_loss(gg, t, w) (NllLossBackwardBackward0 under createGraph); it does not depend on x.
// Note [Loss weights are constants]: class weights (and BCE's weight, pos_weight) are not differentiated;
// PyTorch raises "the derivative for 'weight' is not implemented" at backward, we treat them as constants
// (a weight that requires grad gets no gradient; the losses detach it).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.nll_loss: <paramref name="input"/> holds log-probabilities (C), (N, C) or
    /// (N, C, d1, ...); <paramref name="target"/> int64 (or int32) class indices (), (N) or (N, d1, ...);
    /// <paramref name="weight"/> (C) class weights; targets equal to <paramref name="ignoreIndex"/> contribute nothing.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var t = ClassTargets(input, target, weight, ignoreIndex, "nll_loss");
        return NllCore(input, t, target.Dims, weight?.Detach(), reduction, ignoreIndex);
    }

    /// <summary>nll_loss with the reduction first (the signature before class weights; Note [Loss reduction strings]).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Reduction reduction) => NllLoss(input, target, null, -100, reduction);

    /// <summary>nll_loss with the reduction and ignore_index first (the signature before class weights).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Reduction reduction, int ignoreIndex) => NllLoss(input, target, null, ignoreIndex, reduction);

    /// <summary>nll_loss with PyTorch's reduction string (Note [Loss reduction strings]).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, string reduction, Tensor? weight = null, int ignoreIndex = -100)
        => NllLoss(input, target, weight, ignoreIndex, ParseReduction(reduction, "nll_loss"));

    /// <summary>nll_loss with class indices as an array: one per sample of an (N, C) input, or one for a (C) input.</summary>
    public static Tensor NllLoss(Tensor input, int[] target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
        => NllLoss(input, IndexTarget(input, target, "nll_loss"), weight, ignoreIndex, reduction);

    /// <summary>nll_loss (int[] targets) with the reduction first.</summary>
    public static Tensor NllLoss(Tensor input, int[] target, Reduction reduction) => NllLoss(input, target, null, -100, reduction);

    /// <summary>nll_loss (int[] targets) with the reduction and ignore_index first.</summary>
    public static Tensor NllLoss(Tensor input, int[] target, Reduction reduction, int ignoreIndex) => NllLoss(input, target, null, ignoreIndex, reduction);

    /// <summary>nll_loss (int[] targets) with PyTorch's reduction string.</summary>
    public static Tensor NllLoss(Tensor input, int[] target, string reduction, Tensor? weight = null, int ignoreIndex = -100)
        => NllLoss(input, target, weight, ignoreIndex, ParseReduction(reduction, "nll_loss"));

    /// <summary>An int[] of class indices as the target tensor: 0-dim for a (C) input, (N) for an (N, C) input.</summary>
    private static Tensor IndexTarget(Tensor input, int[] target, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (input.Rank > 2)
            throw new ArgumentException($"{op}: int[] targets are for (C) or (N, C) inputs; a spatial input of shape {ShapeUtil.Format(input.Shape)} takes an int64 target tensor of shape (N, d1, ...)", nameof(target));
        if (input.Rank == 1 && target.Length != 1)
            throw new ArgumentException($"{op}: a (C) input takes exactly one target, got {target.Length}", nameof(target));
        var longs = Array.ConvertAll(target, v => (long)v);
        return input.Rank == 1 ? Tensor.From(longs, []) : Tensor.From(longs, [longs.Length]);
    }

    /// <summary>Checks input, target and weight with PyTorch's wording, before any work; returns the targets flat.</summary>
    private static int[] ClassTargets(Tensor input, Tensor target, Tensor? weight, int ignoreIndex, string op)
    {
        input.RequireFloating(op, nameof(input));
        if (input.Rank == 0)
            throw new ArgumentException($"{op}: Expected 1 or more dimensions (got 0)", nameof(input));
        if (target.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}: expected scalar type Long but found {target.DType.ScalarTypeName()} (class-index targets are int64 or int32; class probabilities are floating point, shaped like the input)", nameof(target));
        // PyTorch (nll_loss_nd) tests the batch size first; a wrong target rank gets both messages.
        string rankProblem = input.Rank == 2 && target.Rank != 1
            ? $" 0D or 1D target tensor expected, multi-target not supported (1D target tensor expected for an (N, C) input, got shape {ShapeUtil.Format(target.Shape)})" : "";
        if (input.Rank != 1 && target.Rank == 0)
            throw new ArgumentException($"{op}: 1D target tensor expected for an input of shape {ShapeUtil.Format(input.Shape)}, got a 0-dim target", nameof(target));
        if (input.Rank != 1 && input.Dims[0] != target.Dims[0])
            throw new ArgumentException($"{op}: Expected input batch_size ({input.Dims[0]}) to match target batch_size ({target.Dims[0]})." + rankProblem, nameof(target));
        if (input.Rank == 1 && target.Rank != 0)
            throw new ArgumentException($"{op}: a (C) input takes a 0-dim target, got shape {ShapeUtil.Format(target.Shape)}", nameof(target));
        if (rankProblem.Length > 0) throw new ArgumentException(op + ":" + rankProblem, nameof(target));
        if (input.Rank > 2 && !target.Dims.AsSpan().SequenceEqual(SpatialTargetShape(input.Dims)))
            throw new ArgumentException($"{op}: Expected target size {ShapeUtil.Format(SpatialTargetShape(input.Dims))}, got {ShapeUtil.Format(target.Shape)}", nameof(target));
        int c = input.Dims[input.Rank == 1 ? 0 : 1];
        if (weight is not null)
        {
            weight.RequireFloating(op, nameof(weight));
            if (weight.Rank != 1 || weight.Numel != c)
                throw new ArgumentException($"{op}: weight tensor should be defined either for all {c} classes or no classes but got weight tensor of shape: {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        }
        var flat = target.ToArray<long>();
        var r = new int[flat.Length];
        for (int i = 0; i < r.Length; i++)
        {
            long v = flat[i];
            if (v != ignoreIndex && (v < 0 || v >= c))
                throw new ArgumentOutOfRangeException(nameof(target), $"{op}: Target {v} is out of bounds. (target element {i}; " +
                    (c == 0 ? "the input has 0 classes, so only ignore_index targets are valid)." : $"classes are 0..{c - 1})."));
            r[i] = (int)v;
        }
        return r;
    }

    private static int[] SpatialTargetShape(int[] dims) => [dims[0], .. dims[2..]];

    /// <summary>The loss and its node over checked targets (flat, in the target's layout).</summary>
    private static Tensor NllCore(Tensor input, int[] t, int[] targetShape, Tensor? weight, Reduction reduction, int ignoreIndex)
    {
        CheckReduction(reduction, "nll_loss");
        int[] dims = input.Dims;
        int c = dims[input.Rank == 1 ? 0 : 1], inner = 1;
        for (int i = 2; i < dims.Length; i++) inner *= dims[i];
        double[]? w = weight?.ToArray<double>();
        var picked = new double[t.Length];   // −w[t]·x[n, t, s], 0 where ignored
        double total = 0;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == ignoreIndex) continue;
            double wi = w is null ? 1 : w[t[i]];
            picked[i] = -wi * input.GetDouble(XIndex(i, t[i], c, inner));
            total += wi;
        }
        var loss = ReducePerTarget(picked, targetShape, reduction, total, input.DType);
        if (!Node.NeedsGrad([input])) return loss;
        var tc = (int[])t.Clone();   // the caller may reuse its array
        return Node.Record(loss, "NllLossBackward0", [input], g =>
        {
            var dx = Tensor.Zeros(dims, input.DType);
            for (int i = 0; i < tc.Length; i++)
            {
                if (tc[i] == ignoreIndex) continue;
                double gi = reduction == Reduction.None ? g.GetDouble(i) : reduction == Reduction.Sum ? g.GetDouble(0) : g.GetDouble(0) / total;
                dx.SetDouble(XIndex(i, tc[i], c, inner), -(w is null ? 1 : w[tc[i]]) * gi);
            }
            // createGraph: the scatter is linear in g and its derivative is nll_loss itself (PyTorch's
            // NllLossBackwardBackward0: grad_output ← nll_loss(gg, target, weight)); it does not depend on the input.
            if (!GradMode.IsEnabled || !Node.NeedsGrad([g])) return [dx];
            return [Node.Record(dx, "NllLossBackwardBackward0", [g], gg => [NllCore(gg, tc, targetShape, weight, reduction, ignoreIndex)], differentiable: true)];
        }, saved: [input], differentiable: true);
    }

    /// <summary>Per-target losses as the result: themselves (None), their sum, or their sum / <paramref name="total"/> (Mean).</summary>
    private static Tensor ReducePerTarget(double[] per, int[] targetShape, Reduction reduction, double total, DType dtype)
    {
        if (reduction == Reduction.None)
        {
            var loss = Tensor.Uninitialized(dtype, targetShape);
            for (int i = 0; i < per.Length; i++) loss.SetDouble(i, per[i]);
            return loss;
        }
        double sum = 0;
        foreach (var v in per) sum += v;
        return Tensor.Full([], reduction == Reduction.Sum ? sum : sum / total, dtype);
    }

    /// <summary>The flat index of x[n, cls, s] for target element i = n·inner + s.</summary>
    private static int XIndex(int i, int cls, int c, int inner) => (i / inner * c + cls) * inner + i % inner;
}
