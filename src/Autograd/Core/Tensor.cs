using System.Numerics;

namespace Autograd;

/// <summary>
/// A dense, contiguous, row-major tensor (float32, float64, int64, int32, bool or uint8) that records the differentiable
/// operations applied to it (torch.Tensor). Storage is shared by views (reshape, <see cref="Detach"/>, basic
/// indexing through lazy slice views: Note [Slice views]), like PyTorch's, and by a leaf's borrowed gradient
/// (Note [Gradient ownership]).
/// </summary>
public sealed partial class Tensor
{
    private Array _storage;
    private TensorStorage.Lease? _lease;
    private readonly int[] _shape;

    internal Tensor(Array storage, int[] shape)
    {
        _storage = storage;
        _lease = TensorStorage.LeaseOf(storage);
        _shape = shape;
        DType = storage switch
        {
            float[] => DType.Float32,
            double[] => DType.Float64,
            long[] => DType.Int64,
            int[] => DType.Int32,
            bool[] => DType.Bool,
            byte[] => DType.UInt8,
            _ => throw new ArgumentException($"Tensor storage must be float[], double[], long[], int[], bool[] or byte[], got {storage.GetType().Name}"),
        };
        if (ShapeUtil.Numel(shape) != storage.Length)
            throw new ArgumentException($"shape {ShapeUtil.Format(shape)} is invalid for input of size {storage.Length}");
    }

    /// <summary>The elements, contiguous row-major: an array of <see cref="DType"/>'s element type of exactly Numel elements.</summary>
    internal Array Storage => _slice is { } s ? SliceStorage(s) : _lease is { Revoked: true } ? throw TensorScope.Ended() : _storage;

    /// <summary>The lease on pooled storage (Note [Tensor scopes]); null for ordinary storage.</summary>
    internal TensorStorage.Lease? Lease => _slice is { } s ? s.Source._lease : _lease;

    /// <summary>
    /// True for a leaf's .Grad that shares its storage with a gradient the backward pass produced:
    /// the engine never adds into it in place (Note [Gradient ownership]).
    /// </summary>
    internal bool BorrowsStorage { get => _borrowsStorage; init => _borrowsStorage = value; }

    private bool _borrowsStorage;

    /// <summary>
    /// Points this tensor at new storage of the same type and length, which it then owns (the engine's
    /// copy-on-write of a borrowed gradient). Views made earlier keep the old storage.
    /// </summary>
    internal void ReplaceStorage(Array storage)
    {
        if (storage.GetType() != _storage.GetType() || storage.Length != _storage.Length)
            throw new ArgumentException($"ReplaceStorage: expected {_storage.GetType().Name} of {_storage.Length} elements, got {storage.GetType().Name} of {storage.Length}");
        _storage = storage;
        _lease = TensorStorage.LeaseOf(storage);
        _borrowsStorage = false;
    }

    /// <summary>Element type (tensor.dtype).</summary>
    public DType DType { get; }

    /// <summary>The sizes of each dimension (tensor.shape).</summary>
    public TensorShape Shape => new(_shape);

    /// <summary>The shape array itself; callers must not mutate it.</summary>
    internal int[] Dims => _shape;

    /// <summary>Number of dimensions (tensor.dim()).</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (tensor.numel()).</summary>
    public int Numel => _slice?.Numel ?? _storage.Length;

    /// <summary>Size of one dimension, negative dims count from the end (tensor.size(dim)).</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, Rank, "size")];

    /// <summary>Typed view of the storage; T must match <see cref="DType"/>.</summary>
    internal Span<T> Span<T>() where T : unmanaged => Array<T>();

    internal T[] Array<T>() where T : unmanaged => Storage as T[] ?? throw NotFloating<T>();

    // A float op reached by a tensor of another dtype (an op without a dtype check of its own): a clear
    // exception in PyTorch's words instead of an InvalidCastException.
    private NotSupportedException NotFloating<T>() =>
        new($"not implemented for '{DType.ScalarTypeName()}': this op needs a {DTypes.FromElementType(typeof(T)).TorchName()} tensor, got {DType.TorchName()} (convert with .To(DType.Float32))");

    /// <summary>
    /// Refuses an integer or bool tensor before any work, for ops PyTorch implements only for floating
    /// point (conv2d, the pools, softmax, the losses): the message names the op, the argument and the dtype.
    /// </summary>
    internal void RequireFloating(string op, string argument)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: \"{op}\" not implemented for '{DType.ScalarTypeName()}': {argument} must be a floating point tensor, got {DType.TorchName()} (convert with .To(DType.Float32))", argument);
    }

    /// <summary>Copies the values out as float (converting other dtypes).</summary>
    public float[] ToFloatArray() => Storage is float[] f ? (float[])f.Clone() : ElementConvert.ToArray<float>(Storage);

    /// <summary>Copies the values out as double (converting other dtypes).</summary>
    public double[] ToDoubleArray() => Storage is double[] d ? (double[])d.Clone() : ElementConvert.ToArray<double>(Storage);

    /// <summary>
    /// Copies the values out, flat and row-major, converted to <typeparamref name="T"/> (float, double, long,
    /// int, bool or byte) as <c>t.To(dtype)</c> converts: floats truncate toward zero, nonzero is true.
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged => Storage is T[] same ? (T[])same.Clone() : ElementConvert.ToArray<T>(Storage);

    /// <summary>
    /// The value of a one-element tensor (tensor.item()) as double: exact for every dtype except int64
    /// beyond 2^53 (use <see cref="ItemAs{T}"/>); true is 1.
    /// </summary>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"a Tensor with {Numel} elements cannot be converted to Scalar");
        return GetDouble(0);
    }

    /// <summary>The value of a one-element tensor converted to <typeparamref name="T"/> (tensor.item() for int64, bool, ...).</summary>
    public T ItemAs<T>() where T : unmanaged
    {
        if (Numel != 1)
            throw new InvalidOperationException($"a Tensor with {Numel} elements cannot be converted to Scalar");
        return ToArray<T>()[0];
    }

    internal double GetDouble(int flatIndex) => Storage switch
    {
        float[] f => f[flatIndex],
        double[] d => d[flatIndex],
        long[] l => l[flatIndex],
        int[] i => i[flatIndex],
        bool[] b => b[flatIndex] ? 1 : 0,
        var s => ((byte[])s)[flatIndex],
    };

    internal void SetDouble(int flatIndex, double value)
    {
        switch (Storage)
        {
            case float[] f: f[flatIndex] = (float)value; break;
            case double[] d: d[flatIndex] = value; break;
            default: ElementConvert.Set(Storage, flatIndex, value); break;
        }
    }

    /// <summary>A deep copy with no graph history (tensor.detach().clone()).</summary>
    public Tensor CloneData() => new((Array)Storage.Clone(), (int[])_shape.Clone());

    /// <summary>Non-differentiable dtype conversion; the differentiable one is <c>x.To(dtype)</c>.</summary>
    internal Tensor ConvertData(DType dtype)
    {
        if (dtype == DType) return CloneData();
        return new Tensor(ElementConvert.ToArray(Storage, dtype), _shape);
    }

    /// <summary>Allocates a zeroed tensor.</summary>
    internal static Tensor Empty(DType dtype, int[] shape) => Allocate(dtype, shape, zeroed: true);

    /// <summary>
    /// A tensor whose elements are not initialised (GC.AllocateUninitializedArray, or a pooled array
    /// inside a TensorScope): for kernels that
    /// write every element, which saves the clearing pass (a third of a large elementwise op).
    /// </summary>
    internal static Tensor Uninitialized(DType dtype, int[] shape) => Allocate(dtype, shape, zeroed: false);

    private static Tensor Allocate(DType dtype, int[] shape, bool zeroed)
    {
        int n = ShapeUtil.Numel(shape);
        return dtype switch
        {
            DType.Float32 => new Tensor(TensorStorage.Allocate<float>(n, zeroed), shape),
            DType.Float64 => new Tensor(TensorStorage.Allocate<double>(n, zeroed), shape),
            DType.Int64 => new Tensor(TensorStorage.Allocate<long>(n, zeroed), shape),
            DType.Int32 => new Tensor(TensorStorage.Allocate<int>(n, zeroed), shape),
            DType.Bool => new Tensor(TensorStorage.Allocate<bool>(n, zeroed), shape),
            _ => new Tensor(TensorStorage.Allocate<byte>(n, zeroed), shape),
        };
    }
}
