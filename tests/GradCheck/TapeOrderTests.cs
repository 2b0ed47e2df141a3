namespace Autograd.Tests;

public class TapeOrderTests
{
    [Fact]
    public void BackwardRunsNodesInPyTorchsOrder()
    {
        // The order PyTorch 1.13 runs the nodes of this graph, recorded with grad_fn.register_hook on
        // every node (leaves appear as AccumulateGrad with their shape):
        // AddBackward0, MeanBackward0, SumBackward0, MulBackward0, ReluBackward0, AddBackward0,
        // AccumulateGrad[4], MmBackward0, AccumulateGrad[2, 3], AccumulateGrad[3, 4].
        var x = TestData.Randn([2, 3], 91);
        var w = TestData.Randn([3, 4], 92);
        var b = TestData.Randn([4], 93);
        var y = (F.Matmul(x, w) + b).Relu();
        var z = (y * y).Sum() + y.Mean();
        var names = Tape.Nodes(z).Select(n => n.Name == "AccumulateGrad" ? $"AccumulateGrad{ShapeUtil.Format(n.OutputShape)}" : n.Name);
        Assert.Equal(
            ["AddBackward0", "MeanBackward0", "SumBackward0", "MulBackward0", "ReluBackward0", "AddBackward0",
             "AccumulateGrad[4]", "MmBackward0", "AccumulateGrad[2, 3]", "AccumulateGrad[3, 4]"],
            names);
    }
}
