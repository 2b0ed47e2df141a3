using Autograd.Nn;
using Autograd.Tests.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchModule = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;

namespace Autograd.Tests.Ops.Norm;

/// <summary>
/// The normalisation modules against TorchSharp's (libtorch 2.10): several training steps and an eval step
/// with the same inputs, comparing outputs, gradients and the buffers (running_mean, running_var,
/// num_batches_tracked) by name; reprs, buffer names and construction/input errors as PyTorch's.
/// </summary>
[Collection(OracleCollection.Name)]
public class NormModuleTests
{
    private static void Close(double[] expected, double[] actual, string what, double tol = 1e-10)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: libtorch {expected[i]}, ours {actual[i]}");
    }

    /// <summary>Runs both modules on the same inputs (training steps, then eval) and compares everything after each step.</summary>
    private static void Trajectory(Module ours, TorchModule theirs, int[] shape, int trainSteps, int seed)
    {
        ours.CopyTo(theirs);
        for (int step = 0; step <= trainSteps; step++)
        {
            bool training = step < trainSteps;
            ours.Train(training);
            theirs.train(training);
            var xv = Tensor.Randn(shape, DType.Float64, false, new Generator(seed + step));
            var x = (xv * (1 + step) + step).Detach();   // a different mean and spread each step
            x.RequiresGrad = true;
            var up = Tensor.Randn(shape, DType.Float64, false, new Generator(seed + 100 + step));
            using var tx = x.ToTorch().detach().requires_grad_(true);
            using var tup = up.ToTorch();
            var y = ours.Forward(x);
            using var ty = theirs.call(tx);
            Close(TorchConversions.ReadDoubles(ty), y.ToDoubleArray(), $"step {step} output");
            F.Sum(y * up).Backward();
            TorchApi.sum(ty * tup).backward();
            Close(TorchConversions.ReadDoubles(tx.grad!), x.Grad!.ToDoubleArray(), $"step {step} input grad");
            foreach (var (name, p) in theirs.named_parameters())
                Close(TorchConversions.ReadDoubles(p.grad!), ours.NamedParameters().Single(q => q.Name == name).Parameter.Grad!.ToDoubleArray(), $"step {step} {name} grad");
            var buffers = theirs.named_buffers().ToList();
            Assert.Equal(buffers.Select(b => b.name), ours.NamedBuffers().Select(b => b.Name));
            foreach (var (name, b) in buffers)
                Close(TorchConversions.ReadDoubles(b), ours.NamedBuffers().Single(q => q.Name == name).Buffer.ToDoubleArray(), $"step {step} {name}");
            ours.ZeroGrad();
            theirs.zero_grad();
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(null)]
    [InlineData(0.7)]
    public void BatchNorm2dFollowsTorchAcrossTrainingAndEval(double? momentum)
    {
        var ours = new BatchNorm2d(3, momentum: momentum, dtype: DType.Float64);
        using TorchModule theirs = momentum is { } m ? TorchApi.nn.BatchNorm2d(3, momentum: m, dtype: TorchApi.ScalarType.Float64) : new CumulativeBatchNorm(3, 1e-5);
        // Non-trivial affine parameters, copied across.
        Init.Uniform_(ours.Weight!.Data, 0.5, 1.5, new Generator(5));
        Init.Uniform_(ours.Bias!.Data, -0.5, 0.5, new Generator(6));
        Trajectory(ours, theirs, [4, 3, 5, 2], 4, 1000);
    }

    [Theory]
    [InlineData(new[] { 6, 4 }, 0.1)]
    [InlineData(new[] { 3, 4, 5 }, null)]
    public void BatchNorm1dFollowsTorchAcrossTrainingAndEval(int[] shape, double? momentum)
    {
        var ours = new BatchNorm1d(4, eps: 1e-3, momentum: momentum, dtype: DType.Float64);
        using TorchModule theirs = momentum is { } m ? TorchApi.nn.BatchNorm1d(4, eps: 1e-3, momentum: m, dtype: TorchApi.ScalarType.Float64) : new CumulativeBatchNorm(4, 1e-3);
        Trajectory(ours, theirs, shape, 3, 2000);
    }

    [Fact]
    public void WithoutTrackedStatsBothModesUseBatchStatistics()
    {
        var ours = new BatchNorm2d(2, affine: false, trackRunningStats: false, dtype: DType.Float64);
        using var theirs = TorchApi.nn.BatchNorm2d(2, affine: false, track_running_stats: false, dtype: TorchApi.ScalarType.Float64);
        Assert.Empty(ours.NamedBuffers());
        Assert.Empty(ours.Parameters());
        Trajectory(ours, theirs, [3, 2, 2, 2], 2, 3000);
    }

    [Fact]
    public void LayerNormAndGroupNormFollowTorch()
    {
        var ln = new LayerNorm([3, 4], eps: 1e-4, dtype: DType.Float64);
        using var tln = TorchApi.nn.LayerNorm([3, 4], eps: 1e-4, dtype: TorchApi.ScalarType.Float64);
        Init.Uniform_(ln.Weight!.Data, 0.5, 1.5, new Generator(7));
        Trajectory(ln, tln, [2, 5, 3, 4], 1, 4000);
        var gn = new GroupNorm(2, 6, dtype: DType.Float64);
        using var tgn = TorchApi.nn.GroupNorm(2, 6, dtype: TorchApi.ScalarType.Float64);
        Init.Uniform_(gn.Bias!.Data, -1, 1, new Generator(8));
        Trajectory(gn, tgn, [3, 6, 2, 2], 1, 5000);
    }

    [Fact]
    public void ReprsAndStateNamesAreTorchs()
    {
        Assert.Equal("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(16).ToString());
        Assert.Equal("BatchNorm1d(8, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
            new BatchNorm1d(8, eps: 1e-3, momentum: null, affine: false, trackRunningStats: false).ToString());
        Assert.Equal("LayerNorm((10,), eps=1e-05, elementwise_affine=True)", new LayerNorm(10).ToString());
        Assert.Equal("LayerNorm((3, 4), eps=1e-06, elementwise_affine=False)", new LayerNorm([3, 4], eps: 1e-6, elementwiseAffine: false).ToString());
        Assert.Equal("GroupNorm(2, 6, eps=1e-05, affine=True)", new GroupNorm(2, 6).ToString());

        var bn = new BatchNorm2d(3);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.NamedBuffers(persistentOnly: true).Select(b => b.Name));
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(0, bn.NumBatchesTracked.Rank);
        Assert.Null(new LayerNorm(4, bias: false).Bias);
    }

    [Fact]
    public void ResetRunningStatsAndParametersRestoreTheInitialState()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        bn.Forward(Tensor.From([1.0, 2, 3, 5, -1, 0], [3, 2]));
        Assert.Equal(1.0, bn.NumBatchesTracked!.Item());
        Assert.NotEqual(new[] { 0.0, 0.0 }, bn.RunningMean!.ToDoubleArray());
        F.Mul(bn.Weight!.Data.Detach(), 1.0);   // (weights unchanged so far)
        bn.ResetRunningStats();
        Assert.Equal(new[] { 0.0, 0.0 }, bn.RunningMean.ToDoubleArray());
        Assert.Equal(new[] { 1.0, 1.0 }, bn.RunningVar!.ToDoubleArray());
        Assert.Equal(0.0, bn.NumBatchesTracked.Item());
        Init.Uniform_(bn.Weight.Data, 2, 3);
        bn.ResetParameters();
        Assert.Equal(new[] { 1.0, 1.0 }, bn.Weight.Data.ToDoubleArray());
        Assert.Equal(new[] { 0.0, 0.0 }, bn.Bias!.Data.ToDoubleArray());
    }

    [Fact]
    public void ErrorsAreTorchs()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros([2, 3, 4, 5])));
        Assert.Contains("expected 2D or 3D input (got 4D input)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros([2, 3, 4])));
        Assert.Contains("expected 4D input (got 3D input)", e.Message);
        // functional.py's _verify_batch_size: one value per channel cannot be normalised in training ...
        e = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros([1, 3])));
        Assert.Contains("Expected more than 1 value per channel when training, got input size [1, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Zeros([1, 3, 1, 1]), null, null, training: true));
        Assert.Contains("batch_norm", e.Message);
        // ... but is fine in eval mode.
        var bn = new BatchNorm1d(3);
        bn.Eval();
        Assert.Equal(new float[3], bn.Forward(Tensor.Zeros([1, 3])).ToFloatArray());
        // A 0-dim input terminates libtorch 2.10's process (SmallVector length_error), so it is not in the
        // oracle's error list; PyTorch rejects it in Python (input.size()[2:] of a 0-dim tensor), as we do.
        e = Assert.Throws<ArgumentException>(() => F.BatchNorm(Tensor.Scalar(1.0), null, null, training: true));
        Assert.Contains("batch_norm", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6));
        Assert.Contains("num_channels must be divisible by num_groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros([2, 4, 2, 2])));
        Assert.Contains("running_mean should contain 4 elements not 3", e.Message);
    }

    [Fact]
    public void TrainingUpdatesTheRunningStatsInPlaceWithTheUnbiasedVariance()
    {
        // Hand derivation: channel values {1, 3}: mean 2, biased var 1, unbiased var 2.
        var rm = Tensor.Zeros([1], DType.Float64);
        var rv = Tensor.Ones([1], DType.Float64);
        int before = rm.Version;
        var y = F.BatchNorm(Tensor.From([1.0, 3.0], [2, 1]), rm, rv, training: true, momentum: 0.25, eps: 0);
        Assert.Equal(new[] { -1.0, 1.0 }, y.ToDoubleArray());
        Assert.Equal(new[] { 0.5 }, rm.ToDoubleArray());          // 0.75·0 + 0.25·2
        Assert.Equal(new[] { 1.25 }, rv.ToDoubleArray());         // 0.75·1 + 0.25·2
        Assert.True(rm.Version > before);
        // Eval: no update.
        F.BatchNorm(Tensor.From([5.0, 7.0], [2, 1]), rm, rv, training: false);
        Assert.Equal(new[] { 0.5 }, rm.ToDoubleArray());
    }

    /// <summary>
    /// torch.nn's _BatchNorm.forward with momentum=None (TorchSharp's modules take a double momentum), written
    /// over libtorch's batch_norm as batchnorm.py does: num_batches_tracked += 1, factor 1/num_batches_tracked.
    /// </summary>
    private sealed class CumulativeBatchNorm : TorchModule
    {
        private readonly global::TorchSharp.Modules.Parameter _weight, _bias;
        private readonly TorchApi.Tensor _mean, _var, _count;
        private readonly double _eps;

        public CumulativeBatchNorm(int c, double eps) : base("CumulativeBatchNorm")
        {
            _eps = eps;
            _weight = new global::TorchSharp.Modules.Parameter(TorchApi.ones(c, TorchApi.ScalarType.Float64));
            _bias = new global::TorchSharp.Modules.Parameter(TorchApi.zeros(c, TorchApi.ScalarType.Float64));
            _mean = TorchApi.zeros(c, TorchApi.ScalarType.Float64);
            _var = TorchApi.ones(c, TorchApi.ScalarType.Float64);
            _count = TorchApi.tensor(0L);
            register_parameter("weight", _weight);
            register_parameter("bias", _bias);
            register_buffer("running_mean", _mean);
            register_buffer("running_var", _var);
            register_buffer("num_batches_tracked", _count);
        }

        public override TorchApi.Tensor forward(TorchApi.Tensor x)
        {
            double factor = 0;
            if (training)
            {
                using (TorchApi.no_grad()) _count.add_(1);
                factor = 1.0 / _count.item<long>();
            }
            return TorchApi.nn.functional.batch_norm(x, _mean, _var, _weight, _bias, training, factor, _eps);
        }
    }
}
