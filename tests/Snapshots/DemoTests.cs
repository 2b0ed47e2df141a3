using Autograd.Samples.Demo;

namespace Autograd.Tests;

/// <summary>
/// samples/Demo against PyTorch: Reference/demo.py builds the same graph in PyTorch 1.13 and writes
/// Verified/Demo.pytorch.txt (its own printing of every tensor, and the order its engine ran the nodes).
/// </summary>
public class DemoTests
{
    private const string TapeTitle = "tape (backward order)";

    [Fact]
    public void EveryPrintedTensorIsWhatPyTorchPrints()
    {
        var ours = Sections(DemoReport.Run());
        var torch = Sections(File.ReadAllText(Path.Combine(SourceDir(), "Verified", "Demo.pytorch.txt")));
        var compared = 0;
        foreach (var (title, text) in ours)
        {
            if (title == TapeTitle) continue;
            Assert.True(torch.ContainsKey(title), $"no PyTorch section '{title}'");
            Assert.Equal(torch[title], text);
            compared++;
        }
        Assert.Equal(8, compared);   // x, logits, loss and five gradients
    }

    [Fact]
    public void KeyNumbersSpelledOut()
    {
        var ours = Sections(DemoReport.Run());
        Assert.Equal("tensor(3.7170, grad_fn=<NllLossBackward0>)", ours["loss = cross_entropy(logits, [2])"]);
        Assert.StartsWith("tensor([ 0.1347, -0.1964])", ours["b.grad"]);
    }

    [Fact]
    public void TapeListsTheNodesInPyTorchsOrder()
    {
        var ours = Sections(DemoReport.Run());
        Approval.Verify("Demo.Tape", ours[TapeTitle] + "\n");
        // PyTorch's linear is addmm(c, x, W.t()): an extra TBackward0 node, which also moves W's
        // AccumulateGrad after c's. Our fused linear has no transpose node (Note [Linear node name]);
        // every other node runs in the same order.
        var torchOrder = Sections(File.ReadAllText(Path.Combine(SourceDir(), "Verified", "Demo.pytorch.txt")))["backward order"]
            .Split('\n').Where(n => n != "TBackward0" && !n.StartsWith("AccumulateGrad"));
        var ourOrder = ours[TapeTitle].Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Where(n => n != "AccumulateGrad");
        Assert.Equal(torchOrder, ourOrder);
    }

    private static Dictionary<string, string> Sections(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (var block in text.Replace("\r\n", "\n").Split("== ", StringSplitOptions.RemoveEmptyEntries))
        {
            int nl = block.IndexOf('\n');
            result[block[..nl]] = block[(nl + 1)..].TrimEnd('\n');
        }
        return result;
    }

    private static string SourceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
