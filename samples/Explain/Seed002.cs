using System.Text;

namespace Autograd.Samples.Explain;

/// <summary>
/// Seed 002: O = X ⋆ F (3×3 input, 2×2 filter, 2×2 output). With the upstream gradient ∂L/∂O:
/// ∂L/∂F = the valid correlation of X with ∂L/∂O, and ∂L/∂X = the full convolution of ∂L/∂O with F
/// rotated 180° — "the forward and backward passes of a convolution are both convolutions". Max pooling
/// sends each window's gradient to its maximum only. The seed is symbolic; the numbers are seed 001's
/// input and filter and ∂L/∂O = [[1, 2], [3, 4]].
/// </summary>
public static class Seed002
{
    public static SeedReport Replay()
    {
        var report = new SeedReport("seed002", "the chain rule: conv backward as convolutions");
        var x = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3], requiresGrad: true);
        var f = Tensor.From(SeedData.Seed001Filter, [1, 1, 2, 2], requiresGrad: true);
        var dO = Tensor.From(SeedData.Seed002Upstream, [1, 1, 2, 2]);
        report.Table("X", "X", x.Detach()).Table("F", "F", f.Detach()).Table("dL/dO", "dL/dO", dO);

        report.Line().Line("--- the nine equations of dL/dX (from the routing map of conv2d, filter taps labelled)");
        report.Line(Equations(x));

        var o = F.Conv2d(x, f);
        o.Backward(dO);
        report.Line().Line("--- O = conv2d(X, F); O.backward(dL/dO)");
        report.Table("O", "O", o.Detach());
        report.Table("X.grad", "X.grad", x.Grad!);
        var rotated = F.Flip(f.Detach(), 2, 3);
        report.Table("F.rot180", "F rotated 180 degrees = flip(F, [2, 3])", rotated);
        report.Table("full", "full convolution: conv2d(dL/dO, F rotated, padding=1)", F.Conv2d(dO, rotated, padding: 1));
        report.Table("F.grad", "F.grad", f.Grad!);
        report.Table("valid", "valid correlation: conv2d(X, dL/dO)", F.Conv2d(x.Detach(), dO));

        report.Line().Line("--- max pooling: no gradient for the non-maxima (max_pool2d(X, 2, stride=1))");
        var map = RoutingMap.MaxPool2d(x, 2, 1);
        for (int i = 0; i < map.InputCount; i++) report.Line(map.DescribeInput(i).TrimEnd());
        return report;
    }

    /// <summary>
    /// dL/dXij = Σ dL/dOkl · Fmn, read off RoutingMap.Conv2d with the filter's taps numbered 1…4 (so a route's
    /// weight names its tap), 1-based like the seed's subscripts.
    /// </summary>
    public static string Equations(Tensor x)
    {
        var labels = Tensor.From(new float[] { 11, 12, 21, 22 }, [1, 1, 2, 2]);
        var map = RoutingMap.Conv2d(x, labels);
        var sb = new StringBuilder();
        for (int i = 0; i < map.InputCount; i++)
        {
            var c = map.InputCoords(i);
            var terms = map.RoutesInto(i).ToArray().Select(r =>
            {
                var oc = map.OutputCoords(r.Output);
                return $"dL/dO{oc[2] + 1}{oc[3] + 1}*F{r.Weight}";
            });
            sb.Append($"dL/dX{c[2] + 1}{c[3] + 1} = {string.Join(" + ", terms)}\n");
        }
        return sb.ToString().TrimEnd();
    }
}
