using Autograd.Nn;

namespace Autograd.Tests.Checkpoints;

/// <summary>
/// A stand-in for torch.nn.BatchNorm2d's state (this branch has no BatchNorm2d): parameters weight and bias,
/// buffers running_mean, running_var and num_batches_tracked (int64, 0-d), plus a non-persistent buffer and a
/// null one that a state dict must skip; Forward is BatchNorm's eval-mode formula, so a model loaded from
/// PyTorch's state dict can be checked against PyTorch's output.
/// </summary>
internal sealed class BatchNormState : Module
{
    public BatchNormState(int features, DType dtype = DType.Float32)
    {
        Weight = RegisterParameter("weight", new Parameter(Tensor.Ones([features], dtype)))!;
        Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros([features], dtype)))!;
        RegisterBuffer("running_mean", Tensor.Zeros([features], dtype));
        RegisterBuffer("running_var", Tensor.Ones([features], dtype));
        RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
        RegisterBuffer("scratch", Tensor.Zeros([features], dtype), persistent: false);
        RegisterBuffer("absent", null);
    }

    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public Tensor Buffer(string name) => NamedBuffers().Single(b => b.Name == name).Buffer;

    public override Tensor Forward(Tensor input)
    {
        int c = Weight.Numel;
        Tensor Col(Tensor t) => F.Reshape(t, [1, c, 1, 1]);
        var normalized = F.Div(F.Sub(input, Col(Buffer("running_mean"))), F.Sqrt(F.Add(Col(Buffer("running_var")), 1e-5)));
        return F.Add(F.Mul(normalized, Col(Weight)), Col(Bias));
    }
}

internal static class TestModels
{
    /// <summary>The architecture of write_fixture.py: Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), ReLU(), Flatten(), Linear(8, 3)).</summary>
    public static Sequential FixtureModel(int seed = 1) => new(
        new Conv2d(1, 2, 3, generator: new Generator(seed)), new BatchNormState(2), new ReLU(), new Flatten(),
        new Linear(8, 3, generator: new Generator(seed + 1)));
}
