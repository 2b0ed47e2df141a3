namespace Autograd;

/// <summary>
/// torch.autograd.gradgradcheck: checks second derivatives by running <see cref="GradCheck"/> on the
/// first-order gradient. The function checked is (inputs, v) ↦ ∂⟨f(inputs), v⟩/∂input_k for each input k
/// that requires grad, computed with Grad.Compute(createGraph: true); its Jacobian with respect to the
/// inputs and to v (the gradient fed to the output) is compared with central finite differences of that
/// first-order gradient, in float64, element by element (Note [Double backward]).
/// </summary>
public static class GradGradCheck
{
    /// <summary>
    /// Checks <paramref name="func"/>'s double backward at <paramref name="inputs"/> (float64). <paramref name="gradOutput"/>
    /// (v) defaults to a seeded random tensor of the output's shape. Throws <see cref="GradCheckException"/>
    /// naming the first-order gradient, the input and the element on the first mismatch; returns true otherwise.
    /// </summary>
    public static bool Check(Func<Tensor[], Tensor> func, Tensor[] inputs, Tensor? gradOutput = null, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        var failure = Run(func, inputs, gradOutput, eps, atol, rtol);
        if (failure is not null) throw new GradCheckException(failure);
        return true;
    }

    /// <summary>Like <see cref="Check"/> but returns the failure message, or null when the check passes.</summary>
    public static string? Run(Func<Tensor[], Tensor> func, Tensor[] inputs, Tensor? gradOutput = null, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(inputs);
        var diff = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        if (diff.Length == 0) throw new ArgumentException("GradGradCheck: no input requires grad");
        Tensor output;
        using (Grad.EnableGrad()) output = func(inputs);
        var v = gradOutput?.Detach() ?? Tensor.Randn(output.Shape, DType.Float64, generator: new Generator(20261202));
        if (v.DType != DType.Float64) throw new ArgumentException($"GradGradCheck: gradOutput is {v.DType}; it must be float64");
        if (!ShapeUtil.SameShape(v.Shape, output.Shape))
            throw new ArgumentException($"GradGradCheck: gradOutput has shape {ShapeUtil.Format(v.Shape)} but the output has shape {ShapeUtil.Format(output.Shape)}");
        v.RequiresGrad = true;
        Tensor[] all = [.. inputs, v];
        int n = inputs.Length;
        for (int j = 0; j < diff.Length; j++)
        {
            int k = diff[j], slot = j;
            Tensor FirstOrder(Tensor[] t)
            {
                using var _ = Grad.EnableGrad();   // GradCheck evaluates numerically under NoGrad; the first-order pass needs a graph
                var o = func(t[..n]);
                var g = Grad.Compute([o], diff.Select(i => t[i]).ToArray(), [t[n]], createGraph: true, allowUnused: true)[slot];
                return g ?? Tensor.Zeros(t[k].Shape, DType.Float64);
            }
            var first = FirstOrder(all);
            if (!first.RequiresGrad) continue;   // a gradient that depends on nothing: its derivative is zero, nothing to check
            var failure = GradCheck.Run(FirstOrder, all, eps, atol, rtol);
            if (failure is not null)
                return $"GradGradCheck: second derivative through the gradient of input {k} (shape {ShapeUtil.Format(inputs[k].Shape)}); " +
                       $"input {n} below is the output gradient v. {failure}";
        }
        return null;
    }
}
