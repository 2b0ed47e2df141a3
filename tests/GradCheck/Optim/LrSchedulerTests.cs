using Autograd.Nn.Optim;

namespace Autograd.Tests.Optim;

/// <summary>Scheduler behaviour derived by hand from PyTorch's definitions (where TorchSharp differs or lacks it).</summary>
public class LrSchedulerTests
{
    private static Tensor P() => Tensor.Zeros([1], DType.Float64, requiresGrad: true);

    [Fact]
    public void MultiStepLRAppliesARepeatedMilestoneOncePerRepeat()
    {
        // PyTorch keeps milestones in a Counter: a milestone listed twice multiplies by γ² (TorchSharp's port does not).
        var opt = new SGD([P()], lr: 1.0);
        var s = new MultiStepLR(opt, [2, 4, 4], gamma: 0.5);
        var lrs = new List<double> { s.GetLastLr()[0] };
        for (int i = 0; i < 5; i++) { s.Step(); lrs.Add(s.GetLastLr()[0]); }
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.125, 0.125], lrs);
    }

    [Fact]
    public void ConstructionSetsInitialLrAndResumingRequiresIt()
    {
        var opt = new SGD([P()], lr: 0.2);
        var s = new ExponentialLR(opt, gamma: 0.5);
        Assert.Equal(0.2, opt.ParamGroups[0]["initial_lr"]);
        Assert.Equal(0, s.LastEpoch);
        Assert.Equal([0.2], s.BaseLrs);
        Assert.Contains("initial_lr", Assert.Throws<KeyNotFoundException>(() => new StepLR(new SGD([P()], lr: 0.1), 3, lastEpoch: 5)).Message);
    }

    [Fact]
    public void CosineAnnealingRecursiveFormEqualsTheClosedFormAndFollowsAManualChange()
    {
        var opt = new SGD([P()], lr: 0.1);
        var s = new CosineAnnealingLR(opt, tMax: 10, etaMin: 0.01);
        for (int t = 1; t <= 25; t++)
        {
            s.Step();
            double closed = 0.01 + (0.1 - 0.01) * (1 + Math.Cos(Math.PI * t / 10)) / 2;
            Assert.Equal(closed, opt.ParamGroups[0].Lr, 12);
        }
        // The recursive form scales the current lr: halving it by hand halves its distance to eta_min.
        opt.ParamGroups[0].Lr = 0.5 * opt.ParamGroups[0].Lr;
        double before = opt.ParamGroups[0].Lr;
        s.Step();
        double factor = (1 + Math.Cos(Math.PI * 26 / 10)) / (1 + Math.Cos(Math.PI * 25 / 10));
        Assert.Equal(factor * (before - 0.01) + 0.01, opt.ParamGroups[0].Lr, 14);
    }

    [Fact]
    public void OneCycleCyclesAdamsBeta1AndSgdsMomentumInverselyToTheLr()
    {
        var adam = new Adam([P()], betas: (0.9, 0.99));
        var s = new OneCycleLR(adam, maxLr: 1.0, totalSteps: 10, pctStart: 0.5, annealStrategy: "linear");
        // Phase 1 ends at step 4: lr 0.04 → 1, β1 0.95 → 0.85; phase 2 ends at step 9: lr → 4e-6, β1 → 0.95.
        Assert.Equal(0.04, adam.ParamGroups[0].Lr, 15);
        Assert.Equal((0.95, 0.99), adam.ParamGroups[0].GetBetas());
        for (int i = 0; i < 4; i++) s.Step();
        Assert.Equal(1.0, adam.ParamGroups[0].Lr, 15);
        Assert.Equal(0.85, adam.ParamGroups[0].GetBetas().Beta1, 15);
        for (int i = 0; i < 5; i++) s.Step();
        Assert.Equal(0.04 / 1e4, adam.ParamGroups[0].Lr, 15);
        Assert.Equal(0.95, adam.ParamGroups[0].GetBetas().Beta1, 15);
        s.Step();   // step 10 == total_steps is still allowed, 11 is not
        Assert.Contains("Tried to step 11 times", Assert.Throws<InvalidOperationException>(() => s.Step()).Message);

        var sgd = new SGD([P()], lr: 0.1, momentum: 0.9);
        _ = new OneCycleLR(sgd, maxLr: 0.5, totalSteps: 20);
        Assert.Equal(0.95, sgd.ParamGroups[0]["momentum"]);
        Assert.Contains("must support momentum or beta1", Assert.Throws<ArgumentException>(() => new OneCycleLR(new Adagrad([P()]), 0.5, totalSteps: 10)).Message);
        Assert.Contains("You must define either total_steps OR", Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, 0.5)).Message);
    }

    [Fact]
    public void SchedulerStateDictRoundTrips()
    {
        var opt = new SGD([P()], lr: 0.1);
        var s = new StepLR(opt, stepSize: 2, gamma: 0.5);
        s.Step(); s.Step(); s.Step();
        var state = OptionsJson.Deserialize(OptionsJson.Serialize(s.StateDict()));   // as a checkpoint stores it
        var opt2 = new SGD([P()], lr: 0.1);
        var s2 = new StepLR(opt2, stepSize: 9);
        s2.LoadStateDict(state);
        opt2.ParamGroups[0].Lr = opt.ParamGroups[0].Lr;
        Assert.Equal(3, s2.LastEpoch);
        Assert.Equal(2, s2.StepSize);
        s.Step(); s2.Step();
        Assert.Equal(opt.ParamGroups[0].Lr, opt2.ParamGroups[0].Lr);
        Assert.Equal(0.025, opt2.ParamGroups[0].Lr, 15);
    }

    [Fact]
    public void ReduceLROnPlateauValidatesItsOptions()
    {
        var opt = new SGD([P()], lr: 0.1);
        Assert.Contains("Factor should be < 1.0.", Assert.ThrowsAny<ArgumentException>(() => new ReduceLROnPlateau(opt, factor: 1.0)).Message);
        Assert.Contains("mode avg is unknown!", Assert.ThrowsAny<ArgumentException>(() => new ReduceLROnPlateau(opt, mode: "avg")).Message);
        Assert.Contains("threshold mode x is unknown!", Assert.ThrowsAny<ArgumentException>(() => new ReduceLROnPlateau(opt, thresholdMode: "x")).Message);
    }

    [Fact]
    public void ReduceLROnPlateauStateSurvivesJson()
    {
        var opt = new SGD([P()], lr: 0.1);
        var s = new ReduceLROnPlateau(opt, patience: 1, cooldown: 2);
        s.Step(1.0); s.Step(2.0); s.Step(2.0);   // two bad epochs > patience: lr 0.01, cooldown 2
        Assert.Equal(0.01, opt.ParamGroups[0].Lr, 15);
        var s2 = new ReduceLROnPlateau(opt, patience: 1, cooldown: 2);
        s2.LoadStateDict(OptionsJson.Deserialize(OptionsJson.Serialize(s2.StateDict())));   // infinities survive
        Assert.Equal(double.PositiveInfinity, s2.Best);
        s2.LoadStateDict(OptionsJson.Deserialize(OptionsJson.Serialize(s.StateDict())));
        Assert.Equal(1.0, s2.Best);
        Assert.Equal(2, s2.CooldownCounter);
        Assert.Equal(3, s2.LastEpoch);
    }

    [Theory]
    [InlineData(7, 1, 0.002)]
    [InlineData(3, 2, 0.0)]
    public void CosineAnnealingWarmRestartsFollowsItsCycles(int t0, int tMult, double etaMin)
    {
        // Cycles of length T_0, T_0·T_mult, T_0·T_mult², ...; within a cycle lr = η_min + (η_0 − η_min)(1 + cos(π·T_cur/T_i))/2.
        var opt = new SGD([P()], lr: 0.1);
        var s = new CosineAnnealingWarmRestarts(opt, t0, tMult, etaMin);
        int start = 0, length = t0;
        for (int e = 0; e <= 60; e++)
        {
            if (e > 0) s.Step();
            if (e - start >= length) { start += length; length *= tMult; }
            double expected = etaMin + (0.1 - etaMin) * (1 + Math.Cos(Math.PI * (e - start) / length)) / 2;
            Assert.Equal(expected, opt.ParamGroups[0].Lr, 14);
        }
        Assert.Contains("Expected positive integer T_0, but got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingWarmRestarts(opt, 0)).Message);
        Assert.Contains("Expected integer T_mult >= 1, but got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingWarmRestarts(opt, 2, 0)).Message);
    }
}
