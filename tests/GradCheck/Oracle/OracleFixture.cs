using Autograd.Oracle;
using Autograd.TorchSharp;

namespace Autograd.Tests.Oracle;

/// <summary>
/// Every libtorch cross-check belongs to this collection: they share one fixture, which writes
/// the conformance report once all of them have run. (They run one after another; other test
/// classes run beside them.)
/// </summary>
[CollectionDefinition(Name)]
public sealed class OracleCollection : ICollectionFixture<OracleFixture>
{
    public const string Name = "libtorch oracle";
}

public sealed class OracleFixture : IDisposable
{
    public void Dispose()
    {
        if (Conformance.TotalConfigs == 0) return;
        var path = Conformance.Write();
        // xunit hides a fixture's console output; scripts/test.sh prints the path and the summary.
        Console.Error.WriteLine($"conformance report: {path}");
    }

    /// <summary>Fails (never skips) when TorchSharp cannot load, with the reason and the fix in one line.</summary>
    public static void RequireOracle() => TorchSharpLibrary.EnsureLoaded();
}
