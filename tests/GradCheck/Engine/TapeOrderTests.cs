namespace Autograd.Tests.Engine;

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

    [Fact]
    public void SeveralLeavesReadyAtOnceRunInLibstdcxxHeapOrderLikePyTorch()
    {
        // PyTorch 1.13: torch.cat([a1, ..., a6]).sum().backward() with a_i of shape [i] runs the leaves'
        // AccumulateGrad in the order [1], [3], [6], [5], [2], [4] (register_hook on every node).
        var leaves = Enumerable.Range(1, 6).Select(i => TestData.Randn([i], 94 + i)).ToArray();
        var cat = Node.Record(Tensor.Zeros([21], DType.Float64), "CatBackward0", leaves, g => leaves.Select(l => (Tensor?)Tensor.Zeros(l.Shape, DType.Float64)).ToArray());
        var order = Tape.Nodes(cat.Sum()).Skip(2).Select(n => n.OutputShape[0]);
        Assert.Equal([1, 3, 6, 5, 2, 4], order);
    }

    [Fact]
    public void ConvolutionLeavesRunInPyTorchsOrder()
    {
        // PyTorch 1.13: max_pool2d(conv2d(x, w, b).relu(), 2, 1).mean() runs MeanBackward0,
        // MaxPool2DWithIndicesBackward0, ReluBackward0, ConvolutionBackward0, then x, w, b.
        var x = TestData.Randn([1, 1, 6, 6], 101);
        var w = TestData.Randn([1, 1, 2, 2], 102);
        var b = TestData.Randn([1], 103);
        var loss = F.MaxPool2d(F.Conv2d(x, w, b).Relu(), 2, stride: 1).Mean();
        var names = Tape.Nodes(loss).Select(n => n.Name == "AccumulateGrad" ? $"AccumulateGrad{ShapeUtil.Format(n.OutputShape)}" : n.Name);
        Assert.Equal(
            ["MeanBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0",
             "AccumulateGrad[1, 1, 6, 6]", "AccumulateGrad[1, 1, 2, 2]", "AccumulateGrad[1]"],
            names);
    }
}
