using System.Diagnostics;

namespace Autograd;

// Note [Anomaly mode]
// Under `using (Grad.DetectAnomaly())` (torch.autograd.detect_anomaly) every node records the stack
// trace of the forward call that created it, and the backward pass checks each node's results: a NaN
// in any gradient a node returns throws AnomalyException naming the node, the output index and the
// forward trace, as PyTorch's "Function 'DivBackward0' returned nan values in its 1th output" does.
// Any other exception thrown while a node runs is wrapped the same way (the original is the
// InnerException), so the error always points at the forward line that built the failing op. The mode
// is a flow-of-control scope like Grad.NoGrad (Note [Grad mode across await]); a node remembers
// the trace of the scope it was created in, so a backward run later outside the scope still names it,
// while the NaN check itself follows the mode at backward time, as PyTorch's does. Capturing a trace
// per op is slow (tens of microseconds), which is why it is a debugging mode.

/// <summary>Thrown under anomaly detection when a backward node fails or returns NaN; names the forward call.</summary>
public sealed class AnomalyException(string message, string node, string? forwardTrace, Exception? inner = null)
    : InvalidOperationException(message, inner)
{
    /// <summary>The backward node that failed, e.g. "DivBackward0".</summary>
    public string Node { get; } = node;

    /// <summary>The stack trace of the forward call that recorded the node (null if recorded outside anomaly mode).</summary>
    public string? ForwardTrace { get; } = forwardTrace;
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

    internal static AnomalyException Wrap(Node node, Exception e) =>
        new($"Error detected in {node.Name}: {e.Message}" + TraceText(node), node.Name, node.CreationTrace, e);

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
