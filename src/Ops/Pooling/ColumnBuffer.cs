using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>
/// One output row's worth of per-column partial results (the vertical pass's output), read by the
/// horizontal pass one kernel tap at a time over a block of outputs (Note [Compact pool axes]):
/// <list type="bullet">
/// <item>uniform: the buffer is the input row with the left padding in front and identity cells
/// behind, so tap j of output o is cell o·s + j·d. For stride 1 that is a slice; for stride s the
/// buffer is split into s phases (phase r holds cells r, r+s, r+2s, …) and tap j is a slice of phase
/// (j·d) mod s starting at (j·d) div s.</item>
/// <item>compact: the buffer is the input row and one identity cell; tap t of each output of the block is
/// gathered from its t-th real position into a scratch row, from the identity cell where the window has
/// fewer taps.</item>
/// </list>
/// Padding cells hold the identity and are never written after construction.
/// </summary>
internal sealed class ColumnBuffer<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly PoolAxis _axis;
    private readonly ColumnBlock _block;
    private readonly int _width;
    private readonly T _identity;
    private readonly T[] _buf;
    private readonly T[][] _phases;   // uniform with stride > 1 only
    private readonly T[] _gathered;   // compact only

    public ColumnBuffer(PoolAxis axis, ColumnBlock block, int width, T identity)
    {
        _axis = axis;
        _block = block;
        _width = width;
        _identity = identity;
        _buf = new T[axis.BufferLength];
        Array.Fill(_buf, identity);
        int s = axis.Stride;
        _phases = new T[s > 1 ? s : 0][];
        for (int r = 0; r < _phases.Length; r++) _phases[r] = new T[(_buf.Length + s - 1) / s];
        _gathered = axis.Uniform ? [] : new T[block.Capacity];
    }

    /// <summary>The cells of the input columns, which the vertical pass writes.</summary>
    public Span<T> Interior => _buf.AsSpan(_axis.Lead, _width);

    /// <summary>Resets the input columns to the identity (an output row whose kernel rows are all padding).</summary>
    public void Clear() => Interior.Fill(_identity);

    /// <summary>Makes the taps readable after the vertical pass wrote <see cref="Interior"/> (splits strided rows into phases).</summary>
    public void Prepare()
    {
        if (_phases.Length == 0) return;
        int s = _phases.Length, n = _buf.Length;
        ref T src = ref MemoryMarshal.GetArrayDataReference(_buf);
        if (s == 2)
        {
            ref T even = ref MemoryMarshal.GetArrayDataReference(_phases[0]);
            ref T odd = ref MemoryMarshal.GetArrayDataReference(_phases[1]);
            int m = Kernels.Stride2.Deinterleave(ref src, ref even, ref odd, n);
            for (; 2 * m + 1 < n; m++)
            {
                Unsafe.Add(ref even, m) = Unsafe.Add(ref src, 2 * m);
                Unsafe.Add(ref odd, m) = Unsafe.Add(ref src, 2 * m + 1);
            }
            if (2 * m < n) Unsafe.Add(ref even, m) = Unsafe.Add(ref src, 2 * m);
            return;
        }
        for (int r = 0; r < s; r++)
        {
            var ph = _phases[r];
            for (int m = 0, i = r; i < n; m++, i += s) ph[m] = _buf[i];
        }
    }

    /// <summary>Uniform: tap j of the loaded block's outputs, <paramref name="n"/> cells of the buffer or of one phase.</summary>
    private Span<T> UniformTap(int j, int n)
    {
        int off = j * _axis.Dilation;   // < BufferLength
        if (_phases.Length == 0) return _buf.AsSpan(_block.O0 + off, n);
        int s = _phases.Length;
        return _phases[off % s].AsSpan(_block.O0 + off / s, n);
    }

    // ---- the transposed use, for backward: scatter-add every output's value into its taps, then read the row ----

    /// <summary>Zeroes the whole buffer (and its phases) before <see cref="Scatter"/>.</summary>
    public void ClearForScatter()
    {
        if (_phases.Length == 0) Array.Clear(_buf);
        else foreach (var ph in _phases) Array.Clear(ph);
    }

    /// <summary>Adds g[i] to every tap of output O0 + i of the loaded block (the transpose of <see cref="Tap"/>); g holds Length values.</summary>
    public void Scatter(ReadOnlySpan<T> g)
    {
        if (_axis.Uniform)
        {
            for (int j = 0; j < _block.Taps; j++) PoolSpan.Add(UniformTap(j, g.Length), g);
            return;
        }
        int d = _axis.Dilation;
        for (int i = 0; i < g.Length; i++)
        {
            T v = g[i];
            for (int t = 0, pos = _block.Base[i]; t < _block.Real[i]; t++, pos += d) _buf[pos] += v;
        }
    }

    /// <summary>After the scatters: reassembles the phases into the row, so <see cref="Interior"/> holds each input column's total.</summary>
    public void GatherScattered()
    {
        if (_phases.Length == 0) return;
        int s = _phases.Length, n = _buf.Length;
        int m = s == 2 ? Kernels.Stride2.Interleave(ref MemoryMarshal.GetArrayDataReference(_phases[0]), ref MemoryMarshal.GetArrayDataReference(_phases[1]), ref MemoryMarshal.GetArrayDataReference(_buf), n) : 0;
        for (int i = m * s; i < n; i++) _buf[i] = _phases[i % s][i / s];
    }

    /// <summary>Tap j of every output of the loaded block (Padded values; lanes past a window's taps read the identity).</summary>
    public ReadOnlySpan<T> Tap(int j)
    {
        int n = _block.Padded;
        if (_axis.Uniform) return UniformTap(j, n);
        int d = _axis.Dilation, jd = j * d, sentinel = _axis.In;   // cell In holds the identity (PoolAxis.BufferLength)
        ref T src = ref MemoryMarshal.GetArrayDataReference(_buf);
        ref T dst = ref MemoryMarshal.GetArrayDataReference(_gathered);
        ref int first = ref MemoryMarshal.GetArrayDataReference(_block.Base);
        ref int real = ref MemoryMarshal.GetArrayDataReference(_block.Real);
        for (int i = 0; i < n; i++)   // real taps lie in [0, In); a select, not a branch, picks the sentinel past them
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, j < Unsafe.Add(ref real, i) ? Unsafe.Add(ref first, i) + jd : sentinel);
        return _gathered.AsSpan(0, n);
    }
}
