using Autograd.Nn;
using Autograd.Nn.Optim;

namespace Autograd.Tests.Optim;

/// <summary>Parameter groups, state dicts and option validation (torch.optim.Optimizer's contract).</summary>
public class OptimizerStateTests
{
    private static Tensor P(params double[] v) => Tensor.From((double[])v.Clone(), [v.Length], requiresGrad: true);

    private static void SetGrad(Tensor p, int t)
    {
        var v = p.ToDoubleArray();
        p.Grad = Tensor.From(v.Select((x, i) => 0.7 * x - 0.2 + 0.1 * Math.Cos(t + i)).ToArray(), [v.Length]).ConvertData(p.DType);
    }

    private static Optimizer Make(string name, Tensor[] ps) => name switch
    {
        "SGD" => new SGD([new ParamGroup([ps[0]], lr: 0.1), new ParamGroup([ps[1], ps[2]])], lr: 0.05, momentum: 0.9, nesterov: true),
        "Adam" => new Adam([new ParamGroup([ps[0]], lr: 0.1), new ParamGroup([ps[1], ps[2]])], lr: 0.05, amsgrad: true),
        "AdamW" => new AdamW([new ParamGroup([ps[0]], lr: 0.1), new ParamGroup([ps[1], ps[2]])], lr: 0.05),
        "RMSprop" => new RMSprop([new ParamGroup([ps[0]], lr: 0.01), new ParamGroup([ps[1], ps[2]])], momentum: 0.5, centered: true),
        _ => new Adagrad([new ParamGroup([ps[0]], lr: 0.1), new ParamGroup([ps[1], ps[2]])], lrDecay: 0.1, initialAccumulatorValue: 0.1),
    };

    private static Tensor[] Params(DType dtype) => [P(0.5, -1).ConvertData(dtype).RequiresGrad_(), P(2, 0.1, 3).ConvertData(dtype).RequiresGrad_(), P(-0.4).ConvertData(dtype).RequiresGrad_()];

    [Theory]
    [InlineData("SGD")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("RMSprop")]
    [InlineData("Adagrad")]
    public void FiveStepsSavedThroughFlatFormAndLoadedIntoAFreshOptimizerContinueExactly(string name)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var straight = Params(dtype);
            var o1 = Make(name, straight);
            for (int t = 0; t < 10; t++) { foreach (var p in straight) SetGrad(p, t); o1.Step(); }

            var resumed = Params(dtype);
            var o2 = Make(name, resumed);
            for (int t = 0; t < 5; t++) { foreach (var p in resumed) SetGrad(p, t); o2.Step(); }
            var (tensors, meta) = o2.StateDict().ToFlat();
            var values = resumed.Select(p => p.CloneData().RequiresGrad_()).ToArray();
            var o3 = Make(name, values);
            o3.ParamGroups[0].Lr = 123;   // replaced by the loaded options
            o3.LoadStateDict(OptimizerStateDict.FromFlat(tensors, meta));
            Assert.Equal(o2.ParamGroups[0].Lr, o3.ParamGroups[0].Lr);
            for (int t = 5; t < 10; t++) { foreach (var p in values) SetGrad(p, t); o3.Step(); }
            for (int k = 0; k < 3; k++) Assert.Equal(straight[k].ToDoubleArray(), values[k].ToDoubleArray());
        }
    }

    [Fact]
    public void StateDictHasPyTorchsStructure()
    {
        var ps = Params(DType.Float32);
        var opt = Make("Adam", ps);
        SetGrad(ps[0], 0);
        SetGrad(ps[2], 0);
        opt.Step();
        var sd = opt.StateDict();
        Assert.Equal([0, 2], sd.State.Keys.Order());   // parameter 1 had no grad: no state
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"], sd.State[0].Keys.Order());
        Assert.Equal(DType.Float32, sd.State[0]["step"].DType);
        Assert.Equal(0, sd.State[0]["step"].Rank);
        Assert.Equal(1.0, sd.State[0]["step"].Item());
        Assert.Equal([0], (int[])sd.ParamGroups[0]["params"]);
        Assert.Equal([1, 2], (int[])sd.ParamGroups[1]["params"]);
        Assert.Equal(0.1, sd.ParamGroups[0]["lr"]);
        Assert.Equal(0.05, sd.ParamGroups[1]["lr"]);
        Assert.Equal((0.9, 0.999), sd.ParamGroups[1]["betas"]);
        var (tensors, meta) = sd.ToFlat();
        Assert.Contains("state.2.exp_avg_sq", tensors.Keys);
        Assert.Contains("\"params\":[1,2]", meta["param_groups"]);
        var back = OptimizerStateDict.FromFlat(tensors, meta);
        Assert.Equal((0.9, 0.999), back.ParamGroups[0]["betas"]);
        Assert.Equal(true, back.ParamGroups[0]["amsgrad"]);
    }

    [Fact]
    public void LoadingAMismatchedStateIsRefused()
    {
        var opt = Make("Adam", Params(DType.Float64));
        var other = new Adam([P(1, 2), P(3)]);
        Assert.Contains("different number of parameter groups", Assert.ThrowsAny<ArgumentException>(() => opt.LoadStateDict(other.StateDict())).Message);
        var sizes = new Adam([new ParamGroup([P(1)]), new ParamGroup([P(2)])]);
        Assert.Contains("doesn't match the size of optimizer's group", Assert.ThrowsAny<ArgumentException>(() => opt.LoadStateDict(sizes.StateDict())).Message);
    }

    [Fact]
    public void GroupsTakeDefaultsForMissingOptionsAndSchedulersSeeEveryGroup()
    {
        var a = P(1.0);
        var b = P(2.0);
        var opt = new SGD([new ParamGroup([a], lr: 0.5)], lr: 0.1, momentum: 0.9);
        opt.AddParamGroup(new ParamGroup([b], options: new Dictionary<string, object> { ["momentum"] = 0.0 }));
        Assert.Equal(0.5, opt.ParamGroups[0].Lr);
        Assert.Equal(0.1, opt.ParamGroups[1].Lr);
        Assert.Equal(0.9, opt.ParamGroups[0]["momentum"]);
        Assert.Equal(0.0, opt.ParamGroups[1]["momentum"]);
        Assert.Contains("more than one parameter group", Assert.ThrowsAny<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([a]))).Message);
        opt.LearningRate = 0.2;   // the convenience setter writes every group
        Assert.All(opt.ParamGroups, g => Assert.Equal(0.2, g.Lr));
        a.Grad = Tensor.From(new[] { 1.0 }, [1]);
        b.Grad = Tensor.From(new[] { 1.0 }, [1]);
        opt.Step();
        Assert.Equal(0.8, a.ToDoubleArray()[0], 15);
        Assert.Equal(1.8, b.ToDoubleArray()[0], 15);
        Assert.True(opt.StateOf(a).ContainsKey("momentum_buffer"));
        Assert.False(opt.StateOf(b).ContainsKey("momentum_buffer"));   // momentum 0: no buffer, as PyTorch
    }

    [Fact]
    public void NewOptimizersValidateWithPyTorchWording()
    {
        var p = P(1.0);
        Assert.Contains("Invalid learning rate: -1", Assert.ThrowsAny<ArgumentException>(() => new AdamW([p], lr: -1)).Message);
        Assert.Contains("Invalid weight_decay value: -1", Assert.ThrowsAny<ArgumentException>(() => new AdamW([p], weightDecay: -1)).Message);
        Assert.Contains("Invalid beta parameter at index 1: 1", Assert.ThrowsAny<ArgumentException>(() => new AdamW([p], betas: (0.9, 1.0))).Message);
        Assert.Contains("Invalid alpha value: -0.5", Assert.ThrowsAny<ArgumentException>(() => new RMSprop([p], alpha: -0.5)).Message);
        Assert.Contains("Invalid momentum value: -1", Assert.ThrowsAny<ArgumentException>(() => new RMSprop([p], momentum: -1)).Message);
        Assert.Contains("Invalid epsilon value: -1", Assert.ThrowsAny<ArgumentException>(() => new RMSprop([p], eps: -1)).Message);
        Assert.Contains("Invalid lr_decay value: -1", Assert.ThrowsAny<ArgumentException>(() => new Adagrad([p], lrDecay: -1)).Message);
        Assert.Contains("Invalid initial_accumulator_value value: -1", Assert.ThrowsAny<ArgumentException>(() => new Adagrad([p], initialAccumulatorValue: -1)).Message);
        Assert.Equal(0.01, new AdamW([p]).ParamGroups[0]["weight_decay"]);
        Assert.Equal(0.01, new RMSprop([p]).ParamGroups[0].Lr);
        Assert.Equal(1e-10, new Adagrad([p]).ParamGroups[0]["eps"]);
    }

    [Fact]
    public void AdagradMaximizeEqualsMinimizingTheNegatedGradient()
    {
        // torch's C# Adagrad has no maximize; by the rule, maximize(g) == minimize(−g) without weight decay.
        var a = P(0.3, -2);
        var b = P(0.3, -2);
        var up = new Adagrad([a], lr: 0.1, lrDecay: 0.05, maximize: true);
        var down = new Adagrad([b], lr: 0.1, lrDecay: 0.05);
        for (int t = 0; t < 20; t++)
        {
            a.Grad = Tensor.From(new[] { Math.Sin(t), Math.Cos(t) }, [2]);
            b.Grad = Tensor.From(new[] { -Math.Sin(t), -Math.Cos(t) }, [2]);
            up.Step();
            down.Step();
        }
        Assert.Equal(b.ToDoubleArray(), a.ToDoubleArray());
        Assert.Equal(20.0, up.StateOf(a)["step"].Item());
    }

    [Fact]
    public void ModuleParametersAndParameterListsFeedGroups()
    {
        var w = new Parameter(Tensor.Zeros([2], DType.Float64));
        var lin = new Linear(3, 2);
        var opt = new AdamW([new ParamGroup(lin.Parameters(), lr: 0.1), new ParamGroup([w])]);
        Assert.Equal(3, opt.Params.Count);
        Assert.Equal(2, new RMSprop(lin.Parameters()).Params.Count);
        Assert.Single(new Adagrad([w]).Params);
    }

    [Fact]
    public void ZeroGradAndClosureStep()
    {
        var p = P(1.0, 2.0);
        var opt = new SGD([p], lr: 0.5);
        var loss = opt.Step(() => { var l = (p * p).Sum(); l.Backward(); return l; });
        Assert.Equal(5.0, loss.Item());
        Assert.Equal([0.0, 0.0], p.ToDoubleArray());   // p − 0.5·2p
        var g = p.Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g, p.Grad);
        Assert.Equal([0.0, 0.0], g.ToDoubleArray());
        opt.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void AdamWWithCosineScheduleResumesExactlyFromSavedStates()
    {
        // The checkpoint flow: build optimizer and scheduler, then load both states (PyTorch's order).
        static (AdamW, CosineAnnealingLR, Tensor[]) Build()
        {
            var ps = Params(DType.Float32);
            var opt = new AdamW([new ParamGroup([ps[0], ps[1]]), new ParamGroup([ps[2]], options: new Dictionary<string, object> { ["weight_decay"] = 0.0 })], lr: 0.05);
            return (opt, new CosineAnnealingLR(opt, tMax: 8, etaMin: 0.001), ps);
        }
        var (o1, s1, straight) = Build();
        for (int t = 0; t < 8; t++) { foreach (var p in straight) SetGrad(p, t); o1.Step(); s1.Step(); }

        var (o2, s2, first) = Build();
        for (int t = 0; t < 4; t++) { foreach (var p in first) SetGrad(p, t); o2.Step(); s2.Step(); }
        var (tensors, meta) = o2.StateDict().ToFlat();
        string sched = OptionsJson.Serialize(s2.StateDict());

        var (o3, s3, resumed) = Build();
        for (int k = 0; k < 3; k++) { var v = first[k].ToFloatArray(); v.CopyTo(resumed[k].Span<float>()); }
        o3.LoadStateDict(OptimizerStateDict.FromFlat(tensors, meta));
        s3.LoadStateDict(OptionsJson.Deserialize(sched));
        for (int t = 4; t < 8; t++) { foreach (var p in resumed) SetGrad(p, t); o3.Step(); s3.Step(); }
        for (int k = 0; k < 3; k++) Assert.Equal(straight[k].ToDoubleArray(), resumed[k].ToDoubleArray());
        Assert.Equal(s1.GetLastLr(), s3.GetLastLr());
    }
}
