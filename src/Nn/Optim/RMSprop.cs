using System.Numerics;

namespace Autograd.Nn.Optim;

/// <summary>
/// RMSprop (torch.optim.RMSprop, the torch 2.x single-tensor rule, elementwise in the parameter's dtype).
/// </summary>
/// <remarks>
/// <code>
/// g = maximize ? -g : g;   if weight_decay != 0: g = g + weight_decay·p
/// sq = α·sq + (1 − α)·g²
/// centered: ga = lerp(ga, g, 1 − α);  avg = √(sq − ga²) + eps      else avg = √sq + eps
/// momentum > 0: buf = momentum·buf + g/avg;  p = p − lr·buf         else p = p − lr·g/avg
/// </code>
/// State: "step", "square_avg", "momentum_buffer" (momentum > 0), "grad_avg" (centered).
/// </remarks>
public sealed class RMSprop : Optimizer
{
    /// <summary><c>torch.optim.RMSprop</c> over parameter groups (each group's own options override these defaults).</summary>
    public RMSprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize), "RMSprop") { }

    /// <summary><c>torch.optim.RMSprop(params, lr, alpha, eps, weight_decay, momentum, centered, maximize)</c>.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this(OneGroup(parameters), lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    /// <summary><c>torch.optim.RMSprop</c> over a module's parameters (<c>model.Parameters()</c>).</summary>
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this(DataOf(parameters), lr, alpha, eps, weightDecay, momentum, centered, maximize) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        OptimMath.CheckLr(lr, "RMSprop");
        OptimMath.NonNegative(eps, "epsilon value", "RMSprop", nameof(eps));
        OptimMath.NonNegative(momentum, "momentum value", "RMSprop", nameof(momentum));
        OptimMath.NonNegative(weightDecay, "weight_decay value", "RMSprop", nameof(weightDecay));
        OptimMath.NonNegative(alpha, "alpha value", "RMSprop", nameof(alpha));
        return new() { ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered, ["weight_decay"] = weightDecay, ["maximize"] = maximize };
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state)
    {
        double momentum = group.GetDouble("momentum");
        bool centered = group.GetBool("centered");
        if (!state.ContainsKey("square_avg"))
        {
            state["step"] = Tensor.Scalar(0.0, DType.Float32);
            state["square_avg"] = StateZeros(param);
        }
        if (momentum > 0 && !state.ContainsKey("momentum_buffer")) state["momentum_buffer"] = StateZeros(param);
        if (centered && !state.ContainsKey("grad_avg")) state["grad_avg"] = StateZeros(param);
        OptimMath.IncrementStep(state);
        if (param.DType == DType.Float32) Kernel<float>(group, param, grad, state, momentum, centered);
        else Kernel<double>(group, param, grad, state, momentum, centered);
    }

    private static void Kernel<T>(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state, double momentumD, bool centered)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double weightDecay = group.GetDouble("weight_decay"), alphaD = group.GetDouble("alpha");
        bool maximize = group.GetBool("maximize");
        Span<T> p = param.Span<T>(), sq = state["square_avg"].Span<T>();
        Span<T> ga = centered ? state["grad_avg"].Span<T>() : default;
        Span<T> buf = momentumD > 0 ? state["momentum_buffer"].Span<T>() : default;
        ReadOnlySpan<T> g = grad.Span<T>();
        T wd = T.CreateChecked(weightDecay), alpha = T.CreateChecked(alphaD), oneMinusAlpha = T.CreateChecked(1 - alphaD);
        T eps = T.CreateChecked(group.GetDouble("eps")), negLr = T.CreateChecked(-group.Lr), mom = T.CreateChecked(momentumD);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += wd * p[i];
            sq[i] = sq[i] * alpha + oneMinusAlpha * gi * gi;            // mul_(α).addcmul_(g, g, value=1−α)
            T avg;
            if (centered)
            {
                ga[i] = OptimMath.Lerp(ga[i], gi, oneMinusAlpha);
                avg = T.Sqrt(sq[i] + -T.One * ga[i] * ga[i]) + eps;    // addcmul(ga, ga, value=−1).sqrt_().add_(eps)
            }
            else avg = T.Sqrt(sq[i]) + eps;
            if (momentumD > 0)
            {
                buf[i] = buf[i] * mom + T.One * gi / avg;             // mul_(momentum).addcdiv_(g, avg)
                p[i] += negLr * buf[i];                               // add_(buf, alpha=−lr)
            }
            else p[i] += negLr * gi / avg;                            // addcdiv_(g, avg, value=−lr)
        }
    }
}
