using System.Reflection;
using Xunit.Sdk;

namespace Autograd.Tests.Kernels;

/// <summary>
/// The test assembly's entry point. Under xunit it is never called; <c>dotnet exec GradCheck.Tests.dll
/// kernel-subset</c> runs the kernel-heavy test classes in this process without a test host, which is
/// how <see cref="SimdFallbackTests"/> re-runs them with a narrower SIMD width (environment variables
/// only take effect in a fresh process). <c>fuzz SEED START COUNT</c> runs fuzz cases (Note [Fuzz protocol]).
/// </summary>
public static class TestProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == Reliability.Fuzz.FuzzChild.Command) return Reliability.Fuzz.FuzzChild.Run(args, Console.Out);
        if (args.Length == 0 || args[0] != SubsetRunner.Command) return 0;
        return SubsetRunner.Run(Console.Out);
    }
}

/// <summary>A minimal reflection runner for [Fact] and [Theory] (InlineData, MemberData) methods.</summary>
public static class SubsetRunner
{
    public const string Command = "kernel-subset";

    /// <summary>Test classes whose name contains one of these run in the child: the SIMD and parallel kernels.</summary>
    public static readonly string[] ClassFilters = ["Gemm", "ThreadDeterminism", "ConvNaiveReference", "ConvGradCheck", "ConvTorch", "ConvFastPath", "Pool", "Matmul", "Linear", "SpanMath", "Reduction"];

    /// <summary>Argument-checking classes test no kernel arithmetic; they are left to the main run.</summary>
    public static readonly string[] ClassExclusions = ["Error", "Validation"];

    public static int Run(TextWriter log)
    {
        log.WriteLine($"simd={Autograd.Kernels.Simd.Best}");
        var methods = typeof(SubsetRunner).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.IsPublic && t != typeof(SimdFallbackTests) && ClassFilters.Any(f => t.Name.Contains(f)) && !ClassExclusions.Any(e => t.Name.Contains(e)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
                .OrderBy(m => m.Name, StringComparer.Ordinal));
        return RunMethods(log, methods);
    }

    /// <summary>Runs each method once per data row; returns 0 when all passed (and there were some).</summary>
    public static int RunMethods(TextWriter log, IEnumerable<MethodInfo> methods)
    {
        int passed = 0, failed = 0;
        foreach (var method in methods)
        {
            var type = method.DeclaringType!;
            IEnumerable<object?[]> cases = method.GetCustomAttribute<FactAttribute>() is TheoryAttribute
                ? method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method))
                : [[]];
            foreach (var data in cases)
            {
                string name = $"{type.Name}.{method.Name}({string.Join(", ", data.Select(Show))})";
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    object? instance = method.IsStatic ? null : Activator.CreateInstance(type);
                    try
                    {
                        if (method.Invoke(instance, data) is Task task) task.GetAwaiter().GetResult();
                    }
                    finally { (instance as IDisposable)?.Dispose(); }
                    passed++;
                    if (clock.ElapsedMilliseconds > 500) log.WriteLine($"slow {name}: {clock.ElapsedMilliseconds} ms");
                }
                catch (Exception e)
                {
                    failed++;
                    var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                    log.WriteLine($"FAIL {name}: {inner.GetType().Name}: {inner.Message}");
                }
            }
        }
        log.WriteLine($"passed={passed} failed={failed}");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        int[] a => "[" + string.Join(",", a) + "]",
        Array a => $"{a.GetType().Name}({a.Length})",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
