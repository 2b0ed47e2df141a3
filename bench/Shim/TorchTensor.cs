using System.Runtime.InteropServices;

namespace Autograd.Bench.Shim;

/// <summary>libtorch threw: the message is libtorch's own (without its C++ backtrace).</summary>
public sealed class TorchException(string message) : Exception(message);

/// <summary>
/// The binding refused to send a configuration to libtorch because libtorch 1.13 would corrupt
/// its heap on it (see <see cref="MaxPoolGuard"/>). Not a libtorch rejection: such configurations
/// are tested on our side alone.
/// </summary>
public sealed class OracleGuardException(string message) : InvalidOperationException(message);

/// <summary>One libtorch tensor (an at::Tensor held by the shim). Dispose it, or let the finalizer free it.</summary>
public sealed unsafe class TorchTensor : IDisposable
{
    private readonly Handle _handle;

    private TorchTensor(nint ptr) => _handle = new Handle(ptr);

    /// <summary>The raw handle, for calls into <see cref="Native"/>; keep this object alive across the call.</summary>
    internal nint Ptr => _handle.IsClosed ? throw new ObjectDisposedException(nameof(TorchTensor)) : _handle.DangerousGetHandle();

    public void Dispose() => _handle.Dispose();

    /// <summary>torch.tensor(data, dtype=float32).reshape(shape).requires_grad_(requiresGrad).</summary>
    public static TorchTensor From(float[] data, ReadOnlySpan<int> shape, bool requiresGrad = false)
    {
        OracleLibrary.EnsureLoaded();
        CheckLength(data.Length, shape);
        long[] s = Longs(shape);
        fixed (float* d = data) fixed (long* sp = s) return Wrap(Native.ag_from_f32(d, sp, s.Length, requiresGrad ? 1 : 0));
    }

    /// <summary>torch.tensor(data, dtype=float64).reshape(shape).requires_grad_(requiresGrad).</summary>
    public static TorchTensor From(double[] data, ReadOnlySpan<int> shape, bool requiresGrad = false)
    {
        OracleLibrary.EnsureLoaded();
        CheckLength(data.Length, shape);
        long[] s = Longs(shape);
        fixed (double* d = data) fixed (long* sp = s) return Wrap(Native.ag_from_f64(d, sp, s.Length, requiresGrad ? 1 : 0));
    }

    /// <summary>An int64 tensor (class targets, pooling indices).</summary>
    public static TorchTensor FromIndices(ReadOnlySpan<int> data, ReadOnlySpan<int> shape)
    {
        OracleLibrary.EnsureLoaded();
        CheckLength(data.Length, shape);
        long[] d = Longs(data), s = Longs(shape);
        fixed (long* dp = d) fixed (long* sp = s) return Wrap(Native.ag_from_i64(dp, sp, s.Length));
    }

    /// <summary>Our tensor's values, dtype and requires_grad copied into libtorch.</summary>
    public static TorchTensor From(Tensor t, bool? requiresGrad = null)
        => t.DType == DType.Float32
            ? From(t.ToFloatArray(), t.Shape, requiresGrad ?? t.RequiresGrad)
            : From(t.ToDoubleArray(), t.Shape, requiresGrad ?? t.RequiresGrad);

    public DType DType => Native.ag_dtype(Ptr) switch
    {
        0 => DType.Float32,
        1 => DType.Float64,
        var c => throw new InvalidOperationException($"TorchTensor has no float dtype (code {c})"),
    };

    public bool IsIndexTensor => Native.ag_dtype(Ptr) == 2;

    public int[] Shape
    {
        get
        {
            var s = new long[Native.ag_ndim(Ptr)];
            fixed (long* p = s) Check.Status(Native.ag_shape(Ptr, p));
            GC.KeepAlive(this);
            return Array.ConvertAll(s, v => checked((int)v));
        }
    }

    public int Numel => checked((int)Native.ag_numel(Ptr));

    public bool RequiresGrad
    {
        get => Native.ag_requires_grad(Ptr) == 1;
        set { Check.Status(Native.ag_set_requires_grad(Ptr, value ? 1 : 0)); GC.KeepAlive(this); }
    }

    /// <summary>tensor.grad, or null when libtorch has none (input unused or not requiring grad).</summary>
    public TorchTensor? Grad
    {
        get
        {
            nint g;
            Check.Status(Native.ag_grad(Ptr, &g));
            GC.KeepAlive(this);
            return g == 0 ? null : new TorchTensor(g);
        }
    }

    public void ZeroGrad() { Check.Status(Native.ag_zero_grad(Ptr)); GC.KeepAlive(this); }

    /// <summary>tensor.backward(gradient, retain_graph).</summary>
    public void Backward(TorchTensor? gradient = null, bool retainGraph = false)
    {
        Check.Status(Native.ag_backward(Ptr, gradient?.Ptr ?? 0, retainGraph ? 1 : 0));
        GC.KeepAlive(this);
        GC.KeepAlive(gradient);
    }

    public TorchTensor Detach() => Call(() => Native.ag_detach(Ptr), this);

    /// <summary>tensor.to(dtype).</summary>
    public TorchTensor To(DType dtype) => Call(() => Native.ag_to_dtype(Ptr, dtype == DType.Float32 ? 0 : 1), this);

    /// <summary>The values converted to double (exact for float32 and for int64 below 2^53).</summary>
    public double[] ToDoubleArray()
    {
        var r = new double[Numel];
        fixed (double* p = r) Check.Status(Native.ag_read_f64(Ptr, p, r.Length));
        GC.KeepAlive(this);
        return r;
    }

    public float[] ToFloatArray()
    {
        var r = new float[Numel];
        fixed (float* p = r) Check.Status(Native.ag_read_f32(Ptr, p, r.Length));
        GC.KeepAlive(this);
        return r;
    }

    /// <summary>An int64 tensor's values as int (pooling and max indices).</summary>
    public int[] ToIndices()
    {
        var r = new long[Numel];
        fixed (long* p = r) Check.Status(Native.ag_read_i64(Ptr, p, r.Length));
        GC.KeepAlive(this);
        return Array.ConvertAll(r, v => checked((int)v));
    }

    /// <summary>Copies the values into one of our tensors (same dtype and shape).</summary>
    public Tensor ToTensor() => DType == DType.Float32 ? Tensor.From(ToFloatArray(), Shape) : Tensor.From(ToDoubleArray(), Shape);

    internal static TorchTensor Wrap(nint ptr) => ptr == 0 ? throw Check.LastError() : new TorchTensor(ptr);

    /// <summary>Runs a native call returning a handle and keeps <paramref name="keep"/> alive until it returns.</summary>
    internal static TorchTensor Call(Func<nint> call, params ReadOnlySpan<TorchTensor?> keep)
    {
        var r = call();
        foreach (var k in keep) GC.KeepAlive(k);
        return Wrap(r);
    }

    internal static TorchTensor Adopt(nint ptr) => new(ptr);

    internal static long[] Longs(ReadOnlySpan<int> v)
    {
        var r = new long[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = v[i];
        return r;
    }

    private static void CheckLength(int length, ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n != length) throw new ArgumentException($"TorchTensor.From: {length} values do not fill shape [{string.Join(", ", shape.ToArray())}]");
    }

    private sealed class Handle : SafeHandle
    {
        public Handle(nint ptr) : base(0, true) => SetHandle(ptr);
        public override bool IsInvalid => handle == 0;
        protected override bool ReleaseHandle() { Native.ag_free(handle); return true; }
    }
}

internal static class Check
{
    internal static Exception LastError()
    {
        var msg = Marshal.PtrToStringUTF8(Native.ag_last_error()) ?? "unknown libtorch error";
        return msg.StartsWith("oracle guard:", StringComparison.Ordinal) ? new OracleGuardException(msg) : new TorchException(msg);
    }

    internal static void Status(int rc)
    {
        if (rc != 0) throw LastError();
    }
}
