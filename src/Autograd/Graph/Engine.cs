using System.Numerics.Tensors;

namespace Autograd;

// Note [Backward walk]
// The engine never recurses: it collects the nodes reachable from the roots with an explicit stack,
// counts for each node how many reachable consumers will deliver a gradient to it, and runs a node
// once all of them have. Among ready nodes a leaf's AccumulateGrad runs first, then the most recently
// created node (PyTorch's sequence number rule: AccumulateGrad has the largest), ties broken as
// PyTorch's heap breaks them (Note [Ready queue]); the order is deterministic, equal to PyTorch's, and
// Tape prints it. Gradients that meet at a
// node are summed out of place, so a gradient tensor handed to two inputs is never mutated. Leaves are
// reached through their AccumulateGrad node, which adds into .Grad (or, for Grad.Compute, is captured).
internal static class Engine
{
    internal static void Run(Tensor[] roots, Tensor[] rootGrads, bool retainGraph, Dictionary<Node, Tensor?>? capture)
    {
        var order = Order(roots.Select(r => r.GradFn ?? r.Accumulator));
        var pending = new Dictionary<Node, Tensor>();
        var callerStorages = new HashSet<Array>(rootGrads.Select(g => g.Storage), ReferenceEqualityComparer.Instance);
        for (int i = 0; i < roots.Length; i++)
            Deliver(pending, roots[i].GradFn ?? roots[i].Accumulator, rootGrads[i]);

        using var _ = GradMode.EnterBackward();
        foreach (var node in order.Nodes)
        {
            if (!pending.Remove(node, out var grad)) continue;   // reachable but no gradient arrived
            if (capture is not null && capture.ContainsKey(node)) capture[node] = grad;
            if (node is AccumulateGrad acc)
            {
                if (capture is null)
                    lock (acc) Accumulate(acc.Leaf, grad, callerStorages);   // Note [Concurrent accumulation]
                continue;
            }
            var grads = node.Apply(grad);
            if (!retainGraph) node.Release();
            Check(node, grads);
            for (int i = 0; i < node.Next.Length; i++)
                if (node.Next[i] is { } next && grads[i] is { } g) Deliver(pending, next, g);
        }
    }

    /// <summary>Nodes reachable from the roots, in the order backward runs them.</summary>
    internal static (List<Node> Nodes, int Count) Order(IEnumerable<Node> roots)
    {
        var deps = new Dictionary<Node, int>();
        var stack = new Stack<Node>();
        foreach (var r in roots)
            if (deps.TryAdd(r, 0)) stack.Push(r);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var next in n.Next)
            {
                if (next is null) continue;
                if (deps.TryGetValue(next, out int c)) deps[next] = c + 1;
                else { deps[next] = 1; stack.Push(next); }
            }
        }
        // Ready nodes in PyTorch's order: AccumulateGrad first, then later-created nodes first, ties as
        // libstdc++'s heap breaks them (Note [Ready queue]).
        var ready = new ReadyQueue();
        foreach (var (n, c) in deps) if (c == 0) ready.Push(n);
        var order = new List<Node>(deps.Count);
        while (ready.Count > 0)
        {
            var n = ready.Pop();
            order.Add(n);
            foreach (var next in n.Next)
            {
                if (next is null) continue;
                if (--deps[next] == 0) ready.Push(next);
            }
        }
        return (order, order.Count);
    }

    private static void Deliver(Dictionary<Node, Tensor> pending, Node node, Tensor grad)
    {
        pending[node] = pending.TryGetValue(node, out var prev) ? Sum(prev, grad) : grad;
    }

    // Note [Gradient ownership]
    // A leaf's first gradient is not copied: .Grad becomes a new tensor sharing the storage of the
    // gradient the backward pass produced, marked BorrowsStorage. That storage may also be another
    // leaf's gradient (add's backward hands one tensor to both inputs) or still be read by a node
    // that runs later, so a borrowed .Grad is never added into in place: the next accumulation gives
    // it fresh storage holding the sum (copy-on-write), keeping the tensor object, as PyTorch's
    // in-place accumulation keeps it. A gradient the caller passed in (backward's gradient argument)
    // is copied instead, so .Grad never aliases a tensor the user holds. Gradients that meet at a
    // node are summed into fresh storage. This saves a full copy of every leaf gradient, which for
    // pooling's input gradient is a quarter of the backward's memory traffic.
    // Note [Concurrent accumulation]
    // Two threads may run backward at once through graphs that share a leaf (Hogwild-style training,
    // or one model evaluated by several requests). Accumulation is a read-modify-write of .Grad, so,
    // as PyTorch's AccumulateGrad holds a mutex, each leaf's accumulation runs under the lock of its
    // one AccumulateGrad node: no update is lost, and the rest of each backward runs in parallel.
    // A reader of .Grad on another thread sees either the old gradient tensor or the new one; a
    // copy-on-write accumulation swaps in a whole new storage holding the sum, and an in-place one
    // adds into the existing storage (as PyTorch's does).
    private static void Accumulate(Tensor leaf, Tensor grad, HashSet<Array> callerStorages)
    {
        var current = leaf.Grad;
        if (current is null || !ShapeUtil.SameShape(current.Shape, leaf.Shape) || current.DType != leaf.DType)
        {
            if (grad.DType != leaf.DType) leaf.Grad = grad.ConvertData(leaf.DType);
            else if (callerStorages.Contains(grad.Storage)) leaf.Grad = grad.CloneData();
            else leaf.Grad = new Tensor(grad.Storage, leaf.Dims) { BorrowsStorage = true };
        }
        else if (current.BorrowsStorage) current.ReplaceStorage(Sum(current, grad).Storage);
        else AddInPlace(current, grad);
    }

    /// <summary>a + b into fresh storage (dtype of a).</summary>
    internal static Tensor Sum(Tensor a, Tensor b)
    {
        if (b.DType != a.DType) b = b.ConvertData(a.DType);
        var r = Tensor.Uninitialized(a.DType, a.Dims);
        if (a.Storage is float[] f) TensorPrimitives.Add(f, b.Span<float>(), r.Span<float>());
        else TensorPrimitives.Add(a.Span<double>(), b.Span<double>(), r.Span<double>());
        return r;
    }

    private static void AddInPlace(Tensor dst, Tensor src)
    {
        if (src.DType != dst.DType) src = src.ConvertData(dst.DType);
        if (dst.Storage is float[] f) TensorPrimitives.Add(f, src.Span<float>(), f);
        else { var d = dst.Span<double>(); TensorPrimitives.Add(d, src.Span<double>(), d); }
    }

    private static void Check(Node node, Tensor?[] grads)
    {
        if (grads.Length != node.Next.Length)
            throw new InvalidOperationException($"function {node.Name} returned an incorrect number of gradients (expected {node.Next.Length}, got {grads.Length})");
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g || node.Next[i] is null) continue;
            if (!ShapeUtil.SameShape(g.Shape, node.InputShapes[i]))
                throw new InvalidOperationException($"Function {node.Name} returned an invalid gradient at index {i} - got {ShapeUtil.Format(g.Shape)} but expected shape compatible with {ShapeUtil.Format(node.InputShapes[i])}");
            if (g.DType != node.InputTypes[i])
                throw new InvalidOperationException($"Function {node.Name} returned an invalid gradient at index {i} - expected dtype {node.InputTypes[i]} but got {g.DType}");
        }
    }
}
