namespace Autograd;

// Note [Non-leaf grad access]
// PyTorch returns None when .grad of a non-leaf that does not retain its gradient is read, and warns
// (the value is never filled in by backward, so the read is almost always a mistake). We keep both
// halves: Tensor.Grad returns null, and the warning goes through Warnings.Raised. With no subscriber
// it is written to standard error once per message per process, as Python's default warning filter
// prints it once per location (a Trace listener would be silent in most .NET apps, and a silent null
// is the mistake being warned about). Subscribing replaces that output: applications route it to
// their logger, tests subscribe and throw to make it an error (Python's "-W error").

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
        Console.Error.WriteLine("Autograd warning: " + message);
    }
}
