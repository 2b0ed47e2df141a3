using System.Runtime.CompilerServices;

namespace Autograd.Kernels;

/// <summary>Hands the kernels' parallel loop to the engine when this assembly loads (Note [Parallel gradient sums]), and vouches for its rules.</summary>
internal static class EngineHooks
{
    // CA2255 warns libraries off module initializers because they run on load whatever the caller wants; this one
    // only stores a delegate (no I/O, no other type touched), so nothing observable happens at load.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        Engine.ParallelFor ??= Parallelism.For;
        GradientRecycler.TrustRulesOf(typeof(EngineHooks).Assembly);   // the ops' backward rules keep no gradient (Note [Recycled gradients])
    }
}
