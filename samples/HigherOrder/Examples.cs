namespace Autograd.Samples.HigherOrder;

/// <summary>Higher-order gradient helpers and the problems of Program.cs.</summary>
public static class Examples
{
    /// <summary>
    /// Hessian-vector product H(x)·v = ∇ₓ⟨∇f(x), v⟩ without forming H: the first gradient is recorded
    /// (createGraph: true), so the inner product with v can be differentiated again.
    /// </summary>
    public static Tensor[] Hvp(Func<Tensor[], Tensor> f, Tensor[] x, Tensor[] v)
    {
        var g = Grad.Compute([f(x)], x, createGraph: true);
        var dot = (g[0]! * v[0]).Sum();
        for (int i = 1; i < x.Length; i++) dot += (g[i]! * v[i]).Sum();
        return Grad.Compute([dot], x).Select(h => h!).ToArray();
    }

    /// <summary>
    /// The gradient of f at x and its Hessian, row by row: row i = ∇ₓ gᵢ, the vector-Jacobian product of
    /// the recorded gradient g with the unit vector eᵢ (the graph of g kept for the next row).
    /// </summary>
    public static (double[] Gradient, double[][] Hessian) GradientAndHessian(Func<Tensor, Tensor> f, double[] at)
    {
        var x = Tensor.From(at, requiresGrad: true);
        var g = Grad.Compute(f(x), x, createGraph: true);
        var rows = new double[at.Length][];
        for (int i = 0; i < at.Length; i++)
        {
            var e = new double[at.Length];
            e[i] = 1;
            rows[i] = Grad.Compute([g], [x], [Tensor.From(e)], retainGraph: true)[0]!.ToDoubleArray();
        }
        return (g.ToDoubleArray(), rows);
    }

    /// <summary>Newton's method x ← x − H⁻¹∇f until max|∇f| ≤ tolerance; every iterate and its max|∇f|.</summary>
    public static (List<double[]> Iterates, List<double> GradNorms) Newton(Func<Tensor, Tensor> f, double[] start, double tolerance, int maxSteps = 50)
    {
        var iterates = new List<double[]>();
        var norms = new List<double>();
        var x = start;
        for (int step = 0; step <= maxSteps; step++)
        {
            var (g, h) = GradientAndHessian(f, x);
            iterates.Add(x);
            norms.Add(g.Max(Math.Abs));
            if (norms[^1] <= tolerance) return (iterates, norms);
            x = x.Zip(Solve(h, g), (a, d) => a - d).ToArray();
        }
        throw new InvalidOperationException($"Newton: no convergence in {maxSteps} steps");
    }

    /// <summary>Rosenbrock's function (x − 1)² + 100(y − x²)².</summary>
    public static Tensor Rosenbrock(Tensor x, Tensor y) => (x - 1).Pow(2) + (y - x * x).Pow(2) * 100;

    private static readonly double[] B = [4, 1, 0, 1, 3, 1, 0, 1, 2];
    private static readonly double[] C = [1.0, -2.0, 0.5];

    /// <summary>½uᵀBu + ¼Σuᵢ⁴ with u = x − c (the quadratic form by broadcasting: Σᵢⱼ uᵢBᵢⱼuⱼ).</summary>
    public static Tensor Convex(Tensor x)
    {
        var u = x - Tensor.From(C);
        return (u.Reshape([3, 1]) * Tensor.From(B, [3, 3]) * u.Reshape([1, 3])).Sum() * 0.5 + u.Pow(4).Sum() * 0.25;
    }

    /// <summary>Solves H·d = g by Gaussian elimination with partial pivoting (small systems).</summary>
    public static double[] Solve(double[][] h, double[] g)
    {
        int n = g.Length;
        var m = h.Select((row, i) => row.Append(g[i]).ToArray()).ToArray();
        for (int col = 0; col < n; col++)
        {
            int p = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r][col]));
            (m[col], m[p]) = (m[p], m[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r][col] / m[col][col];
                for (int k = col; k <= n; k++) m[r][k] -= f * m[col][k];
            }
        }
        var d = new double[n];
        for (int r = n - 1; r >= 0; r--)
            d[r] = (m[r][n] - Enumerable.Range(r + 1, n - r - 1).Sum(k => m[r][k] * d[k])) / m[r][r];
        return d;
    }
}
