using Autograd.Nn.Optim;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace Autograd.Tests.Optim;

/// <summary>
/// Optimizer trajectories against libtorch 2.10's torch.optim (TorchSharp, in process): 100 steps from
/// the same start with the same gradients, float64 and float32, compared after every step. The
/// gradient of step t is g = 0.8·(p − target) + 0.3·sin(0.7·t + 1.3·i), computed in double from each
/// side's own p and rounded to the dtype, so it is the same on both sides while the trajectories agree.
/// </summary>
[Collection(OracleCollection.Name)]
public class OptimizerTorchTests
{
    private const int Steps = 100;
    private static readonly double[] P0 = [0.3, -0.7, 1.2, 0.05, -1.5, 2.5, 0.0, 0.9];
    private static readonly double[] Target = [1.0, -2.0, 0.5, 0.0, 0.3, -0.4, 1.1, 0.9];

    private static double[] GradAt(double[] p, int t)
    {
        var g = new double[p.Length];
        for (int i = 0; i < p.Length; i++) g[i] = 0.8 * (p[i] - Target[i]) + 0.3 * Math.Sin(0.7 * t + 1.3 * i);
        return g;
    }

    // name → (ours, torch's) over one parameter.
    private static (Optimizer Ours, TorchApi.optim.Optimizer Torch) Make(string name, Tensor p, TorchParameter tp) => name switch
    {
        "AdamWDefault" => (new AdamW([p], lr: 0.05), TorchApi.optim.AdamW([tp], lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01)),
        "AdamWAmsgrad" => (new AdamW([p], lr: 0.02, betas: (0.8, 0.95), weightDecay: 0.1, amsgrad: true),
            TorchApi.optim.AdamW([tp], lr: 0.02, beta1: 0.8, beta2: 0.95, eps: 1e-8, weight_decay: 0.1, amsgrad: true)),
        "AdamWMaximize" => (new AdamW([p], lr: 0.01, eps: 1e-3, weightDecay: 0.05, maximize: true),
            TorchApi.optim.AdamW([tp], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-3, weight_decay: 0.05, maximize: true)),
        "AdamL2Amsgrad" => (new Adam([p], lr: 0.03, weightDecay: 0.1, amsgrad: true),
            TorchApi.optim.Adam([tp], lr: 0.03, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1, amsgrad: true)),
        "RMSpropDefault" => (new RMSprop([p]), TorchApi.optim.RMSProp([tp], lr: 0.01, alpha: 0.99, eps: 1e-8)),
        "RMSpropCentered" => (new RMSprop([p], lr: 0.005, alpha: 0.9, centered: true),
            TorchApi.optim.RMSProp([tp], lr: 0.005, alpha: 0.9, eps: 1e-8, centered: true)),
        "RMSpropMomentumWd" => (new RMSprop([p], lr: 0.002, momentum: 0.9, weightDecay: 0.05),
            TorchApi.optim.RMSProp([tp], lr: 0.002, alpha: 0.99, eps: 1e-8, weight_decay: 0.05, momentum: 0.9)),
        "RMSpropCenteredMomentumMaximize" => (new RMSprop([p], lr: 0.001, alpha: 0.95, eps: 1e-6, momentum: 0.5, centered: true, maximize: true),
            TorchApi.optim.RMSProp([tp], lr: 0.001, alpha: 0.95, eps: 1e-6, momentum: 0.5, centered: true, maximize: true)),
        "AdagradDefault" => (new Adagrad([p], lr: 0.1), TorchApi.optim.Adagrad([tp], lr: 0.1)),
        "AdagradDecayInitAcc" => (new Adagrad([p], lr: 0.2, lrDecay: 0.01, initialAccumulatorValue: 0.5, weightDecay: 0.02),
            TorchApi.optim.Adagrad([tp], lr: 0.2, lr_decay: 0.01, weight_decay: 0.02, initial_accumulator_value: 0.5)),
        "AdagradEps" => (new Adagrad([p], lr: 0.05, eps: 1e-6), TorchApi.optim.Adagrad([tp], lr: 0.05, eps: 1e-6)),
        "SgdNesterov" => (new SGD([p], lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
            TorchApi.optim.SGD([tp], 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01)),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, bool> Cases()
    {
        var d = new TheoryData<string, bool>();
        foreach (var n in new[] { "AdamWDefault", "AdamWAmsgrad", "AdamWMaximize", "AdamL2Amsgrad", "RMSpropDefault", "RMSpropCentered",
                     "RMSpropMomentumWd", "RMSpropCenteredMomentumMaximize", "AdagradDefault", "AdagradDecayInitAcc", "AdagradEps", "SgdNesterov" })
        {
            d.Add(n, false);
            d.Add(n, true);
        }
        return d;
    }

    internal static TorchParameter TorchParam(double[] values, DType dtype)
    {
        TorchSharpLibrary.EnsureLoaded();
        var t = TorchApi.tensor(values, [values.Length], dtype == DType.Float32 ? TorchApi.ScalarType.Float32 : TorchApi.ScalarType.Float64);
        return new TorchParameter(t);
    }

    internal static Tensor OurParam(double[] values, DType dtype) => Tensor.From((double[])values.Clone(), [values.Length]).ConvertData(dtype).RequiresGrad_();

    /// <summary>Sets our p.grad and torch's (via backward of Σ p·g) to <paramref name="g"/> rounded to the dtype.</summary>
    internal static void SetGrads(Tensor p, TorchParameter tp, TorchApi.optim.Optimizer topt, double[] gOurs, double[] gTorch, DType dtype)
    {
        p.Grad = Tensor.From(gOurs, [gOurs.Length]).ConvertData(dtype);
        topt.zero_grad();
        var st = dtype == DType.Float32 ? TorchApi.ScalarType.Float32 : TorchApi.ScalarType.Float64;
        using var gt = TorchApi.tensor(gTorch, [gTorch.Length], st);
        using var loss = (tp * gt).sum();
        loss.backward();
    }

    internal static double[] TorchValues(TorchParameter tp) => Tensor.FromTorch(tp.detach()).ToDoubleArray();

    // Centered RMSprop divides by √(sq − ga²), which cancels: TorchSharp's C# RMSprop forms grad_avg with
    // mul_/add_ where torch 2.x (and we) use lerp_, and in float32 that ulp difference grows to ~2e-6
    // relative by step 50; elsewhere the trajectories agree to 2e-6 (float32) and 1e-12 (float64).
    internal static void AssertClose(double[] ours, double[] torch, bool f32, string what, bool centeredLoose = false)
        => TestData.AssertClose(torch, ours, f32 ? (centeredLoose ? 2e-5 : 2e-6) : 1e-12, what);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTorchOptimEveryStep(string name, bool f32)
    {
        var dtype = f32 ? DType.Float32 : DType.Float64;
        var p = OurParam(P0, dtype);
        var tp = TorchParam(P0, dtype);
        var (ours, torch) = Make(name, p, tp);
        for (int t = 0; t < Steps; t++)
        {
            SetGrads(p, tp, torch, GradAt(p.ToDoubleArray(), t), GradAt(TorchValues(tp), t), dtype);
            ours.Step();
            torch.step();
            AssertClose(p.ToDoubleArray(), TorchValues(tp), f32, $"{name} {dtype} step {t + 1}", centeredLoose: name.Contains("Centered"));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParameterGroupsWithTheirOwnOptionsEqualSeparateTorchOptimizers(bool f32)
    {
        // One AdamW over two groups (group 1 overrides lr, betas and weight decay) == two torch AdamWs.
        var dtype = f32 ? DType.Float32 : DType.Float64;
        double[] a0 = P0[..4], b0 = P0[4..];
        var a = OurParam(a0, dtype);
        var b = OurParam(b0, dtype);
        var ours = new AdamW([new ParamGroup([a]), new ParamGroup([b], lr: 0.01, options: new Dictionary<string, object> { ["betas"] = (0.5, 0.9), ["weight_decay"] = 0.0 })], lr: 0.05);
        var ta = TorchParam(a0, dtype);
        var tb = TorchParam(b0, dtype);
        var torchA = TorchApi.optim.AdamW([ta], lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        var torchB = TorchApi.optim.AdamW([tb], lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 1e-8, weight_decay: 0.0);
        for (int t = 0; t < Steps; t++)
        {
            var ga = GradAt([.. a.ToDoubleArray(), .. b.ToDoubleArray()], t);
            var gt = GradAt([.. TorchValues(ta), .. TorchValues(tb)], t);
            SetGrads(a, ta, torchA, ga[..4], gt[..4], dtype);
            SetGrads(b, tb, torchB, ga[4..], gt[4..], dtype);
            ours.Step();
            torchA.step();
            torchB.step();
            AssertClose(a.ToDoubleArray(), TorchValues(ta), f32, $"group 0 step {t + 1}");
            AssertClose(b.ToDoubleArray(), TorchValues(tb), f32, $"group 1 step {t + 1}");
        }
    }
}
