using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.TorchSharp;

/// <summary>
/// Conversions between Autograd's <see cref="Tensor"/> and TorchSharp's <c>torch.Tensor</c>:
/// <c>tensor.ToTorch()</c>, <c>Tensor.FromTorch(t)</c> (or <c>t.ToAutograd()</c>).
/// </summary>
/// <remarks>
/// Both directions copy the values: the two engines never share memory, so changing one side later
/// does not change the other, and neither keeps the other's tensor alive. The copy is a new leaf: it
/// is not connected to the graph the source belongs to (gradients do not flow across a conversion).
/// dtypes map float32, float64, int64, int32, bool and uint8 to the torch dtypes of the same names;
/// shapes are kept exactly, 0-dim included. requires_grad follows the source unless <c>requiresGrad</c> says otherwise.
/// </remarks>
public static class TorchConversions
{
    extension(Tensor tensor)
    {
        /// <summary>A TorchSharp copy of this tensor (CPU, same dtype and shape), a leaf.</summary>
        public TorchTensor ToTorch(bool? requiresGrad = null)
        {
            TorchSharpLibrary.EnsureLoaded();
            long[] shape = ToLongs(tensor.Shape);
            bool grad = requiresGrad ?? tensor.RequiresGrad;
            return tensor.DType switch
            {
                DType.Float32 => TorchApi.tensor(tensor.ToFloatArray(), shape, TorchApi.ScalarType.Float32, requires_grad: grad),
                DType.Float64 => TorchApi.tensor(tensor.ToDoubleArray(), shape, TorchApi.ScalarType.Float64, requires_grad: grad),
                DType.Int64 => TorchApi.tensor(tensor.ToArray<long>(), shape, TorchApi.ScalarType.Int64),
                DType.Int32 => TorchApi.tensor(tensor.ToArray<int>(), shape, TorchApi.ScalarType.Int32),
                DType.Bool => TorchApi.tensor(tensor.ToArray<bool>(), shape, TorchApi.ScalarType.Bool),
                _ => TorchApi.tensor(tensor.ToArray<byte>(), shape, TorchApi.ScalarType.Byte),
            };
        }
    }

    extension(Tensor)
    {
        /// <summary>
        /// An Autograd copy of a TorchSharp tensor (float32 or float64, on any device, any strides), a leaf.
        /// Other dtypes are rejected: convert them first (<c>t.to(torch.float64)</c>).
        /// </summary>
        public static Tensor FromTorch(TorchTensor tensor, bool? requiresGrad = null)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            TorchSharpLibrary.EnsureLoaded();
            var dtype = DTypeOf(tensor.dtype, "FromTorch");
            bool grad = requiresGrad ?? tensor.requires_grad;
            int[] shape = ToInts(tensor.shape, "FromTorch");
            return dtype switch
            {
                DType.Float32 => Tensor.From(ReadFloats(tensor), shape, grad),
                DType.Float64 => Tensor.From(ReadDoubles(tensor), shape, grad),
                DType.Int64 => Tensor.From(ReadPlain<long>(tensor), shape),
                DType.Int32 => Tensor.From(ReadPlain<int>(tensor), shape),
                DType.Bool => Tensor.From(ReadPlain<bool>(tensor), shape),
                _ => Tensor.From(ReadPlain<byte>(tensor), shape),
            };
        }
    }

    extension(TorchTensor tensor)
    {
        /// <summary>The same as <c>Tensor.FromTorch(tensor, requiresGrad)</c>.</summary>
        public Tensor ToAutograd(bool? requiresGrad = null) => Tensor.FromTorch(tensor, requiresGrad);
    }

    /// <summary>Our dtype of a TorchSharp dtype; one we lack (float16, complex, ...) is an ArgumentException naming <paramref name="op"/>.</summary>
    public static DType DTypeOf(TorchApi.ScalarType type, string op) => type switch
    {
        TorchApi.ScalarType.Float32 => DType.Float32,
        TorchApi.ScalarType.Float64 => DType.Float64,
        TorchApi.ScalarType.Int64 => DType.Int64,
        TorchApi.ScalarType.Int32 => DType.Int32,
        TorchApi.ScalarType.Bool => DType.Bool,
        TorchApi.ScalarType.Byte => DType.UInt8,
        _ => throw new ArgumentException(
            $"{op}: a torch.{type} tensor has no Autograd dtype (Autograd has float32, float64, int64, int32, bool and uint8); convert it first, e.g. t.to(torch.float64)", "tensor"),
    };

    /// <summary>TorchSharp's dtype of ours.</summary>
    public static TorchApi.ScalarType ScalarTypeOf(DType dtype) => dtype switch
    {
        DType.Float32 => TorchApi.ScalarType.Float32,
        DType.Float64 => TorchApi.ScalarType.Float64,
        DType.Int64 => TorchApi.ScalarType.Int64,
        DType.Int32 => TorchApi.ScalarType.Int32,
        DType.Bool => TorchApi.ScalarType.Bool,
        _ => TorchApi.ScalarType.Byte,
    };

    /// <summary>The elements of a tensor of element type T (read from a contiguous CPU copy when needed).</summary>
    public static T[] ReadPlain<T>(TorchTensor tensor) where T : unmanaged
    {
        using var plain = Plain(tensor);
        return plain.numel() == 0 ? [] : Read<T>(plain);
    }

    /// <summary>The values of a float tensor as double (exact for float32), read from a contiguous CPU copy when needed.</summary>
    public static double[] ReadDoubles(TorchTensor tensor)
    {
        using var plain = Plain(tensor);
        if (plain.numel() == 0) return [];   // TorchSharp's accessor cannot read an empty tensor
        return plain.dtype == TorchApi.ScalarType.Float64 ? Read<double>(plain)
            : plain.dtype == TorchApi.ScalarType.Float32 ? Array.ConvertAll(Read<float>(plain), v => (double)v)
            : plain.dtype == TorchApi.ScalarType.Int64 ? Array.ConvertAll(Read<long>(plain), v => (double)v)
            : throw new ArgumentException($"ReadDoubles: torch.{plain.dtype} is not float32, float64 or int64", nameof(tensor));
    }

    /// <summary>The values of a float32 tensor.</summary>
    public static float[] ReadFloats(TorchTensor tensor)
    {
        using var plain = Plain(tensor);
        if (plain.numel() == 0) return [];
        return plain.dtype == TorchApi.ScalarType.Float32 ? Read<float>(plain) : Array.ConvertAll(ReadDoubles(plain), v => (float)v);
    }

    /// <summary>
    /// The elements of a plain (contiguous CPU, non-empty) tensor. libtorch returns some zero gradients as an
    /// efficient zero tensor, which has no storage (sgn's derivative, met by the Hessian of abs): TorchSharp exposes
    /// no test for one and its accessor throws NullReferenceException on it, so such a tensor is read as the
    /// real zeros it stands for (added onto a fresh zeros tensor, which libtorch's zero-tensor kernels allow).
    /// </summary>
    private static T[] Read<T>(TorchTensor plain) where T : unmanaged
    {
        try { return plain.data<T>().ToArray(); }
        catch (NullReferenceException)
        {
            using var real = TorchApi.zeros(plain.shape, plain.dtype);
            real.add_(plain);
            return real.data<T>().ToArray();
        }
    }

    /// <summary>An int64 tensor's values as int (pooling and max indices); an index beyond int is an error.</summary>
    public static int[] ReadIndices(TorchTensor tensor)
    {
        using var plain = Plain(tensor);
        if (plain.numel() == 0) return [];
        return Array.ConvertAll(plain.data<long>().ToArray(), v => checked((int)v));
    }

    internal static long[] ToLongs(ReadOnlySpan<int> v)
    {
        var r = new long[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = v[i];
        return r;
    }

    internal static int[] ToInts(long[] shape, string op)
    {
        var r = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            r[i] = shape[i] <= int.MaxValue ? (int)shape[i]
                : throw new ArgumentException($"{op}: dim {i} of size {shape[i]} is larger than Autograd's tensors allow (int sizes)", "tensor");
        return r;
    }

    /// <summary>A detached, contiguous CPU view or copy (data&lt;T&gt;() reads raw storage, so the layout must be plain).</summary>
    private static TorchTensor Plain(TorchTensor t)
    {
        var d = t.detach();
        if (d.device_type != global::TorchSharp.DeviceType.CPU) { var c = d.cpu(); d.Dispose(); d = c; }
        if (!d.is_contiguous()) { var c = d.contiguous(); d.Dispose(); d = c; }
        return d;
    }
}
