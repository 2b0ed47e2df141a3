using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Nn.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum
/// (torch.optim.SGD, the single-tensor rule, evaluated elementwise in the parameter's dtype).
/// </summary>
/// <remarks>
/// Update of parameter p with gradient g (options read from p's group at every step):
/// <code>
/// d = maximize ? -g : g
/// if weight_decay != 0:  d = d + weight_decay·p
/// if momentum != 0:
///     buf = first step ? d : momentum·buf + (1 − dampening)·d     // the first step copies d: no dampening
///     d = nesterov ? d + momentum·buf : buf
/// p = p − lr·d
/// </code>
/// State: "momentum_buffer" (only while momentum != 0), as PyTorch's.
/// </remarks>
public sealed class SGD : Optimizer
{
    /// <summary><c>torch.optim.SGD</c> over parameter groups (each group's own options override these defaults).</summary>
    public SGD(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize), "SGD") { }

    /// <summary><c>torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize)</c>.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(OneGroup(parameters), lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>Parameters of a module, e.g. <c>new SGD(model.Parameters(), lr: 0.05, momentum: 0.9)</c>.</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(DataOf(parameters), lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        OptimMath.CheckLr(lr, "SGD");
        NonNegative(momentum, "momentum value", "SGD", nameof(momentum));
        NonNegative(weightDecay, "weight_decay value", "SGD", nameof(weightDecay));
        if (!double.IsFinite(dampening)) throw new ArgumentOutOfRangeException(nameof(dampening), dampening, $"SGD: Invalid dampening value: {dampening}");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum and zero dampening (got momentum={momentum}, dampening={dampening})", nameof(nesterov));
        return new() { ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay, ["nesterov"] = nesterov, ["maximize"] = maximize };
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParamGroup group)
    {
        if (group.GetBool("nesterov") && (group.GetDouble("momentum") <= 0 || group.GetDouble("dampening") != 0))
            throw new ArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening", nameof(group));
    }

    /// <summary>Group 0's momentum.</summary>
    public double Momentum => ParamGroups[0].GetDouble("momentum");
    /// <summary>The dampening of the momentum (<c>dampening</c>) of the first group.</summary>
    public double Dampening => ParamGroups[0].GetDouble("dampening");
    /// <summary>The L2 penalty added to the gradient (<c>weight_decay</c>) of the first group.</summary>
    public double WeightDecay => ParamGroups[0].GetDouble("weight_decay");
    /// <summary>Whether Nesterov momentum is used (<c>nesterov</c>), first group.</summary>
    public bool Nesterov => ParamGroups[0].GetBool("nesterov");
    /// <summary>Whether the objective is maximized instead of minimized (<c>maximize</c>), first group.</summary>
    public bool Maximize => ParamGroups[0].GetBool("maximize");

    /// <summary>A copy of the momentum buffer of parameter <paramref name="index"/> (state["momentum_buffer"]), null before its first step.</summary>
    public Tensor? MomentumBuffer(int index) => StateOf(Params[index]).TryGetValue("momentum_buffer", out var b) ? b.CloneData() : null;

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state)
    {
        if (param.DType == DType.Float32) Kernel<float>(group, param, grad, state);
        else Kernel<double>(group, param, grad, state);
    }

    // Whole-span passes with TensorPrimitives (SIMD), each the same multiply-then-add as PyTorch's
    // `add_(x, alpha=a)`, in the same order: d = g (+ wd·p); buf = buf·m + (1−damp)·d;
    // d = d + m·buf (Nesterov) or buf; p = p + (−lr)·d.
    private static void Kernel<T>(ParamGroup group, Tensor param, Tensor grad, Dictionary<string, Tensor> state) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lr = group.Lr, momentum = group.GetDouble("momentum"), dampening = group.GetDouble("dampening"), weightDecay = group.GetDouble("weight_decay");
        bool nesterov = group.GetBool("nesterov"), maximize = group.GetBool("maximize");
        Span<T> p = param.Span<T>();
        ReadOnlySpan<T> g = grad.Span<T>();
        T[]? scratch = null;
        ReadOnlySpan<T> d = g;
        if (maximize || weightDecay != 0)
        {
            scratch = System.Buffers.ArrayPool<T>.Shared.Rent(p.Length);   // a temporary: pooled, not a fresh (large-object) array per step
            var s = scratch.AsSpan(0, p.Length);
            if (maximize) TensorPrimitives.Negate(g, s);
            else g.CopyTo(s);
            if (weightDecay != 0) TensorPrimitives.MultiplyAdd(p, T.CreateChecked(weightDecay), s, s);
            d = s;
        }
        if (momentum != 0)
        {
            T mom = T.CreateChecked(momentum);
            Span<T> buf;
            if (!state.TryGetValue("momentum_buffer", out var bufT))
            {
                // First step: the buffer is a copy of d, without dampening (torch.clone(d_p)).
                state["momentum_buffer"] = bufT = StateZeros(param);
                buf = bufT.Span<T>();
                d.CopyTo(buf);
            }
            else
            {
                buf = bufT.Span<T>();
                TensorPrimitives.Multiply(buf, mom, buf);
                TensorPrimitives.MultiplyAdd(d, T.CreateChecked(1 - dampening), buf, buf);
            }
            if (nesterov)
            {
                scratch ??= System.Buffers.ArrayPool<T>.Shared.Rent(p.Length);
                TensorPrimitives.MultiplyAdd(buf, mom, d, scratch.AsSpan(0, p.Length));
                d = scratch.AsSpan(0, p.Length);
            }
            else d = buf;
        }
        TensorPrimitives.MultiplyAdd(d, T.CreateChecked(-lr), p, p);
        if (scratch is not null) System.Buffers.ArrayPool<T>.Shared.Return(scratch);
    }
}
