using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Ops.Losses;

/// <summary>
/// The losses against libtorch 2.10 (values and every gradient, float32 and float64): each reduction, element
/// and class weights, pos_weight, ignore_index, label smoothing, probability targets, (C), (N, C) and spatial
/// inputs, broadcast shapes; probabilities made inside the computation (sigmoid / softmax) on both engines.
/// Then error agreement (both engines reject, or both accept and agree) and Hessian-vector products.
/// </summary>
[Collection(OracleCollection.Name)]
public class LossOracleTests
{
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    private static (Case, Func<IOracleBackend, OracleTensor[], OracleTensor>) C(string op, string config, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f)
        => (new Case(op, config, [config.Split(' ')[0]], inputs), f);

    private static Input In(params int[] s) => new(s);
    private static Input Const(params int[] s) => new(s, Data.Normal, false);
    private static Input Weight(params int[] s) => new(s, Data.Positive, false);
    private static string S(int[] s) => "[" + string.Join(", ", s) + "]";

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Items()
    {
        foreach (var red in Reductions)
        {
            foreach (var shape in new[] { new int[0], [5], [3, 4], [2, 3, 2] })
            {
                yield return C("BinaryCrossEntropy", $"plain {S(shape)} {red}", [In(shape), In(shape)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), null, red));
                yield return C("BinaryCrossEntropyWithLogits", $"plain {S(shape)} {red}", [In(shape), In(shape)], (e, x) => e.BinaryCrossEntropyWithLogits(x[0], e.Sigmoid(x[1]), null, red, null));
                yield return C("L1Loss", $"plain {S(shape)} {red}", [In(shape), In(shape)], (e, x) => e.L1Loss(x[0], x[1], red, null));
                yield return C("SmoothL1Loss", $"plain {S(shape)} {red}", [In(shape), In(shape)], (e, x) => e.SmoothL1Loss(e.Mul(x[0], 2.0), x[1], red, 1.0));
                yield return C("HuberLoss", $"plain {S(shape)} {red}", [In(shape), In(shape)], (e, x) => e.HuberLoss(e.Mul(x[0], 2.0), x[1], red, 1.0, null));
            }
            yield return C("BinaryCrossEntropy", $"weight [3, 4] {red}", [In(3, 4), In(3, 4), Weight(3, 4)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), x[2], red));
            yield return C("BinaryCrossEntropy", $"weight-broadcast [4] {red}", [In(3, 4), Const(3, 4), Weight(4)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), x[2], red));
            yield return C("BinaryCrossEntropyWithLogits", $"weight pos_weight {red}", [In(3, 4), In(3, 4), Weight(3, 1), Weight(4)], (e, x) => e.BinaryCrossEntropyWithLogits(x[0], e.Sigmoid(x[1]), x[2], red, x[3]));
            yield return C("BinaryCrossEntropyWithLogits", $"pos_weight {red}", [In(2, 3, 4), In(2, 3, 4), Weight(4)], (e, x) => e.BinaryCrossEntropyWithLogits(e.Mul(x[0], 5.0), e.Sigmoid(x[1]), null, red, x[2]));
            yield return C("L1Loss", $"broadcast {red}", [In(3, 4), In(4)], (e, x) => e.L1Loss(x[0], x[1], red, null));
            yield return C("L1Loss", $"weight {red}", [In(3, 4), In(3, 4), Weight(3, 4)], (e, x) => e.L1Loss(x[0], x[1], red, x[2]));
            yield return C("L1Loss", $"weight-requires-grad broadcast target {red}", [In(3, 4), In(4), In(3, 4)], (e, x) => e.L1Loss(x[0], x[1], red, x[2]));
            yield return C("MseLoss", $"weight {red}", [In(3, 4), In(3, 4), Weight(3, 4)], (e, x) => e.MseLoss(x[0], x[1], red, x[2]));
            yield return C("MseLoss", $"weight-requires-grad {red}", [In(2, 3), In(2, 3), In(2, 3)], (e, x) => e.MseLoss(x[0], x[1], red, x[2]));
            yield return C("HuberLoss", $"weight {red}", [In(3, 4), In(3, 4), In(3, 4)], (e, x) => e.HuberLoss(e.Mul(x[0], 2.0), x[1], red, 0.7, x[2]));
            foreach (var beta in new[] { 0.0, 0.5, 3.0 })
                yield return C("SmoothL1Loss", $"beta {beta} broadcast {red}", [In(2, 1, 3), In(4, 1)], (e, x) => e.SmoothL1Loss(e.Mul(x[0], 2.0), x[1], red, beta));
            foreach (var delta in new[] { 0.3, 2.5 })
                yield return C("HuberLoss", $"delta {delta} broadcast {red}", [In(3, 4), In(3, 1)], (e, x) => e.HuberLoss(e.Mul(x[0], 2.0), x[1], red, delta, null));
        }
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None, Reduction.BatchMean })
        {
            yield return C("KlDiv", $"probabilities {red}", [In(3, 4), In(3, 4)], (e, x) => e.KlDiv(e.LogSoftmax(x[0], 1), e.Softmax(x[1], 1), red, false));
            yield return C("KlDiv", $"log_target {red}", [In(3, 4), In(3, 4)], (e, x) => e.KlDiv(e.LogSoftmax(x[0], 1), e.LogSoftmax(x[1], 1), red, true));
            yield return C("KlDiv", $"broadcast log_target {red}", [In(2, 3, 4), In(3, 4)], (e, x) => e.KlDiv(x[0], x[1], red, true));
            yield return C("KlDiv", $"zero-target constant {red}", [In(2, 3)], (e, x) => e.KlDiv(x[0], e.From([0.5, 0, 0.5, 0, 1, 0], [2, 3], DType.Float64), red, false));
            yield return C("KlDiv", $"0-dim {red}", [In(), In()], (e, x) => e.KlDiv(x[0], e.Sigmoid(x[1]), red, false));
        }
        foreach (var red in Reductions)
        {
            long[] t4 = [2, 0, 4, 1], t4i = [2, 3, 4, 3], sp = [0, -100, 2, 1, 3, -100, 2, 2], sp3 = [0, 1, 2, 3, 1, 1];
            yield return C("NllLoss", $"plain {red}", [In(4, 5)], (e, x) => e.NllLoss(x[0], e.FromInt64(t4, [4]), null, -100, red));
            yield return C("NllLoss", $"weight {red}", [In(4, 5), Weight(5)], (e, x) => e.NllLoss(x[0], e.FromInt64(t4, [4]), x[1], -100, red));
            yield return C("NllLoss", $"weight ignore_index 3 {red}", [In(4, 5), Weight(5)], (e, x) => e.NllLoss(x[0], e.FromInt64(t4i, [4]), x[1], 3, red));
            yield return C("NllLoss", $"spatial (2, 4, 2, 2) weight ignored {red}", [In(2, 4, 2, 2), Weight(4)], (e, x) => e.NllLoss(x[0], e.FromInt64(sp, [2, 2, 2]), x[1], -100, red));
            yield return C("NllLoss", $"spatial (2, 4, 3) {red}", [In(2, 4, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64(sp3, [2, 3]), null, -100, red));
            yield return C("NllLoss", $"spatial (2, 4, 1, 3, 1) {red}", [In(2, 4, 1, 3, 1)], (e, x) => e.NllLoss(x[0], e.FromInt64(sp3, [2, 1, 3, 1]), null, -100, red));
            yield return C("NllLoss", $"unbatched weight {red}", [In(5), Weight(5)], (e, x) => e.NllLoss(x[0], e.FromInt64([3], []), x[1], -100, red));
            yield return C("NllLoss", $"all-ignored {red}", [In(2, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64([1, 1], [2]), null, 1, red));
            foreach (var eps in new[] { 0.0, 0.1, 1.0 })
            {
                yield return C("CrossEntropy", $"indices eps {eps} {red}", [In(4, 5)], (e, x) => e.CrossEntropy(x[0], e.FromInt64(t4, [4]), null, -100, red, eps));
                yield return C("CrossEntropy", $"weight eps {eps} {red}", [In(4, 5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.FromInt64(t4, [4]), x[1], -100, red, eps));
                yield return C("CrossEntropy", $"weight ignore_index 3 eps {eps} {red}", [In(4, 5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.FromInt64(t4i, [4]), x[1], 3, red, eps));
                yield return C("CrossEntropy", $"spatial weight ignored eps {eps} {red}", [In(2, 4, 2, 2), Weight(4)], (e, x) => e.CrossEntropy(x[0], e.FromInt64(sp, [2, 2, 2]), x[1], -100, red, eps));
                yield return C("CrossEntropy", $"spatial 3-d eps {eps} {red}", [In(2, 4, 3)], (e, x) => e.CrossEntropy(x[0], e.FromInt64(sp3, [2, 3]), null, -100, red, eps));
                yield return C("CrossEntropy", $"unbatched weight eps {eps} {red}", [In(5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([1], []), x[1], -100, red, eps));
                yield return C("CrossEntropy", $"probabilities eps {eps} {red}", [In(3, 5), In(3, 5)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), null, -100, red, eps));
                yield return C("CrossEntropy", $"probabilities weight eps {eps} {red}", [In(3, 5), In(3, 5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), x[2], -100, red, eps));
                yield return C("CrossEntropy", $"probabilities spatial weight eps {eps} {red}", [In(2, 3, 2, 2), In(2, 3, 2, 2), Weight(3)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), x[2], -100, red, eps));
                yield return C("CrossEntropy", $"probabilities unbatched eps {eps} {red}", [In(4), In(4)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 0), null, -100, red, eps));
                yield return C("CrossEntropy", $"all-ignored eps {eps} {red}", [In(2, 3), Weight(3)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([1, 1], [2]), x[1], 1, red, eps));
            }
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LossesMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Items());

    private static (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F) E(
        string op, string why, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f) => (op, why, inputs, f);

    private static readonly (string Op, string Why, Input[] Inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> F)[] Errors =
    [
        E("BinaryCrossEntropy", "input above 1", [In(3)], (e, x) => e.BinaryCrossEntropy(e.Add(e.Sigmoid(x[0]), 1.5), e.Sigmoid(x[0]), null, Reduction.Mean)),
        E("BinaryCrossEntropy", "target size differs", [In(3, 2), In(2)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), null, Reduction.Mean)),
        E("BinaryCrossEntropy", "weight does not broadcast", [In(3, 2), In(3, 2), Weight(3)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), x[2], Reduction.Mean)),
        E("BinaryCrossEntropy", "valid: inputs exactly 0 and 1", [Const(4)], (e, x) => e.BinaryCrossEntropy(e.From([0, 1, 0, 1], [4], DType.Float64), e.From([0, 1, 1, 0], [4], DType.Float64), null, Reduction.None)),
        E("BinaryCrossEntropyWithLogits", "target size differs", [In(3, 2), In(3, 1)], (e, x) => e.BinaryCrossEntropyWithLogits(x[0], e.Sigmoid(x[1]), null, Reduction.Mean, null)),
        E("BinaryCrossEntropyWithLogits", "pos_weight does not broadcast", [In(3, 2), In(3, 2), Weight(3)], (e, x) => e.BinaryCrossEntropyWithLogits(x[0], e.Sigmoid(x[1]), null, Reduction.Mean, x[2])),
        E("L1Loss", "shapes do not broadcast", [In(3, 2), In(3)], (e, x) => e.L1Loss(x[0], x[1], Reduction.Mean, null)),
        E("L1Loss", "weight of another size", [In(3, 2), In(3, 2), Weight(2)], (e, x) => e.L1Loss(x[0], x[1], Reduction.Mean, x[2])),
        E("MseLoss", "weight of another size", [In(3, 2), In(2), Weight(2)], (e, x) => e.MseLoss(x[0], x[1], Reduction.Sum, x[2])),
        E("HuberLoss", "weight of another size", [In(3, 2), In(3, 2), Weight(3, 1)], (e, x) => e.HuberLoss(x[0], x[1], Reduction.None, 1, x[2])),
        E("SmoothL1Loss", "negative beta", [In(3), In(3)], (e, x) => e.SmoothL1Loss(x[0], x[1], Reduction.Mean, -1)),
        E("HuberLoss", "zero delta", [In(3), In(3)], (e, x) => e.HuberLoss(x[0], x[1], Reduction.Mean, 0, null)),
        E("HuberLoss", "negative delta", [In(3), In(3)], (e, x) => e.HuberLoss(x[0], x[1], Reduction.Mean, -2, null)),
        E("NllLoss", "target out of bounds", [In(2, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64([0, 7], [2]), null, -100, Reduction.Mean)),
        E("NllLoss", "negative target", [In(2, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64([0, -1], [2]), null, -100, Reduction.Mean)),
        E("NllLoss", "batch size differs", [In(2, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64([0, 1, 2], [3]), null, -100, Reduction.Mean)),
        E("NllLoss", "weight of the wrong size", [In(2, 3), Weight(4)], (e, x) => e.NllLoss(x[0], e.FromInt64([0, 1], [2]), x[1], -100, Reduction.Mean)),
        E("NllLoss", "spatial target of the wrong size", [In(2, 3, 4)], (e, x) => e.NllLoss(x[0], e.FromInt64(new long[10], [2, 5]), null, -100, Reduction.Mean)),
        E("NllLoss", "2-D target for an (N, C) input", [In(2, 3)], (e, x) => e.NllLoss(x[0], e.FromInt64([0, 1, 1, 0], [2, 2]), null, -100, Reduction.Mean)),
        E("NllLoss", "float target", [In(2, 3), In(2)], (e, x) => e.NllLoss(x[0], x[1], null, -100, Reduction.Mean)),
        E("CrossEntropy", "target out of bounds", [In(2, 3)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([0, 7], [2]), null, -100, Reduction.Mean, 0.1)),
        E("CrossEntropy", "label smoothing above 1", [In(2, 3)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([0, 1], [2]), null, -100, Reduction.Mean, 1.5)),
        E("CrossEntropy", "valid: negative label smoothing", [In(2, 3)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([0, 1], [2]), null, -100, Reduction.Mean, -0.5)),
        E("CrossEntropy", "valid: negative label smoothing, probabilities", [In(2, 3), In(2, 3)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), null, -100, Reduction.Sum, -0.5)),
        E("CrossEntropy", "probabilities with ignore_index 0", [In(2, 3), In(2, 3)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), null, 0, Reduction.Mean, 0)),
        E("CrossEntropy", "probabilities with a bad weight", [In(2, 3), In(2, 3), Weight(2)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), x[2], -100, Reduction.Mean, 0)),
        E("CrossEntropy", "float target of another shape", [In(2, 3), In(2, 4)], (e, x) => e.CrossEntropy(x[0], x[1], null, -100, Reduction.Mean, 0)),
        E("CrossEntropy", "weight of the wrong size with smoothing", [In(2, 3), Weight(4)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([0, 1], [2]), x[1], -100, Reduction.Mean, 0.2)),
        E("CrossEntropy", "0-dim input", [In()], (e, x) => e.CrossEntropy(x[0], e.FromInt64([0], []), null, -100, Reduction.Mean, 0)),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LossesRejectExactlyWhatLibtorchRejects(DType dtype)
    {
        CrossCheck.AllAgree(dtype, Errors);
    }

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> HvpItems()
    {
        foreach (var red in Reductions)
        {
            yield return C("BinaryCrossEntropy", $"weight {red}", [In(3, 4), In(3, 4), Weight(4)], (e, x) => e.BinaryCrossEntropy(e.Sigmoid(x[0]), e.Sigmoid(x[1]), x[2], red));
            yield return C("BinaryCrossEntropyWithLogits", $"pos_weight {red}", [In(3, 4), In(3, 4), Weight(4)], (e, x) => e.BinaryCrossEntropyWithLogits(x[0], e.Sigmoid(x[1]), null, red, x[2]));
            yield return C("SmoothL1Loss", $"squares {red}", [In(3, 4), In(3, 4)], (e, x) => e.SmoothL1Loss(e.Mul(x[0], x[0]), x[1], red, 0.7));
            yield return C("HuberLoss", $"squares {red}", [In(3, 4), In(3, 4)], (e, x) => e.HuberLoss(e.Mul(x[0], x[0]), x[1], red, 0.7, null));
            yield return C("L1Loss", $"squares {red}", [In(3, 4), In(3, 4)], (e, x) => e.L1Loss(e.Mul(x[0], x[0]), x[1], red, null));
            yield return C("KlDiv", $"log_target {red}", [In(3, 4), In(3, 4)], (e, x) => e.KlDiv(e.LogSoftmax(x[0], 1), e.LogSoftmax(x[1], 1), red, true));
            yield return C("KlDiv", $"probabilities {red}", [In(3, 4), In(3, 4)], (e, x) => e.KlDiv(e.LogSoftmax(x[0], 1), e.Softmax(x[1], 1), red, false));
            yield return C("NllLoss", $"spatial weight cubes {red}", [In(2, 3, 2), Weight(3)], (e, x) => e.NllLoss(e.Mul(e.Mul(x[0], x[0]), x[0]), e.FromInt64([0, 2, 1, -100], [2, 2]), x[1], -100, red));
            yield return C("CrossEntropy", $"weight ignore smoothing {red}", [In(4, 5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.FromInt64([2, 3, 4, 3], [4]), x[1], 3, red, 0.2));
            yield return C("CrossEntropy", $"probabilities weight smoothing {red}", [In(3, 5), In(3, 5), Weight(5)], (e, x) => e.CrossEntropy(x[0], e.Softmax(x[1], 1), x[2], -100, red, 0.2));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HessianVectorProductsAgreeWithLibtorch(DType dtype) => CrossCheck.AllHvp(dtype, HvpItems());
}
