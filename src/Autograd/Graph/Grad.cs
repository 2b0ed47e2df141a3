namespace Autograd;

/// <summary>Grad-mode scopes and the functional gradient API (torch.no_grad, torch.autograd.grad).</summary>
public static class Grad
{
    /// <summary>Disables recording in this flow of control (across await, into tasks it starts) until disposed (with torch.no_grad(); Note [Grad mode across await]).</summary>
    public static IDisposable NoGrad() => GradMode.Set(false);

    /// <summary>Re-enables recording in this flow of control until disposed (with torch.enable_grad()).</summary>
    public static IDisposable EnableGrad() => GradMode.Set(true);

    /// <summary>Whether ops are recorded in this flow of control (torch.is_grad_enabled()).</summary>
    public static bool IsEnabled => GradMode.IsEnabled;

    /// <summary>
    /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>
    /// (torch.autograd.grad); leaves' <c>.Grad</c> is not touched. An input the outputs do not depend
    /// on throws unless <paramref name="allowUnused"/>, in which case its gradient is null.
    /// </summary>
    public static Tensor?[] Compute(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null, bool retainGraph = false, bool allowUnused = false)
    {
        var rootGrads = RootGrads(outputs, gradOutputs, "grad");
        var capture = new Dictionary<Node, Tensor?>();
        var keys = new Node[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new InvalidOperationException($"grad: input {i} does not require grad");
            keys[i] = inputs[i].GradFn ?? inputs[i].Accumulator;
            capture[keys[i]] = null;
        }
        Engine.Run(outputs, rootGrads, retainGraph, capture);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            result[i] = capture[keys[i]];
            if (result[i] is null && !allowUnused)
                throw new InvalidOperationException($"grad: One of the differentiated Tensors (input {i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.");
            if (result[i] is { } r) result[i] = r.CloneData();
        }
        return result;
    }

    /// <summary>Single-output, single-input convenience form.</summary>
    public static Tensor Compute(Tensor output, Tensor input, Tensor? gradOutput = null, bool retainGraph = false)
        => Compute([output], [input], [gradOutput], retainGraph)[0]!;

    internal static Tensor[] RootGrads(Tensor[] outputs, Tensor?[]? gradOutputs, string op)
    {
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
    /// (tensor.backward(gradient, retain_graph)). See Note [Backward walk].
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        var grads = Autograd.Grad.RootGrads([this], [gradient], "backward");
        Engine.Run([this], grads, retainGraph, null);
    }
}
