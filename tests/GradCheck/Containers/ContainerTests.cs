using Autograd.Nn;

namespace Autograd.Tests.Containers;

// Expected names, orders and reprs are PyTorch 1.13's (run with python3-torch: see the comments).
public class ContainerTests
{
    [Fact]
    public void NamedSequentialUsesTheNamesEverywhere()
    {
        // nn.Sequential(OrderedDict([("conv", Conv2d(1, 2, 3)), ("act", ReLU())]))
        var conv = new Conv2d(1, 2, 3);
        var s = new Sequential(("conv", conv), ("act", new ReLU()));
        Assert.Equal(["conv.weight", "conv.bias"], s.NamedParameters().Select(p => p.Name));
        Assert.Equal(["conv.weight", "conv.bias"], s.StateDict().Keys);
        Assert.Equal("Sequential(\n  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n  (act): ReLU()\n)", s.ToString());
        Assert.Same(conv, s["conv"]);
        Assert.Same(conv, s[0]);
        Assert.Same(s[1], s[-1]);
        // append names by length, keeping the others: ['conv', 'act', '2']
        s.Append(new Linear(2, 2));
        Assert.Equal(["conv", "act", "2"], s.NamedChildren().Select(c => c.Name));
        // s[1:] keeps the names: ['act', '2']
        Assert.Equal(["act", "2"], s[1..].NamedChildren().Select(c => c.Name));
        Assert.Equal("Sequential: index 5 is out of range", Assert.Throws<ArgumentOutOfRangeException>(() => s[5]).Message.Split(" (Parameter")[0]);
        Assert.Contains("no module named 'fc'", Assert.Throws<KeyNotFoundException>(() => s["fc"]).Message);
    }

    [Fact]
    public void SequentialFromDictionaryAndForwardInOrder()
    {
        var s = new Sequential(new Dictionary<string, Module> { ["fc"] = new Linear(3, 2, dtype: DType.Float64), ["act"] = new ReLU() });
        var x = TestData.Randn([4, 3], 1);
        var fc = (Linear)s["fc"];
        Assert.Equal(F.Relu(F.Linear(x, fc.Weight, fc.Bias!.Data)).ToDoubleArray(), s.Forward(x).ToDoubleArray());
        Assert.Equal(x.ToDoubleArray(), new Sequential().Forward(x).ToDoubleArray());
        Assert.Equal("Sequential()", new Sequential().ToString());
    }

    [Fact]
    public void SequentialSetInsertAndValidation()
    {
        var s = new Sequential(new ReLU(), new Tanh());
        var sig = new Sigmoid();
        s[1] = sig;
        Assert.Same(sig, s[1]);
        Assert.Equal(["0", "1"], s.NamedChildren().Select(c => c.Name));
        s.Insert(0, new SiLU());
        Assert.IsType<SiLU>(s[0]);
        Assert.Equal(["0", "1", "2"], s.NamedChildren().Select(c => c.Name));
        Assert.Equal(3, s.Count);
        Assert.Equal(3, s.Count());
        // PyTorch 2.x: del seq[i] renumbers every layer, named or not.
        var named = new Sequential(("a", new ReLU()), ("b", new Tanh()), ("c", new Sigmoid()));
        Assert.IsType<ReLU>(named.Pop(0));
        Assert.Equal(["0", "1"], named.NamedChildren().Select(c => c.Name));
        Assert.IsType<Sigmoid>(named[1]);
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => new Sequential(("a", new ReLU()), ("a", new ReLU()))).Message);
        Assert.Contains("can't be empty or contain", Assert.Throws<ArgumentException>(() => new Sequential(("a.b", new ReLU()))).Message);
    }

    [Fact]
    public void ModuleListRenumbersOnInsertAndDelete()
    {
        // ml = ModuleList([Linear(1, 1), ReLU()]); ml.insert(1, Linear(2, 2)) → names 0.weight, 0.bias, 1.weight, 1.bias
        var ml = new ModuleList(new Linear(1, 1), new ReLU());
        ml.Insert(1, new Linear(2, 2));
        Assert.Equal(["0", "1", "2"], ml.NamedChildren().Select(c => c.Name));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], ml.NamedParameters().Select(p => p.Name));
        ml.RemoveAt(0);   // del ml[0] → 0.weight, 0.bias (the Linear(2, 2))
        Assert.Equal(["0.weight", "0.bias"], ml.NamedParameters().Select(p => p.Name));
        Assert.Equal([2, 2], ((Linear)ml[0]).Weight.Shape.ToArray());
        Assert.Equal("ModuleList(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n  (1): ReLU()\n)", ml.ToString());
        var e = Assert.Throws<NotSupportedException>(() => ml.Forward(Tensor.Zeros([1])));
        Assert.Equal("Module [ModuleList] is missing the required \"forward\" function", e.Message);
        ml.Extend([new Tanh(), new Sigmoid()]);
        ml.Add(new ReLU());
        Assert.Equal(5, ml.Count);
        Assert.IsType<ReLU>(ml[-1]);
        Assert.IsType<Sigmoid>(ml.Pop(3));
        Assert.Equal(["0", "1", "2", "3"], ml.NamedChildren().Select(c => c.Name));
        Assert.Equal([typeof(Tanh), typeof(ReLU)], ml[2..].Select(m => m.GetType()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml[4]);
        var init = new ModuleList { new ReLU(), new Tanh() };
        Assert.Equal(2, init.Count);
    }

    [Fact]
    public void ModuleDictKeepsInsertionOrderAndUpdatesInPlace()
    {
        // md = ModuleDict({"b": Linear(1, 1), "a": ReLU()}); md.update([("c", Linear(1, 2)), ("b", Linear(3, 3))])
        var md = new ModuleDict(("b", new Linear(1, 1)), ("a", new ReLU()));
        md.Update(("c", new Linear(1, 2)), ("b", new Linear(3, 3)));
        Assert.Equal(["b", "a", "c"], md.Keys);
        Assert.Equal(["b.weight", "b.bias", "c.weight", "c.bias"], md.NamedParameters().Select(p => p.Name));
        Assert.Equal("ModuleDict(\n  (b): Linear(in_features=3, out_features=3, bias=True)\n  (a): ReLU()\n  (c): Linear(in_features=1, out_features=2, bias=True)\n)", md.ToString());
        Assert.True(md.Contains("a"));
        Assert.False(md.ContainsKey("z"));
        Assert.IsType<ReLU>(md["a"]);
        Assert.Equal(3, md.Values.Count);
        Assert.Equal(["b", "a", "c"], md.Items.Select(i => i.Key));
        Assert.Equal(["b", "a", "c"], md.Select(kv => kv.Key));
        md["d"] = new Tanh();
        Assert.IsType<ReLU>(md.Pop("a"));
        Assert.Equal(["b", "c", "d"], md.Keys);
        Assert.Equal("Module [ModuleDict] is missing the required \"forward\" function", Assert.Throws<NotSupportedException>(() => md.Forward(Tensor.Zeros([1]))).Message);
        Assert.Throws<KeyNotFoundException>(() => md["a"]);
        md.Clear();
        Assert.Equal(0, md.Count);
        Assert.Empty(md.Parameters());
    }

    private sealed class Net : Module
    {
        public Net()
        {
            Blocks = RegisterModule("blocks", new ModuleList(new Linear(2, 2), new Linear(2, 2)));
            Heads = RegisterModule("heads", new ModuleDict(("cls", new Linear(2, 3)), ("reg", new Linear(2, 1))));
        }

        public ModuleList Blocks { get; }
        public ModuleDict Heads { get; }

        public override Tensor Forward(Tensor input)
        {
            foreach (var b in Blocks) input = F.Relu(b.Forward(input));
            return Heads["cls"].Forward(input);
        }
    }

    [Fact]
    public void ContainersInsideAModuleNameAndLoadLikePyTorch()
    {
        var net = new Net();
        Assert.Equal(["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "heads.cls.weight", "heads.cls.bias", "heads.reg.weight", "heads.reg.bias"],
            net.StateDict().Keys);
        var other = new Net();
        other.LoadStateDict(net.StateDict());
        var x = TestData.Randn([3, 2], 4).To(DType.Float32);
        Assert.Equal(net.Forward(x).ToFloatArray(), other.Forward(x).ToFloatArray());
    }
}
