using Autograd.Samples.HigherOrder;

namespace Autograd.Tests.HigherOrder;

/// <summary>
/// What a user does with higher-order gradients, on problems whose Hessian is derived by hand, through
/// the helpers of samples/HigherOrder (Examples.cs, compiled into this project): Hessian-vector products
/// (the gradient of ⟨∇f(x), v⟩) and Newton's method with the Hessian built row by row from
/// Grad.Compute(createGraph: true). Only the core ops (add, sub, mul, pow, sum, reshape) are used.
/// </summary>
public class HessianExamplesTests
{
    // Rosenbrock f(x, y) = (x − 1)² + 100(y − x²)² (Examples.Rosenbrock).
    // ∇f = (2(x − 1) − 400x(y − x²), 200(y − x²));  H = [[2 − 400y + 1200x², −400x], [−400x, 200]].
    private static Tensor Rosenbrock(Tensor[] t) => Examples.Rosenbrock(t[0], t[1]);

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

        var h = Examples.Hvp(Rosenbrock, [x, y], [Tensor.From([0.5]), Tensor.From([-2.0])]);
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
        var h = Examples.Hvp(Rosenbrock, [x, y], [Tensor.From([v0]), Tensor.From([v1])]);
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
        var h = Examples.Hvp(t => QuadraticPlusQuartic(t[0]), [x], [Tensor.From(v)])[0].ToDoubleArray();
        var hand = QuarticHessian(x0);
        for (int i = 0; i < 4; i++)
            Assert.Equal(Enumerable.Range(0, 4).Sum(j => hand[i, j] * v[j]), h[i], 1e-12);
    }

    [Fact]
    public void HessianRowsByUnitVectorsAreTheHandDerivedHessian()
    {
        double[] x0 = [-0.3, 0.8, 1.1, -2.0];
        var (g, rows) = Examples.GradientAndHessian(QuadraticPlusQuartic, x0);
        var hand = QuarticHessian(x0);
        for (int i = 0; i < 4; i++)
        {
            // ∇f = (A + Aᵀ)x + 4x³
            Assert.Equal(Enumerable.Range(0, 4).Sum(j => (A[i, j] + A[j, i]) * x0[j]) + 4 * Math.Pow(x0[i], 3), g[i], 1e-12);
            for (int j = 0; j < 4; j++) Assert.Equal(hand[i, j], rows[i][j], 1e-12);
        }
    }

    // Newton's method on Examples.Convex: f(x) = ½uᵀBu + ¼Σuᵢ⁴, u = x − c, B symmetric positive definite:
    // strictly convex, minimum f = 0 at x = c exactly. ∇f = Bu + u³, H = B + diag(3u²).
    private static readonly double[,] B = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
    private static readonly double[] C = [1.0, -2.0, 0.5];

    [Fact]
    public void NewtonsMethodWithAutogradHessiansConvergesQuadratically()
    {
        double[] start = [3.0, -3.5, 1.5];
        var reference = NewtonByHand(start);
        // The hand-derived iteration (torch 1.13 with the same formulas agrees): max|∇f| goes 14.5, 4.5,
        // 1.2, 0.086, 2.2e-4, 4.2e-12, 0, so six Newton steps reach the minimum.
        Assert.Equal(7, reference.Count);

        var (iterates, norms) = Examples.Newton(Examples.Convex, start, tolerance: 1e-12);
        Assert.Equal(reference.Count, iterates.Count);
        for (int k = 0; k < iterates.Count; k++)
            for (int i = 0; i < 3; i++)
                Assert.Equal(reference[k][i], iterates[k][i], 1e-12);
        Assert.Equal(14.5, norms[0], 1e-12);   // u₀ = (2, −1.5, 1): Bu₀ + u₀³ = (6.5, −1.5, 0.5) + (8, −3.375, 1) = (14.5, −4.875, 1.5)
        for (int i = 0; i < 3; i++) Assert.Equal(C[i], iterates[^1][i], 1e-14);
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
            x = x.Zip(Examples.Solve(h, g), (a, d) => a - d).ToArray();
            iterates.Add(x);
        }
        return iterates;
    }
}
