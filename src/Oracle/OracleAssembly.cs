namespace Autograd.Oracle;

/// <summary>Placeholder until the libtorch binding lands.</summary>
internal static class OracleAssembly;
