namespace Autograd.Nn;

/// <summary>Placeholder until the building blocks land.</summary>
internal static class NnAssembly;
