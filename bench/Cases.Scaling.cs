namespace Autograd.Bench;

// Note [Size-scaling family] (issue 18, point 3): the main cases are large tensors, where per-call costs
// (deciding to go parallel, waking a thread, allocating temporaries) vanish in the arithmetic. This family
// runs the same ops from batch 1 to 64 and spatial 14 to 224, so the ratio against libtorch can be read
// as a function of size (`--plot` draws it: docs/speed-scaling.svg). Names are scale_<op>_b<N>_<C>x<H=W>
// (the training step: scale_train_b<N>); the op names avoid the main cases' words (conv2d, max_pool2d,
// avg_pool2d) so that a filter for those does not pull in this family. conv2d is k3 p1, C → C channels;
// the pools are k2 s2. The input sizes overlap on purpose: 1×64×28² and 8×32×14² have the same number
// of elements (issue 18 quotes both), as have 64×64×28² and 1×64×224² (batch against spatial extent).
public static partial class Cases
{
    internal static BenchCase[] ScalingCases =>
    [
        ScaleConv(1, 32, 14), ScaleConv(1, 64, 28), ScaleConv(8, 32, 14), ScaleConv(8, 32, 56), ScaleConv(64, 32, 28), ScaleConv(1, 32, 224),
        .. ScalePlanes.Select(s => Pool($"scale_maxpool_b{s.N}_{s.C}x{s.Hw}", max: true, k: 2, stride: 2, pad: 0, s.N, s.C, s.Hw)),
        .. ScalePlanes.Select(s => Pool($"scale_avgpool_b{s.N}_{s.C}x{s.Hw}", max: false, k: 2, stride: 2, pad: 0, s.N, s.C, s.Hw)),
        .. ScalePlanes.Select(s => Mean($"scale_mean_b{s.N}_{s.C}x{s.Hw}", s.N, s.C, s.Hw)),
        TrainStep("scale_train_b1", batch: 1),
        TrainStep("scale_train_b8", batch: 8),
        TrainStep("scale_train_b64", batch: 64),
    ];

    // The pools' and mean's inputs: 12.5K to 3.2M elements.
    private static (int N, int C, int Hw)[] ScalePlanes => [(1, 64, 14), (1, 64, 28), (8, 64, 28), (64, 64, 28), (1, 64, 224)];

    private static BenchCase ScaleConv(int n, int c, int hw)
        => Conv($"scale_conv_b{n}_{c}x{hw}", n, c, hw, outC: c, k: 3, stride: 1, pad: 1, groups: 1);

    /// <summary>
    /// The input's element count of a scaling case, read back from its name (the plot's x axis):
    /// N·C·H·W, or N·28·28 for the training step (its input is N×1×28×28). Null for other cases.
    /// </summary>
    internal static long? ScaleInputSize(string name)
    {
        if (!name.StartsWith("scale_", StringComparison.Ordinal)) return null;
        var parts = name.Split('_');
        int n = int.Parse(parts[2].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        if (parts[1] == "train") return n * 28L * 28;
        var chw = parts[3].Split('x');
        long c = long.Parse(chw[0], System.Globalization.CultureInfo.InvariantCulture), hw = long.Parse(chw[1], System.Globalization.CultureInfo.InvariantCulture);
        return n * c * hw * hw;
    }
}
