namespace Autograd.Nn;

// The torch.nn loss modules. A loss takes two tensors, so it derives from Loss (torch.nn.modules.loss._Loss),
// whose one-tensor Forward throws. Class / element weights are buffers named as PyTorch's ("weight",
// "pos_weight"; a null buffer is a placeholder, as register_buffer(name, None)), so they follow the module
// in NamedBuffers and state dicts (a state-dict load copies into these tensors, so Forward sees it). Each module has a constructor
// taking the Reduction enum and one taking PyTorch's reduction string (Note [Loss reduction strings]);
// the arguments are validated when the module is constructed. Reprs print "BCELoss()" as PyTorch's do.

/// <summary>Base of the loss modules (torch.nn.modules.loss._Loss): Forward(input, target).</summary>
public abstract class Loss : Module
{
    /// <summary>Sets the reduction after checking it (<see cref="Reduction.BatchMean"/> only where <paramref name="allowBatchMean"/>).</summary>
    protected Loss(Reduction reduction, bool allowBatchMean = false)
    {
        if (!(allowBatchMean && reduction == Reduction.BatchMean)) F.CheckReduction(reduction, GetType().Name);
        Reduction = reduction;
    }

    /// <summary>The reduction (loss.reduction).</summary>
    public Reduction Reduction { get; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Same as <see cref="Forward(Tensor, Tensor)"/>, mirroring PyTorch's <c>loss_fn(input, target)</c>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <summary>A loss needs a target: always throws.</summary>
    public sealed override Tensor Forward(Tensor input)
        => throw new NotSupportedException($"{GetType().Name} takes an input and a target: call Forward(input, target) or Call(input, target)");

    /// <summary>Reads PyTorch's reduction string ("mean", "sum", "none", and "batchmean" where allowed) for <paramref name="module"/>'s constructor.</summary>
    protected static Reduction Parse(string reduction, string module, bool allowBatchMean = false) => F.ParseReduction(reduction, module, allowBatchMean);

    /// <summary>Checks an optional weight tensor: floating point, and 1-D (one weight per class) when <paramref name="classWeights"/>.</summary>
    protected static Tensor? FloatWeight(Tensor? weight, string module, string name, bool classWeights)
    {
        if (weight is null) return null;
        if (!weight.DType.IsFloatingPoint())
            throw new ArgumentException($"{module}: {name} must be a floating-point tensor, got {weight.DType.ScalarTypeName()}", name);
        if (classWeights && weight.Rank != 1)
            throw new ArgumentException($"{module}: {name} must be a 1-D tensor of class weights (C), got shape {ShapeUtil.Format(weight.Shape)}", name);
        return weight;
    }
}

/// <summary>torch.nn.BCELoss: binary cross entropy of probabilities (F.BinaryCrossEntropy).</summary>
public sealed class BCELoss : Loss
{
    /// <summary><c>nn.BCELoss(weight, reduction)</c>: <paramref name="weight"/> rescales each element's loss.</summary>
    public BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : base(reduction)
        => Weight = RegisterBuffer("weight", FloatWeight(weight, nameof(BCELoss), nameof(weight), classWeights: false));

    /// <summary><c>nn.BCELoss(weight, reduction="mean"/"sum"/"none")</c> with PyTorch's reduction string.</summary>
    public BCELoss(string reduction, Tensor? weight = null) : this(weight, Parse(reduction, nameof(BCELoss))) { }

    /// <summary>The weight buffer (loss.weight).</summary>
    public Tensor? Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>torch.nn.BCEWithLogitsLoss: sigmoid and binary cross entropy in one stable op (F.BinaryCrossEntropyWithLogits).</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    /// <summary><c>nn.BCEWithLogitsLoss(weight, reduction, pos_weight)</c>: <paramref name="posWeight"/> weighs the positive term per class.</summary>
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : base(reduction)
    {
        Weight = RegisterBuffer("weight", FloatWeight(weight, nameof(BCEWithLogitsLoss), nameof(weight), classWeights: false));
        PosWeight = RegisterBuffer("pos_weight", FloatWeight(posWeight, nameof(BCEWithLogitsLoss), "pos_weight", classWeights: false));
    }

    /// <summary><c>nn.BCEWithLogitsLoss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public BCEWithLogitsLoss(string reduction, Tensor? weight = null, Tensor? posWeight = null)
        : this(weight, Parse(reduction, nameof(BCEWithLogitsLoss)), posWeight) { }

    /// <summary>The weight buffer (loss.weight).</summary>
    public Tensor? Weight { get; }

    /// <summary>The pos_weight buffer (loss.pos_weight).</summary>
    public Tensor? PosWeight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

/// <summary>torch.nn.L1Loss: mean absolute error.</summary>
public sealed class L1Loss : Loss
{
    /// <summary><c>nn.L1Loss(reduction)</c>: mean (or sum, or none) of |input - target|.</summary>
    public L1Loss(Reduction reduction = Reduction.Mean) : base(reduction) { }

    /// <summary><c>nn.L1Loss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public L1Loss(string reduction) : this(Parse(reduction, nameof(L1Loss))) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}

/// <summary>torch.nn.MSELoss: mean squared error.</summary>
public sealed class MSELoss : Loss
{
    /// <summary><c>nn.MSELoss(reduction)</c>: mean (or sum, or none) of (input - target)².</summary>
    public MSELoss(Reduction reduction = Reduction.Mean) : base(reduction) { }

    /// <summary><c>nn.MSELoss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public MSELoss(string reduction) : this(Parse(reduction, nameof(MSELoss))) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}

/// <summary>torch.nn.SmoothL1Loss (beta ≥ 0; beta = 0 is L1).</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary><c>nn.SmoothL1Loss(reduction, beta)</c>: quadratic below |d| = <paramref name="beta"/>, linear above.</summary>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : base(reduction)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "SmoothL1Loss: smooth_l1_loss does not support negative values for beta.");
        Beta = beta;
    }

    /// <summary><c>nn.SmoothL1Loss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public SmoothL1Loss(string reduction, double beta = 1.0) : this(Parse(reduction, nameof(SmoothL1Loss)), beta) { }

    /// <summary>The threshold between the quadratic and the linear part (<c>beta</c>).</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>torch.nn.HuberLoss (delta &gt; 0).</summary>
public sealed class HuberLoss : Loss
{
    /// <summary><c>nn.HuberLoss(reduction, delta)</c>: quadratic below |d| = <paramref name="delta"/>, linear (slope delta) above.</summary>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : base(reduction)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: huber_loss does not support non-positive values for delta.");
        Delta = delta;
    }

    /// <summary><c>nn.HuberLoss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public HuberLoss(string reduction, double delta = 1.0) : this(Parse(reduction, nameof(HuberLoss)), delta) { }

    /// <summary>The threshold between the quadratic and the linear part (<c>delta</c>).</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>torch.nn.KLDivLoss: input holds log-probabilities; reduction may be BatchMean ("batchmean").</summary>
public sealed class KLDivLoss : Loss
{
    /// <summary><c>nn.KLDivLoss(reduction, log_target)</c>: input holds log-probabilities; the target probabilities, or log-probabilities when <paramref name="logTarget"/>.</summary>
    public KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : base(reduction, allowBatchMean: true) => LogTarget = logTarget;

    /// <summary><c>nn.KLDivLoss</c> with PyTorch's reduction string ("mean", "batchmean", "sum", "none").</summary>
    public KLDivLoss(string reduction, bool logTarget = false) : this(Parse(reduction, nameof(KLDivLoss), allowBatchMean: true), logTarget) { }

    /// <summary>Whether the target holds log-probabilities (<c>log_target</c>).</summary>
    public bool LogTarget { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.KlDiv(input, target, Reduction, LogTarget);
}

/// <summary>torch.nn.NLLLoss: negative log likelihood of log-probabilities with class-index targets.</summary>
public sealed class NLLLoss : Loss
{
    /// <summary><c>nn.NLLLoss(weight, ignore_index, reduction)</c>: input holds log-probabilities (N, C, ...), target class indices; <paramref name="weight"/> has one entry per class.</summary>
    public NLLLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        Weight = RegisterBuffer("weight", FloatWeight(weight, nameof(NLLLoss), nameof(weight), classWeights: true));
        IgnoreIndex = ignoreIndex;
    }

    /// <summary><c>nn.NLLLoss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public NLLLoss(string reduction, Tensor? weight = null, int ignoreIndex = -100) : this(weight, ignoreIndex, Parse(reduction, nameof(NLLLoss))) { }

    /// <summary>The weight buffer (loss.weight).</summary>
    public Tensor? Weight { get; }

    /// <summary>Targets equal to this class index contribute no loss and no gradient (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>torch.nn.CrossEntropyLoss: log_softmax and nll_loss, with class weights, ignore_index, label smoothing and probability targets.</summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary><c>nn.CrossEntropyLoss(weight, ignore_index, reduction, label_smoothing)</c>: log-softmax of the logits and NLL in one; targets are class indices or class probabilities.</summary>
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0) : base(reduction)
    {
        // PyTorch checks label_smoothing only at forward and only ε > 1; here both ends fail at construction
        // except a negative ε, which PyTorch silently treats as 0 (Note [Negative label smoothing]).
        if (labelSmoothing > 1.0 || double.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        Weight = RegisterBuffer("weight", FloatWeight(weight, nameof(CrossEntropyLoss), nameof(weight), classWeights: true));
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary><c>nn.CrossEntropyLoss</c> with PyTorch's reduction string ("mean", "sum", "none").</summary>
    public CrossEntropyLoss(string reduction, Tensor? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0)
        : this(weight, ignoreIndex, Parse(reduction, nameof(CrossEntropyLoss)), labelSmoothing) { }

    /// <summary>The weight buffer (loss.weight).</summary>
    public Tensor? Weight { get; }

    /// <summary>Targets equal to this class index contribute no loss and no gradient (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; }

    /// <summary>The amount of smoothing in [0, 1]: the target mixes with the uniform distribution (<c>label_smoothing</c>).</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}
