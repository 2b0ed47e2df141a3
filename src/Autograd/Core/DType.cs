namespace Autograd;

/// <summary>Element type of a tensor: torch.float32 or torch.float64.</summary>
public enum DType
{
    Float32,
    Float64,
}
