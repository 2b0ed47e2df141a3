using Autograd.Kernels;

namespace Autograd;

// eq, ne, lt, le, gt, ge: bool results, never differentiable (PyTorch gives them no grad_fn).
// Operands are compared in their promoted dtype (Note [Type promotion]): int64 with float32 compares as
// float32, as PyTorch does. NaN compares unequal to everything (ne is true), as IEEE says.
// logical_and/or/xor/not and the operators & | ^ ~ on bool tensors: nonzero is true.
public static partial class F
{
    /// <summary>torch.eq: a == b elementwise, with broadcasting.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare<CompareKernel.Eq>(a, b, "eq");

    /// <summary>torch.ne: a != b elementwise (NaN != anything is true).</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare<CompareKernel.Ne>(a, b, "ne");

    /// <summary>torch.lt: a &lt; b elementwise.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => Compare<CompareKernel.Lt>(a, b, "lt");

    /// <summary>torch.le: a &lt;= b elementwise.</summary>
    public static Tensor Le(Tensor a, Tensor b) => Compare<CompareKernel.Le>(a, b, "le");

    /// <summary>torch.gt: a &gt; b elementwise.</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare<CompareKernel.Lt>(b, a, "gt");

    /// <summary>torch.ge: a &gt;= b elementwise.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare<CompareKernel.Le>(b, a, "ge");

    /// <summary>Elementwise <c>a == b</c> against a number (<c>torch.eq(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Eq(Tensor a, double b) => Eq(a, Number(a, b));
    /// <summary>Elementwise <c>a != b</c> against a number (<c>torch.ne(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Ne(Tensor a, double b) => Ne(a, Number(a, b));
    /// <summary>Elementwise <c>a &lt; b</c> against a number (<c>torch.lt(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Lt(Tensor a, double b) => Lt(a, Number(a, b));
    /// <summary>Elementwise <c>a &lt;= b</c> against a number (<c>torch.le(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Le(Tensor a, double b) => Le(a, Number(a, b));
    /// <summary>Elementwise <c>a &gt; b</c> against a number (<c>torch.gt(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Gt(Tensor a, double b) => Gt(a, Number(a, b));
    /// <summary>Elementwise <c>a &gt;= b</c> against a number (<c>torch.ge(a, b)</c>): a bool tensor shaped like <paramref name="a"/>.</summary>
    public static Tensor Ge(Tensor a, double b) => Ge(a, Number(a, b));

    /// <summary>torch.logical_not (the ~ operator on a bool tensor).</summary>
    public static Tensor LogicalNot(Tensor x)
    {
        var v = x.ToArray<bool>();
        for (int i = 0; i < v.Length; i++) v[i] = !v[i];
        return new Tensor(v, x.Dims);
    }

    /// <summary>torch.logical_and, with broadcasting.</summary>
    public static Tensor LogicalAnd(Tensor a, Tensor b) => Logical(a, b, "logical_and", static (p, q) => p && q);

    /// <summary>torch.logical_or, with broadcasting.</summary>
    public static Tensor LogicalOr(Tensor a, Tensor b) => Logical(a, b, "logical_or", static (p, q) => p || q);

    /// <summary>torch.logical_xor, with broadcasting.</summary>
    public static Tensor LogicalXor(Tensor a, Tensor b) => Logical(a, b, "logical_xor", static (p, q) => p ^ q);

    /// <summary>A C# number compared with a tensor: an integral number keeps integer tensors integral.</summary>
    private static Tensor Number(Tensor a, double b)
        => Tensor.Scalar(b, DTypes.ResultType(a.DType, isFloat: b != Math.Floor(b) || !double.IsFinite(b)));

    private static Tensor Compare<TCmp>(Tensor a, Tensor b, string op) where TCmp : ICompare
    {
        var type = DTypes.ResultType(a, b);
        var shape = ShapeUtil.SameShape(a.Shape, b.Shape) ? a.Dims : ShapeUtil.Broadcast(a.Shape, b.Shape, op);
        // Compared in the promoted dtype: float32 [n] > 0.1 compares with 0.1 rounded to float32, as PyTorch does.
        if (a.DType != type) a = a.ConvertData(type);
        if (b.DType != type) b = b.ConvertData(type);
        var result = Tensor.Uninitialized(DType.Bool, shape);   // every element written
        var r = result.Array<bool>();
        switch (a.Storage)
        {
            case float[]: CompareKernel.Run<float, TCmp>(a, b, shape, r); break;
            case double[]: CompareKernel.Run<double, TCmp>(a, b, shape, r); break;
            case long[]: CompareKernel.Run<long, TCmp>(a, b, shape, r); break;
            case int[]: CompareKernel.Run<int, TCmp>(a, b, shape, r); break;
            default: CompareKernel.Run<byte, TCmp>(a.DType == DType.Bool ? a.ConvertData(DType.UInt8) : a, b.DType == DType.Bool ? b.ConvertData(DType.UInt8) : b, shape, r); break;
        }
        return result;
    }

    private static Tensor Logical(Tensor a, Tensor b, string op, Func<bool, bool, bool> f)
    {
        var shape = ShapeUtil.SameShape(a.Shape, b.Shape) ? a.Dims : ShapeUtil.Broadcast(a.Shape, b.Shape, op);
        bool[] x = a.ToArray<bool>(), y = b.ToArray<bool>();
        var r = new bool[ShapeUtil.Numel(shape)];
        Elementwise(a.Dims, b.Dims, shape, r, (i, j) => f(x[i], y[j]));
        return new Tensor(r, shape);
    }

    /// <summary>r[o] = f(flat index in a, flat index in b) over the broadcast shape.</summary>
    private static void Elementwise(int[] sa, int[] sb, int[] shape, bool[] r, Func<int, int, bool> f)
    {
        if (r.Length == 0) return;
        var ta = Broadcast.Strides(sa, shape);
        var tb = Broadcast.Strides(sb, shape);
        int inner = shape.Length == 0 ? 1 : shape[^1];
        int ia = shape.Length == 0 ? 0 : ta[^1], ib = shape.Length == 0 ? 0 : tb[^1];
        Broadcast.ForEachRow(shape, ta, tb, (o, oa, ob) =>
        {
            for (int i = 0; i < inner; i++) r[o + i] = f(oa + i * ia, ob + i * ib);
        });
    }
}

/// <summary>The <see cref="Tensor"/> member forms (<c>x.Op(...)</c>, as PyTorch's tensor methods) of the Compare ops in <see cref="F"/>.</summary>
public static class TensorCompareExtensions
{
    extension(Tensor x)
    {
        /// <summary>tensor.eq(other).</summary>
        public Tensor Eq(Tensor other) => F.Eq(x, other);
        /// <summary>Elementwise <c>x == other</c> against a number (<c>x.eq(other)</c>): a bool tensor.</summary>
        public Tensor Eq(double other) => F.Eq(x, other);
        /// <summary>tensor.ne(other).</summary>
        public Tensor Ne(Tensor other) => F.Ne(x, other);
        /// <summary>Elementwise <c>x != other</c> against a number (<c>x.ne(other)</c>): a bool tensor.</summary>
        public Tensor Ne(double other) => F.Ne(x, other);
        /// <summary>tensor.lt(other).</summary>
        public Tensor Lt(Tensor other) => F.Lt(x, other);
        /// <summary>Elementwise <c>x &lt; other</c> against a number (<c>x.lt(other)</c>): a bool tensor.</summary>
        public Tensor Lt(double other) => F.Lt(x, other);
        /// <summary>tensor.le(other).</summary>
        public Tensor Le(Tensor other) => F.Le(x, other);
        /// <summary>Elementwise <c>x &lt;= other</c> against a number (<c>x.le(other)</c>): a bool tensor.</summary>
        public Tensor Le(double other) => F.Le(x, other);
        /// <summary>tensor.gt(other).</summary>
        public Tensor Gt(Tensor other) => F.Gt(x, other);
        /// <summary>Elementwise <c>x &gt; other</c> against a number (<c>x.gt(other)</c>): a bool tensor.</summary>
        public Tensor Gt(double other) => F.Gt(x, other);
        /// <summary>tensor.ge(other).</summary>
        public Tensor Ge(Tensor other) => F.Ge(x, other);
        /// <summary>Elementwise <c>x &gt;= other</c> against a number (<c>x.ge(other)</c>): a bool tensor.</summary>
        public Tensor Ge(double other) => F.Ge(x, other);
        /// <summary>tensor.logical_not().</summary>
        public Tensor LogicalNot() => F.LogicalNot(x);
    }

    // == and != are not overloaded: C# reference equality of tensors (x == null) must keep its meaning;
    // use x.Eq(y) / x.Ne(y) (TorchSharp makes the same choice).
    extension(Tensor)
    {
        /// <summary>Elementwise <c>a &lt; b</c> with broadcasting (<c>torch.lt</c>, <see cref="F.Lt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <(Tensor a, Tensor b) => F.Lt(a, b);
        /// <summary>Elementwise <c>a &gt; b</c> with broadcasting (<c>torch.gt</c>, <see cref="F.Gt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >(Tensor a, Tensor b) => F.Gt(a, b);
        /// <summary>Elementwise <c>a &lt;= b</c> with broadcasting (<c>torch.le</c>, <see cref="F.Le(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <=(Tensor a, Tensor b) => F.Le(a, b);
        /// <summary>Elementwise <c>a &gt;= b</c> with broadcasting (<c>torch.ge</c>, <see cref="F.Ge(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >=(Tensor a, Tensor b) => F.Ge(a, b);
        /// <summary>Elementwise <c>a &lt; b</c> with broadcasting (<c>torch.lt</c>, <see cref="F.Lt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <(Tensor a, double b) => F.Lt(a, b);
        /// <summary>Elementwise <c>a &gt; b</c> with broadcasting (<c>torch.gt</c>, <see cref="F.Gt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >(Tensor a, double b) => F.Gt(a, b);
        /// <summary>Elementwise <c>a &lt;= b</c> with broadcasting (<c>torch.le</c>, <see cref="F.Le(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <=(Tensor a, double b) => F.Le(a, b);
        /// <summary>Elementwise <c>a &gt;= b</c> with broadcasting (<c>torch.ge</c>, <see cref="F.Ge(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >=(Tensor a, double b) => F.Ge(a, b);
        /// <summary>Elementwise <c>a &lt; b</c> with broadcasting (<c>torch.lt</c>, <see cref="F.Lt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <(double a, Tensor b) => F.Gt(b, a);
        /// <summary>Elementwise <c>a &gt; b</c> with broadcasting (<c>torch.gt</c>, <see cref="F.Gt(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >(double a, Tensor b) => F.Lt(b, a);
        /// <summary>Elementwise <c>a &lt;= b</c> with broadcasting (<c>torch.le</c>, <see cref="F.Le(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator <=(double a, Tensor b) => F.Ge(b, a);
        /// <summary>Elementwise <c>a &gt;= b</c> with broadcasting (<c>torch.ge</c>, <see cref="F.Ge(Tensor, Tensor)"/>): a bool tensor.</summary>
        public static Tensor operator >=(double a, Tensor b) => F.Le(b, a);
        /// <summary>Elementwise logical and of two tensors, nonzero as true (<c>&amp;</c> on bool tensors in PyTorch, <c>torch.logical_and</c>): a bool tensor.</summary>
        public static Tensor operator &(Tensor a, Tensor b) => F.LogicalAnd(a, b);
        /// <summary>Elementwise logical or of two tensors, nonzero as true (<c>|</c> on bool tensors in PyTorch, <c>torch.logical_or</c>): a bool tensor.</summary>
        public static Tensor operator |(Tensor a, Tensor b) => F.LogicalOr(a, b);
        /// <summary>Elementwise logical exclusive or of two tensors, nonzero as true (<c>^</c> on bool tensors in PyTorch, <c>torch.logical_xor</c>): a bool tensor.</summary>
        public static Tensor operator ^(Tensor a, Tensor b) => F.LogicalXor(a, b);
        /// <summary>Elementwise logical not, zero as true (<c>~m</c> on a bool tensor, <c>torch.logical_not</c>): a bool tensor.</summary>
        public static Tensor operator ~(Tensor a) => F.LogicalNot(a);
    }
}
