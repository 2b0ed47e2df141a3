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
    /// The residual CNN of <c>--model resnet</c>, layer for layer as reference.py's make_resnet: a stem
    /// conv 1→w0 at 28×28 (BN, ReLU) and a 2×2 max pool, then one basic block per stage — w0 at 14×14,
    /// w1 at 7×7 (stride 2), w2 at 4×4 (stride 2) — global average pool, dropout 0.2, linear → 10 logits.
    /// About 6 M multiply-adds per image forward with the default widths 24, 48, 96 (and 10 M with 32, 64, 128).
    /// </summary>
    public static Sequential Build(Generator generator, int[] widths) => new(
        new Conv2d(1, widths[0], 3, padding: 1, bias: false, generator: generator),
        new BatchNorm2d(widths[0]),
        new ReLU(),
        new MaxPool2d(2),
        new BasicBlock(widths[0], widths[0], 1, generator),
        new BasicBlock(widths[0], widths[1], 2, generator),
        new BasicBlock(widths[1], widths[2], 2, generator),
        new AdaptiveAvgPool2d(1),
        new Flatten(),
        new Dropout(0.2),
        new Linear(widths[2], 10, generator: generator));
}
