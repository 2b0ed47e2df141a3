using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

public static partial class CrossCheck
{
    /// <summary>
    /// Compares results both engines already computed (forward output, indices, and the gradient of every
    /// input that requires one), under the same tolerance as the grids; null on agreement. For callers
    /// that must run ours first and decide whether libtorch may run at all (the fuzz test).
    /// </summary>
    public static string? CompareResults(DType dtype, OracleTensor ours, int[]? ourIndices, OracleTensor torch, int[]? torchIndices,
        OracleTensor[] ourInputs, OracleTensor[] torchInputs)
    {
        var cmp = new Comparer(dtype);
        cmp.Tensor("output", ours, torch);
        if (ourIndices is not null || torchIndices is not null) cmp.Indices(ourIndices, torchIndices);
        for (int i = 0; i < ourInputs.Length && cmp.Failure is null; i++)
            if (torchInputs[i].RequiresGrad) cmp.Grad($"grad of input {i}", ourInputs[i], torchInputs[i]);
        return cmp.Failure;
    }

    /// <summary>
    /// Ours in one dtype against a reference in another (ours' float32 against ours' float64), values
    /// and input gradients, under <paramref name="tolerance"/>'s rule; null on agreement.
    /// </summary>
    public static string? CompareAcrossDTypes(DType tolerance, OracleTensor ours, OracleTensor reference, OracleTensor[] ourInputs, OracleTensor[] refInputs)
    {
        var cmp = new Comparer(tolerance);
        cmp.Values("output", ours.Values(), reference.Values(), reference.Shape);
        for (int i = 0; i < ourInputs.Length && cmp.Failure is null; i++)
        {
            if (!ourInputs[i].RequiresGrad) continue;
            double[]? o = ourInputs[i].GradValues(), r = refInputs[i].GradValues();
            if (o is null || r is null) { if (o is not null || r is not null) return $"grad of input {i}: only one has a gradient"; continue; }
            cmp.Values($"grad of input {i}", o, r, refInputs[i].Shape);
        }
        return cmp.Failure;
    }
}
