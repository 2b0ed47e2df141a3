namespace Autograd;

// Note [Non-leaf grad access]
// PyTorch returns None when .grad of a non-leaf that does not retain its gradient is read, and warns
// (the value is never filled in by backward, so the read is almost always a mistake). We keep both
// halves: Tensor.Grad returns null, and the warning goes through Warnings.Raised. A .NET library
// should not print by itself, so with no subscriber the warning goes to System.Diagnostics.Trace,
// once per message per process (Python's default "once per location" filter, roughly). Tests and
// applications that want PyTorch's behaviour of "warnings as errors" subscribe and throw.

/// <summary>Autograd's warning channel (Python's warnings.warn, for the warnings PyTorch's autograd raises).</summary>
public static class Warnings
{
    internal const string NonLeafGrad =
        "The .Grad property of a Tensor that is not a leaf Tensor is being accessed. Its .Grad won't be populated during Backward(). " +
        "If you indeed want the .Grad to be populated for a non-leaf Tensor, call .RetainGrad() on the non-leaf Tensor. " +
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.";

    private static readonly HashSet<string> Seen = [];

    /// <summary>Raised for each warning, on the thread that triggered it.</summary>
    public static event Action<string>? Raised;

    internal static void Raise(string message)
    {
        if (Raised is { } handlers) { handlers(message); return; }
        lock (Seen)
            if (!Seen.Add(message)) return;
        System.Diagnostics.Trace.TraceWarning("Autograd: " + message);
    }
}
