using System.Text;
using Autograd.Samples.Explain;

namespace Autograd.Tests;

/// <summary>
/// The pooling examples of seeds 000, 001 and 004 (/work/shared/seeds). The numbers asserted are the
/// seeds' own printed tables (or follow from the seed's point, for 004); the snapshot text was checked
/// line for line against PyTorch 1.13 printing the same computation (SeedPoolingSnapshots.py beside
/// this file writes the identical .verified.txt files).
/// </summary>
public class SeedPoolingTests
{
    public static TheoryData<string, int> Seed000Cases() => new() { { "max", 2 }, { "max", 1 }, { "avg", 2 }, { "avg", 1 } };

    [Theory]
    [MemberData(nameof(Seed000Cases))]
    public void Seed000GradientOfMeanOfPool(string op, int stride)
    {
        var x = Tensor.From(SeedData.Seed000X, [1, 6, 6], requiresGrad: true);
        var y = op == "max" ? F.MaxPool2d(x, (2, 2), stride) : F.AvgPool2d(x, (2, 2), stride);
        y.Mean().Backward();

        int windows = y.Numel, scale = windows * (op == "max" ? 1 : 4);
        Assert.Equal(stride == 2 ? 9 : 25, windows);
        var grad = x.Grad!.ToDoubleArray();
        var (expected, divisor) = SeedTables.Seed000(op, stride);
        Assert.Equal(divisor, scale);
        // The seed's printed gradients: 0.1111 = 1/9; 0.04, 0.08, 0.16 = 1, 2, 4 / 25; 0.0278 = 1/36; 0.01, 0.02, 0.04.
        for (int i = 0; i < 36; i++) Assert.Equal(expected[i] / (double)scale, grad[i], 1e-7);
        var positions = grad.Select(g => (int)Math.Round(g * scale)).ToArray();
        Assert.Equal(expected, positions);

        var text = new StringBuilder()
            .AppendLine($"y = {op}_pool2d(x, kernel_size=(2, 2), stride={stride})")
            .AppendLine($"y = {y}")
            .AppendLine("y.mean().backward()")
            .AppendLine($"x.grad = {x.Grad}")
            .AppendLine($"position matrix (x.grad * {scale}):")
            .Append(Rows(positions, 6))
            .ToString();
        Approval.Verify($"seed-000-{op}-pool-k2-s{stride}", text);
    }

    [Fact]
    public void Seed000MeanOverAllAndOverDims()
    {
        var x = Tensor.From(SeedData.Seed000X, [1, 6, 6]);
        // Sum of the 36 values is 169 (row sums 17, 28, 35, 23, 34, 32).
        Assert.Equal(169 / 36.0, x.Mean().Item(), 1e-6);
        var all = x.Mean([1, 2], keepDim: true);
        Assert.Equal([1, 1, 1], all.Shape.ToArray());
        Assert.Equal(169 / 36.0, all.Item(), 1e-6);
        var rows = x.Mean([2], keepDim: true);
        Assert.Equal([1, 6, 1], rows.Shape.ToArray());
        double[] rowSums = [17, 28, 35, 23, 34, 32];
        Assert.Equal(rowSums.Select(s => s / 6).ToArray(), rows.ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal([1, 6], x.Mean([1]).Shape.ToArray());
        Assert.Equal([6], x.Mean([0, 2]).Shape.ToArray());

        // The seed's loss, mean(pool(x)), spelled both ways gives one gradient: 1/36 everywhere for avg k2 s2.
        var a = Tensor.From(SeedData.Seed000X, [1, 6, 6], requiresGrad: true);
        F.AvgPool2d(a, 2).Mean([1, 2], keepDim: true).Sum().Backward();
        Assert.All(a.Grad!.ToDoubleArray(), g => Assert.Equal(1 / 36.0, g, 1e-7));

        var text = new StringBuilder()
            .AppendLine($"x.mean() = {x.Mean()}")
            .AppendLine($"x.mean([1, 2], keepdim=True) = {all}")
            .AppendLine($"x.mean([2], keepdim=True) = {rows}")
            .AppendLine($"x.mean([1]) = {x.Mean([1])}")
            .AppendLine($"x.mean([0, 2]) = {x.Mean([0, 2])}")
            .ToString();
        Approval.Verify("seed-000-mean", text);
    }

    [Fact]
    public void Seed001AvgPoolValidAndTensorFlowSame()
    {
        // TensorFlow avg_pool 2×2 stride 2 on the 3×3 input: VALID drops the last row and column; SAME
        // pads one row/column at the bottom/right (total padding (2−1)·2 + 2 − 3 = 1) and divides by the
        // real cells only. With no top/left padding that is exactly ceil mode over the unpadded input
        // with count_include_pad=False: the clipped windows divide by 2, 2 and 1.
        var x = Tensor.From(SeedData.Seed001X, [1, 1, 3, 3], requiresGrad: true);
        var valid = F.AvgPool2d(x, 2, 2);
        var same = F.AvgPool2d(x, 2, 2, padding: 0, ceilMode: true, countIncludePad: false);
        same.Sum().Backward();

        // The seed's printed results.
        Assert.Equal(SeedTables.Seed001AvgValid, valid.ToFloatArray());
        Assert.Equal(SeedTables.Seed001AvgSame, same.ToFloatArray());
        Assert.Equal(SeedTables.Seed001AvgSameInputGrad, x.Grad!.ToFloatArray());
        // Here count_include_pad does not matter (no padding cells): the default gives the same.
        Assert.Equal(same.ToFloatArray(), F.AvgPool2d(x, 2, 2, ceilMode: true).ToFloatArray());

        var text = new StringBuilder()
            .AppendLine($"x = {x}")
            .AppendLine("VALID: avg_pool2d(x, 2, 2)")
            .AppendLine($"{valid}")
            .AppendLine("SAME: avg_pool2d(x, 2, 2, padding=0, ceil_mode=True, count_include_pad=False)")
            .AppendLine($"{same}")
            .AppendLine("SAME.sum().backward()")
            .AppendLine($"x.grad = {x.Grad}")
            .ToString();
        Approval.Verify("seed-001-avg-pool-valid-same", text);
    }

    [Fact]
    public void Seed004TiesSendEachWindowsGradientToExactlyOneCell()
    {
        // Seed 004's point: with repeated maxima (over half the windows in its data) a mask x == max
        // routes the gradient to every tied cell; max pooling's backward must pick exactly one per window,
        // for many images and channels at once.
        const int n = 3, c = 4, h = 6, w = 6;
        var values = SeedData.Seed004X();
        var x = Tensor.From(values, [n, c, h, w], requiresGrad: true);
        var y = F.MaxPool2d(x, 2);
        y.Sum().Backward();
        var g = x.Grad!.ToFloatArray();

        int windows = 0, tied = 0, maskCells = 0;
        for (int p = 0; p < n * c; p++)
            for (int wy = 0; wy < h; wy += 2)
                for (int wx = 0; wx < w; wx += 2)
                {
                    int[] cells = [p * 36 + wy * 6 + wx, p * 36 + wy * 6 + wx + 1, p * 36 + (wy + 1) * 6 + wx, p * 36 + (wy + 1) * 6 + wx + 1];
                    float max = cells.Max(i => values[i]);
                    int atMax = cells.Count(i => values[i] == max);
                    windows++;
                    if (atMax > 1) tied++;
                    maskCells += atMax;
                    Assert.Equal(1f, cells.Sum(i => g[i]));                     // the window's whole gradient...
                    Assert.Equal(1, cells.Count(i => g[i] != 0));               // ...to one cell...
                    Assert.Equal(cells.First(i => values[i] == max), cells.Single(i => g[i] != 0));   // ...its first maximum
                }
        Assert.Equal(108, windows);
        Assert.True(tied * 2 > windows, $"only {tied} of {windows} windows are tied");
        Assert.Equal(windows, g.Count(v => v != 0));
        Assert.True(maskCells > windows);

        var text = new StringBuilder()
            .AppendLine("x: (3, 4, 6, 6), values (i*i + 3*i) % 5 // 2 in {0, 1, 2}; y = max_pool2d(x, 2); y.sum().backward()")
            .AppendLine($"windows: {windows}")
            .AppendLine($"windows with a tied maximum: {tied}")
            .AppendLine($"cells a boolean mask x == max would mark: {maskCells}")
            .AppendLine($"cells with a nonzero gradient: {g.Count(v => v != 0)}")
            .AppendLine($"gradient sum: {x.Grad!.Sum()}")
            .AppendLine($"x[0, 0] = {Plane(x, 0)}")
            .AppendLine($"x.grad[0, 0] = {Plane(x.Grad!, 0)}")
            .ToString();
        Approval.Verify("seed-004-max-pool-ties", text);
    }

    private static Tensor Plane(Tensor t, int p) => Tensor.From(t.ToFloatArray().AsSpan(p * 36, 36).ToArray(), [6, 6]);

    private static string Rows(int[] v, int width)
    {
        var sb = new StringBuilder();
        for (int r = 0; r < v.Length / width; r++)
            sb.Append('[').AppendJoin(", ", v.Skip(r * width).Take(width)).Append("]\n");
        return sb.ToString();
    }
}
