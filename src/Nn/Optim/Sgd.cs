using System.Numerics;
using System.Numerics.Tensors;

namespace Autograd.Nn.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, weight decay and Nesterov momentum
/// (torch.optim.SGD, the 1.13 single-tensor rule, evaluated elementwise in the parameter's dtype).
/// </summary>
/// <remarks>
/// Update of parameter p with gradient g:
/// <code>
/// d = maximize ? -g : g
/// if weightDecay != 0:  d = d + weightDecay·p
/// if momentum != 0:
///     buf = first step ? d : momentum·buf + (1 − dampening)·d     // the first step copies d: no dampening
///     d = nesterov ? d + momentum·buf : buf
/// p = p − lr·d
/// </code>
/// </remarks>
public sealed class SGD : Optimizer
{
    private readonly Array?[] _momentumBuffers;

    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, lr, "SGD")
    {
        Momentum = NonNegative(momentum, "momentum value", "SGD", nameof(momentum));
        WeightDecay = NonNegative(weightDecay, "weight_decay value", "SGD", nameof(weightDecay));
        if (!double.IsFinite(dampening)) throw new ArgumentOutOfRangeException(nameof(dampening), dampening, $"SGD: Invalid dampening value: {dampening}");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum and zero dampening (got momentum={momentum}, dampening={dampening})", nameof(nesterov));
        Dampening = dampening;
        Nesterov = nesterov;
        Maximize = maximize;
        _momentumBuffers = new Array?[Params.Count];
    }

    /// <summary>Parameters of a module, e.g. <c>new SGD(model.Parameters(), lr: 0.05, momentum: 0.9)</c>.</summary>
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(parameters.Select(p => p.Data), lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    public double Momentum { get; }
    public double Dampening { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }
    public bool Maximize { get; }

    /// <summary>The momentum buffer of parameter <paramref name="index"/> (state["momentum_buffer"]), null before its first step.</summary>
    public Tensor? MomentumBuffer(int index) => _momentumBuffers[index] is { } b ? new Tensor((Array)b.Clone(), (int[])Params[index].Dims.Clone()) : null;

    protected override void Update(int index, Tensor param, Tensor grad)
    {
        if (param.DType == DType.Float32) Kernel<float>(index, param.Span<float>(), grad.Span<float>());
        else Kernel<double>(index, param.Span<double>(), grad.Span<double>());
    }

    // Whole-span passes with TensorPrimitives (SIMD), each the same unfused multiply-then-add as
    // PyTorch's `add_(x, alpha=a)`, in the same order: d = g (+ wd·p); buf = buf·m + (1−damp)·d;
    // d = d + m·buf (Nesterov) or buf; p = p + (−lr)·d.
    private void Kernel<T>(int index, Span<T> p, ReadOnlySpan<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? scratch = null;
        ReadOnlySpan<T> d = g;
        if (Maximize || WeightDecay != 0)
        {
            scratch = new T[p.Length];
            if (Maximize) TensorPrimitives.Negate(g, scratch);
            else g.CopyTo(scratch);
            if (WeightDecay != 0) TensorPrimitives.MultiplyAdd(p, T.CreateChecked(WeightDecay), scratch, scratch);
            d = scratch;
        }
        if (Momentum != 0)
        {
            T mom = T.CreateChecked(Momentum);
            if (_momentumBuffers[index] is not T[] buf)
            {
                // First step: the buffer is a copy of d, without dampening (torch.clone(d_p)).
                buf = d.ToArray();
                _momentumBuffers[index] = buf;
            }
            else
            {
                TensorPrimitives.Multiply(buf, mom, buf);
                TensorPrimitives.MultiplyAdd(d, T.CreateChecked(1 - Dampening), buf, buf);
            }
            if (Nesterov)
            {
                scratch ??= new T[p.Length];
                TensorPrimitives.MultiplyAdd(buf, mom, d, scratch);
                d = scratch;
            }
            else d = buf;
        }
        TensorPrimitives.MultiplyAdd(d, T.CreateChecked(-LearningRate), p, p);
    }
}
