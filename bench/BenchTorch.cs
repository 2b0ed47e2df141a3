namespace Autograd.Bench;

/// <summary>Loads TorchSharp for timing: libtorch's default backends, whatever the oracle's self-check chose.</summary>
internal static class BenchTorch
{
    private static bool _warned;

    /// <summary>
    /// EnsureLoaded, then oneDNN back on where the load's self-check switched it off (Note [oneDNN self-check]):
    /// the bench times what a libtorch user gets by default, even on a CPU where oneDNN's float32 convolutions
    /// are wrong (the bench does not compare values), and says so once on stderr.
    /// </summary>
    public static void Load(int? threads = null)
    {
        Autograd.TorchSharp.TorchSharpLibrary.EnsureLoaded();
        if (Autograd.TorchSharp.TorchSharpLibrary.MkldnnDisabledReason is { } why && !Autograd.TorchSharp.TorchSharpLibrary.MkldnnEnabled)
        {
            Autograd.TorchSharp.TorchSharpLibrary.MkldnnEnabled = true;
            if (!_warned) Console.Error.WriteLine($"bench: {why}; timed with oneDNN on (libtorch's default) all the same");
            _warned = true;
        }
        if (threads is { } t) Autograd.TorchSharp.TorchSharpLibrary.NumThreads = t;
    }
}
