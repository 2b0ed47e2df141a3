using System.Numerics;

namespace Autograd;

/// <summary>
/// A dense, contiguous, row-major tensor of float32 or float64 that records the differentiable
/// operations applied to it (torch.Tensor). Storage is shared only by views (reshape, <see cref="Detach"/>,
/// like PyTorch's) and by a leaf's borrowed gradient (Note [Gradient ownership]).
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
        DType = storage is double[] ? DType.Float64 : DType.Float32;
        if (storage is not float[] and not double[])
            throw new ArgumentException($"Tensor storage must be float[] or double[], got {storage.GetType().Name}");
        if (ShapeUtil.Numel(shape) != storage.Length)
            throw new ArgumentException($"shape {ShapeUtil.Format(shape)} is invalid for input of size {storage.Length}");
    }

    /// <summary>The elements, contiguous row-major: a float[] or double[] of exactly Numel elements.</summary>
    internal Array Storage => _lease is { Revoked: true } ? throw TensorScope.Ended() : _storage;

    /// <summary>The lease on pooled storage (Note [Tensor scopes]); null for ordinary storage.</summary>
    internal TensorStorage.Lease? Lease => _lease;

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
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape array itself; callers must not mutate it.</summary>
    internal int[] Dims => _shape;

    /// <summary>Number of dimensions (tensor.dim()).</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (tensor.numel()).</summary>
    public int Numel => _storage.Length;

    /// <summary>Size of one dimension, negative dims count from the end (tensor.size(dim)).</summary>
    public int Size(int dim) => _shape[ShapeUtil.NormalizeDim(dim, Rank, "size")];

    /// <summary>Typed view of the storage; T must match <see cref="DType"/>.</summary>
    internal Span<T> Span<T>() where T : unmanaged => (T[])Storage;

    internal T[] Array<T>() where T : unmanaged => (T[])Storage;

    /// <summary>Copies the values out as float (converting float64).</summary>
    public float[] ToFloatArray() => Storage is float[] f ? (float[])f.Clone() : System.Array.ConvertAll((double[])Storage, d => (float)d);

    /// <summary>Copies the values out as double (converting float32).</summary>
    public double[] ToDoubleArray() => Storage is double[] d ? (double[])d.Clone() : System.Array.ConvertAll((float[])Storage, f => (double)f);

    /// <summary>The value of a one-element tensor (tensor.item()).</summary>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"a Tensor with {Numel} elements cannot be converted to Scalar");
        return GetDouble(0);
    }

    internal double GetDouble(int flatIndex) => Storage is float[] f ? f[flatIndex] : ((double[])Storage)[flatIndex];

    internal void SetDouble(int flatIndex, double value)
    {
        if (Storage is float[] f) f[flatIndex] = (float)value;
        else ((double[])Storage)[flatIndex] = value;
    }

    /// <summary>A deep copy with no graph history (tensor.detach().clone()).</summary>
    public Tensor CloneData() => new((Array)Storage.Clone(), (int[])_shape.Clone());

    /// <summary>Non-differentiable dtype conversion; the differentiable one is <c>x.To(dtype)</c>.</summary>
    internal Tensor ConvertData(DType dtype)
    {
        if (dtype == DType) return CloneData();
        return dtype == DType.Float64 ? new Tensor(ToDoubleArray(), _shape) : new Tensor(ToFloatArray(), _shape);
    }

    /// <summary>Allocates an uninitialised-looking (zeroed) tensor of the same dtype.</summary>
    internal static Tensor Empty(DType dtype, int[] shape)
    {
        int n = ShapeUtil.Numel(shape);
        return dtype == DType.Float32
            ? new Tensor(TensorStorage.Allocate<float>(n, zeroed: true), shape)
            : new Tensor(TensorStorage.Allocate<double>(n, zeroed: true), shape);
    }

    /// <summary>
    /// A tensor whose elements are not initialised (GC.AllocateUninitializedArray, or a pooled array
    /// inside a TensorScope): for kernels that
    /// write every element, which saves the clearing pass (a third of a large elementwise op).
    /// </summary>
    internal static Tensor Uninitialized(DType dtype, int[] shape)
    {
        int n = ShapeUtil.Numel(shape);
        return dtype == DType.Float32
            ? new Tensor(TensorStorage.Allocate<float>(n, zeroed: false), shape)
            : new Tensor(TensorStorage.Allocate<double>(n, zeroed: false), shape);
    }

    internal static Tensor Wrap<T>(T[] data, int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => new(data, shape);
}
