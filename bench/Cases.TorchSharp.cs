using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Bench;

// The second baseline: each case on libtorch 2.10 through TorchSharp, the way a TorchSharp user writes it.
// Every timed body runs in a DisposeScope (TorchSharp's way to free a step's temporaries at once), and
// forward+backward clears the leaves' gradients first (grad = None), like the other two engines.
public static partial class Cases
{
    private static TorchTensor T(float[] data, int[] shape, bool requiresGrad = false)
        => TorchApi.tensor(data, Longs(shape), TorchApi.ScalarType.Float32, requires_grad: requiresGrad);

    private static long[] Longs(int[] v) => Array.ConvertAll(v, d => (long)d);

    private static Runner TorchSharpRunner(Action body, params TorchTensor[] owned) => new(() =>
    {
        using var scope = TorchApi.NewDisposeScope();
        body();
    }, owned);

    private static Func<Pass, Runner> TorchSharpConv(Lazy<float[]> x, Lazy<float[]> w, Lazy<float[]> b, int[] xs, int[] ws, int[] ys,
        int stride, int pad, int groups) => pass =>
    {
        bool bwd = pass == Pass.FwdBwd;
        TorchTensor tx = T(x.Value, xs, bwd), tw = T(w.Value, ws, bwd), tb = T(b.Value, [ws[0]], bwd), gy = TorchApi.ones(Longs(ys));
        long[] s = [stride, stride], p = [pad, pad];
        if (!bwd) return TorchSharpRunner(() => TorchApi.nn.functional.conv2d(tx, tw, tb, s, p, groups: groups), tx, tw, tb, gy);
        return TorchSharpRunner(() =>
        {
            tx.grad = null; tw.grad = null; tb.grad = null;
            TorchApi.nn.functional.conv2d(tx, tw, tb, s, p, groups: groups).backward([gy]);
        }, tx, tw, tb, gy);
    };

    private static Func<Pass, Runner> TorchSharpPool(Lazy<float[]> x, int[] xs, int[] ys, bool max, int k, int stride, int pad) => pass =>
    {
        bool bwd = pass == Pass.FwdBwd;
        TorchTensor tx = T(x.Value, xs, bwd), gy = TorchApi.ones(Longs(ys));
        long[] kk = [k, k], s = [stride, stride], p = [pad, pad];
        Func<TorchTensor> f = max ? () => TorchApi.nn.functional.max_pool2d(tx, kk, s, p) : () => TorchApi.nn.functional.avg_pool2d(tx, kk, s, p);
        if (!bwd) return TorchSharpRunner(() => f(), tx, gy);
        return TorchSharpRunner(() => { tx.grad = null; f().backward([gy]); }, tx, gy);
    };

    private static Func<Pass, Runner> TorchSharpMean(Lazy<float[]> x, int[] xs) => pass =>
    {
        bool bwd = pass == Pass.FwdBwd;
        TorchTensor tx = T(x.Value, xs, bwd);
        if (!bwd) return TorchSharpRunner(() => tx.mean(), tx);
        return TorchSharpRunner(() => { tx.grad = null; tx.mean().backward(); }, tx);
    };

    private static Func<Pass, Runner> TorchSharpRecordSmall(Lazy<float[]> x) => pass =>
    {
        bool bwd = pass == Pass.FwdBwd;
        TorchTensor tx = T(x.Value, [16], true);
        TorchTensor Chain() => (TorchApi.nn.functional.relu((tx * 2.0 + 1.0) * tx - 0.5) * tx / 3.0 + tx).sum();
        if (!bwd) return TorchSharpRunner(() => Chain(), tx);
        return TorchSharpRunner(() => { tx.grad = null; Chain().backward(); }, tx);
    };

    private static Func<Pass, Runner> TorchSharpMatmul(Lazy<float[]> a, Lazy<float[]> b, int size) => pass =>
    {
        bool bwd = pass == Pass.FwdBwd;
        int[] s = [size, size];
        TorchTensor ta = T(a.Value, s, bwd), tb = T(b.Value, s, bwd), gy = TorchApi.ones(size, size);
        if (!bwd) return TorchSharpRunner(() => ta.matmul(tb), ta, tb, gy);
        return TorchSharpRunner(() => { ta.grad = null; tb.grad = null; ta.matmul(tb).backward([gy]); }, ta, tb, gy);
    };

    /// <summary>The training step with TorchSharp's own SGD (torch.optim.SGD, momentum 0.9).</summary>
    private static Func<Pass, Runner> TorchSharpTrainStep(float[] x, int[] xs, int[] target, float[][] init) => pass =>
    {
        var p = TrainShapes.Select((s, i) => new global::TorchSharp.Modules.Parameter(T((float[])init[i].Clone(), s))).ToArray();
        var tx = T(x, xs);
        var ty = TorchApi.tensor(target.Select(v => (long)v).ToArray(), TorchApi.ScalarType.Int64);
        TorchTensor Forward() => TorchSharpForward(tx, p, ty);
        if (pass == Pass.Fwd) return TorchSharpRunner(() => Forward().item<float>(), [tx, ty, .. p]);
        var opt = TorchApi.optim.SGD(p, 0.05, momentum: 0.9);
        return new Runner(() =>
        {
            using var scope = TorchApi.NewDisposeScope();
            opt.zero_grad();
            var loss = Forward();
            loss.backward();
            opt.step();
            loss.item<float>();
        }, [tx, ty, opt, .. p]);
    };

    /// <summary>The Fashion-MNIST network's forward and loss (see Cases.Train.cs) in torch.nn.functional.</summary>
    private static TorchTensor TorchSharpForward(TorchTensor tx, IReadOnlyList<TorchTensor> p, TorchTensor ty)
    {
        var h = TorchApi.nn.functional.max_pool2d(TorchApi.nn.functional.relu(TorchApi.nn.functional.conv2d(tx, p[0], p[1], padding: [1, 1])), [2, 2]);
        h = TorchApi.nn.functional.avg_pool2d(TorchApi.nn.functional.relu(TorchApi.nn.functional.conv2d(h, p[2], p[3], padding: [1, 1])), [2, 2]);
        h = TorchApi.nn.functional.relu(TorchApi.nn.functional.linear(h.flatten(1), p[4], p[5]));
        return TorchApi.nn.functional.cross_entropy(TorchApi.nn.functional.linear(h, p[6], p[7]), ty);
    }
}
