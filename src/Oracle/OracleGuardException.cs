namespace Autograd.Oracle;

/// <summary>
/// The engine refused to send a configuration to libtorch: libtorch would corrupt its heap on it
/// (<see cref="MaxPoolGuard"/>), or TorchSharp cannot express it (avg_pool2d's divisor_override 0). Not a
/// libtorch rejection: such configurations are checked on our side alone, against what PyTorch does with
/// them (<see cref="LibtorchRejects"/>).
/// </summary>
public sealed class OracleGuardException(string message, string reason, bool libtorchRejects = false) : InvalidOperationException(message)
{
    /// <summary>Why it was kept from libtorch, in a few words (the conformance report groups by it).</summary>
    public string Reason { get; } = reason;

    /// <summary>True when PyTorch rejects the configuration (ours must too); false when PyTorch accepts it (ours must too).</summary>
    public bool LibtorchRejects { get; } = libtorchRejects;
}
