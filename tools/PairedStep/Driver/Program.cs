using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

// Note [Paired step comparison]: two builds of the engine compared in ONE process. Separate bench runs
// of two commits on this shared VM differed by ±20 % between runs of the SAME commit (load from other
// work, clock drift), far above the 3 % issue 13 asks about (createGraph false must not slow the
// training step). So each build's Step.dll (tools/PairedStep/Step, the bench's training step) is
// loaded with its own Autograd assemblies into its own AssemblyLoadContext, and blocks of steps
// alternate A, B, B, A, A, B, ... so that the machine's drift hits both builds alike. Prints each
// build's median block time, the median of the per-pair ratios B/A and their quartiles. Run it once
// with the same build as A and B (an A/A control) to see how far from 1.0 noise alone moves it.
// Usage: Driver <A/Step.dll> <B/Step.dll> [pairs=40] [stepsPerBlock=8] [batch=64]
if (args.Length < 2) { Console.Error.WriteLine("usage: Driver <A/Step.dll> <B/Step.dll> [pairs] [steps] [batch]"); return 2; }
int pairs = args.Length > 2 ? int.Parse(args[2]) : 40, steps = args.Length > 3 ? int.Parse(args[3]) : 8, batch = args.Length > 4 ? int.Parse(args[4]) : 64;
Action Load(string path)
{
    var full = Path.GetFullPath(path);
    var alc = new StepContext(full);
    var asm = alc.LoadFromAssemblyPath(full);
    var make = asm.GetType("PairedStep.TrainStep")!.GetMethod("Make", BindingFlags.Public | BindingFlags.Static)!;
    return (Action)make.Invoke(null, [batch])!;
}
var a = Load(args[0]);
var b = Load(args[1]);
double Block(Action step) { var sw = Stopwatch.StartNew(); for (int i = 0; i < steps; i++) step(); return sw.Elapsed.TotalMilliseconds / steps; }
for (int i = 0; i < 5; i++) { Block(a); Block(b); }   // warm-up
var ta = new List<double>(); var tb = new List<double>(); var r = new List<double>();
for (int i = 0; i < pairs; i++)
{
    // Alternate which build goes first, so neither always follows the other's cache state.
    double x, y;
    if (i % 2 == 0) { x = Block(a); y = Block(b); } else { y = Block(b); x = Block(a); }
    ta.Add(x); tb.Add(y); r.Add(y / x);
}
static double Median(List<double> v) { var s = v.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
static double Quantile(List<double> v, double q) { var s = v.Order().ToList(); return s[(int)Math.Round(q * (s.Count - 1))]; }
Console.WriteLine($"A {args[0]}: median {Median(ta):F2} ms/step");
Console.WriteLine($"B {args[1]}: median {Median(tb):F2} ms/step");
Console.WriteLine($"B/A: median of pair ratios {Median(r):F3} (quartiles {Quantile(r, 0.25):F3}..{Quantile(r, 0.75):F3}), ratio of medians {Median(tb) / Median(ta):F3}; {pairs} pairs x {steps} steps, batch {batch}");
return 0;

sealed class StepContext(string mainPath) : AssemblyLoadContext(isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(mainPath);
    protected override Assembly? Load(AssemblyName name) =>
        _resolver.ResolveAssemblyToPath(name) is { } p ? LoadFromAssemblyPath(p) : null;
    protected override IntPtr LoadUnmanagedDll(string name) =>
        _resolver.ResolveUnmanagedDllToPath(name) is { } p ? LoadUnmanagedDllFromPath(p) : IntPtr.Zero;
}
