using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Engine;

/// <summary>Whole graphs end to end against libtorch: every parameter's gradient after one backward.</summary>
[Collection(OracleCollection.Name)]
public class CompositeOracleTests
{
    private const int Seeds = 4;

    private static IEnumerable<(Case, Func<IOracleBackend, OracleTensor[], OracleTensor>)> Repeat(string name, string tag, Input[] inputs, Func<IOracleBackend, OracleTensor[], OracleTensor> f)
        => Enumerable.Range(0, Seeds).Select(i => (new Case("Composite", $"{name} #{i}", [tag], inputs), f));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SmallCnnWithCrossEntropyMatchesLibtorch(DType dtype) => CrossCheck.All(dtype, Repeat(
        "conv-relu-conv(stride 2, groups 2)-tanh-flatten-linear-cross_entropy", "small CNN + cross-entropy",
        [new([4, 3, 9, 9]), new([6, 3, 3, 3]), new([6]), new([8, 3, 3, 3]), new([8]), new([10, 200]), new([10])],
        (e, p) =>
        {
            var h = e.Relu(e.Conv2d(p[0], e.Mul(p[1], 0.3), p[2], padding: 1));
            h = e.Tanh(e.Conv2d(h, e.Mul(p[3], 0.3), p[4], stride: 2, padding: 1, groups: 2));
            var logits = e.Linear(e.Flatten(h, 1), e.Mul(p[5], 0.1), p[6]);
            return e.CrossEntropy(logits, [3, 7, 0, 9]);
        }));

    /// <summary>The Fashion-MNIST network's shape in miniature: conv-relu-maxpool-conv-relu-avgpool-flatten-linear-relu-linear-cross_entropy.</summary>
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void PoolingCnnWithCrossEntropyMatchesLibtorch(DType dtype) => CrossCheck.All(dtype, Repeat(
        "conv(pad 1)-relu-max_pool2d(2)-conv(pad 1)-relu-avg_pool2d(2)-flatten-linear-relu-linear-cross_entropy", "small CNN with pooling + cross-entropy",
        [new([3, 1, 12, 12]), new([4, 1, 3, 3]), new([4]), new([6, 4, 3, 3]), new([6]), new([16, 54]), new([16]), new([10, 16]), new([10])],
        (e, p) =>
        {
            var h = e.MaxPool2d(e.Relu(e.Conv2d(p[0], p[1] * 0.5, p[2], padding: 1)), 2);
            h = e.AvgPool2d(e.Relu(e.Conv2d(h, p[3] * 0.3, p[4], padding: 1)), 2);
            h = e.Relu(e.Linear(e.Flatten(h, 1), p[5] * 0.2, p[6]));
            return e.CrossEntropy(e.Linear(h, p[7] * 0.3, p[8]), [1, 9, 4]);
        }));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SharedSubexpressionsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Repeat(
        "y = x*w used four times; diamond through exp, sigmoid, pow", "shared subexpressions (diamonds)",
        [new([3, 5]), new([3, 5])],
        (e, p) =>
        {
            var y = p[0] * p[1];
            var z = y * e.Exp(e.Tanh(y)) + e.Sigmoid(y) * y - e.Pow(y, 2) / 3;
            return e.Mean(z, [1]) * e.Sum(y);
        }).Concat(Repeat(
        "x used through reshape, permute and transpose, then matmul with itself", "shared subexpressions (diamonds)",
        [new([2, 3, 4])],
        (e, p) => e.Sum(e.Matmul(e.Permute(p[0], [0, 2, 1]), p[0])) + e.Mean(e.Exp(e.Transpose(e.Reshape(p[0], [2, 12]), 0, 1))))));

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BroadcastingGraphsMatchLibtorch(DType dtype) => CrossCheck.All(dtype, Repeat(
        "a(3,1,4) + b(2,1) * c(4) -> log_softmax -> mean over (0, 2) -> mse vs t(2)", "broadcasting",
        [new([3, 1, 4]), new([2, 1]), new([4]), new([2], Data.Normal, false)],
        (e, p) => e.MseLoss(e.Mean(e.LogSoftmax(p[0] + p[1] * p[2], -1), [0, 2]), p[3])).Concat(Repeat(
        "layer norm by hand: (x - mean) / sqrt(var + eps) * g + b", "broadcasting",
        [new([4, 6]), new([6]), new([6])],
        (e, p) =>
        {
            var centred = p[0] - e.Mean(p[0], [1], keepDim: true);
            var normed = centred / e.Sqrt(e.Mean(centred * centred, [1], keepDim: true) + 1e-5);
            return e.Sum(e.Abs(normed * p[1] + p[2]));
        })).Concat(Repeat(
        "attention: softmax(q k^T / sqrt(d)) v, batched", "broadcasting",
        [new([2, 5, 4]), new([2, 5, 4]), new([2, 5, 3])],
        (e, p) => e.Sum(e.Matmul(e.Softmax(e.Matmul(p[0], e.Transpose(p[1], 1, 2)) / 2.0, -1), p[2]) * e.Unsqueeze(e.Max(p[2], 1).Values, 1)))));
}
