namespace Autograd;

// Note [Hook order]
// As in PyTorch 2.x, when gradients reach a node the engine runs, in this order:
//  1. tensor hooks (Tensor.RegisterHook) of each output, in registration order; each may replace the
//     gradient (same shape and dtype) by returning a tensor, or keep it by returning null;
//  2. the retain-grad hook of each output (Tensor.RetainGrad), so .Grad sees the hooked gradient;
//  3. node pre-hooks (Node.RegisterPrehook), which see and may replace all output gradients;
//  4. the node's backward rule;
//  5. node post-hooks (Node.RegisterHook), which see the input gradients and the output gradients
//     and may replace the input gradients.
// A leaf's tensor hooks are pre-hooks of its AccumulateGrad node: they run before the gradient is
// accumulated into .Grad (or captured by Grad.Compute). When backward accumulates, the AccumulateGrad
// node (t.GradFn.NextFunctions[i] of a leaf's consumer) then runs like any node: its pre-hooks (which
// may replace the gradient, or drop it: then nothing is accumulated), the accumulation, the
// post-accumulate hooks (Tensor.RegisterPostAccumulateGradHook, called with the leaf), and its
// post-hooks, with no input gradients and the accumulated one as output gradient. Grad.Compute does
// not execute AccumulateGrad, so only the leaf's tensor hooks run there (PyTorch's
// test_prehook_ordering and test_post_accumulate_grad_hook_ordering).
// Hooks are called with grad mode as the backward pass has it (off unless createGraph).

public partial class Node
{
    private HookList<Func<Tensor, Tensor?>>? _tensorHooks;
    private HookList<Func<Tensor?[], Tensor?[]?>>? _preHooks;
    private HookList<Func<Tensor?[], Tensor?[], Tensor?[]?>>? _postHooks;
    private Tensor?[]? _retainers;

    /// <summary>
    /// Registers a hook called with the gradients of this node's outputs before it runs
    /// (Node.register_prehook); returning an array replaces them, returning null keeps them.
    /// </summary>
    public RemovableHandle RegisterPrehook(Func<Tensor?[], Tensor?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return (_preHooks ??= new()).Add(0, hook);
    }

    /// <summary>
    /// Registers a hook called after this node ran, with (gradInputs, gradOutputs)
    /// (Node.register_hook); returning an array replaces the input gradients, null keeps them.
    /// </summary>
    public RemovableHandle RegisterHook(Func<Tensor?[], Tensor?[], Tensor?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return (_postHooks ??= new()).Add(0, hook);
    }

    internal RemovableHandle AddTensorHook(int slot, Func<Tensor, Tensor?> hook) => (_tensorHooks ??= new()).Add(slot, hook);

    internal void SetRetainer(int slot, Tensor? t)
    {
        lock (this)
        {
            _retainers ??= new Tensor?[OutputCount];
            _retainers[slot] = t;
        }
    }

    internal bool HasHooks => _tensorHooks is not null || _preHooks is not null || _postHooks is not null || _retainers is not null;

    /// <summary>Steps 1–2 of Note [Hook order] on the gradients arriving at this node.</summary>
    internal Tensor?[] RunTensorHooks(Tensor?[] grads, bool createGraph)
    {
        if (_tensorHooks is { } th)
            for (int slot = 0; slot < grads.Length; slot++)
            {
                if (grads[slot] is null) continue;
                foreach (var h in th.For(slot))
                    if (h(grads[slot]!) is { } replaced)
                        grads[slot] = CheckHookResult(replaced, grads[slot]!, "hook");
            }
        if (_retainers is { } rs)
            for (int slot = 0; slot < rs.Length; slot++)
                if (rs[slot] is { } t && grads[slot] is { } g)
                    t.GradValue = t.GradValue is { } prev ? Engine.AddGradients(prev, g) : (createGraph ? g : g.CloneData());
        return grads;
    }

    /// <summary>Step 3 of Note [Hook order].</summary>
    internal Tensor?[] RunPreHooks(Tensor?[] grads)
    {
        if (_preHooks is { } ph)
            foreach (var h in ph.For(0))
                if (h((Tensor?[])grads.Clone()) is { } replaced)
                {
                    if (replaced.Length != grads.Length)
                        throw new InvalidOperationException($"{Name}: hooks should return a list with {grads.Length} gradients, got {replaced.Length}");
                    for (int i = 0; i < grads.Length; i++)
                        grads[i] = replaced[i] is null || grads[i] is null ? replaced[i] : CheckHookResult(replaced[i]!, grads[i]!, "prehook");
                }
        return grads;
    }

    /// <summary>Step 5 of Note [Hook order].</summary>
    internal Tensor?[] RunPostHooks(Tensor?[] gradInputs, Tensor?[] gradOutputs)
    {
        if (_postHooks is not { } ph) return gradInputs;
        foreach (var h in ph.For(0))
            if (h((Tensor?[])gradInputs.Clone(), gradOutputs) is { } replaced)
            {
                if (replaced.Length != gradInputs.Length)
                    throw new InvalidOperationException($"{Name}: hook returned {replaced.Length} gradients, expected {gradInputs.Length}");
                gradInputs = replaced;
            }
        return gradInputs;
    }

    private Tensor CheckHookResult(Tensor replaced, Tensor original, string what)
    {
        if (!ShapeUtil.SameShape(replaced.Shape, original.Shape))
            throw new InvalidOperationException($"{Name}: {what} has changed the size of value (expected {ShapeUtil.Format(original.Shape)}, got {ShapeUtil.Format(replaced.Shape)})");
        if (replaced.DType != original.DType)
            throw new InvalidOperationException($"{Name}: {what} has changed the type of value (expected {original.DType}, got {replaced.DType})");
        return replaced;
    }
}

public sealed partial class Tensor
{
    private bool _retainsGrad;

    /// <summary>True when this non-leaf keeps its gradient in <see cref="Grad"/> (tensor.retains_grad).</summary>
    public bool RetainsGrad => _retainsGrad;

    /// <summary>
    /// Registers a hook called with this tensor's gradient each time one is computed
    /// (tensor.register_hook). Returning a tensor (same shape and dtype) replaces the gradient;
    /// returning null keeps it. Dispose or Remove the handle to unregister.
    /// </summary>
    public RemovableHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        var e = GradientEdge;
        // A number-valued lambda (_ => calls += 1) binds here through the implicit number → tensor
        // conversion (Note [Scalar conversions]); such a result is an observation, not a gradient.
        return e.Node.AddTensorHook(e.Slot, g => hook(g) is { IsWrappedNumber: false } r ? r : null);
    }

    /// <summary>Registers a hook that observes the gradient without replacing it.</summary>
    public RemovableHandle RegisterHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterHook(g => { hook(g); return null; });
    }

    /// <summary>
    /// Registers a hook on a leaf, called with the leaf after its gradient was accumulated into
    /// <see cref="Grad"/> (tensor.register_post_accumulate_grad_hook).
    /// </summary>
    public RemovableHandle RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        if (!IsLeaf) throw new InvalidOperationException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        return Accumulator.AddPostAccumulateHook(hook);
    }

    /// <summary>
    /// Makes backward fill <see cref="Grad"/> of this non-leaf (tensor.retain_grad()); a no-op on leaves.
    /// </summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || _retainsGrad) return;
        _retainsGrad = true;
        GradFn!.SetRetainer(OutputNr, this);
    }

    /// <summary>After an in-place op gave this tensor a new grad_fn, moves its retain-grad hook along (as PyTorch does).</summary>
    internal void MoveRetainer(Node? old, int oldSlot)
    {
        if (!_retainsGrad) return;
        old?.SetRetainer(oldSlot, null);
        _gradFn!.SetRetainer(OutputNr, this);
    }
}
