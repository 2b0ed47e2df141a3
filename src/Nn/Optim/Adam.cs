using System.Numerics;

namespace Autograd.Nn.Optim;

/// <summary>
/// Adam with bias correction, L2 weight decay and optional AMSGrad (torch.optim.Adam, the torch 2.x
/// single-tensor rule, evaluated elementwise in the parameter's dtype).
/// </summary>
/// <remarks>
/// At step t (counted per parameter, from 1), for parameter p with gradient g:
/// <code>
/// g = maximize ? -g : g;   if weight_decay != 0: g = g + weight_decay·p     // L2, not AdamW's decoupled decay
/// m = lerp(m, g, 1 − β1)                                                   // exp_avg.lerp_(grad, 1 − β1)
/// v = β2·v + (1 − β2)·g²
/// vmax = max(vmax, v) when amsgrad, else v
/// p = p − (lr / (1 − β1^t)) · m / (√vmax / √(1 − β2^t) + eps)
/// </code>
/// State: "step" (0-dim float32), "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (amsgrad).
/// </remarks>
public sealed class Adam : Optimizer
{
    /// <summary><c>torch.optim.Adam</c> over parameter groups (each group's own options override these defaults); <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, AdamRule.Defaults("Adam", lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize), "Adam") { }

    /// <summary><c>torch.optim.Adam(params, lr, betas, eps, weight_decay, amsgrad, maximize)</c>; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Parameters of a module, e.g. <c>new Adam(model.Parameters(), lr: 1e-3)</c>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(DataOf(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary>Group 0's options.</summary>
    public double Beta1 => ParamGroups[0].GetBetas().Beta1;
    /// <summary>The decay rate of the second-moment average (<c>betas[1]</c>) of the first group.</summary>
    public double Beta2 => ParamGroups[0].GetBetas().Beta2;
    /// <summary>The term added to the denominator for stability (<c>eps</c>) of the first group.</summary>
    public double Eps => ParamGroups[0].GetDouble("eps");
    /// <summary>The L2 penalty added to the gradient (<c>weight_decay</c>) of the first group.</summary>
    public double WeightDecay => ParamGroups[0].GetDouble("weight_decay");
    /// <summary>Whether the AMSGrad variant (maximum of past second moments) is used (<c>amsgrad</c>), first group.</summary>
    public bool AmsGrad => ParamGroups[0].GetBool("amsgrad");
    /// <summary>Whether the objective is maximized instead of minimized (<c>maximize</c>), first group.</summary>
    public bool Maximize => ParamGroups[0].GetBool("maximize");

    /// <summary>Steps taken by parameter <paramref name="index"/> (state["step"]).</summary>
    public long ParameterStep(int index) => StateOf(Params[index]).TryGetValue("step", out var s) ? (long)s.Item() : 0;

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state)
        => AdamRule.Update(group, param, grad, state, decoupled: false);
}

/// <summary>
/// AdamW: Adam with decoupled weight decay (torch.optim.AdamW, the torch 2.x single-tensor rule):
/// before the Adam update, <c>p = p·(1 − lr·weight_decay)</c> and the gradient is not decayed.
/// Default weight_decay = 0.01.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary><c>torch.optim.AdamW</c> over parameter groups; decoupled weight decay (default 1e-2).</summary>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, AdamRule.Defaults("AdamW", lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize), "AdamW") { }

    /// <summary><c>torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad, maximize)</c>: Adam with decoupled weight decay (default 1e-2).</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(OneGroup(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <summary><c>torch.optim.AdamW</c> over a module's parameters (<c>model.Parameters()</c>).</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(DataOf(parameters), lr, betas, eps, weightDecay, amsgrad, maximize) { }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state)
        => AdamRule.Update(group, param, grad, state, decoupled: true);
}

/// <summary>The update shared by Adam and AdamW.</summary>
internal static class AdamRule
{
    internal static Dictionary<string, object> Defaults(string name, double lr, (double, double) betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        OptimMath.CheckLr(lr, name);
        OptimMath.NonNegative(eps, "epsilon value", name, nameof(eps));
        OptimMath.CheckBetas(betas, name);
        OptimMath.NonNegative(weightDecay, "weight_decay value", name, nameof(weightDecay));
        return new() { ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad, ["maximize"] = maximize };
    }

    internal static void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state, bool decoupled)
    {
        bool amsgrad = group.GetBool("amsgrad");
        if (!state.ContainsKey("exp_avg"))
        {
            state["step"] = Tensor.Scalar(0.0, DType.Float32);
            state["exp_avg"] = Optimizer.StateZeros(param);
            state["exp_avg_sq"] = Optimizer.StateZeros(param);
            if (amsgrad) state["max_exp_avg_sq"] = Optimizer.StateZeros(param);
        }
        if (amsgrad && !state.ContainsKey("max_exp_avg_sq")) state["max_exp_avg_sq"] = Optimizer.StateZeros(param);
        double step = OptimMath.IncrementStep(state);
        if (param.DType == DType.Float32) Kernel<float>(group, param, grad, state, step, decoupled, amsgrad);
        else Kernel<double>(group, param, grad, state, step, decoupled, amsgrad);
    }

    private static void Kernel<T>(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state, double step, bool decoupled, bool amsgrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lr = group.Lr, weightDecay = group.GetDouble("weight_decay"), epsD = group.GetDouble("eps");
        var (beta1, beta2) = group.GetBetas();
        bool maximize = group.GetBool("maximize");
        Span<T> p = param.Span<T>(), m = state["exp_avg"].Span<T>(), v = state["exp_avg_sq"].Span<T>();
        Span<T> vmax = amsgrad ? state["max_exp_avg_sq"].Span<T>() : default;
        ReadOnlySpan<T> g = grad.Span<T>();
        // Scalars as PyTorch computes them: in double (Python floats), then used as the tensor's scalar type.
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        T negStepSize = T.CreateChecked(-(lr / biasCorrection1));
        T bc2Sqrt = T.CreateChecked(Math.Sqrt(biasCorrection2));
        T b2 = T.CreateChecked(beta2), w1 = T.CreateChecked(1 - beta1), oneMinusB2 = T.CreateChecked(1 - beta2);
        T wd = T.CreateChecked(weightDecay), eps = T.CreateChecked(epsD), decay = T.CreateChecked(1 - lr * weightDecay);
        bool l2 = !decoupled && weightDecay != 0, decoupledDecay = decoupled && weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (decoupledDecay) p[i] *= decay;          // param.mul_(1 − lr·wd)
            if (l2) gi += wd * p[i];                   // grad.add(param, alpha=wd)
            m[i] = OptimMath.Lerp(m[i], gi, w1);
            v[i] = v[i] * b2 + oneMinusB2 * gi * gi;   // mul_(β2).addcmul_(g, g, value=1−β2)
            T second = v[i];
            if (amsgrad) second = vmax[i] = T.Max(vmax[i], v[i]);
            T denom = T.Sqrt(second) / bc2Sqrt + eps;
            p[i] += negStepSize * m[i] / denom;        // addcdiv_: p + (value·m)/denom
        }
    }
}
