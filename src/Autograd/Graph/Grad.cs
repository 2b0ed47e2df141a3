namespace Autograd;

/// <summary>Grad-mode scopes and the functional gradient API (torch.no_grad, torch.autograd.grad, torch.autograd.backward).</summary>
public static class Grad
{
    /// <summary>Disables recording in this flow of control (across await, into tasks it starts) until disposed (with torch.no_grad(); Note [Grad mode across await]).</summary>
    public static IDisposable NoGrad() => GradMode.Set(false);

    /// <summary>Re-enables recording in this flow of control until disposed (with torch.enable_grad()).</summary>
    public static IDisposable EnableGrad() => GradMode.Set(true);

    /// <summary>Sets grad mode to <paramref name="enabled"/> in this flow of control until disposed (torch.set_grad_enabled as a context manager).</summary>
    public static IDisposable SetEnabled(bool enabled) => GradMode.Set(enabled);

    /// <summary>Whether ops are recorded in this flow of control (torch.is_grad_enabled()).</summary>
    public static bool IsEnabled => GradMode.IsEnabled;

    /// <summary>
    /// Anomaly detection in this flow of control until disposed (torch.autograd.detect_anomaly):
    /// nodes remember the forward call that created them, and a backward node that fails or returns
    /// NaN throws <see cref="AnomalyException"/> naming both (Note [Anomaly mode]).
    /// </summary>
    public static IDisposable DetectAnomaly(bool enabled = true) => Anomaly.Set(enabled);

    /// <summary>Whether anomaly detection is on in this flow of control (torch.is_anomaly_enabled()).</summary>
    public static bool IsAnomalyEnabled => Anomaly.IsEnabled;

    /// <summary>
    /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>
    /// (torch.autograd.grad); no <c>.Grad</c> is touched and only the part of the graph between them
    /// runs (Note [Partial graphs]). An input the outputs do not depend on throws unless
    /// <paramref name="allowUnused"/>, in which case its gradient is null, or with
    /// <paramref name="materializeGrads"/> zeros that require grad (torch.zeros_like(input,
    /// requires_grad=True)). With <paramref name="createGraph"/> the backward pass is recorded, so the
    /// results can be differentiated again; <paramref name="retainGraph"/> defaults to it.
    /// </summary>
    public static Tensor?[] Compute(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null, bool? retainGraph = null,
        bool createGraph = false, bool? allowUnused = null, bool materializeGrads = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (materializeGrads && allowUnused == false)
            throw new ArgumentException("grad: Expected allowUnused to be true or not passed when materializeGrads is true.", nameof(allowUnused));
        if (inputs.Length == 0) throw new ArgumentException("grad requires non-empty inputs.", nameof(inputs));
        bool unusedOk = allowUnused ?? materializeGrads;
        for (int i = 0; i < inputs.Length; i++)
            if (!inputs[i].RequiresGrad)
                throw new InvalidOperationException($"grad: One of the differentiated Tensors (input {i}) does not require grad");
        var task = new Engine.Task
        {
            Roots = outputs, RootGrads = RootGrads(outputs, gradOutputs, "grad"), RetainGraph = retainGraph ?? createGraph,
            CreateGraph = createGraph, Inputs = inputs, Capture = true,
        };
        Engine.Run(task);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var g = task.Captured![i];
            if (g is null)
            {
                if (!unusedOk)
                    throw new InvalidOperationException($"grad: One of the differentiated Tensors (input {i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.");
                if (materializeGrads) g = Tensor.Zeros(inputs[i].Shape, inputs[i].DType, requiresGrad: true);   // torch.zeros_like(input, requires_grad=True)
            }
            else if (!g.RequiresGrad) g = g.CloneData();   // never hand out storage the pass may share with another result
            result[i] = g;
        }
        return result;
    }

    /// <summary>Single-output, single-input convenience form.</summary>
    public static Tensor Compute(Tensor output, Tensor input, Tensor? gradOutput = null, bool? retainGraph = null, bool createGraph = false)
        => Compute([output], [input], [gradOutput], retainGraph, createGraph)[0]!;

    /// <summary>
    /// Accumulates the gradients of several roots at once (torch.autograd.backward(tensors, grad_tensors)):
    /// one pass, each shared node run once. <paramref name="inputs"/>, when given, limits accumulation
    /// to those tensors (a non-leaf among them gets its <c>.Grad</c> filled); the rest of the graph is
    /// left alone (Note [Partial graphs]).
    /// </summary>
    public static void Backward(Tensor[] tensors, Tensor?[]? gradTensors = null, bool? retainGraph = null, bool createGraph = false, Tensor[]? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (inputs is { Length: 0 }) throw new ArgumentException("'inputs' argument to backward() cannot be empty.", nameof(inputs));
        if (inputs is not null)
            for (int i = 0; i < inputs.Length; i++)
                if (!inputs[i].RequiresGrad)
                    throw new InvalidOperationException($"backward: One of the differentiated Tensors (input {i}) does not require grad");
        var rootGrads = RootGrads(tensors, gradTensors, "backward");
        if (inputs is not null)
            foreach (var t in inputs) t.RetainGrad();   // how a named non-leaf gets .Grad; a no-op on leaves (Note [Partial graphs])
        Engine.Run(new Engine.Task
        {
            Roots = tensors, RootGrads = rootGrads, RetainGraph = retainGraph ?? createGraph, CreateGraph = createGraph, Inputs = inputs,
        });
    }

    internal static Tensor[] RootGrads(Tensor[] outputs, Tensor?[]? gradOutputs, string op)
    {
        if (outputs.Length == 0) throw new ArgumentException($"{op}: no tensors to differentiate", nameof(outputs));
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new ArgumentException($"{op}: got {gradOutputs.Length} gradOutputs for {outputs.Length} outputs");
        var grads = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (!o.RequiresGrad)
                throw new InvalidOperationException($"{op}: element {i} of tensors does not require grad and does not have a grad_fn");
            var g = gradOutputs?[i];
            if (g is null)
            {
                if (o.Numel != 1)
                    throw new InvalidOperationException($"{op}: grad can be implicitly created only for scalar outputs (got shape {ShapeUtil.Format(o.Shape)}); pass a gradient");
                g = Tensor.OnesLike(o);
            }
            else if (!ShapeUtil.SameShape(g.Shape, o.Shape))
                throw new ArgumentException($"{op}: Mismatch in shape: grad_output[{i}] has a shape of {ShapeUtil.Format(g.Shape)} and output[{i}] has a shape of {ShapeUtil.Format(o.Shape)}.");
            grads[i] = g.DType == o.DType ? g : g.ConvertData(o.DType);
        }
        return grads;
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Accumulates the gradient of this tensor into the <c>.Grad</c> of every leaf it depends on
    /// (tensor.backward(gradient, retain_graph, create_graph, inputs)); with <paramref name="inputs"/>
    /// only into those. See Note [Backward walk].
    /// </summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false, Tensor[]? inputs = null)
        => Autograd.Grad.Backward([this], [gradient], retainGraph, createGraph, inputs);
}
