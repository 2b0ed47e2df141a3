namespace Autograd.Tests.Ops.Losses;

/// <summary>
/// GradCheck and GradGradCheck (float64 finite differences) of every loss over a grid: each reduction, class
/// and element weights, pos_weight, ignore_index, label smoothing, probability targets, (C), (N, C) and spatial
/// (N, C, d1, ...) inputs, broadcast shapes, and targets that require grad where PyTorch differentiates them.
/// Probabilities are made inside the function (sigmoid / softmax of free inputs), so the checks run in
/// unconstrained space and never step outside [0, 1].
/// </summary>
public class LossGradTests
{
    private static readonly Reduction[] Reductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    private static Tensor W(int[] shape, int seed) => TestData.Positive(shape, seed, requiresGrad: false);

    private static Tensor Targets(long[] values, int[] shape) => Tensor.From(values, shape);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Tensor[] Inputs)> Cases = Build();

    public static TheoryData<string> Names => new(Cases.Keys);

    private static Dictionary<string, (Func<Tensor[], Tensor>, Tensor[])> Build()
    {
        var d = new Dictionary<string, (Func<Tensor[], Tensor>, Tensor[])>();
        int seed = 100;
        Tensor R(int[] s, bool grad = true) => TestData.Randn(s, seed++, grad);
        foreach (var red in Reductions)
        {
            foreach (var shape in new[] { new int[0], [5], [3, 4] })
            {
                d[$"bce {S(shape)} {red}"] = (t => F.BinaryCrossEntropy(F.Sigmoid(t[0]), F.Sigmoid(t[1]), null, red), [R(shape), R(shape)]);
                d[$"bce_with_logits {S(shape)} {red}"] = (t => F.BinaryCrossEntropyWithLogits(t[0], F.Sigmoid(t[1]), null, red), [R(shape), R(shape)]);
                d[$"l1 {S(shape)} {red}"] = (t => F.L1Loss(t[0], t[1], red), [R(shape), R(shape)]);
                d[$"smooth_l1 {S(shape)} {red}"] = (t => F.SmoothL1Loss(t[0] * 2.0, t[1], red), [R(shape), R(shape)]);
                d[$"huber {S(shape)} {red}"] = (t => F.HuberLoss(t[0] * 2.0, t[1], red), [R(shape), R(shape)]);
            }
            var w34 = W([3, 4], seed++); var w4 = W([4], seed++); var pw = W([4], seed++);
            d[$"bce weight [3, 4] {red}"] = (t => F.BinaryCrossEntropy(F.Sigmoid(t[0]), F.Sigmoid(t[1]), w34, red), [R([3, 4]), R([3, 4])]);
            d[$"bce weight [4] target constant {red}"] = (t => F.BinaryCrossEntropy(F.Sigmoid(t[0]), F.Sigmoid(t[1]), w4, red), [R([3, 4]), R([3, 4], false)]);
            d[$"bce_with_logits weight pos_weight {red}"] = (t => F.BinaryCrossEntropyWithLogits(t[0], F.Sigmoid(t[1]), w34, red, pw), [R([3, 4]), R([3, 4])]);
            // Constant targets: the fused kernel's dX (BceWithLogitsKernel; pos_weight rows of ≥ 16 entries).
            d[$"bce_with_logits pos_weight row [16] target constant {red}"] = (t => F.BinaryCrossEntropyWithLogits(t[0] * 3.0, F.Sigmoid(t[1]), W([1, 16], seed), red, W([16], seed + 1)), [R([3, 16]), R([3, 16], false)]);
            d[$"bce_with_logits weight [3, 4] pos_weight scalar target constant {red}"] = (t => F.BinaryCrossEntropyWithLogits(t[0] * 3.0, F.Sigmoid(t[1]), w34, red, W([1], seed + 2)), [R([3, 4]), R([3, 4], false)]);
            d[$"bce_with_logits pos_weight {red}"] = (t => F.BinaryCrossEntropyWithLogits(t[0], F.Sigmoid(t[1]), null, red, pw), [R([3, 4]), R([3, 4])]);
            d[$"l1 weight (differentiable) {red}"] = (t => F.L1Loss(t[0], t[1], red, t[2]), [R([3, 4]), R([4]), R([3, 4])]);
            d[$"mse weight (differentiable) {red}"] = (t => F.MseLoss(t[0], t[1], red, t[2]), [R([3, 4]), R([3, 4]), R([3, 4])]);
            d[$"huber weight (differentiable) {red}"] = (t => F.HuberLoss(t[0] * 2.0, t[1], red, 0.7, t[2]), [R([3, 4]), R([3, 4]), R([3, 4])]);
            d[$"l1 broadcast {red}"] = (t => F.L1Loss(t[0], t[1], red), [R([3, 4]), R([4])]);
            d[$"smooth_l1 beta 0.5 broadcast {red}"] = (t => F.SmoothL1Loss(t[0] * 2.0, t[1], red, beta: 0.5), [R([2, 1, 3]), R([4, 1])]);
            d[$"smooth_l1 beta 0 {red}"] = (t => F.SmoothL1Loss(t[0], t[1], red, beta: 0), [R([3, 4]), R([3, 4])]);
            d[$"huber delta 0.3 broadcast {red}"] = (t => F.HuberLoss(t[0], t[1], red, delta: 0.3), [R([3, 4]), R([3, 1])]);
        }
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None, Reduction.BatchMean })
        {
            d[$"kl_div {red}"] = (t => F.KlDiv(F.LogSoftmax(t[0], 1), F.Softmax(t[1], 1), red), [R([3, 4]), R([3, 4])]);
            d[$"kl_div log_target {red}"] = (t => F.KlDiv(F.LogSoftmax(t[0], 1), F.LogSoftmax(t[1], 1), red, logTarget: true), [R([3, 4]), R([3, 4])]);
            d[$"kl_div raw log_target broadcast {red}"] = (t => F.KlDiv(t[0], t[1], red, logTarget: true), [R([2, 3, 4]), R([3, 4])]);
        }
        foreach (var red in Reductions)
        {
            var cw = W([5], seed++);
            var t4 = Targets([2, 0, 4, 1], [4]);
            var t4i = Targets([2, 3, 4, 3], [4]);
            var spatial = Targets([0, 1, 2, 1, 3, 0, 2, 2], [2, 2, 2]);
            var spatialIgnored = Targets([0, -100, 2, 1, 3, -100, 2, 2], [2, 2, 2]);
            var spatial3 = Targets([0, 1, 2, 3, 1, 1], [2, 3]);
            d[$"nll weight {red}"] = (t => F.NllLoss(t[0] * t[0], t4, cw, -100, red), [R([4, 5])]);
            d[$"nll weight ignore 3 {red}"] = (t => F.NllLoss(t[0] * t[0], t4i, cw, 3, red), [R([4, 5])]);
            d[$"nll spatial (2, 4, 2, 2) weight ignore {red}"] = (t => F.NllLoss(t[0] * t[0], spatialIgnored, W([4], 7), -100, red), [R([2, 4, 2, 2])]);
            d[$"nll spatial (2, 4, 3) {red}"] = (t => F.NllLoss(t[0] * t[0], spatial3, null, -100, red), [R([2, 4, 3])]);
            d[$"nll unbatched weight {red}"] = (t => F.NllLoss(t[0] * t[0], Targets([3], []), cw, -100, red), [R([5])]);
            d[$"ce weight {red}"] = (t => F.CrossEntropy(t[0], t4, cw, -100, red), [R([4, 5])]);
            foreach (var eps in new[] { 0.1, 1.0 })
            {
                d[$"ce smoothing {eps} {red}"] = (t => F.CrossEntropy(t[0], t4, null, -100, red, eps), [R([4, 5])]);
                d[$"ce smoothing {eps} weight ignore {red}"] = (t => F.CrossEntropy(t[0], t4i, cw, 3, red, eps), [R([4, 5])]);
                d[$"ce smoothing {eps} spatial weight ignore {red}"] = (t => F.CrossEntropy(t[0], spatialIgnored, W([4], 8), -100, red, eps), [R([2, 4, 2, 2])]);
                d[$"ce smoothing {eps} unbatched {red}"] = (t => F.CrossEntropy(t[0], Targets([1], []), cw, -100, red, eps), [R([5])]);
                d[$"ce probabilities smoothing {eps} weight {red}"] = (t => F.CrossEntropy(t[0], F.Softmax(t[1], 1), cw, -100, red, eps), [R([3, 5]), R([3, 5])]);
            }
            d[$"ce spatial {red}"] = (t => F.CrossEntropy(t[0], spatial, null, -100, red), [R([2, 4, 2, 2])]);
            d[$"ce probabilities {red}"] = (t => F.CrossEntropy(t[0], F.Softmax(t[1], 1), null, -100, red), [R([3, 5]), R([3, 5])]);
            d[$"ce probabilities spatial weight {red}"] = (t => F.CrossEntropy(t[0], F.Softmax(t[1], 1), W([3], 9), -100, red), [R([2, 3, 2]), R([2, 3, 2])]);
            d[$"ce probabilities unbatched {red}"] = (t => F.CrossEntropy(t[0], F.Softmax(t[1], 0), null, -100, red), [R([4]), R([4])]);
        }
        return d;
    }

    private static string S(int[] s) => "[" + string.Join(", ", s) + "]";

    [Theory]
    [MemberData(nameof(Names))]
    public void FirstDerivativesMatchFiniteDifferences(string name)
    {
        var (f, inputs) = Cases[name];
        Assert.True(GradCheck.Check(f, inputs), name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, inputs) = Cases[name];
        Assert.True(GradGradCheck.Check(f, inputs), name);
    }
}
