using System.Diagnostics;

namespace Autograd;

// Note [Anomaly mode]
// Under `using (Grad.DetectAnomaly())` (torch.autograd.detect_anomaly) every node records the stack
// trace of the forward call that created it, and the backward pass checks each node's results: a NaN
// in any gradient a node returns throws AnomalyException naming the node, the output index and the
// forward trace, as PyTorch's "Function 'DivBackward0' returned nan values in its 1th output" does.
// Any other exception thrown while a node runs keeps its type and message (so catch clauses behave
// the same with the mode on), as PyTorch re-raises the original error: the node's name and the
// forward trace are added to its Data (AnomalyException.NodeKey, ForwardTraceKey), and the warning
// PyTorch prints, "Error detected in PowBackward0. Traceback of forward call that caused the
// error: ...", goes through Warnings. The mode is a flow-of-control scope like Grad.NoGrad (Note
// [Grad mode across await]); a node remembers the trace of the scope it was created in, so a backward
// run later outside the scope still names it, while the checks follow the mode at backward time, as
// PyTorch's do. Capturing a trace per op is slow (tens of microseconds), which is why it is a debugging mode.

/// <summary>Thrown under anomaly detection when a backward node fails or returns NaN; names the forward call.</summary>
public sealed class AnomalyException(string message, string node, string? forwardTrace, Exception? inner = null)
    : InvalidOperationException(message, inner)
{
    /// <summary>The backward node that failed, e.g. "DivBackward0".</summary>
    public string Node { get; } = node;

    /// <summary>The stack trace of the forward call that recorded the node (null if recorded outside anomaly mode).</summary>
    public string? ForwardTrace { get; } = forwardTrace;

    /// <summary>Key in <see cref="Exception.Data"/> of an exception thrown by a node under anomaly mode: the node's name.</summary>
    public const string NodeKey = "Autograd.Node";

    /// <summary>Key in <see cref="Exception.Data"/>: the forward call's stack trace (absent if recorded outside the mode).</summary>
    public const string ForwardTraceKey = "Autograd.ForwardTrace";
}

internal static class Anomaly
{
    private static readonly AsyncLocal<Scope?> Current = new();
    private static volatile bool _everSet;

    internal static bool IsEnabled => _everSet && FlowChain.Active(Current.Value) is { Enabled: true };

    internal static IDisposable Set(bool enabled)
    {
        _everSet = true;
        var scope = new Scope(enabled, Current.Value);
        Current.Value = scope;
        return scope;
    }

    internal static string CaptureTrace() => new StackTrace(2, fNeedFileInfo: true).ToString();

    /// <summary>Throws when <paramref name="grads"/> holds a NaN (PyTorch's check after each node).</summary>
    internal static void CheckResults(Node node, Tensor?[] grads)
    {
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g || !HasNaN(g)) continue;
            throw new AnomalyException($"Function '{node.Name}' returned nan values in its {i}th output." + TraceText(node), node.Name, node.CreationTrace);
        }
    }

    /// <summary>Names the failing node and its forward call on <paramref name="e"/> (once: the innermost node) and warns, as PyTorch does.</summary>
    internal static void Report(Node node, Exception e)
    {
        if (e.Data.Contains(AnomalyException.NodeKey)) return;
        e.Data[AnomalyException.NodeKey] = node.Name;
        if (node.CreationTrace is { } t) e.Data[AnomalyException.ForwardTraceKey] = t;
        Warnings.Raise($"Error detected in {node.Name}." + TraceText(node));
    }

    private static string TraceText(Node node) => node.CreationTrace is { } t
        ? $"\nTraceback of forward call that caused the error:\n{t}"
        : "\nNo forward pass information available. Enable detect anomaly during forward pass for more information.";

    private static bool HasNaN(Tensor g)
    {
        if (g.Storage is float[] f) { foreach (var v in f) if (float.IsNaN(v)) return true; return false; }
        foreach (var v in (double[])g.Storage) if (double.IsNaN(v)) return true;
        return false;
    }

    private sealed class Scope(bool enabled, Scope? outer) : IDisposable, IFlowLink<Scope>
    {
        public bool Enabled { get; } = enabled;
        public Scope? Outer { get; } = outer;
        public bool Ended => _ended;
        private volatile bool _ended;

        public void Dispose()
        {
            if (_ended) return;
            FlowChain.End(Current, this, () => _ended = true, (_, inside) => new InvalidOperationException(inside
                ? "Grad.DetectAnomaly(): scopes must be disposed innermost first, but a scope opened inside this one is still active"
                : "Grad.DetectAnomaly(): this scope was not opened in the current flow of control"));
        }
    }
}
