namespace Autograd;

// Note [In-place ops and views]
// An in-place op is its out-of-place op computed on the tensor's current value and history, with the
// result written back into the tensor's storage:
//  * Refused, before any work, where PyTorch refuses, in PyTorch's order: on a leaf that requires grad
//    while grad mode is on; on a view made in no-grad mode when the write would be recorded (its base
//    requires grad, or the other operand does); on a view of a leaf that requires grad; and then, when
//    the result would broadcast to a shape other than the tensor's.
//  * The op sees the old value. Where the backward rule reads the input itself (mul_ by a tensor that
//    requires grad, div_, pow_, log_, abs_, clamp_), it gets a copy, because the storage is about to
//    be overwritten; otherwise it reads the storage directly (no copy).
//  * The write bumps the version counter (Note [Version counters]), so every node that saved this
//    storage earlier refuses to run backward. An op whose backward reads its output (relu_, exp_,
//    sigmoid_, tanh_, sqrt_) computed it into a separate tensor; after the copy its node's saved output
//    is re-pointed at the written tensor at its new version, as PyTorch saves the tensor itself: the
//    separate result is dropped, and a later write of the tensor makes this node refuse too.
//  * The tensor takes the new node as its grad_fn (its old history is the new node's input).
//  * Views of a tensor's whole storage (reshape/view/flatten/squeeze/unsqueeze) rewrite the base
//    completely: the base's new grad_fn is CopySlices, which reshapes its gradient to the view's shape and
//    hands it to the in-place node. A slice view (basic indexing, Note [Slice views]) covers part of it:
//    its CopySlices hands the base's old history the gradient with the view's positions zeroed and the
//    in-place node the gradient at those positions. The written view becomes a view of the base's new
//    history at once (PyTorch's AsStridedBackward0; rebase_history regenerates it, so a RetainGrad on the
//    view moves with it); every other view of the same base notices the version change the next time its
//    grad_fn is read.
//  * A .Grad that borrows storage (Note [Gradient ownership]) is copied first, so writing into one
//    leaf's gradient never changes another's; so is one about to be aliased by a view or Detach, since
//    a write through the alias could not know to copy (clip_grad_norm_ scales g.detach() in place).
internal static class InPlace
{
    /// <summary>
    /// The write half of an in-place op (the op itself is in Autograd.Ops, F.InPlace): copies the
    /// out-of-place result <paramref name="r"/> (same shape and dtype) into <paramref name="self"/>'s
    /// storage and commits it. Returns <paramref name="self"/>.
    /// </summary>
    internal static Tensor Write(Tensor self, Tensor r)
    {
        if (self.IsSliceView) self.OverwriteSlice(r.Storage);   // no gather of values about to be overwritten (Note [Slice views])
        else Array.Copy(r.Storage, self.Storage, self.Numel);
        Commit(self, r.GradFn, r.OutputNr);
        r.GradFn?.RebindSavedOutput(self);   // relu_/exp_/sigmoid_...: the node now saves self, at its new version
        return self;
    }

    /// <summary>
    /// Refuses the in-place writes PyTorch refuses (first bullet of the note), before any other check
    /// of the op, as PyTorch's check_inplace runs before the kernel (a leaf that requires grad is
    /// refused even where the shapes would not broadcast). <paramref name="other"/>: the op's tensor
    /// operand, whose requires_grad decides whether the write is recorded.
    /// </summary>
    internal static void CheckAllowed(Tensor self, string op, Tensor? other = null)
    {
        if (GradMode.IsEnabled)
        {
            if (self.IsLeaf && self.RequiresGrad)
                throw new InvalidOperationException($"{op}: a leaf Variable that requires grad is being used in an in-place operation.");
            self.CheckViewWritable(op, other is { RequiresGrad: true });
        }
        // PyTorch's kernels refuse to write a tensor whose elements share memory (an expanded view), in any mode;
        // fill_ and zero_ write one value everywhere, and PyTorch lets them.
        if (op is not ("fill_" or "zero_") && self.HasInternalOverlap())
            throw new InvalidOperationException($"{op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.");
    }

    /// <summary>Bumps the version and, when the write was recorded, moves the tensor (and its base) onto <paramref name="node"/>.</summary>
    internal static void Commit(Tensor self, Node? node, int slot)
    {
        self.BumpVersion();
        if (node is not null) self.Rebase(node, slot);
    }
}
