using System.Reflection;

namespace Autograd;

// Note [Recycled gradients]
// Without a TensorScope every large storage is a fresh GC array, and the GC learns that one is dead only
// at its next collection: for large-object-heap arrays (≥ 85 kB) a gen-2 one. About half of a training
// step's large arrays are the gradients of intermediate tensors, each made by one node's backward, read
// by the next node's and then dead. The engine knows that before the GC does, for the gradients it made
// itself, so it gives each back to TensorStorage's pool as soon as the node reading it has run, and the
// next allocation of that length (later in the pass, or the next step's forward) reuses the array. An
// array handed out while something still reads it would be silent corruption, so a gradient is recycled
// only when nothing else can hold it:
//  * it was allocated outside any scope, on the engine's thread, while a built-in rule ran (not a custom
//    Function's, not a rule user code recorded through Node.Record: those may keep their arguments), and
//    it is the storage of exactly one of that node's results (which may be a view of it);
//  * neither the node that made it nor the node that reads it has hooks (tensor hooks, retain_grad and
//    node hooks all see gradients and may keep them);
//  * the node reading it is not a leaf's AccumulateGrad (.Grad borrows it, Note [Gradient ownership]), and
//    none of that node's results shares it; when exactly one does (a view's backward, add's pass-through to
//    one input), ownership moves to that result;
//  * the pass records nothing (no createGraph), captures nothing (Grad.Compute, inputs:), runs whole (not
//    Tape.StepBackward, whose steps hand the gradients to the caller), and anomaly mode is off.
// Two owned gradients that meet are summed into a fresh array, which the pass owns, and both are recycled.
// Inside a TensorScope nothing changes: its arrays carry leases and go back when the scope ends.
// Whatever this misses (activations, leaf gradients, anything the caller dropped) comes back later, when a
// gen-2 collection finds the array dead (Note [Collected arrays come back]); this only gets there first.

/// <summary>The gradients one backward pass made and may give back to the pool (Note [Recycled gradients]).</summary>
internal sealed class GradientRecycler
{
    private static volatile Assembly[] _builtIn = [typeof(Node).Assembly];

    private readonly HashSet<Array> _owned = new(ReferenceEqualityComparer.Instance);
    private readonly List<Array> _fresh = [];
    private List<Array>? _previousWatch;
    private bool _watching;
    private Node? _node;
    private BackwardFn? _rule;

    /// <summary>A recycler for <paramref name="task"/>, or null when its gradients may be seen by others.</summary>
    internal static GradientRecycler? For(Engine.Task task) =>
        task.CreateGraph || task.Capture || task.Inputs is not null || Anomaly.IsEnabled ? null : new GradientRecycler();

    /// <summary>Marks the rules (closures) defined in <paramref name="assembly"/> as built in: they keep no gradient they are given.</summary>
    internal static void TrustRulesOf(Assembly assembly)
    {
        lock (typeof(GradientRecycler))
            if (Array.IndexOf(_builtIn, assembly) < 0) _builtIn = [.. _builtIn, assembly];
    }

    /// <summary>The gradients of a node that keeps or shows them (hooks, AccumulateGrad) leave the pass's ownership unrecycled.</summary>
    internal void Disown(Tensor?[] grads)
    {
        if (_owned.Count == 0) return;
        foreach (var g in grads) if (g is not null) _owned.Remove(g.Storage);
    }

    /// <summary>Before <paramref name="node"/>'s rule runs: watches what it allocates when its results can be owned.</summary>
    internal void Begin(Node node)
    {
        _watching = !node.HasHooks;
        if (!_watching) return;
        _previousWatch = TensorStorage.Watch(_fresh);
        (_node, _rule) = (node, node.Rule);   // whose rule it is is asked only when a large array is at stake (reflection)
    }

    /// <summary>After the rule ran (or threw): recycles the gradients it read that died, and owns the results it made.</summary>
    internal void End(Tensor?[] grads, Tensor?[]? results)
    {
        if (!_watching) { Disown(grads); return; }
        TensorStorage.Watch(_previousWatch);
        _previousWatch = null;
        _watching = false;
        var (node, rule) = (_node!, _rule);
        (_node, _rule) = (null, null);
        if (results is null || (_fresh.Count == 0 && !AnyOwned(grads))) { _fresh.Clear(); Disown(grads); return; }
        if (!Node.HasBuiltInRule(node, rule, _builtIn)) { _fresh.Clear(); Disown(grads); return; }
        foreach (var g in grads)
        {
            if (g is null || !_owned.Remove(g.Storage)) continue;
            int sharing = Sharing(results, g.Storage);
            if (sharing == 0) TensorStorage.Recycle(g.Storage);
            else if (sharing == 1) _owned.Add(g.Storage);   // it moves to the one result viewing it
        }
        foreach (var r in results)
            if (r is not null && _fresh.Contains(r.Storage) && Sharing(results, r.Storage) == 1) _owned.Add(r.Storage);
        _fresh.Clear();
    }

    /// <summary>Two gradients met and were summed into <paramref name="sum"/>: the owned ones are dead; the sum is fresh.</summary>
    internal void Summed(Tensor a, Tensor b, Tensor sum)
    {
        if (_owned.Remove(a.Storage)) TensorStorage.Recycle(a.Storage);
        if (_owned.Remove(b.Storage)) TensorStorage.Recycle(b.Storage);
        if (sum.Lease is null && !ReferenceEquals(sum.Storage, a.Storage) && !ReferenceEquals(sum.Storage, b.Storage)) _owned.Add(sum.Storage);
    }

    private bool AnyOwned(Tensor?[] grads)
    {
        if (_owned.Count == 0) return false;
        foreach (var g in grads) if (g is not null && _owned.Contains(g.Storage)) return true;
        return false;
    }

    private static int Sharing(Tensor?[] results, Array storage)
    {
        int n = 0;
        foreach (var r in results) if (r is not null && ReferenceEquals(r.Storage, storage)) n++;
        return n;
    }
}
