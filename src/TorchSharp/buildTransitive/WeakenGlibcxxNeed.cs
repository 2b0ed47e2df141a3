// An MSBuild task (compiled by RoslynCodeTaskFactory from Autograd.TorchSharp.targets; not part of
// the Autograd.TorchSharp assembly). Note [libstdc++ version need]:
// TorchSharp 0.107.0's libLibTorchSharp.so is built with GCC 13 and records that it needs the version
// GLIBCXX_3.4.32 of libstdc++.so.6 for exactly one symbol, _ZSt21ios_base_library_initv (GCC 13's
// iostream initialisation hook). No relocation refers to that symbol, so the loader never looks it
// up; the need alone makes dlopen fail on a system whose libstdc++ is older (Debian 12 ships GCC 12's,
// up to GLIBCXX_3.4.30): "version `GLIBCXX_3.4.32' not found". libtorch itself needs only 3.4.26.
// The ELF way to say "use this version if it is there" is a weak version need: glibc's loader skips a
// missing version whose Vernaux entry carries VER_FLG_WEAK (2) in vna_flags, and checks a present one
// as usual. This task sets that flag on the GLIBCXX_3.4.32 entry of .gnu.version_r in the copy of
// libLibTorchSharp.so in the build output (never the NuGet cache: the file is rewritten, not edited
// in place, so a hard link to the cache is broken rather than followed). Two bytes change.
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 2;

    /// <summary>The copies of libLibTorchSharp.so to fix.</summary>
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version need to weaken.</summary>
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    /// <summary>auto: only when no libstdc++.so.6 in the system library directories defines Version; always; never.</summary>
    public string Mode { get; set; } = "auto";

    public override bool Execute()
    {
        if (Mode == "never") return true;
        if (Mode == "auto")
        {
            string? provider = SystemProvider(Version);
            if (provider != null)
            {
                Log.LogMessage(MessageImportance.Low, $"Autograd.TorchSharp: {provider} defines {Version}; libLibTorchSharp.so left as it is");
                return true;
            }
        }
        else if (Mode != "always")
        {
            Log.LogError($"Autograd.TorchSharp: AutogradTorchSharpPatch must be auto, always or never, got '{Mode}'");
            return false;
        }
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                var bytes = File.ReadAllBytes(path);
                switch (Weaken(bytes, Version, out string detail))
                {
                    case Outcome.Changed:
                        string tmp = path + ".tmp";
                        File.WriteAllBytes(tmp, bytes);
                        File.Delete(path);
                        File.Move(tmp, path);
                        Log.LogMessage(MessageImportance.High,
                            $"Autograd.TorchSharp: {path}: marked the need for {Version} weak (this system's libstdc++ lacks it; docs/torchsharp.md)");
                        break;
                    case Outcome.AlreadyWeak:
                    case Outcome.NotNeeded:
                        Log.LogMessage(MessageImportance.Low, $"Autograd.TorchSharp: {path}: {detail}");
                        break;
                    default:
                        Log.LogWarning($"Autograd.TorchSharp: {path} left as it is: {detail}");
                        break;
                }
            }
            catch (IOException e)
            {
                Log.LogError($"Autograd.TorchSharp: could not fix {path}: {e.Message}");
                return false;
            }
        }
        return !Log.HasLoggedErrors;
    }

    private enum Outcome { Changed, AlreadyWeak, NotNeeded, Unreadable }

    /// <summary>The first libstdc++.so.6 in the usual system directories whose string table holds the version name, or null.</summary>
    private static string? SystemProvider(string version)
    {
        // The version name sits in .dynstr between NUL bytes wherever the library defines it (a plain
        // byte search is exact with the NULs; a library that merely mentions a longer name cannot match).
        var needle = Encoding.ASCII.GetBytes("\0" + version + "\0");
        foreach (var dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                     "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
        {
            string lib = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(lib) && IndexOf(File.ReadAllBytes(lib), needle) >= 0) return lib;
        }
        return null;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry naming <paramref name="version"/> in a little-endian ELF64 file.</summary>
    private static Outcome Weaken(byte[] b, string version, out string detail)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
        {
            detail = "not a little-endian ELF64 file";
            return Outcome.Unreadable;
        }
        long shoff = (long)U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (U32(b, sh + 4) != ShtGnuVerneed) continue;
            long off = (long)U64(b, sh + 0x18);
            uint link = U32(b, sh + 0x28), count = U32(b, sh + 0x2C);
            long strtab = (long)U64(b, shoff + (long)link * shentsize + 0x18);
            long vn = off;
            for (uint i = 0; i < count; i++)
            {
                int cnt = U16(b, vn + 2);
                long aux = vn + U32(b, vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    if (CString(b, strtab + U32(b, aux + 8)) == version)
                    {
                        ushort flags = U16(b, aux + 4);
                        if ((flags & VerFlgWeak) != 0) { detail = $"the need for {version} is already weak"; return Outcome.AlreadyWeak; }
                        flags |= VerFlgWeak;
                        b[aux + 4] = (byte)flags;
                        b[aux + 5] = (byte)(flags >> 8);
                        detail = "changed";
                        return Outcome.Changed;
                    }
                    aux += U32(b, aux + 12);
                }
                vn += U32(b, vn + 12);
            }
            detail = $"no need for {version} (a TorchSharp built against an older libstdc++?)";
            return Outcome.NotNeeded;
        }
        detail = "no .gnu.version_r section";
        return Outcome.NotNeeded;
    }

    private static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
    private static uint U32(byte[] b, long o) => (uint)(U16(b, o) | U16(b, o + 2) << 16);
    private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

    private static string CString(byte[] b, long o)
    {
        long end = o;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
    }

    private static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && hay[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }
}
