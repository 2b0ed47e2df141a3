using Autograd.Oracle;

namespace Autograd.Tests.Oracle;

public static partial class CrossCheck
{
    /// <summary>
    /// Compares results both engines already computed (forward output, indices, and the gradient of every
    /// input that requires one), under the same tolerance as the grids; null on agreement. For callers
    /// that must run ours first and decide whether libtorch may run at all (the fuzz test).
    /// </summary>
    public static string? CompareResults(DType dtype, EngineTensor ours, int[]? ourIndices, EngineTensor torch, int[]? torchIndices,
        EngineTensor[] ourInputs, EngineTensor[] torchInputs)
    {
        var cmp = new Comparer(dtype);
        cmp.Tensor("output", ours, torch);
        if (ourIndices is not null || torchIndices is not null) cmp.Indices(ourIndices, torchIndices);
        for (int i = 0; i < ourInputs.Length && cmp.Failure is null; i++)
            if (torchInputs[i].RequiresGrad) cmp.Grad($"grad of input {i}", ourInputs[i], torchInputs[i]);
        return cmp.Failure;
    }
}
