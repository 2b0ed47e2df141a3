using System.Numerics;

namespace Autograd;

// cross_entropy(x, t) = nll_loss(log_softmax(x, classDim), t)  (two nodes, as in PyTorch)
// nll_loss: loss[n] = -x[n, t[n]] (0 where t[n] == ignoreIndex);
//   Mean = Σ loss / (number of non-ignored targets), Sum = Σ loss, None = loss per sample.
//   dX[n, t[n]] = -dY[n] (None), -dY (Sum) or -dY / count (Mean); every other entry is 0.
//   That scatter is linear in dY and its derivative is nll_loss again: d⟨gg, dX⟩/d dY = nll_loss(gg, t)
//   (NllLossBackwardBackward0 under createGraph); it does not depend on the input.
// cross_entropy with class probabilities (a float target shaped like the input):
//   loss[n] = -Σ_c t[n, c] · log_softmax(x)[n, c], reduced by mean over n, sum, or none; recorded as
//   those ops, so both x and a target that requires grad get their gradients (and double backward).
public static partial class F
{
    /// <summary>
    /// torch.nn.functional.cross_entropy with a target tensor: int64 (or int32) class indices of shape (N)
    /// (0-dim for a (C) input), or float class probabilities shaped like the input.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.DType.IsFloatingPoint()) return CrossEntropy(input, ClassIndices(input, target, "cross_entropy"), reduction, ignoreIndex);
        if (!ShapeUtil.SameShape(input.Shape, target.Shape))
            throw new ArgumentException($"cross_entropy: Expected target size {ShapeUtil.Format(input.Shape)}, got {ShapeUtil.Format(target.Shape)} (class probabilities must be shaped like the input)", nameof(target));
        if (input.Rank is not (1 or 2))
            throw new ArgumentException($"cross_entropy: input must be (C) or (N, C) scores, got shape {ShapeUtil.Format(input.Shape)}", nameof(input));
        int classDim = input.Rank == 1 ? 0 : 1;
        var perSample = Neg(Sum(Mul(LogSoftmax(input, classDim), target), [classDim]));
        return reduction switch
        {
            Reduction.None => perSample,
            Reduction.Sum => Sum(perSample),
            _ => input.Rank == 1 ? perSample : Div(Sum(perSample), input.Dims[0]),
        };
    }

    /// <summary>torch.nn.functional.nll_loss with an int64 (or int32) target tensor of class indices.</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(target);
        return NllLoss(input, ClassIndices(input, target, "nll_loss"), reduction, ignoreIndex);
    }

    /// <summary>A class-index target tensor as int[] (values beyond int become out-of-bounds targets, reported as such).</summary>
    private static int[] ClassIndices(Tensor input, Tensor target, string op)
    {
        if (target.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}: expected scalar type Long but found {target.DType.ScalarTypeName()} (class-index targets are int64 or int32; class probabilities are floating point)", nameof(target));
        int want = input.Rank == 1 ? 0 : 1;
        if (target.Rank != want)
            throw new ArgumentException(input.Rank == 1
                ? $"{op}: a (C) input takes a 0-dim target, got shape {ShapeUtil.Format(target.Shape)}"
                : $"{op}: 1D target tensor expected, multi-target not supported (target shape {ShapeUtil.Format(target.Shape)})", nameof(target));
        var flat = target.ToArray<long>();
        var r = new int[flat.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (int)Math.Clamp(flat[i], int.MinValue, int.MaxValue);
        return r;
    }

    /// <summary>
    /// torch.nn.functional.cross_entropy with class-index targets: <paramref name="input"/> holds logits of
    /// shape (N, C) or (C); <paramref name="target"/> one class per sample (length N, or 1 for a (C) input).
    /// A target equal to <paramref name="ignoreIndex"/> (PyTorch's default -100) contributes nothing.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        CheckClassTargets(input, target, ignoreIndex, "cross_entropy");
        return NllLoss(LogSoftmax(input, input.Rank == 1 ? 0 : 1), target, reduction, ignoreIndex);
    }

    /// <summary>torch.nn.functional.nll_loss: <paramref name="input"/> holds log-probabilities (N, C) or (C).</summary>
    public static Tensor NllLoss(Tensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        CheckClassTargets(input, target, ignoreIndex, "nll_loss");
        int n = input.Rank == 1 ? 1 : input.Dims[0], c = input.Dims[^1];
        int count = target.Count(t => t != ignoreIndex);
        var picked = new double[n];   // -x[i, t[i]], or 0 when ignored
        for (int i = 0; i < n; i++)
            if (target[i] != ignoreIndex) picked[i] = -input.GetDouble(i * c + target[i]);

        Tensor loss;
        if (reduction == Reduction.None)
        {
            loss = Tensor.Empty(input.DType, input.Rank == 1 ? [] : [n]);
            for (int i = 0; i < n; i++) loss.SetDouble(i, picked[i]);
        }
        else
        {
            double sum = 0;
            foreach (var v in picked) sum += v;
            loss = Tensor.Full([], reduction == Reduction.Sum ? sum : sum / count, input.DType);
        }
        if (!Node.NeedsGrad([input])) return loss;
        var t = (int[])target.Clone();   // the caller may reuse its array
        int[] shape = input.Dims;
        return Node.Record(loss, "NllLossBackward0", [input], g =>
        {
            var dx = NllLossBackward(g, input.DType, shape, t, reduction, ignoreIndex, count);
            // createGraph: the scatter is linear in g and its derivative is nll_loss itself (PyTorch's
            // NllLossBackwardBackward0: grad_output ← nll_loss(gg, target)); it does not depend on the input.
            if (!GradMode.IsEnabled || !Node.NeedsGrad([g])) return [dx];
            return [Node.Record(dx, "NllLossBackwardBackward0", [g], gg => [NllLoss(gg, t, reduction, ignoreIndex)], differentiable: true)];
        }, saved: [input], differentiable: true);
    }

    /// <summary>nll_loss_backward: dX[n, t[n]] = -dY[n] (None), -dY (Sum) or -dY / count (Mean), 0 elsewhere.</summary>
    private static Tensor NllLossBackward(Tensor g, DType dtype, int[] shape, int[] t, Reduction reduction, int ignoreIndex, int count)
    {
        int c = shape[^1];
        var dx = Tensor.Empty(dtype, shape);
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == ignoreIndex) continue;
            double gi = reduction == Reduction.None ? g.GetDouble(i) : reduction == Reduction.Sum ? g.GetDouble(0) : g.GetDouble(0) / count;
            dx.SetDouble(i * c + t[i], -gi);
        }
        return dx;
    }

    /// <summary>Checks shapes and class indices before any work, with PyTorch's wording.</summary>
    private static void CheckClassTargets(Tensor input, int[] target, int ignoreIndex, string op)
    {
        ArgumentNullException.ThrowIfNull(target);
        input.RequireFloating(op, nameof(input));
        if (input.Rank is not (1 or 2))
            throw new ArgumentException($"{op}: input must be (C) or (N, C) scores, got shape {ShapeUtil.Format(input.Shape)}", nameof(input));
        int n = input.Rank == 1 ? 1 : input.Dims[0], c = input.Dims[^1];
        if (target.Length != n)
            throw new ArgumentException(input.Rank == 1
                ? $"{op}: a (C) input takes exactly one target, got {target.Length}"
                : $"{op}: Expected input batch_size ({n}) to match target batch_size ({target.Length}).", nameof(target));
        for (int i = 0; i < n; i++)
            if (target[i] != ignoreIndex && (target[i] < 0 || target[i] >= c))
                throw new ArgumentOutOfRangeException(nameof(target), $"{op}: Target {target[i]} is out of bounds (target[{i}]; " +
                    (c == 0 ? "the input has 0 classes, so only ignore_index targets are valid)." : $"classes are 0..{c - 1})."));
    }
}
