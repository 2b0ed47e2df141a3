using System.ComponentModel;
using System.Diagnostics;

namespace Autograd;

/// <summary>Runs Graphviz's <c>dot</c> as a child process (the layout is Graphviz's; we only write DOT).</summary>
internal static class Graphviz
{
    internal const string InstallHint = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) so that `dot` is on PATH";

    /// <summary>True when <c>dot</c> can be found on PATH.</summary>
    internal static bool IsAvailable(string executable = "dot") => Locate(executable) is not null;

    /// <summary>DOT text rendered by <c>dot -T<paramref name="format"/></c>; throws naming the tool and how to install it when it is missing.</summary>
    internal static string Render(string dot, string format, string executable = "dot")
    {
        var path = Locate(executable) ?? throw Missing(executable);
        var psi = new ProcessStartInfo(path, "-T" + format)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (Win32Exception e) { throw Missing(executable, e); }
        using (p)
        {
            // Read both streams while writing, so a large graph cannot fill a pipe and deadlock.
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            p.StandardInput.Write(dot);
            p.StandardInput.Close();
            if (!p.WaitForExit(60_000))
            {
                p.Kill();
                throw new TimeoutException($"Tape: Graphviz's `{executable}` did not finish within 60 s");
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"Tape: Graphviz's `{executable} -T{format}` failed (exit code {p.ExitCode}): {error.Result.Trim()}");
            return output.Result;
        }
    }

    private static InvalidOperationException Missing(string executable, Exception? inner = null) =>
        new($"Tape.ToSvg: Graphviz's `{executable}` program was not found on PATH; {InstallHint}. Tape.ToDot needs no tool.", inner);

    private static string? Locate(string executable)
    {
        if (Path.IsPathRooted(executable)) return File.Exists(executable) ? executable : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }
}
