using System.Numerics;

namespace Autograd.Nn.Optim;

/// <summary>
/// Adagrad (torch.optim.Adagrad, the torch 2.x single-tensor rule for dense gradients, elementwise in the
/// parameter's dtype).
/// </summary>
/// <remarks>
/// <code>
/// g = maximize ? -g : g;   if weight_decay != 0: g = g + weight_decay·p
/// clr = lr / (1 + (t − 1)·lr_decay)
/// sum = sum + g²;   p = p − clr·g / (√sum + eps)
/// </code>
/// State: "step" and "sum" (filled with initial_accumulator_value), created when a group is added, as
/// PyTorch's constructor does.
/// </remarks>
public sealed class Adagrad : Optimizer
{
    /// <summary><c>torch.optim.Adagrad</c> over parameter groups (each group's own options override these defaults).</summary>
    public Adagrad(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize), "Adagrad") { }

    /// <summary><c>torch.optim.Adagrad(params, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize)</c>.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this(OneGroup(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize) { }

    /// <summary><c>torch.optim.Adagrad</c> over a module's parameters (<c>model.Parameters()</c>).</summary>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this(DataOf(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize)
    {
        OptimMath.CheckLr(lr, "Adagrad");
        OptimMath.NonNegative(lrDecay, "lr_decay value", "Adagrad", nameof(lrDecay));
        OptimMath.NonNegative(weightDecay, "weight_decay value", "Adagrad", nameof(weightDecay));
        OptimMath.NonNegative(initialAccumulatorValue, "initial_accumulator_value value", "Adagrad", nameof(initialAccumulatorValue));
        OptimMath.NonNegative(eps, "epsilon value", "Adagrad", nameof(eps));
        return new() { ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay, ["initial_accumulator_value"] = initialAccumulatorValue, ["maximize"] = maximize };
    }

    /// <inheritdoc/>
    protected override void OnGroupAdded(ParamGroup group)
    {
        foreach (var p in group.Params) Init(StateFor(p), p, group);
    }

    private static void Init(Dictionary<string, Tensor> state, Tensor p, ParamGroup group)
    {
        if (state.ContainsKey("sum")) return;
        state["step"] = Tensor.Scalar(0.0, DType.Float32);
        state["sum"] = StateZeros(p, group.GetDouble("initial_accumulator_value"));
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state)
    {
        Init(state, param, group);   // state dropped by LoadStateDict of a state saved before the first step
        double step = OptimMath.IncrementStep(state);
        if (param.DType == DType.Float32) Kernel<float>(group, param, grad, state, step);
        else Kernel<double>(group, param, grad, state, step);
    }

    private static void Kernel<T>(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state, double step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double weightDecay = group.GetDouble("weight_decay");
        bool maximize = group.GetBool("maximize");
        double clr = group.Lr / (1 + (step - 1) * group.GetDouble("lr_decay"));
        Span<T> p = param.Span<T>(), sum = state["sum"].Span<T>();
        ReadOnlySpan<T> g = grad.Span<T>();
        T wd = T.CreateChecked(weightDecay), eps = T.CreateChecked(group.GetDouble("eps")), negClr = T.CreateChecked(-clr);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += wd * p[i];
            sum[i] = sum[i] + T.One * gi * gi;           // addcmul_(g, g, value=1)
            T std = T.Sqrt(sum[i]) + eps;                // sqrt().add_(eps)
            p[i] += negClr * gi / std;                   // addcdiv_(g, std, value=−clr)
        }
    }
}
