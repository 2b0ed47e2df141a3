// Higher-order gradients (issue 13): a Hessian-vector product on the Rosenbrock function and Newton's
// method with the Hessian built from Grad.Compute(createGraph: true). Each figure is printed beside its
// hand-derived value. Run: dotnet run -c Release --project samples/HigherOrder
using System.Globalization;
using Autograd;
using Autograd.Samples.HigherOrder;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// 1. Rosenbrock f(x, y) = (x − 1)² + 100(y − x²)² at the classic start (−1.2, 1).
//    ∇f = (2(x − 1) − 400x(y − x²), 200(y − x²)); H = [[2 − 400y + 1200x², −400x], [−400x, 200]].
Console.WriteLine("Rosenbrock f(x, y) = (x - 1)^2 + 100 (y - x^2)^2 at (-1.2, 1)");
var x = Tensor.From([-1.2], requiresGrad: true);
var y = Tensor.From([1.0], requiresGrad: true);
var g = Grad.Compute([Examples.Rosenbrock(x, y)], [x, y], createGraph: true);
Console.WriteLine($"  gradient           ({g[0]!.Item():R}, {g[1]!.Item():R})   by hand (-215.6, -88)");
Console.WriteLine($"  gradient's grad_fn {g[0]!.GradFn?.Name} (recorded: it can be differentiated again)");
var hv = Examples.Hvp(t => Examples.Rosenbrock(t[0], t[1]), [x, y], [Tensor.From([0.5]), Tensor.From([-2.0])]);
Console.WriteLine($"  H·(0.5, -2)        ({hv[0].Item():R}, {hv[1].Item():R})   by hand H = [[1330, 480], [480, 200]]: (-295, -160)");
Console.WriteLine();

// 2. Newton's method on f(x) = ½uᵀBu + ¼Σuᵢ⁴, u = x − c: strictly convex, minimum 0 at x = c = (1, −2, 0.5).
Console.WriteLine("Newton's method on f(x) = 1/2 u'Bu + 1/4 sum u_i^4, u = x - (1, -2, 0.5), B = [[4,1,0],[1,3,1],[0,1,2]]");
var (iterates, gradNorms) = Examples.Newton(Examples.Convex, [3.0, -3.5, 1.5], tolerance: 1e-12);
for (int k = 0; k < iterates.Count; k++)
    Console.WriteLine($"  step {k}: x = ({string.Join(", ", iterates[k].Select(v => v.ToString("F15")))})   max|grad f| = {gradNorms[k]:E2}");
Console.WriteLine($"  {iterates.Count - 1} Newton steps to the minimum (1, -2, 0.5): the error squares from one step to the next");
