using System.Text.Json;
using Autograd.Nn;

namespace Autograd.Tests.Checkpoints;

/// <summary>
/// Files written by Python: fixtures/torch_written.safetensors was written by write_fixture.py with only the
/// standard library and torch 1.13 (state dict of Sequential(Conv2d, BatchNorm2d, ReLU, Flatten, Linear)
/// after three training steps, plus one tensor of every dtype, a 0-d and an empty one); the JSON sidecar holds
/// the values, an input and PyTorch's eval-mode output.
/// </summary>
public class PythonInteropTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Checkpoints", "fixtures", name);

    private static JsonElement Sidecar() => JsonDocument.Parse(File.ReadAllText(Fixture("torch_written.json"))).RootElement;

    [Fact]
    public void LoadsEveryTensorWithPyTorchsNamesDtypesShapesAndValues()
    {
        var content = SafeTensors.Load(Fixture("torch_written.safetensors"));
        var sidecar = Sidecar();
        Assert.Equal("pt", content.Metadata["format"]);
        var expected = sidecar.GetProperty("tensors");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), content.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var p in expected.EnumerateObject())
        {
            var t = content.Tensors[p.Name];
            Assert.Equal(p.Value.GetProperty("dtype").GetString(), SafeTensors.Code(t.DType));
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), t.Shape.ToArray());
            var values = p.Value.GetProperty("values").EnumerateArray().ToArray();
            if (t.DType.IsFloatingPoint()) Assert.Equal(values.Select(v => v.GetDouble()), t.ToDoubleArray());
            else Assert.Equal(values.Select(v => v.GetInt64()), t.ToArray<long>());
        }
    }

    [Fact]
    public void PyTorchStateDictLoadsStrictlyAndComputesPyTorchsOutput()
    {
        var sidecar = Sidecar();
        var model = TestModels.FixtureModel();
        var content = SafeTensors.Load(Fixture("torch_written.safetensors"));
        var sd = new StateDict(content.Tensors.Where(kv => !kv.Key.StartsWith("extra.", StringComparison.Ordinal)));
        var r = model.LoadStateDict(sd);
        Assert.Empty(r.MissingKeys);
        Assert.Empty(r.UnexpectedKeys);
        Assert.Equal(sidecar.GetProperty("state_dict_keys").EnumerateArray().Select(k => k.GetString()), model.StateDict().Keys);
        Assert.Equal(3L, ((BatchNormState)model[1]).Buffer("num_batches_tracked").ItemAs<long>());

        var input = sidecar.GetProperty("input");
        var x = Tensor.From(input.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
            input.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
        var want = sidecar.GetProperty("output").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var got = model.Eval().Forward(x).ToDoubleArray();
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) <= 1e-5 * Math.Max(1, Math.Abs(want[i])), $"output {i}: {got[i]} vs PyTorch {want[i]}");
    }

    [Fact]
    public void OurBytesForTheSameTensorsAreThePythonWrittenBytes()
    {
        // Note [safetensors layout]: same tensors + metadata → the same file, byte for byte, as the library's layout.
        var bytes = File.ReadAllBytes(Fixture("torch_written.safetensors"));
        var content = SafeTensors.Deserialize(bytes);
        // Shuffle the order we hand the tensors over in: the writer's order must not depend on it.
        var reversed = content.Tensors.Reverse().ToList();
        Assert.Equal(bytes, SafeTensors.Serialize(reversed, content.Metadata));
    }

    [Fact]
    public void WritesAFileForReadBackPy()
    {
        // A C#-written file for read_back.py (run by hand with python3 + torch; CI has no Python): when
        // AUTOGRAD_CKPT_FIXTURE_OUT names a directory, the file is written there; the layout and the values are
        // checked here either way.
        var model = new Sequential(new Conv2d(1, 2, 3, generator: new Generator(11)), new ReLU(), new Flatten(), new Linear(8, 3, generator: new Generator(12)));
        var x = Tensor.Randn([2, 1, 4, 4], generator: new Generator(13));
        var y = model.Forward(x);
        var tensors = new StateDict(model.StateDict())
        {
            ["extra.i64"] = Tensor.From(new[] { long.MinValue, 0, long.MaxValue }, [3]),
            ["extra.i32"] = Tensor.From(new[] { -5, 6 }, [2]),
            ["extra.bool"] = Tensor.From(new[] { true, false }, [2]),
            ["extra.u8"] = Tensor.From(new byte[] { 0, 255 }, [2]),
            ["extra.f64"] = Tensor.From(new[] { 0.1, -2.5e-300 }, [2, 1]),
            ["extra.scalar"] = Tensor.Scalar(-1.25),
            ["extra.empty"] = Tensor.Zeros([0, 2]),
            ["input"] = x,
            ["expected_output"] = y.Detach(),
        };
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = "Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(8, 3))" };
        var bytes = SafeTensors.Serialize(tensors, meta);
        var back = SafeTensors.Deserialize(bytes);
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), back.Tensors.Keys.Order(StringComparer.Ordinal));
        if (Environment.GetEnvironmentVariable("AUTOGRAD_CKPT_FIXTURE_OUT") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, "csharp_written.safetensors"), bytes);
    }
}
