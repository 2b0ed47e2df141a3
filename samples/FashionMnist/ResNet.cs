using Autograd.Nn;

namespace Autograd.Samples.FashionMnist;

/// <summary>
/// A residual block (He et al. 2016, "basic block"): conv3×3 → BN → ReLU → conv3×3 → BN, plus the
/// input (through a 1×1 conv + BN when the shape changes), then ReLU. Same names as reference.py's.
/// </summary>
internal sealed class BasicBlock : Module
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Sequential _shortcut;

    public BasicBlock(int inChannels, int outChannels, int stride, Generator generator)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false, generator: generator));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, bias: false, generator: generator));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        _shortcut = RegisterModule("shortcut", stride == 1 && inChannels == outChannels
            ? new Sequential()
            : new Sequential(new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false, generator: generator), new BatchNorm2d(outChannels)));
    }

    public override Tensor Forward(Tensor x)
    {
        var y = F.Relu(_bn1.Forward(_conv1.Forward(x)));
        y = _bn2.Forward(_conv2.Forward(y));
        return F.Relu(y + _shortcut.Forward(x));
    }
}

internal static class ResNet
{
    /// <summary>
    /// The residual CNN of <c>--model resnet</c>, layer for layer as reference.py's make_resnet:
    /// stem conv 1→w0 @28×28, blocks w0@28×28, w1@14×14 (stride 2), w2@7×7 (stride 2), global average
    /// pool, dropout, linear → 10 logits.
    /// </summary>
    public static Sequential Build(Generator generator, int[] widths) => new(
        new Conv2d(1, widths[0], 3, padding: 1, bias: false, generator: generator),
        new BatchNorm2d(widths[0]),
        new ReLU(),
        new BasicBlock(widths[0], widths[0], 1, generator),
        new BasicBlock(widths[0], widths[1], 2, generator),
        new BasicBlock(widths[1], widths[2], 2, generator),
        new AdaptiveAvgPool2d(1),
        new Flatten(),
        new Dropout(0.2),
        new Linear(widths[2], 10, generator: generator));
}
