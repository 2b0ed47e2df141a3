using static TorchSharp.torch;

namespace VerifyAgainstPyTorch;

/// <summary>
/// The reference: the same loss written with TorchSharp (PyTorch's ops). In its own file, with only
/// TorchSharp imported, so <c>Tensor</c> here is TorchSharp's and never meets Autograd's.
/// </summary>
public static class TorchDistillationLoss
{
    public static Tensor Compute(Tensor student, Tensor teacher, double temperature)
    {
        var logQ = nn.functional.log_softmax(student / temperature, 1);
        var p = nn.functional.softmax(teacher / temperature, 1);
        return -(p * logQ).sum(1).mean() * (temperature * temperature);
    }
}
