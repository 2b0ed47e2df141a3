using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.HigherOrder;

/// <summary>
/// Hessian-vector products of matmul, linear, mse_loss and cross_entropy against libtorch in the same process
/// (CrossCheck.CompareHvp: the createGraph first-order gradient and the HVP, float32 and float64).
/// </summary>
[Collection(OracleCollection.Name)]
public class LinalgLossHvpOracleTests
{
    private static string S(int[] s) => $"[{string.Join(",", s)}]";

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        (int[] A, int[] B, string Tag)[] matmul =
        [
            ([5], [5], "1-D · 1-D"), ([4], [4, 3], "1-D · 2-D"), ([3, 4], [4], "2-D · 1-D"), ([3, 4], [4, 5], "2-D · 2-D"),
            ([2, 3, 4], [4, 5], "batched · 2-D"), ([3, 4], [2, 4, 5], "2-D · batched"), ([2, 3, 4], [2, 4, 5], "batched · batched"),
            ([2, 1, 3, 4], [5, 4, 2], "broadcast batch dims"), ([4], [2, 4, 3], "1-D · batched"), ([2, 3, 4], [4], "batched · 1-D"),
        ];
        foreach (var (a, b, tag) in matmul)
        {
            foreach (var (ga, gb) in new[] { (true, true), (true, false), (false, true) })
                yield return (new Case("Matmul", $"{S(a)} @ {S(b)} grad {ga}/{gb}", [tag], [new Input(a, Data.Normal, ga), new Input(b, Data.Normal, gb)]),
                    (e, x) => e.Matmul(x[0], x[1]));
            // The product of the operand with itself squared: second derivatives beyond the cross terms.
            yield return (new Case("Matmul", $"{S(a)}² @ {S(b)}", [tag], [new Input(a), new Input(b)]), (e, x) => e.Matmul(e.Mul(x[0], x[0]), x[1]));
        }

        foreach (var xs in new[] { new[] { 4, 6 }, [6], [2, 3, 6], [1, 6] })
            foreach (var bias in new[] { true, false })
            {
                string[] tags = [bias ? "bias" : "no bias", xs.Length == 2 ? "2-D input" : $"{xs.Length}-D input"];
                Input[] inputs = bias ? [new Input(xs), new Input([5, 6]), new Input([5])] : [new Input(xs), new Input([5, 6])];
                yield return (new Case("Linear", $"x{S(xs)} w[5,6]{(bias ? " bias" : "")}", tags, inputs), (e, t) => e.Linear(t[0], t[1], bias ? t[2] : null));
                yield return (new Case("Linear", $"x{S(xs)}² w[5,6]{(bias ? " bias" : "")}", tags, inputs), (e, t) => e.Linear(e.Mul(t[0], t[0]), t[1], bias ? t[2] : null));
            }

        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            foreach (var (i, tg) in new (int[], int[])[] { ([4, 3], [4, 3]), ([7], [7]), ([], []), ([4, 3], [3]), ([4, 1], [1, 3]) })
                foreach (var targetGrad in new[] { true, false })
                {
                    string[] tags = [$"reduction {red}", i.SequenceEqual(tg) ? "same shape" : "broadcast target", targetGrad ? "target requires grad" : "target without grad"];
                    Input[] inputs = [new Input(i), new Input(tg, Data.Normal, targetGrad)];
                    yield return (new Case("MseLoss", $"{S(i)} vs {S(tg)} {red} target grad {targetGrad}", tags, inputs), (e, x) => e.MseLoss(x[0], x[1], red));
                    yield return (new Case("MseLoss", $"{S(i)}³ vs {S(tg)} {red} target grad {targetGrad}", tags, inputs),
                        (e, x) => e.MseLoss(e.Mul(e.Mul(x[0], x[0]), x[0]), x[1], red));
                }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, Items());

    /// <summary>
    /// cross_entropy = nll_loss(log_softmax(x)): its Hessian is log_softmax's second derivative fed through
    /// nll's backward (NllLossBackwardBackward0) in every reduction, with ignore_index, batched and not.
    /// </summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropyHessianVectorProductsAgreeWithLibtorch(DType dtype)
    {
        var items = new List<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)>();
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            int[] target = [2, 0, 4, 1], ignored = [2, -100, 4, -100];
            items.Add((new Case("CrossEntropy", $"(4, 5) {red}", [$"reduction {red}", "batched (N, C)"], [new Input([4, 5])]),
                (e, x) => e.CrossEntropy(x[0], target, red)));
            items.Add((new Case("CrossEntropy", $"(4, 5) {red} ignore_index -100 on odd rows", [$"reduction {red}", "ignore_index"], [new Input([4, 5])]),
                (e, x) => e.CrossEntropy(x[0], ignored, red)));
            items.Add((new Case("CrossEntropy", $"(4, 5) {red} ignore_index 4", [$"reduction {red}", "ignore_index"], [new Input([4, 5])]),
                (e, x) => e.CrossEntropy(x[0], target, red, 4)));
            items.Add((new Case("CrossEntropy", $"(5) unbatched {red}", [$"reduction {red}", "unbatched (C)"], [new Input([5])]),
                (e, x) => e.CrossEntropy(x[0], [3], red)));
            // Logits from a linear layer: the HVP reaches the weight through nll, log_softmax and linear.
            items.Add((new Case("CrossEntropy", $"linear logits {red}", [$"reduction {red}", "batched (N, C)"], [new Input([4, 3]), new Input([5, 3])]),
                (e, x) => e.CrossEntropy(e.Linear(x[0], x[1]), target, red)));
        }
        CrossCheck.AllHvp(dtype, items);
    }
}
