namespace Autograd.Nn;

/// <summary>
/// The batch norm layers (torch.nn.modules.batchnorm._BatchNorm): F.BatchNorm with the module's
/// running statistics. Buffers running_mean (zeros), running_var (ones) and num_batches_tracked (an int64
/// 0-dim counter), all persistent, under PyTorch's names so a state dict matches; with
/// trackRunningStats = false they are registered as null placeholders and batch statistics are used in
/// both modes. Weight (ones) and bias (zeros) when affine.
/// </summary>
/// <remarks>
/// Forward follows _BatchNorm.forward: in training with tracked stats num_batches_tracked += 1 first, and a
/// null momentum means a cumulative moving average (factor 1/num_batches_tracked); eval mode normalises
/// with the running stats.
/// </remarks>
public abstract class BatchNormBase : Module
{
    /// <summary>Shared set-up of BatchNorm1d/2d: weight (ones) and bias (zeros) when <paramref name="affine"/>, running statistics buffers when <paramref name="trackRunningStats"/>; a null <paramref name="momentum"/> means a cumulative average.</summary>
    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        string name = GetType().Name;
        if (numFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{name}: Trying to create tensor with negative dimension {numFeatures}: [{numFeatures}] (num_features)");
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"{name}: expected a floating point dtype for the parameters and running stats, got {dtype.ScalarTypeName()}", nameof(dtype));
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones([numFeatures], dtype)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros([numFeatures], dtype)) : null);
        RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Zeros([], DType.Int64) : null);
    }

    /// <summary>The number of features or channels C (<c>num_features</c>).</summary>
    public int NumFeatures { get; }
    /// <summary>The value added to the denominator for numerical stability (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>The running stats' update factor; null for a cumulative moving average.</summary>
    public double? Momentum { get; }
    /// <summary>Whether the module has a learnable weight and bias (<c>affine</c>).</summary>
    public bool Affine { get; }
    /// <summary>Whether running mean and variance are tracked and used in eval mode (<c>track_running_stats</c>).</summary>
    public bool TrackRunningStats { get; }
    /// <summary>The learnable weight (<c>weight</c>), or null when the module was built without one.</summary>
    public Parameter? Weight { get; }
    /// <summary>The learnable bias (<c>bias</c>), or null when the module was built without one.</summary>
    public Parameter? Bias { get; }
    // The buffers are read from the registry on every use, so a buffer replaced by name (a state dict
    // loaded with SetBuffer) is the one the layer normalises with.
    /// <summary>The running mean buffer (<c>running_mean</c>), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningMean => OwnBuffer("running_mean");
    /// <summary>The running (unbiased) variance buffer (<c>running_var</c>), or null without <see cref="TrackRunningStats"/>.</summary>
    public Tensor? RunningVar => OwnBuffer("running_var");
    /// <summary>How many training batches updated the running stats (int64, 0-dim).</summary>
    public Tensor? NumBatchesTracked => OwnBuffer("num_batches_tracked");

    private Tensor? OwnBuffer(string name)
    {
        foreach (var (n, b) in NamedBuffers())
            if (n == name) return b;
        return null;
    }

    /// <summary>The input rank check of the concrete layer (_check_input_dim).</summary>
    protected abstract void CheckInputDim(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputDim(input);
        double factor = Momentum ?? 0.0;
        Tensor? mean = RunningMean, var = RunningVar, count = NumBatchesTracked;
        if (Training && TrackRunningStats && count is not null)
        {
            long tracked = (long)count.Item() + 1;
            count.SetDouble(0, tracked);
            count.BumpVersion();
            if (Momentum is null) factor = 1.0 / tracked;
        }
        bool batchStats = Training || (mean is null && var is null);
        bool passStats = !Training || TrackRunningStats;
        return F.BatchNorm(input, passStats ? mean : null, passStats ? var : null, Weight?.Data, Bias?.Data, batchStats, factor, Eps);
    }

    /// <summary>running_mean ← 0, running_var ← 1, num_batches_tracked ← 0 (reset_running_stats).</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        if (RunningMean is { } m) NormFill.Fill(m, 0);
        if (RunningVar is { } v) NormFill.Fill(v, 1);
        if (NumBatchesTracked is { } n) NormFill.Fill(n, 0);
    }

    /// <summary>Resets the running stats, and weight to ones, bias to zeros when affine (reset_parameters).</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight is not null) NormFill.Fill(Weight.Data, 1);
        if (Bias is not null) NormFill.Fill(Bias.Data, 0);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={ActivationRepr.Float(Eps)}, momentum={(Momentum is { } m ? ActivationRepr.Float(m) : "None")}, affine={Py(Affine)}, track_running_stats={Py(TrackRunningStats)}";
}

/// <summary>torch.nn.BatchNorm1d: input (N, C) or (N, C, L).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input (got {input.Rank}D input)", nameof(input));
    }
}

/// <summary>torch.nn.BatchNorm2d: input (N, C, H, W).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4D input (got {input.Rank}D input)", nameof(input));
    }
}

/// <summary>torch.nn.BatchNorm3d: input (N, C, D, H, W).</summary>
public sealed class BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Rank != 5)
            throw new ArgumentException($"BatchNorm3d: expected 5D input (got {input.Rank}D input)", nameof(input));
    }
}

internal static class NormFill
{
    /// <summary>Fills a parameter or buffer in place outside the graph (init.ones_ / zeros_ / fill_ under no_grad).</summary>
    internal static void Fill(Tensor t, double value)
    {
        for (int i = 0; i < t.Numel; i++) t.SetDouble(i, value);
        t.BumpVersion();
    }
}
