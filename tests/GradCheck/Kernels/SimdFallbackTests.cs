using System.Diagnostics;
using System.Text;

namespace Autograd.Tests.Kernels;

/// <summary>
/// The kernel tests again in a child process with AVX-512 (and, second, AVX2) switched off, so the
/// Vector256 and Vector128 paths of every SIMD kernel are checked on this AVX-512 machine too.
/// </summary>
/// <remarks>
/// Note [Disabling AVX-512]: .NET 10 reads DOTNET_EnableAVX512 (one switch for the AVX-512 family);
/// the older DOTNET_EnableAVX512F is ignored by it. Both are set, and the child reports the width
/// it actually used, which is asserted, so the test cannot pass while still running Vector512.
/// </remarks>
public class SimdFallbackTests
{
    [Theory]
    [InlineData("V256", new[] { "DOTNET_EnableAVX512F", "DOTNET_EnableAVX512" })]
    [InlineData("V128", new[] { "DOTNET_EnableAVX512F", "DOTNET_EnableAVX512", "DOTNET_EnableAVX2" })]
    public void KernelTestsPassWithNarrowerVectors(string expectedWidth, string[] disabled)
    {
        var env = disabled.ToDictionary(v => v, _ => "0");
        var (exitCode, output) = RunChild(env, TimeSpan.FromMinutes(5));
        Assert.True(output.Contains($"simd={expectedWidth}"), $"child did not run with {expectedWidth}:\n{output}");
        Assert.True(exitCode == 0, $"kernel tests failed with {expectedWidth} (exit code {exitCode}):\n{output}");
        var passed = output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("passed=", StringComparison.Ordinal));
        Assert.True(int.Parse(passed.Split(' ')[0]["passed=".Length..]) >= 20, $"too few kernel tests ran: {passed}");
    }

    [Fact]
    public void ChildFailsWhenAKernelTestFails()
    {
        // The runner's own failure path: an exception in a test must give a non-zero exit code.
        var log = new StringWriter();
        int code = SubsetRunner.RunMethods(log, [typeof(FailingSample).GetMethod(nameof(FailingSample.AlwaysThrows))!]);
        Assert.Equal(1, code);
        Assert.Contains("FAIL FailingSample.AlwaysThrows", log.ToString());
    }

    private static (int ExitCode, string Output) RunChild(Dictionary<string, string> env, TimeSpan timeout)
    {
        string dll = typeof(SubsetRunner).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(SubsetRunner.Command);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"kernel subset did not finish within {timeout}:\n{output}");
        }
        p.WaitForExit();   // drains the redirected streams
        lock (output) return (p.ExitCode, output.ToString());
    }
}

/// <summary>Not a test class: the failing method the runner's own test feeds in.</summary>
public static class FailingSample
{
    public static void AlwaysThrows() => throw new InvalidOperationException("deliberate");
}
