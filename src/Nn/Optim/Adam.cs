using System.Numerics;

namespace Autograd.Nn.Optim;

/// <summary>
/// Adam with bias correction, L2 weight decay and optional AMSGrad (torch.optim.Adam, the 1.13
/// single-tensor rule, evaluated elementwise in the parameter's dtype).
/// </summary>
/// <remarks>
/// At step t (counted per parameter, from 1), for parameter p with gradient g:
/// <code>
/// g = maximize ? -g : g;   if weightDecay != 0: g = g + weightDecay·p     // L2, not AdamW's decoupled decay
/// m = β1·m + (1 − β1)·g
/// v = β2·v + (1 − β2)·g²
/// vmax = max(vmax, v) when amsgrad, else v
/// p = p − (lr / (1 − β1^t)) · m / (√vmax / √(1 − β2^t) + eps)
/// </code>
/// </remarks>
public sealed class Adam : Optimizer
{
    private readonly State?[] _state;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, "Adam")
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        if (!(b1 >= 0 && b1 < 1)) throw new ArgumentOutOfRangeException(nameof(betas), b1, $"Adam: Invalid beta parameter at index 0: {b1}");
        if (!(b2 >= 0 && b2 < 1)) throw new ArgumentOutOfRangeException(nameof(betas), b2, $"Adam: Invalid beta parameter at index 1: {b2}");
        Eps = NonNegative(eps, "epsilon value", "Adam", nameof(eps));
        WeightDecay = NonNegative(weightDecay, "weight_decay value", "Adam", nameof(weightDecay));
        Beta1 = b1;
        Beta2 = b2;
        AmsGrad = amsgrad;
        Maximize = maximize;
        _state = new State?[Params.Count];
    }

    /// <summary>Parameters of a module, e.g. <c>new Adam(model.Parameters(), lr: 1e-3)</c>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(parameters.Select(p => p.Data), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    public bool AmsGrad { get; }
    public bool Maximize { get; }

    /// <summary>Steps taken by parameter <paramref name="index"/> (state["step"]).</summary>
    public long ParameterStep(int index) => _state[index]?.Step ?? 0;

    /// <summary>Per-parameter state: moments in the parameter's element type.</summary>
    private sealed class State(Array expAvg, Array expAvgSq, Array? maxExpAvgSq)
    {
        public long Step;
        public readonly Array ExpAvg = expAvg, ExpAvgSq = expAvgSq;
        public readonly Array? MaxExpAvgSq = maxExpAvgSq;
    }

    protected override void Update(int index, Tensor param, Tensor grad)
    {
        if (param.DType == DType.Float32) Kernel<float>(index, param.Span<float>(), grad.Span<float>());
        else Kernel<double>(index, param.Span<double>(), grad.Span<double>());
    }

    private void Kernel<T>(int index, Span<T> p, ReadOnlySpan<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = _state[index] ??= new State(new T[p.Length], new T[p.Length], AmsGrad ? new T[p.Length] : null);
        long step = ++s.Step;
        var m = (T[])s.ExpAvg;
        var v = (T[])s.ExpAvgSq;
        var vmax = (T[]?)s.MaxExpAvgSq;
        // Scalars as PyTorch computes them: in double, then used as the tensor's scalar type.
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        T negStepSize = T.CreateChecked(-(LearningRate / biasCorrection1));
        T bc2Sqrt = T.CreateChecked(Math.Sqrt(biasCorrection2));
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2);
        T oneMinusB1 = T.CreateChecked(1 - Beta1), oneMinusB2 = T.CreateChecked(1 - Beta2);
        T wd = T.CreateChecked(WeightDecay), eps = T.CreateChecked(Eps);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = Maximize ? -g[i] : g[i];
            if (WeightDecay != 0) gi += wd * p[i];
            m[i] = m[i] * b1 + oneMinusB1 * gi;
            v[i] = v[i] * b2 + oneMinusB2 * gi * gi;
            T second = v[i];
            if (vmax is not null) second = vmax[i] = T.Max(vmax[i], v[i]);
            T denom = T.Sqrt(second) / bc2Sqrt + eps;
            p[i] += negStepSize * m[i] / denom; // addcdiv_: p + (value·m)/denom
        }
    }
}
