namespace Autograd;

/// <summary>Thrown by <see cref="GradCheck.Check(Func{Tensor[], Tensor}, Tensor[], double, double, double)"/> (and its other overloads) when analytical and numerical gradients disagree.</summary>
public sealed class GradCheckException(string message) : Exception(message);

/// <summary>
/// torch.autograd.gradcheck: compares the full Jacobian from backward with central finite
/// differences, in float64, element by element: |analytical − numerical| ≤ atol + rtol·|numerical|.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="func"/> at <paramref name="inputs"/> (float64 tensors; those with
    /// RequiresGrad are differentiated). Throws <see cref="GradCheckException"/> naming the input, the
    /// element and both values on the first mismatch; returns true otherwise.
    /// </summary>
    public static bool Check(Func<Tensor[], Tensor> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        var failure = Run(func, inputs, eps, atol, rtol);
        if (failure is not null) throw new GradCheckException(failure);
        return true;
    }

    /// <summary>
    /// Gradchecks a custom <see cref="Function"/> in one line: every output that requires grad, against
    /// every input that does (float64), each output checked on its own. Throws <see cref="GradCheckException"/>
    /// naming the output on the first mismatch.
    /// </summary>
    public static bool Check(Function function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(function);
        var outputs = function.ApplyAll(inputs);
        for (int k = 0; k < outputs.Length; k++)
        {
            if (!outputs[k].RequiresGrad) continue;
            int index = k;
            var failure = Run(t => function.ApplyAll(t)[index], inputs, eps, atol, rtol);
            if (failure is not null) throw new GradCheckException($"{function.Name}, output {k}: {failure}");
        }
        return true;
    }

    /// <summary>Like <see cref="Check(Func{Tensor[], Tensor}, Tensor[], double, double, double)"/> but returns the failure message, or null when the check passes.</summary>
    public static string? Run(Func<Tensor[], Tensor> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i].RequiresGrad && inputs[i].DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input {i} is {inputs[i].DType}; gradcheck needs float64 inputs for the finite differences to be meaningful");
        var diff = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].RequiresGrad).ToArray();
        if (diff.Length == 0) throw new ArgumentException("GradCheck: no input requires grad");

        Tensor output = func(inputs);
        int outN = output.Numel;
        if (!output.RequiresGrad && outN > 0)
            return "GradCheck: the output does not require grad (no input that requires grad reached it)";

        foreach (int k in diff)
        {
            var numerical = Numerical(func, inputs, k, outN, eps);            // [inN, outN]
            var analytical = Analytical(func, inputs, k, outN);              // [inN, outN]
            int inN = inputs[k].Numel;
            for (int e = 0; e < inN; e++)
                for (int o = 0; o < outN; o++)
                {
                    double n = numerical[e, o], a = analytical[e, o];
                    if (Math.Abs(a - n) <= atol + rtol * Math.Abs(n)) continue;
                    return $"GradCheck: Jacobian mismatch for input {k} (shape {ShapeUtil.Format(inputs[k].Shape)}) " +
                           $"element {e} {Index(inputs[k].Dims, e)} and output element {o} {Index(output.Dims, o)}: " +
                           $"numerical {n:G10} vs analytical {a:G10}. {Cause(analytical, numerical, inN, outN)}";
                }
        }
        return null;
    }

    private static double[,] Numerical(Func<Tensor[], Tensor> func, Tensor[] inputs, int k, int outN, double eps)
    {
        var x = inputs[k];
        var jac = new double[x.Numel, outN];
        using var _ = Grad.NoGrad();
        for (int e = 0; e < x.Numel; e++)
        {
            double orig = x.GetDouble(e);
            x.SetDouble(e, orig + eps);
            var plus = func(inputs).ToDoubleArray();
            x.SetDouble(e, orig - eps);
            var minus = func(inputs).ToDoubleArray();
            x.SetDouble(e, orig);
            for (int o = 0; o < outN; o++) jac[e, o] = (plus[o] - minus[o]) / (2 * eps);
        }
        return jac;
    }

    private static double[,] Analytical(Func<Tensor[], Tensor> func, Tensor[] inputs, int k, int outN)
    {
        var jac = new double[inputs[k].Numel, outN];
        var output = func(inputs);
        for (int o = 0; o < outN; o++)
        {
            var seed = Tensor.Zeros(output.Shape, output.DType);
            seed.SetDouble(o, 1);
            var g = Grad.Compute([output], [inputs[k]], [seed], retainGraph: true, allowUnused: true)[0];
            if (g is null) continue;
            for (int e = 0; e < g.Numel; e++) jac[e, o] = g.GetDouble(e);
        }
        return jac;
    }

    private static string Index(int[] dims, int flat)
    {
        if (dims.Length == 0) return "[]";
        var idx = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--) { idx[d] = flat % Math.Max(dims[d], 1); flat /= Math.Max(dims[d], 1); }
        return ShapeUtil.Format(idx);
    }

    private static string Cause(double[,] a, double[,] n, int inN, int outN)
    {
        bool allZero = true; double ratio = double.NaN; bool constRatio = true;
        for (int e = 0; e < inN; e++)
            for (int o = 0; o < outN; o++)
            {
                if (a[e, o] != 0) allZero = false;
                if (Math.Abs(n[e, o]) < 1e-9) continue;
                double r = a[e, o] / n[e, o];
                if (double.IsNaN(ratio)) ratio = r;
                else if (Math.Abs(r - ratio) > 1e-3 * Math.Abs(ratio)) constRatio = false;
            }
        if (allZero) return "Likely cause: backward returned no gradient for this input.";
        if (constRatio && !double.IsNaN(ratio)) return $"Likely cause: the analytical gradient is off by a constant factor {ratio:G6} (a missing scale or divisor).";
        return "Likely cause: a wrong backward rule, or a non-differentiable point (ties, kinks) within eps of the input.";
    }
}
