using System.Runtime.CompilerServices;

namespace Autograd.Tests;

/// <summary>
/// A small approval helper (Verify.Xunit cannot be restored here): compares text with
/// <c>Verified/{name}.verified.txt</c> beside this file. A mismatch writes <c>{name}.received.txt</c>
/// and fails with the first differing line; setting AUTOGRAD_ACCEPT=1 overwrites the verified file.
/// Verified files hold values from an independent source (PyTorch's own printing, a seed's table),
/// never output accepted blindly.
/// </summary>
public static class Approval
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Verified");
        var verified = Path.Combine(dir, name + ".verified.txt");
        var received = Path.Combine(dir, name + ".received.txt");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("AUTOGRAD_ACCEPT") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(verified, actual);
            return;
        }
        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No approved snapshot {verified}; wrote {received}. Check it against an independent source, then accept with AUTOGRAD_ACCEPT=1."
            : $"Snapshot {name} differs from {verified}:\n{FirstDifference(expected, actual)}\nReceived text in {received}.");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"line {i + 1}:\n- expected: {el}\n+ received: {al}";
        }
        return "(whitespace only)";
    }
}
