using Autograd.Nn;

namespace Autograd.Tests.Checkpoints;

public class CheckpointTests
{
    [Fact]
    public void ModelSectionsAndMetadataRoundTrip()
    {
        using var dir = new TempDir();
        string path = dir.File("ckpt.safetensors");
        var model = TestModels.FixtureModel(seed: 2);
        var optimizer = new CheckpointSection(
            new Dictionary<string, Tensor> { ["state.0.exp_avg"] = Tensor.Ones([2, 1, 3, 3]), ["state.0.step"] = Tensor.Scalar(10, DType.Int64) },
            new Dictionary<string, string> { ["param_groups"] = "[{\"lr\": 0.001}]" });
        var empty = new CheckpointSection(new Dictionary<string, Tensor>());
        Checkpoint.Save(path, model, new Dictionary<string, string> { ["epoch"] = "7" },
            new Dictionary<string, CheckpointSection> { ["optimizer"] = optimizer, ["scheduler"] = empty });

        var other = TestModels.FixtureModel(seed: 8);
        var c = Checkpoint.Load(path, other);
        foreach (var (k, v) in model.StateDict()) Assert.Equal(v.ToDoubleArray(), other.StateDict()[k].ToDoubleArray());
        Assert.Equal("7", c.Metadata["epoch"]);
        Assert.Single(c.Metadata);
        Assert.Equal(["optimizer", "scheduler"], c.Sections.Keys.Order());
        Assert.Equal(10L, c.Section("optimizer").Tensors["state.0.step"].ItemAs<long>());
        Assert.Equal(DType.Int64, c.Section("optimizer").Tensors["state.0.step"].DType);
        Assert.Equal("[{\"lr\": 0.001}]", c.Section("optimizer").Metadata["param_groups"]);
        Assert.Empty(c.Section("scheduler").Tensors);
        Assert.Equal(model.StateDict().Keys.Order(StringComparer.Ordinal), c.Model.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("no section 'ema'", Assert.Throws<KeyNotFoundException>(() => c.Section("ema")).Message);
        // The file is plain safetensors with prefixed names, so Python's safetensors reads it too.
        Assert.Contains("model.1.running_mean", SafeTensors.Load(path).Tensors.Keys);
        Assert.Contains("optimizer.state.0.exp_avg", SafeTensors.Load(path).Tensors.Keys);
    }

    [Fact]
    public void InvalidSectionsAndReservedMetadataAreRejected()
    {
        using var dir = new TempDir();
        var model = new Linear(1, 1);
        var s = new CheckpointSection(new Dictionary<string, Tensor>());
        foreach (var bad in new[] { "", "a.b", "model", "x,y" })
            Assert.Contains("invalid section name", Assert.Throws<ArgumentException>(() =>
                Checkpoint.Save(dir.File("c"), model, sections: new Dictionary<string, CheckpointSection> { [bad] = s })).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => Checkpoint.Save(dir.File("c"), model,
            new Dictionary<string, string> { ["optimizer.lr"] = "1" }, new Dictionary<string, CheckpointSection> { ["optimizer"] = s })).Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void PlainStateDictFileIsNotACheckpoint()
    {
        using var dir = new TempDir();
        new Linear(1, 1).Save(dir.File("m"));
        Assert.Contains("not a checkpoint written by Checkpoint.Save", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(dir.File("m"))).Message);
    }

    [Fact]
    public void WrongModelGetsPyTorchSizeMismatch()
    {
        using var dir = new TempDir();
        Checkpoint.Save(dir.File("c"), new Linear(2, 3));
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Load(dir.File("c"), new Linear(2, 4)));
        Assert.Contains("size mismatch for weight: copying a param with shape torch.Size([3, 2]) from checkpoint, the shape in current model is torch.Size([4, 2]).", e.Message);
    }
}
