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
        var ours = AutogradBackend.Instance;
        var data = c.Inputs.Select((inp, k) => CrossCheck.Draw(inp.Shape, inp.Kind, index * 31 + k)).ToArray();
        var ox = c.Inputs.Select((inp, k) => ours.From(data[k], inp.Shape, c.DType, inp.RequiresGrad)).ToArray();
        (OracleTensor Output, int[]? Indices) o;
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
        if (verdict is "FAILED" or "COMPUTED" && c.DType == DType.Float32 && c.Op == "conv2d")
        {
            // libtorch's float32 CPU convolution (oneDNN) refuses some extreme dilated geometries,
            // miscomputes the input gradient at strides near int.MaxValue (1.13) and kills the process
            // at huge strides (2.10, so the engine refuses those: Note [oneDNN and huge strides]), where
            // its float64 path is right (ConvWithAStrideNearIntMaxEqualsAnyStrideThatGivesOneOutput).
            // Then ours must agree with libtorch in float64, and ours in float32 with ours in float64:
            // libtorch's float32 result is not the reference.
            var c64 = c with { DType = DType.Float64 };
            var ox64 = c.Inputs.Select((inp, k) => ours.From(data[k], inp.Shape, DType.Float64, inp.RequiresGrad)).ToArray();
            var o64 = c.F(ours, ox64);
            if (o64.Output.RequiresGrad) ours.Backward(o64.Output, ours.From(up, o64.Output.Shape, DType.Float64));
            var (v64, d64) = CompareWithTorch(c64, data, ox64, o64, up);
            if (v64 == "FAILED") return ("FAILED", $"{detail}; in float64: {d64}");
            if (CrossCheck.CompareAcrossDTypes(DType.Float32, o.Output, o64.Output, ox, ox64) is { } drift) return ("FAILED", $"ours in float32 differs from ours in float64: {drift}");
            return (v64, $"{d64} (compared in float64; libtorch's float32 path: {detail})");
        }
        return (verdict, detail);
    }

    private static (string Verdict, string Detail) CompareWithTorch(FuzzCase c, double[][] data, OracleTensor[] ox, (OracleTensor Output, int[]? Indices) o, double[] up)
    {
        using var torch = new TorchSharpBackend();
        var tx = c.Inputs.Select((inp, k) => torch.From(data[k], inp.Shape, c.DType, inp.RequiresGrad)).ToArray();
        (OracleTensor Output, int[]? Indices) t;
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
