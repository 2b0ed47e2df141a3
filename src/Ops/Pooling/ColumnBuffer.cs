using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Autograd;

/// <summary>
/// One output row's worth of per-column partial results (the vertical pass's output), laid out so that
/// the horizontal pass reads each kernel tap as one contiguous run over all outputs:
/// <list type="bullet">
/// <item>fixed windows: the buffer is the input row with the left padding in front and identity
/// cells behind, so tap j of output o is cell o·s + j·d. For stride 1 that is a slice; for stride s the
/// buffer is split into s phases (phase r holds cells r, r+s, r+2s, …) and tap j is a slice of phase
/// (j·d) mod s starting at (j·d) div s.</item>
/// <item>adaptive windows: taps go through the window table (Note [Pool window tables]) into a scratch row.</item>
/// </list>
/// Padding cells hold the identity and are never written after construction.
/// </summary>
internal sealed class ColumnBuffer<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly PoolAxis _axis;
    private readonly int _width;
    private readonly T _identity;
    private readonly T[] _buf;
    private readonly T[][] _phases;   // stride > 1 only
    private readonly T[] _gathered;    // adaptive only

    public ColumnBuffer(PoolAxis axis, int width, T identity)
    {
        _axis = axis;
        _width = width;
        _identity = identity;
        _buf = new T[axis.BufferLength];
        Array.Fill(_buf, identity);
        int s = axis.Uniform ? axis.Stride : 1;
        _phases = new T[s > 1 ? s : 0][];
        for (int r = 0; r < _phases.Length; r++) _phases[r] = new T[(_buf.Length + s - 1) / s];
        _gathered = axis.Uniform ? [] : new T[axis.OutPadded];
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

    // ---- the transposed use, for backward: scatter-add every output's value into its taps, then read the row ----

    /// <summary>Zeroes the whole buffer (and its phases) before <see cref="ScatterTap"/>.</summary>
    public void ClearForScatter()
    {
        if (_phases.Length == 0) Array.Clear(_buf);
        else foreach (var ph in _phases) Array.Clear(ph);
    }

    /// <summary>Adds g[o] to tap j of every output o (the transpose of <see cref="Tap"/>); g holds Out values.</summary>
    public void ScatterTap(int j, ReadOnlySpan<T> g)
    {
        if (_axis.Uniform)
        {
            int off = j * _axis.Dilation;
            Span<T> dst = _phases.Length == 0 ? _buf.AsSpan(off, g.Length) : _phases[off % _phases.Length].AsSpan(off / _phases.Length, g.Length);
            PoolSpan.Add(dst, g);
            return;
        }
        var taps = _axis.TapsOf(j);
        for (int o = 0; o < g.Length; o++) _buf[taps[o]] += g[o];
    }

    /// <summary>After the scatters: reassembles the phases into the row, so <see cref="Interior"/> holds each input column's total.</summary>
    public void GatherScattered()
    {
        if (_phases.Length == 0) return;
        int s = _phases.Length, n = _buf.Length;
        int m = s == 2 ? Kernels.Stride2.Interleave(ref MemoryMarshal.GetArrayDataReference(_phases[0]), ref MemoryMarshal.GetArrayDataReference(_phases[1]), ref MemoryMarshal.GetArrayDataReference(_buf), n) : 0;
        for (int i = m * s; i < n; i++) _buf[i] = _phases[i % s][i / s];
    }

    /// <summary>Tap j of every output (OutPadded values; outputs past Out read identity cells).</summary>
    public ReadOnlySpan<T> Tap(int j)
    {
        int n = _axis.OutPadded;
        if (_axis.Uniform)
        {
            int off = j * _axis.Dilation;
            if (_phases.Length == 0) return _buf.AsSpan(off, n);
            int s = _phases.Length;
            return _phases[off % s].AsSpan(off / s, n);
        }
        ref T src = ref MemoryMarshal.GetArrayDataReference(_buf);
        ref T dst = ref MemoryMarshal.GetArrayDataReference(_gathered);
        ref int tap = ref MemoryMarshal.GetReference(_axis.TapsOf(j));
        for (int o = 0; o < n; o++) Unsafe.Add(ref dst, o) = Unsafe.Add(ref src, Unsafe.Add(ref tap, o));   // taps in [0, In]
        return _gathered;
    }
}
