using Autograd.Samples.Explain;

namespace Autograd.Tests;

/// <summary>
/// The seed replays of samples/Explain (`dotnet run --project samples/Explain -- seedNNN`). Each table a
/// replay prints is checked against the seed's printed table (SeedTables) or, where the seed's figures
/// are images (002, 003) or it prints statistics (004), against a hand derivation or the PyTorch-checked
/// seed snapshot; only then is the whole text compared with its approved snapshot (explain-seedNNN).
/// </summary>
public class ExplainSeedTests
{
    public static TheoryData<string, int> Seed000Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (op, stride) in Samples.Explain.Seed000.Cases) data.Add(op, stride);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seed000Cases))]
    public void Seed000TablesAreTheSeedsPrintedTables(string op, int stride)
    {
        var report = Seeds.Find("seed000")!.Replay();
        var (positions, divisor) = SeedTables.Seed000(op, stride);
        Assert.Equal(positions.Select(p => (long)p), report[$"{op}-s{stride}.positions"].ToArray<long>());
        var grad = report[$"{op}-s{stride}.grad"].ToDoubleArray();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(positions[i] / (double)divisor, grad[i], 1e-7);
    }

    [Fact]
    public void Seed000Replay()
    {
        var report = Seeds.Find("seed000")!.Replay();
        Assert.Equal(SeedData.Seed000X.Select(v => (double)v), report["x"].ToDoubleArray());
        Approval.Verify("explain-seed000", report.ToString());
    }

    [Fact]
    public void Seed001TablesAreTheSeedsResults()
    {
        var report = Seeds.Find("seed001")!.Replay();
        Assert.Equal(SeedTables.Seed001ConvSameOutput, report["conv-same.y"].ToFloatArray());
        Assert.Equal(SeedTables.Seed001ConvSameFilterGrad, report["conv-same.w.grad"].ToFloatArray());
        Assert.Equal([SeedTables.Seed001ConvSameBiasGrad], report["conv-same.b.grad"].ToFloatArray());
        Assert.Equal(SeedTables.Seed001ConvSameInputGrad, report["conv-same.x.grad"].ToFloatArray());
        Assert.Equal(SeedTables.Seed001AvgValid, report["avg-valid.y"].ToFloatArray());
        Assert.Equal(SeedTables.Seed001AvgSame, report["avg-same.y"].ToFloatArray());
        Assert.Equal(SeedTables.Seed001AvgSameInputGrad, report["avg-same.x.grad"].ToFloatArray());
        // VALID keeps the one window at (0, 0): 1·1 + (−1)(−1) + (−1)·0 + 2·2 + bias 1 = 7 (by hand).
        Assert.Equal([7f], report["conv-valid.y"].ToFloatArray());
        // The routing map's weight sums are the seed's x.grad (printed in the map's table).
        Assert.Contains("[ 1, -1,  1]\n[ 0,  2,  0]\n[ 1, -1,  1]\n", report.ToString());
        Assert.Contains("[0.25, 0.25,  0.5]\n[0.25, 0.25,  0.5]\n[ 0.5,  0.5,    1]\n", report.ToString());
        Approval.Verify("explain-seed001", report.ToString());
    }

    [Fact]
    public void TensorFlowSamePaddingRule()
    {
        // TensorFlow's documented SAME: out = ceil(in / s), pad = max((out − 1)·s + k − in, 0), before = pad // 2.
        Assert.Equal((0, 1), TfPadding.Same(3, 2, 2));     // seed 001: bottom/right only
        Assert.Equal((1, 1), TfPadding.Same(5, 3, 1));
        Assert.Equal((0, 0), TfPadding.Same(4, 2, 2));
        Assert.Equal((1, 2), TfPadding.Same(6, 4, 1));
        Assert.Equal([0, 1, 0, 1], TfPadding.SamePad(3, 3, 2, 2));
    }

    [Fact]
    public void Seed002IsTheChainRuleWrittenAsConvolutions()
    {
        var report = Seeds.Find("seed002")!.Replay();
        // Hand derivation (X, F of seed 001, ∂L/∂O = [[1, 2], [3, 4]]), as in ConvSeedTests.
        Assert.Equal([6f, 1, 1, -3], report["O"].ToFloatArray());
        float[] dx = [1, 1, -2, 3, 3, 0, 0, 6, 8], df = [4, 9, 11, 2];
        Assert.Equal(dx, report["X.grad"].ToFloatArray());
        Assert.Equal(dx, report["full"].ToFloatArray());
        Assert.Equal([2f, 0, -1, 1], report["F.rot180"].ToFloatArray());
        Assert.Equal(df, report["F.grad"].ToFloatArray());
        Assert.Equal(df, report["valid"].ToFloatArray());
        // The seed's nine equations of ∂L/∂X (its section 1.4), in its subscripts.
        Assert.Contains(
            """
            dL/dX11 = dL/dO11*F11
            dL/dX12 = dL/dO11*F12 + dL/dO12*F11
            dL/dX13 = dL/dO12*F12
            dL/dX21 = dL/dO11*F21 + dL/dO21*F11
            dL/dX22 = dL/dO11*F22 + dL/dO12*F21 + dL/dO21*F12 + dL/dO22*F11
            dL/dX23 = dL/dO12*F22 + dL/dO22*F12
            dL/dX31 = dL/dO21*F21
            dL/dX32 = dL/dO21*F22 + dL/dO22*F21
            dL/dX33 = dL/dO22*F22
            """, report.ToString());
        // Max pooling: X's maximum 2 at (1, 1) wins all four 2×2 windows (the tie at (2, 1) loses: first maximum).
        Assert.Contains("x[0, 0, 1, 1] <- y[0, 0, 0, 0] × 1; y[0, 0, 0, 1] × 1; y[0, 0, 1, 0] × 1; y[0, 0, 1, 1] × 1", report.ToString());
        Approval.Verify("explain-seed002", report.ToString());
    }

    [Fact]
    public void Seed003PoolingFamilyByHand()
    {
        var report = Seeds.Find("seed003")!.Replay();
        // x = 1 … 25 row by row, 3×3 windows at stride 1: a window's maximum is its bottom-right cell, its
        // mean its centre; cell (r, c) lies in cover(r)·cover(c) windows, cover = [1, 2, 3, 2, 1].
        int[] cover = [1, 2, 3, 2, 1];
        var counts = (from r in cover from c in cover select (double)(r * c)).ToArray();
        Assert.Equal([13f, 14, 15, 18, 19, 20, 23, 24, 25], report["max.y"].ToFloatArray());
        Assert.Equal([7f, 8, 9, 12, 13, 14, 17, 18, 19], report["avg.y"].ToFloatArray());
        Assert.Equal([63f, 72, 81, 108, 117, 126, 153, 162, 171], report["sum.y"].ToFloatArray());
        Assert.Equal(counts, report["sum.grad"].ToDoubleArray());
        Assert.Equal(counts.Select(v => (long)v), report["avg.windows"].ToArray<long>());
        Assert.Equal(counts.Select(v => v / 9), report["avg.grad"].ToDoubleArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(from r in Enumerable.Range(0, 5) from c in Enumerable.Range(0, 5) select r >= 2 && c >= 2 ? 1.0 : 0.0, report["max.grad"].ToDoubleArray());
        Assert.Equal(Math.Sqrt(1 + 4 + 9 + 36 + 49 + 64 + 121 + 144 + 169), report["lp2.y"].ToDoubleArray()[0], 1e-4);
        Assert.Equal([13f], report["global-avg.y"].ToFloatArray());
        Assert.Equal([25f], report["global-max.y"].ToFloatArray());
        Assert.All(report["global-avg.grad"].ToDoubleArray(), g => Assert.Equal(1 / 25.0, g, 1e-7));
        // The numpy layer (h // s outputs, np.repeat backward) is right only for stride == kernel and sizes that divide.
        var text = report.ToString();
        Assert.Contains("4x4, kernel 2, stride 2: numpy output 2x2, gradient 4x4; engine output 2x2, gradient 4x4 -> agrees", text);
        Assert.Contains("5x5, kernel 2, stride 2: numpy output 2x2, gradient 4x4; engine output 2x2, gradient 5x5 -> WRONG shape", text);
        Assert.Contains("4x4, kernel 2, stride 1: numpy output 4x4, gradient 4x4; engine output 3x3, gradient 4x4 -> WRONG shape", text);
        Approval.Verify("explain-seed003", text);
    }

    [Fact]
    public void Seed004TiesMatchThePyTorchCheckedSnapshot()
    {
        var report = Seeds.Find("seed004")!.Replay();
        var text = report.ToString();
        // The counts and the gradient plane of seed-004-max-pool-ties.verified.txt, which was checked line for
        // line against PyTorch 1.13 (SeedPoolingSnapshots.py); SeedPoolingTests counts them with its own loops.
        var approved = File.ReadAllText(Path.Combine(VerifiedDir(), "seed-004-max-pool-ties.verified.txt")).Replace("\r\n", "\n");
        foreach (var line in new[] { "windows: 108", "windows with a tied maximum: 65", "cells a boolean mask x == max would mark: 216" })
        {
            Assert.Contains(line + "\n", approved);
            Assert.Contains(line + "\n", text);
        }
        Assert.Contains("cells the engine sends gradient to: 108", text);
        string plane = approved[(approved.IndexOf("x.grad[0, 0] = ", StringComparison.Ordinal) + "x.grad[0, 0] = ".Length)..].TrimEnd();
        Assert.Equal(plane, report["x.grad[0,0]"].ToString());
        Approval.Verify("explain-seed004", text);
    }

    [Fact]
    public void TheCommandListsTheFiveSeedsInFileOrder()
    {
        Assert.Equal(["seed000", "seed001", "seed002", "seed003", "seed004"], Seeds.All.Select(s => s.Name));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"00{i}_"), Seeds.All.Select(s => s.File[..4]));
        var list = Seeds.List();
        Assert.All(Seeds.All, s => Assert.Contains($"  {s.Name}  {s.Title}", list));
        Assert.Null(Seeds.Find("seed005"));
    }

    private static string VerifiedDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Verified");
}
