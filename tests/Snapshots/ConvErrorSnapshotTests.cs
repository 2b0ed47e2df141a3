using System.Text;

namespace Autograd.Tests;

/// <summary>
/// conv2d's and pad's error messages side by side with PyTorch 1.13's for the same calls (the "torch:"
/// lines were printed by python3-torch; ConvErrorSnapshots.py beside this file reproduces them), so the
/// wording can be reviewed in one place. The validation tests assert each phrase separately.
/// </summary>
public class ConvErrorSnapshotTests
{
    private static Tensor X(params int[] shape) => Tensor.Zeros(shape);

    private static readonly (string Call, string Torch, Func<Tensor> Run)[] Cases =
    [
        ("conv2d(x[5,5], w[1,1,3,3])",
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]",
            () => F.Conv2d(X(5, 5), X(1, 1, 3, 3))),
        ("conv2d(x[1,4,5,5], w[6,3,3,3])",
            "Given groups=1, weight of size [6, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 3, 3, 3))),
        ("conv2d(x[1,4,5,5], w[5,2,3,3], groups=2)",
            "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[5, 2, 3, 3]] instead",
            () => F.Conv2d(X(1, 4, 5, 5), X(5, 2, 3, 3), groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=0)", "non-positive groups is not supported",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), groups: 0)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=2, stride=(1,-1))", "non-positive stride is not supported",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), stride: (1, -1), groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=2, dilation=0)", "non-positive dilation is not supported",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), dilation: 0, groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=2, padding=-1)", "negative padding is not supported",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), padding: -1, groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=2, padding='same', stride=2)", "padding='same' is not supported for strided convolutions",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), stride: 2, padding: "same", groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], groups=2, padding='full')", "Invalid padding string: 'full'",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), padding: "full", groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,7,3], groups=2)",
            "Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 3). Kernel size can't be greater than actual input size",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 7, 3), groups: 2)),
        ("conv2d(x[1,4,5,5], w[6,2,3,3], b[5], groups=2)",
            "Given weight of size [6, 2, 3, 3], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] instead",
            () => F.Conv2d(X(1, 4, 5, 5), X(6, 2, 3, 3), X(5), groups: 2)),
        ("conv2d(x[1,4,5,5] float32, w[6,2,3,3] float64, groups=2)",
            "Input type (torch.FloatTensor) and weight type (torch.DoubleTensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor",
            () => F.Conv2d(X(1, 4, 5, 5), Tensor.Zeros([6, 2, 3, 3], DType.Float64), groups: 2)),
        ("pad(x[3,4], [1])", "Padding length must be divisible by 2", () => F.Pad(X(3, 4), [1])),
        ("pad(x[3,4], [1,1,1,1,1,1])", "Padding length too large", () => F.Pad(X(3, 4), [1, 1, 1, 1, 1, 1])),
        ("pad(x[3,4], [-3,-2])", "start (0) + length (-1) exceeds dimension size (1).", () => F.Pad(X(3, 4), [-3, -2])),
    ];

    [Fact]
    public void ErrorMessagesBesidePyTorchs()
    {
        var sb = new StringBuilder();
        foreach (var (call, torch, run) in Cases)
        {
            var ex = Assert.ThrowsAny<ArgumentException>(() => run());
            sb.AppendLine(call).AppendLine($"  ours:  {ex.Message}").AppendLine($"  torch: {torch}");
        }
        Approval.Verify("conv-errors", sb.ToString());
    }
}
