using System.Numerics;

namespace Autograd.Nn.Optim;

/// <summary>Validation and scalar helpers shared by the optimizers.</summary>
internal static class OptimMath
{
    /// <summary>A hyper-parameter that must be a finite number ≥ 0, with PyTorch's wording ("Invalid momentum value: -1").</summary>
    internal static double NonNegative(double value, string what, string name, string argName)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(argName, value, $"{name}: Invalid {what}: {value}");

    /// <summary>The learning rate check of every optimizer ("Invalid learning rate: -1").</summary>
    internal static double CheckLr(double lr, string name)
        => lr >= 0 ? lr : throw new ArgumentOutOfRangeException(nameof(lr), lr, $"{name}: Invalid learning rate: {lr}");

    /// <summary>The "betas" check of Adam-like optimizers.</summary>
    internal static (double, double) CheckBetas((double B1, double B2) betas, string name)
    {
        if (!(betas.B1 >= 0 && betas.B1 < 1)) throw new ArgumentOutOfRangeException(nameof(betas), betas.B1, $"{name}: Invalid beta parameter at index 0: {betas.B1}");
        if (!(betas.B2 >= 0 && betas.B2 < 1)) throw new ArgumentOutOfRangeException(nameof(betas), betas.B2, $"{name}: Invalid beta parameter at index 1: {betas.B2}");
        return betas;
    }

    /// <summary>Increments state["step"] (a 0-dim float32 tensor as torch's, created at 0) and returns the new count.</summary>
    internal static double IncrementStep(Dictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("step", out var t)) state["step"] = t = Tensor.Scalar(0.0, DType.Float32);
        if (t.DType == DType.Float32) return ++t.Span<float>()[0];
        if (t.DType == DType.Float64) return ++t.Span<double>()[0];
        throw new InvalidOperationException($"optimizer state \"step\" is {t.DType}; expected a float32 or float64 scalar");
    }

    /// <summary>ATen's scalar lerp: s + w·(e − s) for |w| &lt; 0.5, else e − (e − s)·(1 − w).</summary>
    internal static T Lerp<T>(T s, T e, T w) where T : IFloatingPointIeee754<T>
        => T.Abs(w) < T.CreateChecked(0.5) ? s + w * (e - s) : e - (e - s) * (T.One - w);
}
