namespace Autograd.Samples.Explain;

/// <summary>
/// TensorFlow's padding rules, in our terms. VALID: no padding, out = ceil((in − k + 1) / s). SAME:
/// out = ceil(in / s), total padding max((out − 1)·s + k − in, 0), the smaller half before (top/left)
/// and the larger after (bottom/right) — so it can be asymmetric, which conv2d's padding (one number
/// per axis) cannot say: <c>F.Pad(x, [left, right, top, bottom])</c> then padding 0 says it.
/// </summary>
public static class TfPadding
{
    /// <summary>SAME padding along one axis: (before, after).</summary>
    public static (int Before, int After) Same(int inSize, int kernel, int stride)
    {
        int outSize = (inSize + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + kernel - inSize, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>F.Pad's [left, right, top, bottom] for SAME on an H×W input.</summary>
    public static int[] SamePad(int h, int w, Pair kernel, Pair stride)
    {
        var (top, bottom) = Same(h, kernel.H, stride.H);
        var (left, right) = Same(w, kernel.W, stride.W);
        return [left, right, top, bottom];
    }
}
