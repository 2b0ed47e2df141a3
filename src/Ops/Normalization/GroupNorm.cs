namespace Autograd;

// group_norm over input (N, C, *) with G groups of Cg = C/G channels: statistics per (n, g) over the
// Cg·(*) elements of the group, the affine per channel:
//   y = (x − μ_ng)·rstd_ng·w_c + b_c,  rstd = 1/√(σ² + eps)  (biased variance)
// Backward (NativeGroupNormBackward0), gw = g·w_c, x̂ = (x − μ)·rstd, means over the group:
//   dx = rstd·(gw − mean(gw) − x̂·mean(gw·x̂)),  dw_c = Σ_(n,*) g·x̂,  db_c = Σ_(n,*) g
// The planes of a group are consecutive (Note [Plane normalisation]); under createGraph the gradients
// are recorded ops (Note [Double backward]).
public static partial class F
{
    /// <summary>torch.nn.functional.group_norm(input, num_groups, weight, bias, eps).</summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.RequireFloating("group_norm", nameof(input));
        if (input.Rank < 2)
            throw new ArgumentException($"group_norm: Expected at least 2 dimensions for input tensor but received {input.Rank}", nameof(input));
        int n = input.Dims[0], c = input.Dims[1], s = ShapeUtil.Numel(input.Dims[2..]);
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ArgumentException($"group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape {ShapeUtil.Format(input.Shape)} and num_groups={numGroups}", nameof(numGroups));
        int cg = c / numGroups;
        // functional.group_norm's _verify_batch_size on (N·C/G, G, *): one value per group cannot be normalised.
        if ((long)n * cg * s == 1)
            throw new ArgumentException($"group_norm: Expected more than 1 value per channel when training, got input size [{n * cg}, {numGroups}{string.Concat(input.Dims[2..].Select(v => ", " + v))}]", nameof(input));
        CheckGroupAffine(weight, "weight", input);
        CheckGroupAffine(bias, "bias", input);

        var p = new PlaneGroups(n * numGroups, cg, cg, 1, c, s);
        int groups = n * numGroups;
        var mean = new double[groups];
        var rstd = new double[groups];
        var y = Tensor.Uninitialized(input.DType, input.Dims);
        if (input.DType == DType.Float32) NormKernels.PlaneNormalize(input.Array<float>(), weight?.Array<float>(), bias?.Array<float>(), y.Array<float>(), p, eps, mean, rstd);
        else NormKernels.PlaneNormalize(input.Array<double>(), weight?.Array<double>(), bias?.Array<double>(), y.Array<double>(), p, eps, mean, rstd);

        Tensor[] inputs = [input, .. weight is null ? Array.Empty<Tensor>() : [weight], .. bias is null ? Array.Empty<Tensor>() : [bias]];
        if (!Node.NeedsGrad(inputs)) return y;
        bool gx = input.RequiresGrad, gw = weight?.RequiresGrad ?? false, gb = bias?.RequiresGrad ?? false;
        return Node.Record(y, "NativeGroupNormBackward0", inputs, g =>
        {
            Tensor? dx, dw, db;
            if (GradMode.IsEnabled) (dx, dw, db) = GroupNormGrad(g, input, weight, bias, numGroups, eps, gx, gw, gb);
            else
            {
                dx = gx ? Tensor.Uninitialized(input.DType, input.Dims) : null;
                dw = gw ? Tensor.Uninitialized(input.DType, weight!.Dims) : null;
                db = gb ? Tensor.Uninitialized(input.DType, bias!.Dims) : null;
                if (input.DType == DType.Float32)
                    NormKernels.PlaneBackward(g.Array<float>(), input.Array<float>(), weight?.Array<float>(), p, mean, rstd, true, dx?.Array<float>(), dw?.Array<float>(), db?.Array<float>());
                else
                    NormKernels.PlaneBackward(g.Array<double>(), input.Array<double>(), weight?.Array<double>(), p, mean, rstd, true, dx?.Array<double>(), dw?.Array<double>(), db?.Array<double>());
            }
            return [dx, .. weight is null ? Array.Empty<Tensor?>() : [dw], .. bias is null ? Array.Empty<Tensor?>() : [db]];
        }, saved: [input, weight], differentiable: true);
    }

    /// <summary>The group_norm gradients as recorded ops of x, w and g (Note [Double backward]).</summary>
    private static (Tensor? Dx, Tensor? Dw, Tensor? Db) GroupNormGrad(Tensor g, Tensor x, Tensor? weight, Tensor? bias, int groups, double eps, bool gx, bool gw, bool gb)
    {
        int n = x.Dims[0], c = x.Dims[1], s = ShapeUtil.Numel(x.Dims[2..]), len = c / groups * s;
        int[] dim = [2];
        var xg = Reshape(x, [n, groups, len]);
        var mu = Mean(xg, dim, keepDim: true);
        var rstd = Rsqrt(Add(Mean(Square(Sub(xg, mu)), dim, keepDim: true), eps));
        var xhat = Mul(Sub(xg, mu), rstd);
        var g3 = Reshape(g, [n, c, s]);
        Tensor? dx = null;
        if (gx)
        {
            var gwt = Reshape(weight is null ? g3 : Mul(g3, Reshape(weight, [1, c, 1])), [n, groups, len]);
            dx = Reshape(Mul(rstd, Sub(Sub(gwt, Mean(gwt, dim, keepDim: true)), Mul(xhat, Mean(Mul(gwt, xhat), dim, keepDim: true)))), x.Dims);
        }
        var dw = gw ? Reshape(Sum(Mul(g3, Reshape(xhat, [n, c, s])), [0, 2]), weight!.Dims) : null;
        var db = gb ? Reshape(Sum(g3, [0, 2]), bias!.Dims) : null;
        return (dx, dw, db);
    }

    private static void CheckGroupAffine(Tensor? t, string name, Tensor input)
    {
        if (t is null) return;
        if (t.Rank != 1 || t.Numel != input.Dims[1])
            throw new ArgumentException($"group_norm: Expected {name} to be a vector of size equal to the number of channels in input, but got {name} of shape {ShapeUtil.Format(t.Shape)} and input of shape {ShapeUtil.Format(input.Shape)}", name);
        if (t.DType != input.DType)
            throw new ArgumentException($"group_norm: expected {name} to have the input's dtype {input.DType.ScalarTypeName()}, got {t.DType.ScalarTypeName()}", name);
    }
}
