using Autograd;
using VerifyAgainstPyTorch;
using Autograd.TorchSharp;

// Verifies a custom loss written with Autograd against the same loss written with TorchSharp (PyTorch's
// libtorch 2.10): forward value and both input gradients, side by side. Then a deliberately wrong
// version, to show what a failing report looks like. Exit code 0 when the right one passes and the
// wrong one is caught.
const double T = 2.0;
var generator = new Generator(7);
Tensor[] inputs =
[
    Tensor.Randn([8, 10], DType.Float64, requiresGrad: true, generator: generator),   // student logits
    Tensor.Randn([8, 10], DType.Float64, requiresGrad: true, generator: generator),   // teacher logits
];

Console.WriteLine("1. The distillation loss, Autograd vs PyTorch:");
var right = TorchCheck.Compare(
    x => DistillationLoss.Compute(x[0], x[1], T),
    t => TorchDistillationLoss.Compute(t[0], t[1], T),
    inputs);
Console.WriteLine(right);

Console.WriteLine();
Console.WriteLine("2. The same loss with the T² scale forgotten:");
var wrong = TorchCheck.Compare(
    x => DistillationLoss.ComputeWithoutScale(x[0], x[1], T),
    t => TorchDistillationLoss.Compute(t[0], t[1], T),
    inputs);
Console.WriteLine(wrong);

bool ok = right.Passed && !wrong.Passed;
Console.WriteLine();
Console.WriteLine(ok ? "RESULT ok: the correct loss agrees with PyTorch and the wrong one is caught"
                     : "RESULT unexpected: see the reports above");
return ok ? 0 : 1;
