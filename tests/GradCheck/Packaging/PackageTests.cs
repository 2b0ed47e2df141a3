using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Autograd.Tests.Packaging;

// Note [Package test]: what a new user does, end to end, from the packages this build makes
// (docs/packaging.md): dotnet pack Autograd and Autograd.Nn into a temporary feed, dotnet new console,
// reference both packages (a nuget.config with that feed first, then this repository's NuGet.config
// sources), paste the README's first example into Program.cs, run it. The packages get a version of their own
// (0.1.0-test.<time>) and the app its own NuGet cache folder, so a package from an earlier run can never
// stand in for this build's. The appended
// lines check values known without this engine: y = Σ x² at x = (1, 2, 3) is 14 with gradient 2x =
// (2, 4, 6), and gradcheck compares the analytic gradient with finite differences. The app targets
// net10.0 and net8.0 (built for both, so the package's net8.0 assets must restore and compile; run on
// net10.0, the runtime every machine with the SDK has); net8.0 with LangVersion 14, as docs/packaging.md
// tells users. On linux-x64 it packs with the opt-in of Note [ReadyToRun in the package] and checks it: both packages
// carry precompiled copies under runtimes/linux-x64/lib/net10.0/ (and plain IL in lib/), and the app loads them.
public sealed class PackageTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string Configuration =
        typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    // A version no earlier run made, so no cache anywhere can hold a package of that id and version.
    private static readonly string Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

    [Fact]
    public void ReadmeExampleRunsFromThePackedPackages()
    {
        var work = Directory.CreateTempSubdirectory("autograd-pack-");
        try
        {
            string feed = Path.Combine(work.FullName, "feed"), app = Path.Combine(work.FullName, "app");
            Pack("src/Ops/Ops.csproj", feed, PacksReadyToRun);
            Pack("src/Nn/Nn.csproj", feed, PacksReadyToRun);
            CheckPackageContents(Path.Combine(feed, $"Autograd.{Version}.nupkg"), "Autograd.dll", "Autograd.xml", "Autograd.Ops.dll", "Autograd.Ops.xml");
            CheckPackageContents(Path.Combine(feed, $"Autograd.Nn.{Version}.nupkg"), "Autograd.Nn.dll", "Autograd.Nn.xml");
            if (PacksReadyToRun)
            {
                CheckReadyToRunImages(Path.Combine(feed, $"Autograd.{Version}.nupkg"), "Autograd.dll", "Autograd.Ops.dll");
                CheckReadyToRunImages(Path.Combine(feed, $"Autograd.Nn.{Version}.nupkg"), "Autograd.Nn.dll");
            }

            Run("dotnet", ["new", "console", "-o", app, "--no-restore"], work.FullName, 60);
            File.WriteAllText(Path.Combine(app, "nuget.config"), NuGetConfig(feed, Path.Combine(work.FullName, "packages")));
            File.WriteAllText(Path.Combine(app, "app.csproj"), $$"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFrameworks>net10.0;net8.0</TargetFrameworks>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <UseAppHost>false</UseAppHost>
                    <!-- net8.0's default is C# 12; the operators and Tensor members are C# 14 extension members. -->
                    <LangVersion>14</LangVersion>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Autograd" Version="{{Version}}" />
                    <PackageReference Include="Autograd.Nn" Version="{{Version}}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeFirstExample() + """

                // Appended by the package test: values known by hand (Note [Package test]).
                var hx = Tensor.From(new double[] { 1, 2, 3 }, [3], requiresGrad: true);
                var hy = (hx * hx).Sum();
                hy.Backward();
                bool hok = GradCheck.Check(t => (t[0] * t[0]).Sum(), [hx.Detach().RequiresGrad_()]);
                var model = new Autograd.Nn.Linear(3, 2);
                Console.WriteLine($"CHECK {hy.Item()} {string.Join(",", hx.Grad!.ToDoubleArray())} {hok} {model.Parameters().Count()}");
                Console.WriteLine($"LOADED {typeof(Tensor).Assembly.Location} | {typeof(F).Assembly.Location} | {typeof(Autograd.Nn.Linear).Assembly.Location}");
                """);

            Run("dotnet", ["build", "-c", "Release", "-nologo"], app, 240);
            var output = Run("dotnet", ["run", "-c", "Release", "--no-build", "-f", "net10.0"], app, 60);

            Assert.Matches(new Regex(@"^tensor\(-?\d+\.\d{4}, grad_fn=<AddBackward0>\)$", RegexOptions.Multiline), output);
            Assert.Contains("CHECK 14 2,4,6 True 2", output);
            // Note [ReadyToRun in the package]: on linux-x64 the host loads the precompiled copies, not lib/'s IL.
            var loaded = Regex.Match(output, @"^LOADED (.*) \| (.*) \| (.*)$", RegexOptions.Multiline);
            Assert.True(loaded.Success, output);
            string want = PacksReadyToRun ? "runtimes/linux-x64/lib/net10.0/" : "net10.0/";
            foreach (var path in new[] { loaded.Groups[1].Value.Trim(), loaded.Groups[2].Value.Trim(), loaded.Groups[3].Value.Trim() })
            {
                Assert.Contains(want, path.Replace('\\', '/'));
                Assert.Equal(PacksReadyToRun, IsReadyToRun(File.ReadAllBytes(path)));
            }
            // The package's buildTransitive props reached the app (Note [Cold starts]): loops compiled optimised from the first call.
            foreach (var tfm in new[] { "net10.0", "net8.0" })
            {
                var config = File.ReadAllText(Path.Combine(app, "bin", "Release", tfm, "app.runtimeconfig.json"));
                Assert.Matches(new Regex(@"""System\.Runtime\.TieredCompilation\.QuickJitForLoops"":\s*false"), config);
            }
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static void Pack(string project, string feed, bool readyToRun)
    {
        // The solution build made both target frameworks' outputs; pack them as they are, or build them
        // where only this test project's references were built (dotnet test of this project alone).
        string bin = Path.Combine(Root, Path.GetDirectoryName(project)!, "bin", Configuration);
        bool built = Directory.Exists(Path.Combine(bin, "net8.0")) && Directory.Exists(Path.Combine(bin, "net10.0"));
        var args = new List<string> { "pack", Path.Combine(Root, project), "-c", Configuration, "-o", feed, "-nologo", "-p:PackageVersion=" + Version };
        if (built) args.Add("--no-build");
        if (readyToRun) args.Add("-p:AutogradReadyToRun=true");   // Note [ReadyToRun in the package]: the opt-in images
        Run("dotnet", args, Root, 300);
    }

    private static void CheckPackageContents(string nupkg, params string[] files)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var tfm in new[] { "net10.0", "net8.0" })
            foreach (var f in files)
                Assert.True(names.Contains($"lib/{tfm}/{f}"), $"{Path.GetFileName(nupkg)} lacks lib/{tfm}/{f}; it has: {string.Join(", ", names)}");
        Assert.Contains("README.md", names);
        Assert.Contains("LICENSE", names);
        if (Path.GetFileName(nupkg).StartsWith("Autograd.0", StringComparison.Ordinal))
            Assert.Contains("buildTransitive/Autograd.props", names);   // Note [Cold starts]
    }

    /// <summary>Where `dotnet pack -p:AutogradReadyToRun=true` can add ReadyToRun images (Note [ReadyToRun in the package]): a linux-x64 machine.</summary>
    private static bool PacksReadyToRun =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;

    /// <summary>runtimes/linux-x64/lib/net10.0/ holds precompiled copies of the package's assemblies; lib/ keeps plain IL.</summary>
    private static void CheckReadyToRunImages(string nupkg, params string[] dlls)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        foreach (var dll in dlls)
        {
            var r2r = zip.GetEntry($"runtimes/linux-x64/lib/net10.0/{dll}");
            Assert.True(r2r is not null, $"{Path.GetFileName(nupkg)} lacks runtimes/linux-x64/lib/net10.0/{dll}");
            Assert.True(IsReadyToRun(Read(r2r)), $"runtimes/linux-x64/lib/net10.0/{dll} is not a ReadyToRun image");
            foreach (var tfm in new[] { "net10.0", "net8.0" })
                Assert.False(IsReadyToRun(Read(zip.GetEntry($"lib/{tfm}/{dll}")!)), $"lib/{tfm}/{dll} should be plain IL");
        }

        static byte[] Read(ZipArchiveEntry e)
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }
    }

    /// <summary>A ReadyToRun image is an IL assembly whose CLI header points at a native (ReadyToRun) header.</summary>
    private static bool IsReadyToRun(byte[] image)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(image));
        Assert.True(pe.HasMetadata, "not a .NET assembly");
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    /// <summary>The first ```csharp block of README.md.</summary>
    private static string ReadmeFirstExample()
    {
        var m = Regex.Match(File.ReadAllText(Path.Combine(Root, "README.md")), @"```csharp\r?\n(.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, "README.md has no ```csharp block");
        return m.Groups[1].Value;
    }

    /// <summary>
    /// The temporary feed first, the machine's NuGet cache as a local feed (what the solution's restore
    /// already brought, so no download is needed), then every source of this repository's NuGet.config.
    /// </summary>
    private static string NuGetConfig(string feed, string packages)
    {
        var sources = Regex.Matches(File.ReadAllText(Path.Combine(Root, "NuGet.config")), @"<add\s[^>]*key=""[^""]*""[^>]*/>")
            .Select(m => "    " + m.Value).ToList();
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(cache)) sources.Insert(0, $"    <add key=\"autograd-test-cache\" value=\"{cache}\" />");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="autograd-test-feed" value="{feed}" />
            {string.Join("\n", sources)}
              </packageSources>
            </configuration>
            """;
    }

    private static string Run(string file, IEnumerable<string> args, string dir, int timeoutSeconds)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', psi.ArgumentList)} took over {timeoutSeconds} s:\n{output}");
        }
        p.WaitForExit();
        lock (output)
        {
            Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', psi.ArgumentList)} (in {dir}) exited {p.ExitCode}:\n{output}");
            return output.ToString();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Autograd.sln"))) return dir.FullName;
        throw new InvalidOperationException("Autograd.sln not found above " + AppContext.BaseDirectory);
    }
}
