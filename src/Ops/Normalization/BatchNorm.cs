using System.Numerics;

namespace Autograd;

// batch_norm over input (N, C, *): statistics per channel c over the M = N·(*) elements of it.
//   training: μ_c = mean, σ²_c = biased variance of the batch, y = (x − μ)/√(σ² + eps)·w + b, and the
//             running stats are updated in place: rm ← (1 − m)·rm + m·μ, rv ← (1 − m)·rv + m·σ²·M/(M − 1)
//             (the unbiased variance, as PyTorch);
//   eval:     μ, σ² are the running stats (constants).
// Backward (NativeBatchNormBackward0), x̂ = (x − μ)·rstd, rstd = 1/√(σ² + eps), sums over (N, *):
//   training: dx = w·rstd·(g − mean(g) − x̂·mean(g·x̂));   eval: dx = g·w·rstd
//   dw = Σ g·x̂,  db = Σ g
// The fast path is NormKernels' plane kernel (Note [Plane normalisation]). Under createGraph the same
// gradients are written with recorded ops from x, w and g, statistics recomputed from x as recorded ops
// in training, so they differentiate again (Note [Double backward]). The running stats are not
// differentiable (PyTorch: non_differentiable).
public static partial class F
{
    /// <summary>torch.nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps).</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloating("batch_norm", nameof(input));
        if (input.Rank < 2)
            throw new ArgumentException($"batch_norm: expected input with at least 2 dims (N, C, *), got input of size {ShapeUtil.Format(input.Shape)}", nameof(input));
        int n = input.Dims[0], c = input.Dims[1], s = ShapeUtil.Numel(input.Dims[2..]);
        CheckChannelVector(runningMean, "running_mean", c, input.DType, "batch_norm");
        CheckChannelVector(runningVar, "running_var", c, input.DType, "batch_norm");
        CheckChannelVector(weight, "weight", c, input.DType, "batch_norm");
        CheckChannelVector(bias, "bias", c, input.DType, "batch_norm");
        long m = (long)n * s;
        if (training && m == 1)
            throw new ArgumentException($"batch_norm: Expected more than 1 value per channel when training, got input size {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException("batch_norm: running_mean and running_var must be defined in evaluation mode", runningMean is null ? nameof(runningMean) : nameof(runningVar));

        var p = new PlaneGroups(c, n, 1, c, c, s);
        var mean = new double[c];
        var var = new double[c];
        if (training)
        {
            if (input.DType == DType.Float32) NormKernels.PlaneStats(input.Array<float>(), p, mean, var);
            else NormKernels.PlaneStats(input.Array<double>(), p, mean, var);
            if (m > 0) UpdateRunningStats(runningMean, runningVar, mean, var, m, momentum);
        }
        else
            for (int k = 0; k < c; k++) { mean[k] = runningMean!.GetDouble(k); var[k] = runningVar!.GetDouble(k); }
        var rstd = new double[c];
        for (int k = 0; k < c; k++) rstd[k] = 1 / Math.Sqrt(var[k] + eps);

        var y = Tensor.Uninitialized(input.DType, input.Dims);
        if (input.DType == DType.Float32) NormKernels.PlaneApply(input.Array<float>(), weight?.Array<float>(), bias?.Array<float>(), y.Array<float>(), p, mean, rstd);
        else NormKernels.PlaneApply(input.Array<double>(), weight?.Array<double>(), bias?.Array<double>(), y.Array<double>(), p, mean, rstd);

        Tensor[] inputs = [input, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        if (!Node.NeedsGrad(inputs)) return y;
        bool gx = input.RequiresGrad, gw = weight?.RequiresGrad ?? false, gb = bias?.RequiresGrad ?? false;
        // Eval mode differentiates through the running stats' values at this call (PyTorch saves them).
        Tensor? rm = training ? null : runningMean!.CloneData(), rv = training ? null : runningVar!.CloneData();
        return Node.Record(y, "NativeBatchNormBackward0", inputs, g =>
        {
            Tensor? dx, dw, db;
            if (GradMode.IsEnabled) (dx, dw, db) = BatchNormGrad(g, input, weight, bias?.Dims, rm, rv, training, eps, gx, gw, gb);
            else
            {
                dx = gx ? Tensor.Uninitialized(input.DType, input.Dims) : null;
                dw = gw ? Tensor.Uninitialized(input.DType, [c]) : null;
                db = gb ? Tensor.Uninitialized(input.DType, [c]) : null;
                if (input.DType == DType.Float32)
                    NormKernels.PlaneBackward(g.Array<float>(), input.Array<float>(), weight?.Array<float>(), p, mean, rstd, training, dx?.Array<float>(), dw?.Array<float>(), db?.Array<float>());
                else
                    NormKernels.PlaneBackward(g.Array<double>(), input.Array<double>(), weight?.Array<double>(), p, mean, rstd, training, dx?.Array<double>(), dw?.Array<double>(), db?.Array<double>());
                if (dw is not null && weight!.Rank != 1) dw = new Tensor(dw.Storage, weight.Dims);
                if (db is not null && bias!.Rank != 1) db = new Tensor(db.Storage, bias.Dims);
            }
            return [dx, .. weight is null ? Array.Empty<Tensor?>() : [dw], .. bias is null ? Array.Empty<Tensor?>() : [db]];
        }, saved: [input, weight], differentiable: true);
    }

    /// <summary>
    /// The batch_norm gradients with recorded ops (Note [Double backward]); in training μ and σ² are
    /// recomputed from x as recorded ops, in eval they are the saved running stats.
    /// </summary>
    private static (Tensor? Dx, Tensor? Dw, Tensor? Db) BatchNormGrad(Tensor g, Tensor x, Tensor? weight, int[]? biasShape, Tensor? rm, Tensor? rv,
        bool training, double eps, bool gx, bool gw, bool gb)
    {
        int n = x.Dims[0], c = x.Dims[1], s = ShapeUtil.Numel(x.Dims[2..]);
        int[] dims = [0, 2];
        var x3 = Reshape(x, [n, c, s]);
        var g3 = Reshape(g, [n, c, s]);
        Tensor mu, rstd;
        if (training)
        {
            mu = Mean(x3, dims, keepDim: true);
            rstd = Rsqrt(Add(Mean(Square(Sub(x3, mu)), dims, keepDim: true), eps));
        }
        else
        {
            mu = Reshape(rm!, [1, c, 1]);
            rstd = Rsqrt(Add(Reshape(rv!, [1, c, 1]), eps));
        }
        var xhat = Mul(Sub(x3, mu), rstd);
        Tensor? dx = null;
        if (gx)
        {
            var scale = weight is null ? rstd : Mul(Reshape(weight, [1, c, 1]), rstd);
            var inner = training ? Sub(Sub(g3, Mean(g3, dims, keepDim: true)), Mul(xhat, Mean(Mul(g3, xhat), dims, keepDim: true))) : g3;
            dx = Reshape(Mul(scale, inner), x.Dims);
        }
        var dw = gw ? Reshape(Sum(Mul(g3, xhat), dims), weight!.Dims) : null;
        var db = gb ? Reshape(Sum(g3, dims), biasShape!) : null;
        return (dx, dw, db);
    }

    private static Tensor Square(Tensor t) => Mul(t, t);

    // Note [Running stats versions]: libtorch's kernel writes the running stats without bumping their
    // version (native_batch_norm's schema does not mark them as written). We bump it: the counter is the
    // storage's honest write count, and no node of ours saves the running stats (eval mode's backward keeps a
    // copy of their values), so a training step never invalidates a pending backward; a graph that read the
    // running stats directly (as ordinary inputs) before the update is refused, where PyTorch would silently
    // use the new values.
    /// <summary>rm ← (1 − m)·rm + m·μ, rv ← (1 − m)·rv + m·σ²·M/(M − 1), in place (bumping the versions).</summary>
    private static void UpdateRunningStats(Tensor? runningMean, Tensor? runningVar, double[] mean, double[] var, long m, double momentum)
    {
        if (runningMean is not null)
        {
            for (int k = 0; k < mean.Length; k++) runningMean.SetDouble(k, (1 - momentum) * runningMean.GetDouble(k) + momentum * mean[k]);
            runningMean.BumpVersion();
        }
        if (runningVar is not null)
        {
            double unbias = (double)m / (m - 1);
            for (int k = 0; k < var.Length; k++) runningVar.SetDouble(k, (1 - momentum) * runningVar.GetDouble(k) + momentum * var[k] * unbias);
            runningVar.BumpVersion();
        }
    }

    /// <summary>A per-channel vector (running stats, weight, bias) must hold exactly <paramref name="channels"/> floats of the input's dtype.</summary>
    private static void CheckChannelVector(Tensor? t, string name, int channels, DType dtype, string op)
    {
        if (t is null) return;
        if (t.Numel != channels)
            throw new ArgumentException($"{op}: {name} should contain {channels} elements not {t.Numel}", name);
        if (t.DType != dtype)
            throw new ArgumentException($"{op}: expected {name} to have the input's dtype {dtype.ScalarTypeName()}, got {t.DType.ScalarTypeName()}", name);
    }
}
