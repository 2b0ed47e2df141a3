namespace Autograd.Tests.Engine;

public class CompositeGradTests
{
    [Fact]
    public void TwoLayerClassifierPassesGradCheckForEveryParameter()
    {
        var x = TestData.Randn([4, 5], 81);
        var w1 = TestData.Randn([6, 5], 82);
        var b1 = TestData.Randn([6], 83);
        var w2 = TestData.Randn([3, 6], 84);
        var b2 = TestData.Randn([3], 85);
        int[] target = [0, 2, 1, 2];
        Assert.True(GradCheck.Check(
            t => F.CrossEntropy(F.Linear(F.Tanh(F.Linear(t[0], t[1], t[2])), t[3], t[4]), target),
            [x, w1, b1, w2, b2]));
    }

    [Fact]
    public void AttentionLikeGraphPassesGradCheck()
    {
        // softmax(q kᵀ / sqrt(d)) v over a batch, then an mse loss: matmul, transpose, softmax, scalar ops.
        var q = TestData.Randn([2, 3, 4], 86);
        var k = TestData.Randn([2, 5, 4], 87);
        var v = TestData.Randn([2, 5, 2], 88);
        var target = TestData.Randn([2, 3, 2], 89, requiresGrad: false);
        Assert.True(GradCheck.Check(
            t => F.MseLoss(F.Matmul(F.Softmax(F.Matmul(t[0], t[1].Transpose(1, 2)) / 2.0, -1), t[2]), target),
            [q, k, v]));
    }

    [Fact]
    public void ReshapePermuteAndReductionsComposePassGradCheck()
    {
        var x = TestData.Distinct([2, 3, 4], 90);
        Assert.True(GradCheck.Check(
            t => F.Max(t[0].Permute([2, 0, 1]).Reshape([4, -1]), 1).Values.Sigmoid().Pow(2).Mean() + t[0].Flatten().Abs().Sum().Sqrt(),
            [x]));
    }
}
