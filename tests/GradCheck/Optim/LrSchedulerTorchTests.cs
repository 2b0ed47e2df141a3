using Autograd.Nn.Optim;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace Autograd.Tests.Optim;

/// <summary>
/// Learning-rate sequences against libtorch 2.10's torch.optim.lr_scheduler (TorchSharp): the lr after
/// construction and after each of 50 steps, with two parameter groups of different lrs on our side
/// (each compared with a torch optimizer of that lr).
/// </summary>
[Collection(OracleCollection.Name)]
public class LrSchedulerTorchTests
{
    private const int Steps = 50;
    private static readonly double[] GroupLrs = [0.1, 0.03];

    private static (SGD Ours, TorchApi.optim.Optimizer[] Torch) Optimizers()
    {
        TorchSharpLibrary.EnsureLoaded();
        var a = Tensor.Zeros([2], DType.Float64, requiresGrad: true);
        var b = Tensor.Zeros([3], DType.Float64, requiresGrad: true);
        var ours = new SGD([new ParamGroup([a], lr: GroupLrs[0]), new ParamGroup([b], lr: GroupLrs[1])], momentum: 0.9);
        var torch = GroupLrs.Select(lr => (TorchApi.optim.Optimizer)TorchApi.optim.SGD(
            [new TorchParameter(TorchApi.zeros(2, TorchApi.ScalarType.Float64))], lr, momentum: 0.9)).ToArray();
        return (ours, torch);
    }

    private static readonly double[] Metrics = [5, 4, 3.5, 3.4, 3.4, 3.39999, 3.41, 3.5, 3.45, 3.3, 3.3, 3.31, 3.32, 3.33, 3.29, 3.3, 3.3, 3.3, 3.3, 3.3,
        3.3, 3.3, 3.3, 3.3, 3.3, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9, 3.0, 3.1, 3.2, 3.3, 3.4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

    public static TheoryData<string> Cases => new() { "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingLRPastTMax",
        "OneCycleLR", "OneCycleLRLinearThreePhase", "ReduceLROnPlateau", "ReduceLROnPlateauMaxAbsCooldown",
        "LambdaLR", "LinearLR", "ConstantLR", "PolynomialLR", "SequentialLR" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LrSequenceMatchesTorch(string name)
    {
        var (ours, torch) = Optimizers();
        Func<IReadOnlyList<double>> oursLast;
        Action<int> oursStep;
        var torchLast = new Func<double>[2];
        var torchStep = new Action<int>[2];
        switch (name)
        {
            case "ReduceLROnPlateau" or "ReduceLROnPlateauMaxAbsCooldown":
            {
                bool max = name.EndsWith("Cooldown");
                var s = max ? new ReduceLROnPlateau(ours, mode: "max", factor: 0.5, patience: 2, threshold: 0.05, thresholdMode: "abs", cooldown: 3, minLr: 0.004)
                            : new ReduceLROnPlateau(ours, factor: 0.5, patience: 3);
                oursLast = s.GetLastLr;
                oursStep = t => s.Step(max ? -Metrics[t] : Metrics[t]);
                for (int k = 0; k < 2; k++)
                {
                    var ts = max
                        ? TorchApi.optim.lr_scheduler.ReduceLROnPlateau(torch[k], mode: "max", factor: 0.5, patience: 2, threshold: 0.05, threshold_mode: "abs", cooldown: 3, min_lr: [0.004])
                        : TorchApi.optim.lr_scheduler.ReduceLROnPlateau(torch[k], factor: 0.5, patience: 3);
                    var opt = torch[k];
                    torchLast[k] = () => opt.ParamGroups.First().LearningRate;
                    torchStep[k] = t => ts.step(max ? -Metrics[t] : Metrics[t]);
                }
                break;
            }
            case "SequentialLR":
            {
                var s = new SequentialLR(ours, [new LinearLR(ours, startFactor: 0.1, totalIters: 5), new CosineAnnealingLR(ours, tMax: 40, etaMin: 0.001)], [5]);
                oursLast = s.GetLastLr;
                oursStep = _ => s.Step();
                for (int k = 0; k < 2; k++)
                {
                    var opt = torch[k];
                    var ts = TorchApi.optim.lr_scheduler.SequentialLR(opt,
                        [TorchApi.optim.lr_scheduler.LinearLR(opt, 0.1, 1.0, 5), TorchApi.optim.lr_scheduler.CosineAnnealingLR(opt, 40, 0.001)], [5]);
                    torchLast[k] = () => opt.ParamGroups.First().LearningRate;
                    torchStep[k] = _ => ts.step();
                }
                break;
            }
            default:
            {
                LRScheduler s = name switch
                {
                    "StepLR" => new StepLR(ours, stepSize: 7, gamma: 0.5),
                    "MultiStepLR" => new MultiStepLR(ours, [5, 12, 30], gamma: 0.3),
                    "ExponentialLR" => new ExponentialLR(ours, gamma: 0.93),
                    "CosineAnnealingLR" => new CosineAnnealingLR(ours, tMax: 50, etaMin: 0.001),
                    "CosineAnnealingLRPastTMax" => new CosineAnnealingLR(ours, tMax: 12),
                    "OneCycleLR" => new OneCycleLR(ours, maxLr: 0.5, totalSteps: 50),
                    "LambdaLR" => new LambdaLR(ours, e => 1.0 / (1 + 0.3 * e)),
                    "LinearLR" => new LinearLR(ours, startFactor: 0.2, endFactor: 0.9, totalIters: 17),
                    "ConstantLR" => new ConstantLR(ours, factor: 0.4, totalIters: 9),
                    "PolynomialLR" => new PolynomialLR(ours, totalIters: 30, power: 2.5),
                    _ => new OneCycleLR(ours, maxLr: 0.5, epochs: 5, stepsPerEpoch: 10, pctStart: 0.25, annealStrategy: "linear", threePhase: true, divFactor: 10, finalDivFactor: 100),
                };
                oursLast = s.GetLastLr;
                oursStep = _ => s.Step();
                for (int k = 0; k < 2; k++)
                {
                    var opt = torch[k];
                    TorchApi.optim.lr_scheduler.LRScheduler ts = name switch
                    {
                        "StepLR" => TorchApi.optim.lr_scheduler.StepLR(opt, 7, 0.5),
                        "MultiStepLR" => TorchApi.optim.lr_scheduler.MultiStepLR(opt, [5, 12, 30], 0.3),
                        "ExponentialLR" => TorchApi.optim.lr_scheduler.ExponentialLR(opt, 0.93),
                        "CosineAnnealingLR" => TorchApi.optim.lr_scheduler.CosineAnnealingLR(opt, 50, 0.001),
                        "CosineAnnealingLRPastTMax" => TorchApi.optim.lr_scheduler.CosineAnnealingLR(opt, 12),
                        "OneCycleLR" => TorchApi.optim.lr_scheduler.OneCycleLR(opt, 0.5, total_steps: 50),
                        "LambdaLR" => TorchApi.optim.lr_scheduler.LambdaLR(opt, e => 1.0 / (1 + 0.3 * e)),
                        "LinearLR" => TorchApi.optim.lr_scheduler.LinearLR(opt, 0.2, 0.9, 17),
                        "ConstantLR" => TorchApi.optim.lr_scheduler.ConstantLR(opt, 0.4, 9),
                        "PolynomialLR" => TorchApi.optim.lr_scheduler.PolynomialLR(opt, 30, 2.5),
                        _ => TorchApi.optim.lr_scheduler.OneCycleLR(opt, 0.5, epochs: 5, steps_per_epoch: 10, pct_start: 0.25,
                            anneal_strategy: TorchApi.optim.lr_scheduler.impl.OneCycleLR.AnnealStrategy.Linear, three_phase: true, div_factor: 10, final_div_factor: 100),
                    };
                    torchLast[k] = () => opt.ParamGroups.First().LearningRate;
                    torchStep[k] = _ => ts.step();
                }
                break;
            }
        }
        int steps = name.StartsWith("OneCycle") ? 49 : Steps;
        for (int t = 0; t <= steps; t++)
        {
            if (t > 0)
            {
                oursStep(t - 1);
                torchStep[0](t - 1);
                torchStep[1](t - 1);
            }
            for (int k = 0; k < 2; k++)
            {
                double expected = torchLast[k](), got = oursLast()[k];
                Assert.True(Math.Abs(got - expected) <= 1e-14 * Math.Abs(expected), $"{name} epoch {t} group {k}: ours {got:R}, torch {expected:R}");
                Assert.Equal(got, ours.ParamGroups[k].Lr);
            }
        }
    }
}
