using Autograd;

namespace VerifyAgainstPyTorch;

/// <summary>
/// A user's custom loss written with Autograd's ops: knowledge distillation (Hinton et al.), the
/// student's log-softmax at temperature T against the teacher's softmax at T, scaled by T² so its
/// gradients keep their size as T changes, averaged over the batch.
/// </summary>
public static class DistillationLoss
{
    public static Tensor Compute(Tensor student, Tensor teacher, double temperature)
    {
        var logQ = F.LogSoftmax(student / temperature, 1);
        var p = F.Softmax(teacher / temperature, 1);
        return F.Mean(F.Neg(F.Sum(p * logQ, [1]))) * (temperature * temperature);
    }

    /// <summary>The same loss with a bug: the T² scale is forgotten (the mistake TorchCheck should catch).</summary>
    public static Tensor ComputeWithoutScale(Tensor student, Tensor teacher, double temperature)
    {
        var logQ = F.LogSoftmax(student / temperature, 1);
        var p = F.Softmax(teacher / temperature, 1);
        return F.Mean(F.Neg(F.Sum(p * logQ, [1])));
    }
}
