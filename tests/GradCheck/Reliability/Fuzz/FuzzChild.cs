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
        }
        log.WriteLine("END");
        log.Flush();
        return 0;
    }

    /// <summary>The one documented deviation (docs/oracle.md): adaptive pooling to an empty output, whose backward libtorch rejects.</summary>
    private static bool IsEmptyAdaptiveDeviation(FuzzCase c, EngineTensor ours, TorchException e)
        => c.Op.StartsWith("adaptive_", StringComparison.Ordinal) && ours.Shape.Contains(0)
           && e.Message.Contains("non-zero size for non-batch dimensions", StringComparison.Ordinal);

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
            up = CrossCheck.Draw(o.Output.Shape, Data.Normal, index * 31 + 99);
            if (o.Output.RequiresGrad) ours.Backward(o.Output, ours.From(up, o.Output.Shape, o.Output.DType));
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
        beforeTorch();
        using var torch = new TorchSharpEngine();
        var tx = c.Inputs.Select((inp, k) => torch.From(data[k], inp.Shape, c.DType, inp.RequiresGrad)).ToArray();
        (EngineTensor Output, int[]? Indices) t;
        try
        {
            t = c.F(torch, tx);
            if (t.Output.RequiresGrad) torch.Backward(t.Output, torch.From(up, t.Output.Shape, t.Output.DType));
        }
        catch (OracleGuardException e) when (!e.LibtorchRejects) { return ("COMPUTED", $"libtorch's guard refuses it: {e.Message}"); }
        catch (OracleGuardException e) { return ("FAILED", $"PyTorch rejects it ({e.Message}) but ours computed [{string.Join(", ", o.Output.Shape)}]"); }
        catch (TorchException e) when (IsEmptyAdaptiveDeviation(c, o.Output, e))
        {
            return ("COMPUTED", "documented deviation: libtorch's backward rejects an empty adaptive-pool output, ours gives a zero gradient (docs/oracle.md)");
        }
        catch (TorchException e) { return ("FAILED", $"libtorch rejects it ({e.Message.ReplaceLineEndings(" ")}) but ours computed [{string.Join(", ", o.Output.Shape)}]"); }
        return CrossCheck.CompareResults(c.DType, o.Output, o.Indices, t.Output, t.Indices, ox, tx) is { } failure
            ? ("FAILED", $"disagrees with libtorch: {failure}")
            : ("AGREED", $"[{string.Join(", ", o.Output.Shape)}]");
    }
}
