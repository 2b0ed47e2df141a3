namespace Autograd.Tests.HigherOrder;

/// <summary>
/// What a user does with higher-order gradients, on problems whose Hessian is derived by hand:
/// Hessian-vector products (the gradient of ⟨∇f(x), v⟩) and Newton's method with the Hessian built row by
/// row from Grad.Compute(createGraph: true). Only the core ops (add, sub, mul, pow, sum, reshape) are
/// used, so these run before the other ops' conversions.
/// </summary>
public class HessianExamplesTests
{
    /// <summary>
    /// Hessian-vector product H(x)·v = ∇ₓ⟨∇f(x), v⟩: the first gradient is recorded (createGraph: true), the
    /// second is an ordinary one. Never forms H.
    /// </summary>
    internal static Tensor[] Hvp(Func<Tensor[], Tensor> f, Tensor[] x, Tensor[] v)
    {
        var g = Grad.Compute([f(x)], x, createGraph: true);
        Tensor? dot = null;
        for (int i = 0; i < x.Length; i++)
        {
            var term = (g[i]! * v[i]).Sum();
            dot = dot is null ? term : dot + term;
        }
        return Grad.Compute([dot!], x).Select(h => h!).ToArray();
    }

    // Rosenbrock f(x, y) = (x − 1)² + 100(y − x²)².
    // ∇f = (2(x − 1) − 400x(y − x²), 200(y − x²));
    // H = [[2 − 400y + 1200x², −400x], [−400x, 200]].
    private static Tensor Rosenbrock(Tensor[] t) => (t[0] - 1).Pow(2) + (t[1] - t[0] * t[0]).Pow(2) * 100;

    [Fact]
    public void RosenbrockHessianVectorProductAtTheClassicStart()
    {
        // At (−1.2, 1): ∇f = (−4.4 − 211.2, −88) = (−215.6, −88); H = [[1330, 480], [480, 200]];
        // H·(0.5, −2) = (665 − 960, 240 − 400) = (−295, −160) (torch 1.13 gives the same).
        var x = Tensor.From([-1.2], requiresGrad: true);
        var y = Tensor.From([1.0], requiresGrad: true);
        var g = Grad.Compute([Rosenbrock([x, y])], [x, y], createGraph: true);
        Assert.Equal(-215.6, g[0]!.Item(), 1e-12);
        Assert.Equal(-88.0, g[1]!.Item(), 1e-12);
        Assert.True(g[0]!.RequiresGrad && g[1]!.RequiresGrad);   // createGraph recorded the backward pass

        var h = Hvp(Rosenbrock, [x, y], [Tensor.From([0.5]), Tensor.From([-2.0])]);
        Assert.Equal(-295.0, h[0].Item(), 1e-10);
        Assert.Equal(-160.0, h[1].Item(), 1e-10);
        Assert.False(h[0].RequiresGrad);   // the second gradient was an ordinary one
    }

    [Theory]
    [InlineData(0.3, -0.7, 1.5, 0.25)]
    [InlineData(1.0, 1.0, -1.0, 3.0)]
    [InlineData(-2.0, 4.5, 0.0, 1.0)]
    public void RosenbrockHessianVectorProductsMatchTheHandDerivedHessian(double x0, double y0, double v0, double v1)
    {
        var x = Tensor.From([x0], requiresGrad: true);
        var y = Tensor.From([y0], requiresGrad: true);
        double hxx = 2 - 400 * y0 + 1200 * x0 * x0, hxy = -400 * x0, hyy = 200;
        var h = Hvp(Rosenbrock, [x, y], [Tensor.From([v0]), Tensor.From([v1])]);
        Assert.Equal(hxx * v0 + hxy * v1, h[0].Item(), 1e-9);
        Assert.Equal(hxy * v0 + hyy * v1, h[1].Item(), 1e-9);
    }

    // f(x) = Σᵢⱼ Aᵢⱼ xᵢ xⱼ + Σᵢ xᵢ⁴ with a non-symmetric A, written with broadcasting (no matmul):
    // ∇f = (A + Aᵀ)x + 4x³, H = A + Aᵀ + diag(12x²).
    private static readonly double[,] A = { { 2, 1, 0, -1 }, { 3, 1, 0.5, 0 }, { 0, -2, 4, 1 }, { 1, 0, 0, 3 } };

    private static Tensor QuadraticPlusQuartic(Tensor x)
    {
        var a = Tensor.From(A.Cast<double>().ToArray(), [4, 4]);
        return (x.Reshape([4, 1]) * a * x.Reshape([1, 4])).Sum() + x.Pow(4).Sum();
    }

    private static double[,] QuarticHessian(double[] x)
    {
        var h = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                h[i, j] = A[i, j] + A[j, i] + (i == j ? 12 * x[i] * x[i] : 0);
        return h;
    }

    [Fact]
    public void QuadraticFormHessianVectorProductMatchesTheHandDerivedHessian()
    {
        double[] x0 = [0.5, -1.25, 2.0, 0.75], v = [1.0, -0.5, 0.25, 2.0];
        var x = Tensor.From(x0, requiresGrad: true);
        var h = Hvp(t => QuadraticPlusQuartic(t[0]), [x], [Tensor.From(v)])[0].ToDoubleArray();
        var hand = QuarticHessian(x0);
        for (int i = 0; i < 4; i++)
            Assert.Equal(Enumerable.Range(0, 4).Sum(j => hand[i, j] * v[j]), h[i], 1e-12);
    }

    [Fact]
    public void HessianRowsByUnitVectorsAreTheHandDerivedHessian()
    {
        double[] x0 = [-0.3, 0.8, 1.1, -2.0];
        var x = Tensor.From(x0, requiresGrad: true);
        var rows = HessianRows(QuadraticPlusQuartic, x);
        var hand = QuarticHessian(x0);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(hand[i, j], rows[i][j], 1e-12);
    }

    /// <summary>
    /// The gradient g = ∇f(x) (recorded) and the Hessian row by row: row i = ∇ₓ gᵢ, the vector-Jacobian
    /// product of g with the unit vector eᵢ, the graph of g kept for the next row.
    /// </summary>
    private static double[][] HessianRows(Func<Tensor, Tensor> f, Tensor x) => HessianRows(f, x, out _);

    private static double[][] HessianRows(Func<Tensor, Tensor> f, Tensor x, out double[] gradient)
    {
        var g = Grad.Compute(f(x), x, createGraph: true);
        gradient = g.ToDoubleArray();
        int n = x.Numel;
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var e = new double[n];
            e[i] = 1;
            rows[i] = Grad.Compute([g], [x], [Tensor.From(e)], retainGraph: true)[0]!.ToDoubleArray();
        }
        return rows;
    }

    // Newton's method on f(x) = ½ uᵀBu + ¼ Σ uᵢ⁴, u = x − c, B symmetric positive definite: strictly convex,
    // minimum f = 0 at x = c exactly. ∇f = Bu + u³, H = B + diag(3u²).
    private static readonly double[,] B = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
    private static readonly double[] C = [1.0, -2.0, 0.5];

    private static Tensor Convex(Tensor x)
    {
        var u = x - Tensor.From(C);
        return (u.Reshape([3, 1]) * Tensor.From(B.Cast<double>().ToArray(), [3, 3]) * u.Reshape([1, 3])).Sum() * 0.5 + u.Pow(4).Sum() * 0.25;
    }

    [Fact]
    public void NewtonsMethodWithAutogradHessiansConvergesQuadratically()
    {
        double[] start = [3.0, -3.5, 1.5];
        var reference = NewtonByHand(start);
        // From the hand-derived iteration (torch 1.13 with the same formulas agrees): ‖∇f‖∞ goes
        // 14.5, 4.5, 1.2, 0.086, 2.2e-4, 4.2e-12, 0, so six Newton steps reach the minimum.
        Assert.Equal(7, reference.Count);

        var x = start;
        var iterates = new List<double[]> { x };
        for (int step = 0; step < 20; step++)
        {
            var h = HessianRows(Convex, Tensor.From(x, requiresGrad: true), out var g);
            if (g.Max(Math.Abs) <= 1e-12) break;
            var dx = Solve(h, g);
            x = x.Zip(dx, (a, d) => a - d).ToArray();
            iterates.Add(x);
        }
        Assert.Equal(reference.Count, iterates.Count);
        for (int k = 0; k < iterates.Count; k++)
            for (int i = 0; i < 3; i++)
                Assert.Equal(reference[k][i], iterates[k][i], 1e-12);
        for (int i = 0; i < 3; i++) Assert.Equal(C[i], x[i], 1e-14);
        // Quadratic convergence: the error squares from step to step once close (e₃ = 0.048, e₄ = 1.3e-4, e₅ = 3e-12).
        double Err(int k) => iterates[k].Zip(C, (a, c) => Math.Abs(a - c)).Max();
        for (int k = 3; k < 5; k++) Assert.True(Err(k + 1) <= 0.2 * Err(k) * Err(k), $"step {k + 1}: {Err(k + 1)} vs {Err(k)}²");
    }

    /// <summary>The same iteration with the hand-derived gradient and Hessian; every iterate, the start first.</summary>
    private static List<double[]> NewtonByHand(double[] x)
    {
        var iterates = new List<double[]> { x };
        for (int step = 0; step < 20; step++)
        {
            var u = x.Zip(C, (a, c) => a - c).ToArray();
            var g = new double[3];
            var h = new double[3][];
            for (int i = 0; i < 3; i++)
            {
                h[i] = new double[3];
                for (int j = 0; j < 3; j++)
                {
                    g[i] += B[i, j] * u[j];
                    h[i][j] = B[i, j] + (i == j ? 3 * u[i] * u[i] : 0);
                }
                g[i] += u[i] * u[i] * u[i];
            }
            if (g.Max(Math.Abs) <= 1e-12) break;
            var dx = Solve(h, g);
            x = x.Zip(dx, (a, d) => a - d).ToArray();
            iterates.Add(x);
        }
        return iterates;
    }

    /// <summary>Solves H·d = g by Gaussian elimination with partial pivoting (H small and well conditioned).</summary>
    private static double[] Solve(double[][] h, double[] g)
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
