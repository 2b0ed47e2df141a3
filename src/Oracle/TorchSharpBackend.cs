using System.Runtime.InteropServices;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

/// <summary>libtorch rejected a configuration: the message is libtorch's own, without its C++ frames.</summary>
public sealed class TorchException(string message) : Exception(message);

/// <summary>
/// <see cref="IOracleBackend"/> on libtorch 2.10 through TorchSharp: each op calls the function
/// torch.nn.functional calls in PyTorch, with every parameter. Owns every tensor it creates and frees
/// them all on Dispose: use one engine per computation (<c>using var torch = new TorchSharpBackend();</c>).
/// </summary>
/// <remarks>
/// TorchSharp fills some defaults differently from Python (a missing stride becomes the kernel size,
/// divisor_override 0 means "none", lp_pool2d and max_unpool2d go through the C++ frontend); where that
/// could change what libtorch computes or rejects, the op is composed here the way functional.py does
/// it (lp_pool2d, max_unpool2d's output size, mse_loss's broadcast) or refused before libtorch sees it
/// (<see cref="OracleGuardException"/>). Note [TorchSharp oracle] in docs/oracle.md lists each.
/// </remarks>
public sealed partial class TorchSharpBackend : IOracleBackend, IDisposable
{
    private readonly List<TorchTensor> _owned = [];

    private static readonly Lazy<bool> SingleThreaded = new(() =>
    {
        // One libtorch thread: the same numbers every run, and no oversubscription of the machine while
        // xunit runs other test classes beside the oracle's (the benchmarks set their own counts).
        TorchSharpLibrary.NumThreads = 1;
        return true;
    });

    /// <summary>Loads TorchSharp (libtorch single-threaded); throws <see cref="TorchSharpUnavailableException"/> (one line, with the fix) when it cannot.</summary>
    public TorchSharpBackend()
    {
        TorchSharpLibrary.EnsureLoaded();
        _ = SingleThreaded.Value;
    }

    public string Name => "libtorch " + TorchSharpLibrary.LibTorchVersion;

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
    }

    /// <summary>The TorchSharp tensor behind an engine tensor of this engine.</summary>
    public static TorchTensor Unwrap(OracleTensor t) => t is Theirs th ? th.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Backend.Name}' was passed to TorchSharp");

    /// <summary>Takes ownership of <paramref name="t"/> (freed on Dispose).</summary>
    public OracleTensor Wrap(TorchTensor t)
    {
        _owned.Add(t);
        return new Theirs(this, t);
    }

    public OracleTensor From(double[] data, int[] shape, DType dtype, bool requiresGrad = false)
    {
        long[] s = Longs(shape);
        long n = s.Aggregate(1L, (a, d) => a * d);
        if (n != data.Length) throw new ArgumentException($"TorchSharpBackend.From: {data.Length} values do not fill shape [{string.Join(", ", shape)}]");
        return Wrap(dtype == DType.Float32
            ? TorchApi.tensor(Array.ConvertAll(data, v => (float)v), s, TorchApi.ScalarType.Float32, requires_grad: requiresGrad)
            : TorchApi.tensor((double[])data.Clone(), s, TorchApi.ScalarType.Float64, requires_grad: requiresGrad));
    }

    public void Backward(OracleTensor root, OracleTensor? gradient = null)
        => Run(() => { U(root).backward(gradient is null ? null : [U(gradient)]); return 0; });

    public OracleTensor?[] Grad(OracleTensor[] outputs, OracleTensor[] inputs, OracleTensor?[]? gradOutputs = null, bool createGraph = false, bool allowUnused = false)
    {
        var grads = Run(() => TorchApi.autograd.grad(outputs.Select(U).ToList(), inputs.Select(U).ToList(),
            gradOutputs?.Select(g => g is null ? null! : U(g)).ToList(), retain_graph: createGraph, create_graph: createGraph, allow_unused: allowUnused));   // retain as PyTorch defaults it: TorchSharp does not
        return grads.Select(g => g is null || g.IsInvalid ? null : Wrap(g)).ToArray();
    }

    public OracleTensor Add(OracleTensor a, OracleTensor b) => Op(() => U(a).add(U(b)));
    public OracleTensor Sub(OracleTensor a, OracleTensor b) => Op(() => U(a).sub(U(b)));
    public OracleTensor Mul(OracleTensor a, OracleTensor b) => Op(() => U(a).mul(U(b)));
    public OracleTensor Div(OracleTensor a, OracleTensor b) => Op(() => U(a).div(U(b)));
    public OracleTensor Add(OracleTensor a, double b) => Op(() => U(a).add(b));
    public OracleTensor Sub(OracleTensor a, double b) => Op(() => U(a).sub(b));
    public OracleTensor Mul(OracleTensor a, double b) => Op(() => U(a).mul(b));
    public OracleTensor Div(OracleTensor a, double b) => Op(() => U(a).div(b));
    public OracleTensor Neg(OracleTensor x) => Op(() => U(x).neg());
    public OracleTensor Pow(OracleTensor x, double exponent) => Op(() => U(x).pow(exponent));
    public OracleTensor Exp(OracleTensor x) => Op(() => U(x).exp());
    public OracleTensor Log(OracleTensor x) => Op(() => U(x).log());
    public OracleTensor Sqrt(OracleTensor x) => Op(() => U(x).sqrt());
    public OracleTensor Abs(OracleTensor x) => Op(() => U(x).abs());
    public OracleTensor Relu(OracleTensor x) => Op(() => TorchApi.nn.functional.relu(U(x)));
    public OracleTensor Sigmoid(OracleTensor x) => Op(() => U(x).sigmoid());
    public OracleTensor Tanh(OracleTensor x) => Op(() => U(x).tanh());
    public OracleTensor Clamp(OracleTensor x, double? min = null, double? max = null)
        => Op(() => U(x).clamp(min is { } lo ? (global::TorchSharp.Scalar)lo : null, max is { } hi ? (global::TorchSharp.Scalar)hi : null));

    public OracleTensor Sum(OracleTensor x) => Op(() => U(x).sum());
    public OracleTensor Sum(OracleTensor x, int[] dims, bool keepDim = false) => Op(() => U(x).sum(Longs(dims), keepDim));
    public OracleTensor Mean(OracleTensor x) => Op(() => U(x).mean());
    public OracleTensor Mean(OracleTensor x, int[] dims, bool keepDim = false) => Op(() => U(x).mean(Longs(dims), keepDim));
    public OracleTensor Max(OracleTensor x) => Op(() => U(x).max());
    public OracleTensor Min(OracleTensor x) => Op(() => U(x).min());

    public (OracleTensor Values, int[] Indices) Max(OracleTensor x, int dim, bool keepDim = false) => WithIndices(() => U(x).max(dim, keepDim));
    public (OracleTensor Values, int[] Indices) Min(OracleTensor x, int dim, bool keepDim = false) => WithIndices(() => U(x).min(dim, keepDim));

    public OracleTensor Reshape(OracleTensor x, int[] shape) => Op(() => U(x).reshape(Longs(shape)));
    public OracleTensor View(OracleTensor x, int[] shape) => Op(() => U(x).view(Longs(shape)));
    public OracleTensor Flatten(OracleTensor x, int startDim = 0, int endDim = -1) => Op(() => U(x).flatten(startDim, endDim));
    public OracleTensor Permute(OracleTensor x, int[] dims) => Op(() => U(x).permute(Longs(dims)));
    public OracleTensor Transpose(OracleTensor x, int dim0, int dim1) => Op(() => U(x).transpose(dim0, dim1));
    public OracleTensor Unsqueeze(OracleTensor x, int dim) => Op(() => U(x).unsqueeze(dim));
    public OracleTensor Squeeze(OracleTensor x) => Op(() => U(x).squeeze());
    public OracleTensor Squeeze(OracleTensor x, int dim) => Op(() => U(x).squeeze(dim));

    /// <summary>
    /// torch.matmul. TorchSharp 0.107's native matmul does not catch libtorch's error, so shapes libtorch
    /// rejects would terminate the process: they are refused here first (PyTorch rejects them too).
    /// </summary>
    public OracleTensor Matmul(OracleTensor a, OracleTensor b)
    {
        var (x, y) = (U(a), U(b));
        if (MatmulShapeError(x.shape, y.shape) is { } why)
            throw new OracleGuardException($"oracle guard: matmul of [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]: {why}; " +
                "PyTorch rejects it, and TorchSharp's matmul would terminate the process on libtorch's error",
                "matmul shapes PyTorch rejects: TorchSharp's matmul terminates on them", libtorchRejects: true);
        return Op(() => x.matmul(y));
    }

    /// <summary>Why torch.matmul rejects these shapes, or null when it accepts them.</summary>
    public static string? MatmulShapeError(long[] a, long[] b)
    {
        if (a.Length == 0 || b.Length == 0) return "both arguments to matmul need to be at least 1D";
        long inner = a[^1], other = b.Length == 1 ? b[0] : b[^2];
        if (inner != other) return $"inner dims differ ({inner} and {other})";
        long[] ba = a.Length > 2 ? a[..^2] : [], bb = b.Length > 2 ? b[..^2] : [];
        for (int i = 1; i <= Math.Min(ba.Length, bb.Length); i++)
            if (ba[^i] != bb[^i] && ba[^i] != 1 && bb[^i] != 1) return "batch dims do not broadcast";
        return null;
    }
    public OracleTensor Linear(OracleTensor x, OracleTensor weight, OracleTensor? bias = null)
        => Op(() => TorchApi.nn.functional.linear(U(x), U(weight), Opt(bias)));
    public OracleTensor Softmax(OracleTensor x, int dim) => Op(() => TorchApi.nn.functional.softmax(U(x), dim));
    public OracleTensor LogSoftmax(OracleTensor x, int dim) => Op(() => TorchApi.nn.functional.log_softmax(U(x), dim));

    /// <summary>F.cross_entropy with class indices; the target is 0-dim for an unbatched (C) input, as in PyTorch.</summary>
    public OracleTensor CrossEntropy(OracleTensor input, int[] target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        var x = U(input);
        long[] shape = x.dim() == 1 && target.Length == 1 ? [] : [target.Length];
        using var t = TorchApi.tensor(Longs(target), shape, TorchApi.ScalarType.Int64);
        return Op(() => TorchApi.nn.functional.cross_entropy(x, t, null, ignoreIndex, ReductionOf(reduction)));
    }

    /// <summary>F.mse_loss: broadcasts input and target first, as functional.py does (here without its warning).</summary>
    public OracleTensor MseLoss(OracleTensor input, OracleTensor target, Reduction reduction = Reduction.Mean)
        => Op(() =>
        {
            var both = TorchApi.broadcast_tensors(U(input), U(target));
            try { return TorchApi.nn.functional.mse_loss(both[0], both[1], ReductionOf(reduction)); }
            finally { foreach (var b in both) b.Dispose(); }
        });

    private static TorchApi.nn.Reduction ReductionOf(Reduction r) => r switch
    {
        Reduction.None => TorchApi.nn.Reduction.None,
        Reduction.Mean => TorchApi.nn.Reduction.Mean,
        Reduction.Sum => TorchApi.nn.Reduction.Sum,
        _ => throw new ArgumentOutOfRangeException(nameof(r), r, "unknown reduction"),
    };

    private TorchTensor U(OracleTensor t) => t is Theirs th && th.Owner == this ? th.Tensor
        : throw new ArgumentException($"a tensor of engine '{t.Backend.Name}' was passed to another engine");

    private TorchTensor? Opt(OracleTensor? t) => t is null ? null : U(t);

    /// <summary>Runs a TorchSharp call; libtorch's error becomes a <see cref="TorchException"/> with its message alone.</summary>
    private static T Run<T>(Func<T> call)
    {
        try { return call(); }
        catch (ExternalException e) { throw new TorchException(TorchSharpLibrary.ShortMessage(e)); }
    }

    private OracleTensor Op(Func<TorchTensor> call) => Wrap(Run(call));

    private (OracleTensor, int[]) WithIndices(Func<(TorchTensor, TorchTensor)> call)
    {
        var (v, i) = Run(call);
        using (i) return (Wrap(v), TorchConversions.ReadIndices(i));
    }

    internal static long[] Longs(ReadOnlySpan<int> v)
    {
        var r = new long[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = v[i];
        return r;
    }

    private sealed class Theirs(TorchSharpBackend owner, TorchTensor tensor) : OracleTensor
    {
        public TorchSharpBackend Owner => owner;
        public TorchTensor Tensor => tensor;
        public override IOracleBackend Backend => owner;
        public override int[] Shape => Array.ConvertAll(tensor.shape, d => checked((int)d));
        public override DType DType => AnyDTypeOf(tensor.dtype);
        public override bool RequiresGrad => tensor.requires_grad;
        public override double[] Values() => AnyValues(tensor);

        public override double[]? GradValues()
        {
            using var g = tensor.grad;
            return g is null ? null : TorchConversions.ReadDoubles(g);
        }
    }
}
