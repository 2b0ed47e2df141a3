using System.Globalization;
using System.Text;

namespace Autograd;

// Note [Printing]
// ToString follows torch/_tensor_str.py (PyTorch 1.13, default print options: precision 4,
// linewidth 80, threshold 1000, edgeitems 3): integer mode prints "1.", fixed mode "0.1111",
// scientific mode "1.0000e-05" when the nonzero finite magnitudes span more than 1000x, exceed 1e8 or
// fall below 1e-4; every element is right-aligned to the widest nonzero finite one. Integer and bool
// tensors print their values as Python's str() does ("1", "True"), right-aligned to the widest shown;
// the dtype suffix appears unless the dtype is float32, int64 or bool (any dtype but float32 when empty).
internal sealed class TensorFormatter
{
    private const int Precision = 4, LineWidth = 80, Threshold = 1000, EdgeItems = 3;
    private readonly bool _intMode = true, _sciMode;
    private readonly int _maxWidth = 1;
    private readonly string[]? _exact;   // integer and bool tensors: every value's text, by flat index

    private TensorFormatter(string[] exact, IEnumerable<int> visible)
    {
        _exact = exact;
        _maxWidth = visible.Select(i => exact[i].Length).DefaultIfEmpty(1).Max();
    }

    private TensorFormatter(IEnumerable<double> values)
    {
        var nz = values.Where(v => double.IsFinite(v) && v != 0).ToList();
        if (nz.Count == 0) return;
        double min = nz.Min(Math.Abs), max = nz.Max(Math.Abs);
        _intMode = nz.All(v => v == Math.Ceiling(v));
        if (_intMode)
        {
            if (max / min > 1000 || max > 1e8) { _sciMode = true; _maxWidth = nz.Max(v => Sci(v).Length); }
            else _maxWidth = nz.Max(v => v.ToString("F0", CultureInfo.InvariantCulture).Length + 1);
        }
        else if (max / min > 1000 || max > 1e8 || min < 1e-4) { _sciMode = true; _maxWidth = nz.Max(v => Sci(v).Length); }
        else _maxWidth = nz.Max(v => v.ToString("F" + Precision, CultureInfo.InvariantCulture).Length);
    }

    // Python's '{:.4e}': the standard "E4" format rounds exact ties to even like Python (a custom
    // "0.0000e+00" pattern rounds them away from zero: 1.03125 → 1.0313 instead of 1.0312); only the
    // exponent needs rewriting, from "E+005" to "e+05".
    private static string Sci(double v)
    {
        var s = v.ToString("E" + Precision, CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        var digits = s[(e + 2)..].TrimStart('0').PadLeft(2, '0');
        return string.Concat(s.AsSpan(0, e), "e", s.AsSpan(e + 1, 1), digits);
    }

    private string Format(double v)
    {
        string s;
        if (double.IsNaN(v)) s = "nan";
        else if (double.IsPositiveInfinity(v)) s = "inf";
        else if (double.IsNegativeInfinity(v)) s = "-inf";
        else if (_sciMode) s = Sci(v);
        else if (_intMode) s = v.ToString("F0", CultureInfo.InvariantCulture) + ".";
        else s = v.ToString("F" + Precision, CultureInfo.InvariantCulture);
        return s.PadLeft(_maxWidth);
    }

    private string Cell(double[] values, int flat) => _exact is { } e ? e[flat].PadLeft(_maxWidth) : Format(values[flat]);

    internal static string ToString(Tensor t)
    {
        const string prefix = "tensor(";
        var suffixes = new List<string>();
        string body;
        if (t.Numel == 0)
        {
            if (t.Rank != 1) suffixes.Add("size=(" + string.Join(", ", t.Dims) + (t.Rank == 1 ? ",)" : ")"));
            if (t.DType != DType.Float32) suffixes.Add("dtype=" + t.DType.TorchName());
            body = "[]";
        }
        else
        {
            if (t.DType is not (DType.Float32 or DType.Int64 or DType.Bool)) suffixes.Add("dtype=" + t.DType.TorchName());
            bool summarize = t.Numel > Threshold;
            var values = t.ToDoubleArray();
            var fmt = t.DType.IsFloatingPoint()
                ? new TensorFormatter(Visible(Enumerable.Range(0, values.Length), t.Dims, summarize).Select(i => values[i]))
                : new TensorFormatter(Exact(t), Visible(Enumerable.Range(0, values.Length), t.Dims, summarize));
            body = fmt.Block(values, t.Dims, 0, 0, prefix.Length, summarize);
        }
        if (t.GradFn is { } fn) suffixes.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");

        var sb = new StringBuilder(prefix).Append(body);
        int lastLine = body.Length - body.LastIndexOf('\n') + 1 + (body.Contains('\n') ? 0 : prefix.Length);
        foreach (var s in suffixes)
        {
            if (lastLine + s.Length + 2 > LineWidth) { sb.Append(",\n").Append(' ', prefix.Length).Append(s); lastLine = prefix.Length + s.Length; }
            else { sb.Append(", ").Append(s); lastLine += s.Length + 2; }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Python's str() of every element of an integer or bool tensor.</summary>
    private static string[] Exact(Tensor t) => t.Storage switch
    {
        bool[] b => b.Select(v => v ? "True" : "False").ToArray(),
        _ => t.ToArray<long>().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray(),
    };

    /// <summary>The flat indices of the values that will be printed (the edges only when summarizing).</summary>
    private static IEnumerable<int> Visible(IEnumerable<int> values, int[] dims, bool summarize)
    {
        if (!summarize) return values;
        var keep = new List<int>();
        var strides = ShapeUtil.Strides(dims);
        var idx = new int[dims.Length];
        foreach (int flat in values)
        {
            int rem = flat; bool shown = true;
            for (int d = 0; d < dims.Length; d++)
            {
                idx[d] = rem / strides[d]; rem %= strides[d];
                if (dims[d] > 2 * EdgeItems && idx[d] >= EdgeItems && idx[d] < dims[d] - EdgeItems) shown = false;
            }
            if (shown) keep.Add(flat);
        }
        return keep;
    }

    private IEnumerable<int> Rows(int size, bool summarize)
        => summarize && size > 2 * EdgeItems
            ? Enumerable.Range(0, EdgeItems).Append(-1).Concat(Enumerable.Range(size - EdgeItems, EdgeItems))
            : Enumerable.Range(0, size);

    private string Block(double[] values, int[] dims, int dim, int offset, int indent, bool summarize)
    {
        if (dims.Length == 0) return Cell(values, 0);
        int stride = 1;
        for (int d = dim + 1; d < dims.Length; d++) stride *= dims[d];
        if (dim == dims.Length - 1)
        {
            int perLine = Math.Max(1, (LineWidth - indent) / (_maxWidth + 2));
            var items = Rows(dims[dim], summarize).Select(i => i < 0 ? " ..." : Cell(values, offset + i)).ToList();
            var lines = items.Chunk(perLine).Select(c => string.Join(", ", c));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        var slices = Rows(dims[dim], summarize)
            .Select(i => i < 0 ? "..." : Block(values, dims, dim + 1, offset + i * stride, indent + 1, summarize));
        int remaining = dims.Length - dim;
        return "[" + string.Join("," + new string('\n', remaining - 1) + new string(' ', indent + 1), slices) + "]";
    }
}

public sealed partial class Tensor
{
    /// <summary>Prints like PyTorch: <c>tensor([[1., 2.]], requires_grad=True)</c>. See Note [Printing].</summary>
    public override string ToString() => TensorFormatter.ToString(this);
}
