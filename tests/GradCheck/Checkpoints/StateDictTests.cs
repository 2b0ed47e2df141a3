using Autograd.Nn;
using Autograd.Tests.Oracle;
using TorchApi = TorchSharp.torch;

namespace Autograd.Tests.Checkpoints;

public class StateDictTests
{
    // PyTorch 1.13 / 2.x, for nn.Sequential(Conv2d, BatchNorm2d, ReLU, Flatten, Linear).state_dict().keys()
    // (also recorded by write_fixture.py in fixtures/torch_written.json).
    private static readonly string[] TorchKeys =
        ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"];

    [Fact]
    public void KeysAreParametersThenPersistentBuffersModuleByModuleAsPyTorch()
    {
        Assert.Equal(TorchKeys, TestModels.FixtureModel().StateDict().Keys);
    }

    [Fact]
    public void NestedOwnTensorsComeBeforeChildren()
    {
        // PyTorch's _save_to_state_dict: a module's own parameters and buffers, then each child's, recursively.
        var model = new Outer();
        Assert.Equal(["p", "buf", "inner.0.weight", "inner.1.weight", "inner.1.bias", "inner.1.running_mean", "inner.1.running_var", "inner.1.num_batches_tracked", "q.weight"],
            model.StateDict().Keys);
    }

    private sealed class Outer : Module
    {
        public Outer()
        {
            RegisterParameter("p", new Parameter(Tensor.Zeros([2])));
            RegisterModule("inner", new Sequential(new Linear(2, 2, bias: false), new BatchNormState(2)));
            RegisterBuffer("buf", Tensor.Zeros([1]));
            RegisterModule("q", new Linear(1, 1, bias: false));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void ValuesAreDetachedAndShareStorageWithTheModel()
    {
        var lin = new Linear(2, 3);
        var sd = lin.StateDict();
        Assert.False(sd["weight"].RequiresGrad);
        Assert.True(sd["weight"].IsLeaf);
        using (Grad.NoGrad()) lin.Weight.Data.Fill_(7);
        Assert.All(sd["weight"].ToFloatArray(), v => Assert.Equal(7f, v));
        Assert.Same(lin.Weight.Data, lin.StateDict(keepVars: true)["weight"]);
        Assert.True(lin.StateDict(keepVars: true)["weight"].RequiresGrad);
    }

    [Fact]
    public void SharedParameterIsListedUnderEachName()
    {
        var a = new Linear(2, 2, bias: false);
        var model = new Sequential(a, a);
        Assert.Equal(["0.weight", "1.weight"], model.StateDict().Keys);
        Assert.Single(model.NamedParameters());
    }

    [Fact]
    public void LoadStateDictCopiesInPlaceConvertsDtypeAndBumpsVersions()
    {
        var source = TestModels.FixtureModel(seed: 5);
        var target = TestModels.FixtureModel(seed: 9);
        var weight = ((Conv2d)target[0]).Weight.Data;
        int version = weight.Version;
        // float64 values into float32 parameters: converted as copy_ does.
        var sd = new StateDict(source.StateDict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key,
            kv.Value.DType == DType.Float32 ? kv.Value.ConvertData(DType.Float64) : kv.Value)));
        var result = target.LoadStateDict(sd);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal("<All keys matched successfully>", result.ToString());
        Assert.Same(weight, ((Conv2d)target[0]).Weight.Data);   // in place, the same tensor
        Assert.True(weight.Version > version);
        Assert.Equal(DType.Float32, weight.DType);
        Assert.True(weight.RequiresGrad);
        Assert.True(weight.IsLeaf);
        foreach (var (k, v) in source.StateDict()) Assert.Equal(v.ToDoubleArray(), target.StateDict()[k].ToDoubleArray());
    }

    [Fact]
    public void StrictErrorsAreWordedAsPyTorchAndNothingIsCopied()
    {
        var model = new Sequential(new Linear(2, 2), new Linear(2, 1));
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var sd = new StateDict
        {
            ["0.weight"] = Tensor.Zeros([3, 2]),
            ["1.weight"] = Tensor.Ones([1, 2]),
            ["1.bias"] = Tensor.Ones([1]),
            ["2.weight"] = Tensor.Zeros([1]),
            ["0.extra"] = Tensor.Zeros([1]),
        };
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(sd));
        // torch 1.13: model.load_state_dict(sd) with these keys raises exactly this RuntimeError message.
        Assert.Equal("Error(s) in loading state_dict for Sequential:\n\t"
            + "Missing key(s) in state_dict: \"0.bias\". \n\t"
            + "Unexpected key(s) in state_dict: \"2.weight\", \"0.extra\". \n\t"
            + "size mismatch for 0.weight: copying a param with shape torch.Size([3, 2]) from checkpoint, the shape in current model is torch.Size([2, 2]).",
            e.Message);
        // Note [Atomic load_state_dict]: the matching "1.*" entries were not copied either.
        foreach (var (k, v) in model.StateDict()) Assert.Equal(before[k], v.ToDoubleArray());
    }

    [Fact]
    public void NonStrictReportsKeysButStillRejectsSizeMismatch()
    {
        var model = new Sequential(new Linear(2, 2), new Linear(2, 1));
        var sd = new StateDict { ["1.weight"] = Tensor.Ones([1, 2]), ["1.bias"] = Tensor.Ones([1]), ["2.weight"] = Tensor.Zeros([1]) };
        var r = model.LoadStateDict(sd, strict: false);
        Assert.Equal(["0.weight", "0.bias"], r.MissingKeys);
        Assert.Equal(["2.weight"], r.UnexpectedKeys);
        Assert.Equal("_IncompatibleKeys(missing_keys=['0.weight', '0.bias'], unexpected_keys=['2.weight'])", r.ToString());
        Assert.Equal([1.0, 1.0], model.StateDict()["1.weight"].ToDoubleArray());
        sd["1.bias"] = Tensor.Ones([2]);
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(sd, strict: false));
        Assert.Equal("Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 1.bias: copying a param with shape torch.Size([2]) from checkpoint, the shape in current model is torch.Size([1]).", e.Message);
    }

    [Fact]
    public void NonPersistentAndNullBuffersAndNullParametersAreNotState()
    {
        var model = new Sequential(new Linear(2, 2, bias: false), new BatchNormState(2));
        var sd = model.StateDict();
        Assert.DoesNotContain("1.scratch", sd.Keys);
        Assert.DoesNotContain("0.bias", sd.Keys);
        sd["1.scratch"] = Tensor.Zeros([2]);
        sd["0.bias"] = Tensor.Zeros([2]);
        var r = model.LoadStateDict(sd, strict: false);
        Assert.Equal(["0.bias", "1.scratch"], r.UnexpectedKeys);
    }

    [Fact]
    public void BuffersLoadIncludingInt64Counter()
    {
        var bn = new BatchNormState(2);
        var sd = bn.StateDict();
        var r = bn.LoadStateDict(new StateDict
        {
            ["weight"] = sd["weight"], ["bias"] = sd["bias"], ["running_mean"] = Tensor.From(new float[] { 1, 2 }),
            ["running_var"] = sd["running_var"], ["num_batches_tracked"] = Tensor.From(new long[] { 42 }, []),
        });
        Assert.Empty(r.MissingKeys);
        Assert.Equal(42L, bn.Buffer("num_batches_tracked").ItemAs<long>());
        Assert.Equal([1f, 2f], bn.Buffer("running_mean").ToFloatArray());
    }

    [Fact]
    public void OneElementVectorLoadsIntoScalarAsPyTorch()
    {
        var bn = new BatchNormState(1);
        var sd = bn.StateDict();
        sd["num_batches_tracked"] = Tensor.From(new long[] { 7 });   // shape [1] → 0-d: PyTorch's backward-compatibility rule
        bn.LoadStateDict(sd);
        Assert.Equal(7L, bn.Buffer("num_batches_tracked").ItemAs<long>());
    }

    [Fact]
    public void LoadingOwnStateDictIsANoOp()
    {
        var model = TestModels.FixtureModel();
        var before = model.StateDict().Select(kv => kv.Value.ToDoubleArray()).ToArray();
        model.LoadStateDict(model.StateDict());
        Assert.Equal(before, model.StateDict().Select(kv => kv.Value.ToDoubleArray()).ToArray());
    }

    [Fact]
    public void StateDictRejectsDuplicateAdd()
    {
        var sd = new StateDict { { "a", Tensor.Zeros([1]) } };
        Assert.Contains("duplicate key 'a'", Assert.Throws<ArgumentException>(() => sd.Add("a", Tensor.Zeros([1]))).Message);
        Assert.Contains("no entry named 'b'", Assert.Throws<KeyNotFoundException>(() => sd["b"]).Message);
    }
}

/// <summary>Our names against TorchSharp's (libtorch's) state_dict for the same architecture.</summary>
[Collection(OracleCollection.Name)]
public class StateDictTorchTests
{
    [Fact]
    public void KeysMatchTorchSharpStateDict()
    {
        var ours = new Sequential(("features", new Sequential(new Conv2d(1, 2, 3), new ReLU())), ("head", new Linear(8, 3)));
        using var theirs = TorchApi.nn.Sequential(
            ("features", TorchApi.nn.Sequential(TorchApi.nn.Conv2d(1, 2, 3), TorchApi.nn.ReLU())), ("head", TorchApi.nn.Linear(8, 3)));
        Assert.Equal(theirs.state_dict().Keys, ours.StateDict().Keys);
        Assert.Equal(theirs.named_parameters().Select(p => p.name), ours.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void KeysMatchTorchSharpBatchNormStateDict()
    {
        using var theirs = TorchApi.nn.Sequential(TorchApi.nn.Conv2d(1, 2, 3), TorchApi.nn.BatchNorm2d(2), TorchApi.nn.ReLU(),
            TorchApi.nn.Flatten(), TorchApi.nn.Linear(8, 3));
        // TorchSharp lists all parameters before all buffers, unlike PyTorch; the names must agree, the order is
        // PyTorch's (KeysAreParametersThenPersistentBuffersModuleByModuleAsPyTorch, and the Python fixture's keys).
        Assert.Equal(theirs.state_dict().Keys.Order(StringComparer.Ordinal), TestModels.FixtureModel().StateDict().Keys.Order(StringComparer.Ordinal));
    }
}
