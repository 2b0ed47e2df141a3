using Autograd.Oracle;
using Autograd.Tests.Oracle;

namespace Autograd.Tests.Reliability.Fuzz;

// Note [Fuzz protocol]
// The child (`dotnet exec GradCheck.Tests.dll fuzz SEED START COUNT`) runs cases START..START+COUNT-1
// and writes one line before and one after each, flushed, so the parent knows which case was running
// if the process dies or stops answering:
//   CASE i <description>        before ours runs
//   TORCH i                     before libtorch runs (a crash after it is libtorch's, not ours)
//   DONE i <verdict> <detail>   verdict: AGREED (ours = libtorch), COMPUTED (ours computed; too large
//                               to hand to libtorch, or libtorch's guard refused it), REJECTED (a
//                               clean exception naming the op), FAILED (anything else)
//   END
// A clean exception is an ArgumentException (ArgumentOutOfRangeException included), a
// NotSupportedException or the memory guard's InsufficientMemoryException; every other exception,
// a result libtorch disagrees with, or one libtorch rejects, is FAILED. Ours runs first, and libtorch
// only on what ours accepted with small outputs, so a huge configuration never reaches libtorch.
public static class FuzzChild
{
    public const string Command = "fuzz";

    /// <summary>Outputs (elements) up to which ours is compared with libtorch.</summary>
    private const long MaxCompared = 1 << 16;

    public static int Run(string[] args, TextWriter log)
    {
        int seed = int.Parse(args[1]), start = int.Parse(args[2]), count = int.Parse(args[3]);
        for (int i = start; i < start + count; i++)
        {
            var c = FuzzCases.Draw(seed, i);
            log.WriteLine($"CASE {i} {c}");
            log.Flush();
            var (verdict, detail) = RunCase(c, i, () => { log.WriteLine($"TORCH {i}"); log.Flush(); });
            log.WriteLine($"DONE {i} {verdict} {detail.ReplaceLineEndings(" ")}");
            log.Flush();
            // Thousands of cases leave the large-object heap fragmented under the 3 GiB cap, and a
            // later, legitimate output-sized array can then fail although the live heap is small: a
            // process-level artefact of running cases back to back, not of the case. Compact it.
            if (GC.GetTotalMemory(forceFullCollection: false) > 256L << 20)
            {
                System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect();
            }
        }
        log.WriteLine("END");
        log.Flush();
        return 0;
    }

    public static bool IsClean(Exception e) => e is ArgumentException or NotSupportedException or InsufficientMemoryException;

    private static (string Verdict, string Detail) RunCase(FuzzCase c, int index, Action beforeTorch)
    {
        var ours = AutogradEngine.Instance;
        var data = c.Inputs.Select((inp, k) => CrossCheck.Draw(inp.Shape, inp.Kind, index * 31 + k)).ToArray();
        var ox = c.Inputs.Select((inp, k) => ours.From(data[k], inp.Shape, c.DType, inp.RequiresGrad)).ToArray();
        (EngineTensor Output, int[]? Indices) o;
        double[] up;
        try
        {
            o = c.F(ours, ox);
            // A large output's backward starts from its sum (ones), so the harness itself never holds
            // an output-sized array: only ours allocates, and only ours can run out of memory.
            bool small = o.Output.Shape.Aggregate(1L, (a, d) => a * d) <= MaxCompared;
            up = small ? CrossCheck.Draw(o.Output.Shape, Data.Normal, index * 31 + 99) : [];
            if (o.Output.RequiresGrad)
            {
                if (small) ours.Backward(o.Output, ours.From(up, o.Output.Shape, o.Output.DType));
                else ours.Backward(ours.Sum(o.Output));
            }
        }
        catch (Exception e) when (IsClean(e))
        {
            if (e is not InsufficientMemoryException && !c.Names.Any(n => e.Message.Contains(n, StringComparison.OrdinalIgnoreCase)))
                return ("FAILED", $"the error does not name the op ({string.Join("/", c.Names)}): {e.GetType().Name}: {e.Message}");
            return ("REJECTED", $"{e.GetType().Name}: {e.Message}");
        }
        catch (Exception e)
        {
            return ("FAILED", $"ours threw {e.GetType().Name}: {e.Message}");
        }

        long numel = o.Output.Shape.Aggregate(1L, (a, d) => a * d);
        if (numel > MaxCompared) return ("COMPUTED", $"output [{string.Join(", ", o.Output.Shape)}] not compared (larger than {MaxCompared})");
        if (c.Deviation is { } known) return ("COMPUTED", $"not compared, a documented deviation from libtorch: {known}");
        beforeTorch();
        var (verdict, detail) = CompareWithTorch(c, data, ox, o, up);
        if (verdict == "FAILED" && c.DType == DType.Float32 && c.Op == "conv2d")
        {
            // libtorch's float32 CPU convolution (oneDNN; seen with 1.13) refuses some extreme dilated
            // geometries and miscomputes the input gradient at strides near int.MaxValue, where its
            // float64 path is right (fuzz seed 5 case 3023). Then ours must agree with libtorch in float64, and
            // ours in float32 with ours in float64: libtorch's float32 result is not the reference.
            var c64 = c with { DType = DType.Float64 };
            var ox64 = c.Inputs.Select((inp, k) => ours.From(data[k], inp.Shape, DType.Float64, inp.RequiresGrad)).ToArray();
            var o64 = c.F(ours, ox64);
            if (o64.Output.RequiresGrad) ours.Backward(o64.Output, ours.From(up, o64.Output.Shape, DType.Float64));
            var (v64, d64) = CompareWithTorch(c64, data, ox64, o64, up);
            if (v64 == "FAILED") return (verdict, $"{detail}; in float64 too: {d64}");
            if (SameUpToFloat32(o.Output, o64.Output, ox, ox64) is { } drift) return ("FAILED", $"ours in float32 differs from ours in float64: {drift}");
            return (v64, $"{d64} (compared in float64; libtorch's float32 path: {detail})");
        }
        return (verdict, detail);
    }

    /// <summary>Ours in float32 against ours in float64 (output and input gradients) under the float32 tolerance; null when alike.</summary>
    private static string? SameUpToFloat32(EngineTensor y32, EngineTensor y64, EngineTensor[] x32, EngineTensor[] x64)
    {
        var (rtol, atol) = Tolerance.For(DType.Float32);
        string? Diff(string what, double[]? a, double[]? b)
        {
            if (a is null || b is null) return a is null && b is null ? null : $"{what}: only one has values";
            double scale = b.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
            scale = Math.Max(1, scale);
            for (int i = 0; i < a.Length; i++)
                if (!(a[i].Equals(b[i]) || Math.Abs(a[i] - b[i]) <= atol * scale + rtol * Math.Abs(b[i])))
                    return $"{what}: element {i} is {a[i]} in float32, {b[i]} in float64";
            return null;
        }
        var failure = Diff("output", y32.Values(), y64.Values());
        for (int i = 0; i < x32.Length && failure is null; i++)
            if (x32[i].RequiresGrad) failure = Diff($"grad of input {i}", x32[i].GradValues(), x64[i].GradValues());
        return failure;
    }

    private static (string Verdict, string Detail) CompareWithTorch(FuzzCase c, double[][] data, EngineTensor[] ox, (EngineTensor Output, int[]? Indices) o, double[] up)
    {
        using var torch = new TorchSharpEngine();
        var tx = c.Inputs.Select((inp, k) => torch.From(data[k], inp.Shape, c.DType, inp.RequiresGrad)).ToArray();
        (EngineTensor Output, int[]? Indices) t;
        try
        {
            t = c.F(torch, tx);
            _ = t.Output.Shape;
            if (t.Output.RequiresGrad) torch.Backward(t.Output, torch.From(up, t.Output.Shape, t.Output.DType));
        }
        catch (OracleGuardException e) when (!e.LibtorchRejects) { return ("COMPUTED", $"libtorch's guard refuses it: {e.Message}"); }
        catch (OracleGuardException e) { return ("FAILED", $"PyTorch rejects it ({e.Message}) but ours computed [{string.Join(", ", o.Output.Shape)}]"); }
        catch (OverflowException e) { return ("COMPUTED", $"libtorch's result has a size beyond int ({e.Message})"); }
        catch (TorchException e) { return ("FAILED", $"libtorch rejects it ({e.Message.ReplaceLineEndings(" ")}) but ours computed [{string.Join(", ", o.Output.Shape)}]"); }
        string? failure;
        try { failure = CrossCheck.CompareResults(c.DType, o.Output, o.Indices, t.Output, t.Indices, ox, tx); }
        catch (Exception e) when (e is TorchException or OverflowException)
        {
            // libtorch's sizes are int64: an empty result can have a plane ours (int sizes) rejects or
            // libtorch's shim cannot hand back; nothing to compare.
            return ("COMPUTED", $"libtorch computed it but its result cannot be read back here ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})");
        }
        return failure is not null
            ? ("FAILED", $"disagrees with libtorch: {failure}")
            : ("AGREED", $"[{string.Join(", ", o.Output.Shape)}]");
    }
}
