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
// Note [Partial graphs]
// When the caller names the tensors it wants gradients for (Grad.Compute's inputs, Backward's
// inputs), only the nodes on a path from the roots to one of them run, as PyTorch's exec_info does:
// a node runs when some named tensor's node is reachable from it. The other nodes reachable from the
// roots are left alone: not run, not freed, so a later backward through them still works. A named
// non-leaf's gradient is the one arriving at its grad_fn (after its tensor hooks). Under Grad.Compute
// that node itself runs only if another named tensor lies beyond it; under Backward(inputs) it runs
// (its node hooks fire, its saved tensors are freed, its results go nowhere), as PyTorch's backward
// executes the nodes of its inputs (docs, "Backward Hooks execution"). Backward(inputs) fills a named
// non-leaf's .Grad by making it retain its gradient (RetainGrad, as PyTorch's run_backward does), so
// it keeps retaining afterwards.
internal static class Engine
{
    /// <summary>One backward pass: roots and their gradients, options, and the named inputs (if any).</summary>
    internal sealed class Task
    {
        internal required Tensor[] Roots { get; init; }
        internal required Tensor[] RootGrads { get; init; }
        internal bool RetainGraph { get; init; }
        internal bool CreateGraph { get; init; }

        /// <summary>The named inputs (null: every leaf); with <see cref="Capture"/>, their gradients are returned instead of accumulated.</summary>
        internal Tensor[]? Inputs { get; init; }
        internal bool Capture { get; init; }
        internal Tensor?[]? Captured { get; set; }
    }

    internal static void Run(Task task)
    {
        if (Reentrant.ShouldMoveToFreshThread) Reentrant.RunOnFreshThread(() => RunHere(task));
        else RunHere(task);
    }

    private static void RunHere(Task task)
    {
        var pass = new Pass(task, GradientRecycler.For(task));
        using var _ = GradMode.EnterBackward(task.CreateGraph);
        using var depth = Reentrant.Enter();
        foreach (var node in pass.Order) pass.Step(node);
    }

    /// <summary>What one node did in a pass: the gradients it received (after its tensor hooks) and the ones it sent to its inputs.</summary>
    internal readonly record struct StepResult(Tensor?[] GradOutputs, Tensor?[]? GradInputs);

    /// <summary>
    /// The state of one backward pass, run a node at a time: <see cref="RunHere"/> steps through every node,
    /// Tape.StepBackward one per MoveNext (Note [Stepping through backward]); both run this same code.
    /// </summary>
    internal sealed class Pass
    {
        private readonly Task _task;
        private readonly Edge[]? _targets;
        private readonly HashSet<Node>? _needed;
        private readonly Dictionary<Node, Tensor?[]> _pending = [];
        private readonly HashSet<Array> _callerStorages;
        private readonly GradientRecycler? _recycler;

        internal Pass(Task task, GradientRecycler? recycler = null)
        {
            _task = task;
            _recycler = recycler;
            Order = Engine.Order(task.Roots.Select(r => r.GradientEdge.Node)).Nodes;
            _targets = task.Inputs?.Select(t => t.GradientEdge).ToArray();
            _needed = _targets is null ? null : Needed(Order, _targets, runTargets: !task.Capture);
            if (task.Capture) task.Captured = new Tensor?[_targets!.Length];
            _callerStorages = new HashSet<Array>(task.RootGrads.Select(g => g.Storage), ReferenceEqualityComparer.Instance);
            for (int i = 0; i < task.Roots.Length; i++)
                Deliver(_pending, task.Roots[i].GradientEdge, task.RootGrads[i], task.CreateGraph, null);
        }

        /// <summary>The nodes in the order backward visits them.</summary>
        internal List<Node> Order { get; }

        /// <summary>
        /// Runs <paramref name="node"/> if a gradient reached it (null otherwise): tensor hooks, capture, then
        /// accumulation for a leaf's sink or the rule for any other node, delivering its results. Grad mode must
        /// be the backward walk's (the caller enters it).
        /// </summary>
        internal StepResult? Step(Node node)
        {
            var task = _task;
            if (!_pending.Remove(node, out var grads)) return null;   // reachable but no gradient arrived
            if (node.HasHooks) _recycler?.Disown(grads);
            if (node.HasHooks) grads = node.RunTensorHooks(grads, task.CreateGraph);
            if (task.Capture) Capture(task, _targets!, node, grads);
            if (node is AccumulateGrad acc)
            {
                _recycler?.Disown(grads);   // .Grad borrows it (Note [Gradient ownership])
                if (!task.Capture && (_targets is null || Array.IndexOf(_targets, new Edge(acc, 0)) >= 0))
                    RunAccumulateGrad(acc, grads, _callerStorages);
                return new StepResult(grads, null);
            }
            if (_needed is not null && !_needed.Contains(node)) return new StepResult(grads, null);   // only a capture point (Note [Partial graphs])
            _recycler?.Begin(node);
            Tensor?[]? results = null;
            try { results = Execute(node, grads, task); }
            finally { _recycler?.End(grads, results); }   // Note [Recycled gradients]
            for (int i = 0; i < node.Next.Length; i++)
            {
                if (node.Next[i] is not { } next || results[i] is not { } g) continue;
                var edge = node.NextEdge(i);
                if (_needed is null || _needed.Contains(next) || Array.IndexOf(_targets!, edge) >= 0) Deliver(_pending, edge, g, task.CreateGraph, _recycler);
            }
            return new StepResult(grads, results);
        }
    }

    /// <summary>Runs one node: pre-hooks, the rule (wrapped under anomaly mode), checks, post-hooks, freeing.</summary>
    private static Tensor?[] Execute(Node node, Tensor?[] grads, Task task)
    {
        if (node.HasHooks) grads = node.RunPreHooks(grads);
        Tensor?[] results;
        try
        {
            results = node is not FunctionNode && Array.TrueForAll(grads, g => g is null)
                ? NoGradients(node)   // a pre-hook dropped every gradient
                : node.Invoke(grads);
            results = Validate(node, results);
            if (node.HasHooks) results = node.RunPostHooks(results, grads);
        }
        catch (Exception e) when (Anomaly.IsEnabled && e is not AnomalyException)
        {
            Anomaly.Report(node, e);   // the original exception goes on, named (Note [Anomaly mode])
            throw;
        }
        if (Anomaly.IsEnabled) Anomaly.CheckResults(node, results);
        if (task.CreateGraph && node is not FunctionNode && !node.DifferentiableBackward) DelayedError.Wrap(node, grads, results);
        if (!task.RetainGraph) node.Release();
        return results;
    }

    /// <summary>
    /// A built-in node given no gradient returns none (PyTorch's generated nodes: any_grad_defined ?
    /// formula : undefined); its saved tensors are still checked, as unpacking them would.
    /// </summary>
    private static Tensor?[] NoGradients(Node node)
    {
        node.CheckUsable();
        return new Tensor?[node.Next.Length];
    }

    /// <summary>A leaf's sink (Note [Hook order], after its tensor hooks): pre-hooks, accumulation, post-accumulate hooks, post-hooks.</summary>
    private static void RunAccumulateGrad(AccumulateGrad acc, Tensor?[] grads, HashSet<Array> callerStorages)
    {
        if (acc.HasHooks) grads = acc.RunPreHooks(grads);
        if (grads[0] is { } g)   // a pre-hook may drop the gradient: then nothing is accumulated, as in PyTorch
        {
            lock (acc) Accumulate(acc.Leaf, g, callerStorages);   // Note [Concurrent accumulation]
            acc.RunPostAccumulateHooks();
        }
        if (acc.HasHooks) acc.RunPostHooks([], grads);
    }

    /// <summary>Captures the gradients of named inputs arriving at <paramref name="node"/> (Grad.Compute).</summary>
    private static void Capture(Task task, Edge[] targets, Node node, Tensor?[] grads)
    {
        for (int j = 0; j < targets.Length; j++)
            if (ReferenceEquals(targets[j].Node, node) && grads[targets[j].Slot] is { } g)
                task.Captured![j] = g;
    }

    /// <summary>
    /// The nodes that must run for some target to get its gradient (Note [Partial graphs]); with
    /// <paramref name="runTargets"/> (Backward's inputs) the targets' own nodes run too.
    /// </summary>
    private static HashSet<Node> Needed(List<Node> order, Edge[] targets, bool runTargets)
    {
        var targetNodes = new HashSet<Node>(targets.Select(t => t.Node));
        var needed = runTargets ? new HashSet<Node>(targetNodes) : new HashSet<Node>();
        for (int k = order.Count - 1; k >= 0; k--)   // order is topological from the roots: walk it leaves-first
        {
            var n = order[k];
            foreach (var next in n.Next)
                if (next is not null && (targetNodes.Contains(next) || needed.Contains(next))) { needed.Add(n); break; }
        }
        return needed;
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

    private static void Deliver(Dictionary<Node, Tensor?[]> pending, Edge edge, Tensor grad, bool createGraph, GradientRecycler? recycler)
    {
        if (!pending.TryGetValue(edge.Node, out var slots))
            pending[edge.Node] = slots = new Tensor?[edge.Node.OutputCount];
        if (slots[edge.Slot] is not { } prev) slots[edge.Slot] = grad;
        else if (createGraph && (prev.RequiresGrad || grad.RequiresGrad)) slots[edge.Slot] = RecordedAddGradients(prev, grad);   // createGraph: the sum stays differentiable
        else
        {
            var sum = AddGradients(prev, grad);
            recycler?.Summed(prev, grad, sum);
            slots[edge.Slot] = sum;
        }
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
        var current = leaf.GradValue;
        if (current is null || !ShapeUtil.SameShape(current.Shape, leaf.Shape) || current.DType != leaf.DType)
        {
            if (grad.DType != leaf.DType) leaf.GradValue = grad.ConvertData(leaf.DType);
            else if (GradMode.IsEnabled && grad.RequiresGrad) leaf.GradValue = grad;   // createGraph: keep its history
            else if (callerStorages.Contains(grad.Storage)) leaf.GradValue = grad.CloneData();
            else leaf.GradValue = new Tensor(grad.Storage, leaf.Dims) { BorrowsStorage = true };
        }
        else if (GradMode.IsEnabled) leaf.GradValue = RecordedAddGradients(current, grad);   // createGraph: out of place, so .Grad stays differentiable (PyTorch's accumulateGrad)
        else
        {
            if (current.BorrowsStorage) current.ReplaceStorage(AddGradients(current, grad).Storage);
            else AddInPlace(current, grad);
            current.BumpVersion();   // an in-place write of .Grad (Note [Version counters])
        }
    }

    /// <summary>Two gradients that meet (a tensor read by several ops, or .Grad accumulating), summed: a + b into fresh storage (dtype of a), recording nothing (Note [Parallel gradient sums]).</summary>
    internal static Tensor AddGradients(Tensor a, Tensor b)
    {
        if (b.DType != a.DType) b = b.ConvertData(a.DType);
        var r = Tensor.Uninitialized(a.DType, a.Dims);
        if (a.Storage is float[] f) AddBlocks(f, b.Array<float>(), r.Array<float>());
        else AddBlocks(a.Array<double>(), b.Array<double>(), r.Array<double>());
        return r;
    }

    // Note [Parallel gradient sums]
    // Gradients that meet (a tensor read by several ops) are summed here, between nodes: under createGraph or in
    // a Hessian-vector product these are activation-sized, and summed on one thread they were a visible share of
    // the product while every kernel around them ran on all threads (docs/speed.md, Measurements behind the code). The engine's assembly does not own the thread
    // setting (Threading.NumThreads lives with the kernels), so the kernels' assembly hands its parallel loop in
    // here when it loads (Kernels.Parallelism.For: inline below its work threshold, NumThreads honoured); until
    // then, or when it is absent, the sum runs inline. Elementwise, so the result does not depend on the split.
    internal static Action<int, long, Action<int>>? ParallelFor { get; set; }

    private static void AddBlocks<T>(T[] a, T[] b, T[] r) where T : unmanaged, System.Numerics.IAdditionOperators<T, T, T>, System.Numerics.IAdditiveIdentity<T, T>
    {
        const int Block = 1 << 16;
        int n = r.Length, blocks = (n + Block - 1) / Block;
        if (blocks <= 1 || ParallelFor is not { } parallelFor)
        {
            TensorPrimitives.Add<T>(a.AsSpan(0, n), b.AsSpan(0, n), r);
            return;
        }
        parallelFor(blocks, n, k =>
        {
            int start = k * Block, count = Math.Min(Block, n - start);
            TensorPrimitives.Add<T>(a.AsSpan(start, count), b.AsSpan(start, count), r.AsSpan(start, count));
        });
    }

    /// <summary>a + b recorded as AddBackward0 (accumulation under createGraph).</summary>
    private static Tensor RecordedAddGradients(Tensor a, Tensor b) => Node.Record(AddGradients(a, b), "AddBackward0", [a, b], g => [g, g], differentiable: true);

    /// <summary>
    /// Sums <paramref name="g"/> over the dims it was broadcast along, down to <paramref name="shape"/> (PyTorch's
    /// validate_outputs sum_to: a custom rule's broadcast gradient, a rare path, hence plain loops). Under
    /// createGraph it is recorded, with <see cref="BroadcastTo"/> as its derivative and vice versa, so the sum
    /// keeps the gradient's history to any order.
    /// </summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        var r = Tensor.Empty(g.DType, shape);
        Remap(g, r, accumulate: true);
        if (!GradMode.IsEnabled || !g.RequiresGrad) return r;
        int[] from = g.Dims;
        return Node.Record(r, "SumToSizeBackward0", [g], gg => [BroadcastTo(gg, from)], differentiable: true);
    }

    /// <summary>The inverse of <see cref="SumTo"/>: <paramref name="g"/> repeated along the dims it broadcasts along to <paramref name="shape"/>.</summary>
    internal static Tensor BroadcastTo(Tensor g, int[] shape)
    {
        var r = Tensor.Empty(g.DType, shape);
        Remap(r, g, accumulate: false);
        if (!GradMode.IsEnabled || !g.RequiresGrad) return r;
        int[] from = g.Dims;
        return Node.Record(r, "ExpandBackward0", [g], gg => [SumTo(gg, from)], differentiable: true);
    }

    /// <summary>
    /// Walks the larger tensor <paramref name="big"/> against <paramref name="small"/> (which broadcasts to it):
    /// with <paramref name="accumulate"/>, small[j] += big[i] (the sum-down); without, big[i] = small[j] (the broadcast).
    /// </summary>
    private static void Remap(Tensor big, Tensor small, bool accumulate)
    {
        int rank = big.Rank, off = rank - small.Rank;
        var idx = new int[rank];
        for (int flat = 0; flat < big.Numel; flat++)
        {
            int j = 0;
            for (int d = off; d < rank; d++) j = j * small.Dims[d - off] + (small.Dims[d - off] == 1 ? 0 : idx[d]);
            if (accumulate) small.SetDouble(j, small.GetDouble(j) + big.GetDouble(flat));
            else big.SetDouble(flat, small.GetDouble(j));
            for (int d = rank - 1; d >= 0 && ++idx[d] == big.Dims[d]; d--) idx[d] = 0;
        }
    }

    private static void AddInPlace(Tensor dst, Tensor src)
    {
        if (src.DType != dst.DType) src = src.ConvertData(dst.DType);
        if (dst.Storage is float[] f) TensorPrimitives.Add(f, src.Span<float>(), f);
        else { var d = dst.Span<double>(); TensorPrimitives.Add(d, src.Span<double>(), d); }
    }

    /// <summary>
    /// PyTorch's validate_outputs: one gradient per input (extra trailing nulls dropped); a gradient of
    /// another shape is summed to the input's shape when it broadcasts to it, else an error.
    /// </summary>
    private static Tensor?[] Validate(Node node, Tensor?[] grads)
    {
        int n = node.Next.Length;
        if (grads.Length != n)
        {
            if (grads.Length < n || grads.Skip(n).Any(g => g is not null))
                throw new InvalidOperationException($"function {node.Name} returned an incorrect number of gradients (expected {n}, got {grads.Length})");
            grads = grads[..n];
        }
        for (int i = 0; i < n; i++)
        {
            if (grads[i] is not { } g) continue;
            if (node.Next[i] is null) { grads[i] = null; continue; }
            if (!ShapeUtil.SameShape(g.Shape, node.InputShapes[i]))
            {
                if (!ShapeUtil.ExpandableTo(node.InputShapes[i], g.Shape))
                    throw new InvalidOperationException($"Function {node.Name} returned an invalid gradient at index {i} - got {ShapeUtil.Format(g.Shape)} but expected shape compatible with {ShapeUtil.Format(node.InputShapes[i])}");
                grads[i] = g = SumTo(g, node.InputShapes[i]);
            }
            if (g.DType != node.InputTypes[i]) grads[i] = Cast(g, node.InputTypes[i]);   // PyTorch's validate_outputs casts to the input's dtype
        }
        return grads;
    }

    /// <summary>g converted to <paramref name="dtype"/>, recorded as ToCopyBackward0 when g has history (createGraph).</summary>
    private static Tensor Cast(Tensor g, DType dtype)
    {
        var src = g.DType;
        return Node.Record(g.ConvertData(dtype), "ToCopyBackward0", [g], gg => [Cast(gg, src)], differentiable: true);
    }
}
