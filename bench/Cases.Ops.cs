using Autograd.Bench.Shim;

namespace Autograd.Bench;

// Each case builds the same computation on both engines. Forward+backward runs backward from a
// fixed upstream gradient of ones (no extra reduction op) and clears the leaves' gradients first,
// the way a training loop's zero_grad(set_to_none=True) does, so both sides allocate fresh grads.
public static partial class Cases
{
    private static BenchCase Conv(string name, int n, int c, int hw, int outC, int k, int stride, int pad, int groups)
    {
        int[] xs = [n, c, hw, hw], ws = [outC, c / groups, k, k], bs = [outC];
        var x = Data(Numel(xs), 1); var w = Data(Numel(ws), 2, 1.0 / Math.Sqrt(c / groups * k * k)); var b = Data(outC, 3);
        int o = (hw + 2 * pad - k) / stride + 1;
        int[] ys = [n, outC, o, o];
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), tw = Tensor.From(w.Value, ws, bwd), tb = Tensor.From(b.Value, bs, bwd), gy = Tensor.Ones(ys);
                if (!bwd) return new Runner(() => F.Conv2d(tx, tw, tb, stride, pad, groups: groups));
                return new Runner(() =>
                {
                    tx.Grad = tw.Grad = tb.Grad = null;
                    F.Conv2d(tx, tw, tb, stride, pad, groups: groups).Backward(gy);
                });
            },
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = TorchTensor.From(x.Value, xs, bwd), tw = TorchTensor.From(w.Value, ws, bwd), tb = TorchTensor.From(b.Value, bs, bwd);
                TorchTensor gy = TorchTensor.From(Ones(Numel(ys)), ys);
                if (!bwd) return new Runner(() => Torch.Conv2d(tx, tw, tb, stride, pad, groups: groups).Dispose(), tx, tw, tb, gy);
                return new Runner(() =>
                {
                    tx.ZeroGrad(); tw.ZeroGrad(); tb.ZeroGrad();
                    using var y = Torch.Conv2d(tx, tw, tb, stride, pad, groups: groups);
                    y.Backward(gy);
                }, tx, tw, tb, gy);
            },
            TorchSharpConv(x, w, b, xs, ws, ys, stride, pad, groups))
        {
            Plan = () => ConvPlan.For(ConvGeometry.Create(Tensor.Zeros(xs), Tensor.Zeros(ws), null, stride, pad, 1, groups)).ToString(),
        };
    }

    // A pool or mean of an n×c×hw×hw input: 8×64×112×112 in the main cases, smaller in the size-scaling
    // family (bench/Cases.Scaling.cs). The default is written out here: Cases.All is built during static
    // initialisation, before other static fields.
    private static BenchCase Pool(string name, bool max, int k, int stride, int pad, int n = 8, int c = 64, int hw = 112)
    {
        int[] xs = [n, c, hw, hw];
        var x = Data(Numel(xs), 4);
        int o = (hw + 2 * pad - k) / stride + 1;
        int[] ys = [n, c, o, o];
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd), gy = Tensor.Ones(ys);
                Func<Tensor> f = max ? () => F.MaxPool2d(tx, k, stride, pad) : () => F.AvgPool2d(tx, k, stride, pad);
                if (!bwd) return new Runner(() => f());
                return new Runner(() => { tx.Grad = null; f().Backward(gy); });
            },
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = TorchTensor.From(x.Value, xs, bwd), gy = TorchTensor.From(Ones(Numel(ys)), ys);
                Func<TorchTensor> f = max ? () => Torch.MaxPool2d(tx, k, stride, pad) : () => Torch.AvgPool2d(tx, k, stride, pad);
                if (!bwd) return new Runner(() => f().Dispose(), tx, gy);
                return new Runner(() => { tx.ZeroGrad(); using var y = f(); y.Backward(gy); }, tx, gy);
            },
            TorchSharpPool(x, xs, ys, max, k, stride, pad));
    }

    private static BenchCase Mean(string name, int n = 8, int c = 64, int hw = 112)
    {
        int[] xs = [n, c, hw, hw];
        var x = Data(Numel(xs), 5);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, bwd);
                if (!bwd) return new Runner(() => F.Mean(tx));
                return new Runner(() => { tx.Grad = null; F.Mean(tx).Backward(); });
            },
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = TorchTensor.From(x.Value, xs, bwd);
                if (!bwd) return new Runner(() => Torch.Mean(tx).Dispose(), tx);
                return new Runner(() => { tx.ZeroGrad(); using var y = Torch.Mean(tx); y.Backward(); }, tx);
            },
            TorchSharpMean(x, xs));
    }

    /// <summary>
    /// Per-op overhead: a chain of eight small elementwise ops (16 elements), recorded and walked back.
    /// The arithmetic is negligible, so this measures recording (grad mode lookup, node creation) and
    /// the engine's walk (Note [Grad mode across await]: the mode became an AsyncLocal read).
    /// </summary>
    private static BenchCase RecordSmall(string name)
    {
        int[] xs = [16];
        var x = Data(16, 6);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor tx = Tensor.From(x.Value, xs, true);
                Tensor Chain() => F.Sum(F.Relu((tx * 2.0 + 1.0) * tx - 0.5) * tx / 3.0 + tx);
                if (!bwd) return new Runner(() => Chain());
                return new Runner(() => { tx.Grad = null; Chain().Backward(); });
            },
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor tx = TorchTensor.From(x.Value, xs, true);
                TorchTensor Chain()
                {
                    using var a = Torch.Mul(tx, 2.0); using var b = Torch.Add(a, 1.0); using var c = Torch.Mul(b, tx);
                    using var d = Torch.Sub(c, 0.5); using var e = Torch.Relu(d); using var f = Torch.Mul(e, tx);
                    using var g = Torch.Div(f, 3.0); using var h = Torch.Add(g, tx);
                    return Torch.Sum(h);
                }
                if (!bwd) return new Runner(() => Chain().Dispose(), tx);
                return new Runner(() => { tx.ZeroGrad(); using var y = Chain(); y.Backward(); }, tx);
            },
            TorchSharpRecordSmall(x));
    }

    private static BenchCase Matmul(string name, int size)
    {
        int[] s = [size, size];
        var a = Data(size * size, 6); var b = Data(size * size, 7);
        return new BenchCase(name,
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                Tensor ta = Tensor.From(a.Value, s, bwd), tb = Tensor.From(b.Value, s, bwd), gy = Tensor.Ones(s);
                if (!bwd) return new Runner(() => F.Matmul(ta, tb));
                return new Runner(() => { ta.Grad = tb.Grad = null; F.Matmul(ta, tb).Backward(gy); });
            },
            pass =>
            {
                bool bwd = pass == Pass.FwdBwd;
                TorchTensor ta = TorchTensor.From(a.Value, s, bwd), tb = TorchTensor.From(b.Value, s, bwd), gy = TorchTensor.From(Ones(size * size), s);
                if (!bwd) return new Runner(() => Torch.Matmul(ta, tb).Dispose(), ta, tb, gy);
                return new Runner(() => { ta.ZeroGrad(); tb.ZeroGrad(); using var y = Torch.Matmul(ta, tb); y.Backward(gy); }, ta, tb, gy);
            },
            TorchSharpMatmul(a, b, size));
    }

    internal static float[] Ones(int n)
    {
        var r = new float[n];
        Array.Fill(r, 1f);
        return r;
    }
}
