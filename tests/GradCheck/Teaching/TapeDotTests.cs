using System.Text.RegularExpressions;

namespace Autograd.Tests.Teaching;

public class TapeDotTests
{
    // The nodes PyTorch 1.13 records for this model: the loss's two nodes, linear's AddmmBackward0 (one
    // fused node here, where PyTorch adds a TBackward0 on the weight: Note [Linear node name]), flatten's
    // ReshapeAliasBackward0, then the conv block.
    private static readonly string[] OpNames =
        ["NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "ReshapeAliasBackward0",
         "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0"];

    [Fact]
    public void DrawsEveryOpOnceWithShapesAndNamedLeaves()
    {
        var m = SmallCnn.Build();
        var dot = Tape.ToDot(m.Loss, new DotOptions { Names = m.Names, ShowSaved = false });
        foreach (var name in OpNames)
            Assert.Single(Regex.Matches(dot, $"label=\"{name}\\\\n"));
        Assert.Contains("label=\"conv.weight\\n[3, 1, 3, 3]\"", dot);
        Assert.Contains("label=\"fc.bias\\n[4]\"", dot);
        Assert.Contains("label=\"MaxPool2DWithIndicesBackward0\\n[2, 3, 3, 3]\"", dot);
        // 7 ops + 5 leaves + the root; edges run the way data flows: into the loss's node, out of the leaves.
        Assert.Equal(13, Regex.Matches(dot, @"^  (n\d+|root) \[label=", RegexOptions.Multiline).Count);
        Assert.Matches(@"n\d+ -> root;", dot);
        var leafIds = Regex.Matches(dot, @"^  (n\d+) \[label=""(x|conv\.|fc\.)", RegexOptions.Multiline).Select(x => x.Groups[1].Value).ToList();
        Assert.Equal(5, leafIds.Count);
        foreach (var id in leafIds) Assert.DoesNotMatch($@"-> {id} ", dot);   // a leaf only sends
    }

    [Fact]
    public void RendersTheCnnWithGraphvizDot()
    {
        Tools.Require("dot", "graphviz");
        var m = SmallCnn.Build();
        var svg = Tape.ToSvg(m.Loss, new DotOptions { Names = m.Names, ShowSaved = false });
        Assert.StartsWith("<?xml", svg.TrimStart());
        Assert.Equal(13, Regex.Matches(svg, "class=\"node\"").Count);
        Assert.Equal(12, Regex.Matches(svg, "class=\"edge\"").Count);   // 11 inputs (conv 3, addmm 3, five ops 1 each) + loss → root
        foreach (var name in OpNames) Assert.Contains($">{name}</text>", svg);
        Assert.Contains(">conv.weight</text>", svg);
        Assert.Contains(">[2, 3, 6, 6]</text>", svg);   // the conv's output shape

        var path = Path.Combine(Path.GetTempPath(), $"tape-{Guid.NewGuid():N}.svg");
        try
        {
            Tape.SaveSvg(m.Loss, path, new DotOptions { Names = m.Names });
            var saved = File.ReadAllText(path);
            Assert.Contains("</svg>", saved);
            Assert.Contains("stroke-dasharray", saved);   // the saved tensors drawn (dashed edges: conv saved x and w, the leaves)
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AMissingDotFailsNamingTheToolAndTheInstall()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Graphviz.Render("digraph { a }", "svg", "dot-not-installed-here"));
        Assert.Contains("dot-not-installed-here", e.Message);
        Assert.Contains("apt-get install graphviz", e.Message);
    }

    [Fact]
    public void EscapesNamesSoTheFileStaysValid()
    {
        var a = TestData.Randn([2], 1);
        var loss = (a * 2).Sum();
        var dot = Tape.ToDot(loss, new DotOptions { Names = new Dictionary<Tensor, string> { [a] = "say \"hi\"\\\nnext" } });
        Assert.Contains(@"label=""say \""hi\""\\\nnext\n[2]""", dot);
        Tools.Require("dot", "graphviz");
        Assert.Contains("say &quot;hi&quot;", Tape.ToSvg(loss, new DotOptions { Names = new Dictionary<Tensor, string> { [a] = "say \"hi\"" } }));
    }

    [Fact]
    public void ASharedSubgraphAppearsOnce()
    {
        // y = relu(x * w) used twice: one ReluBackward0 and one MulBackward0 node with two consumers.
        var x = TestData.Randn([3], 2);
        var w = TestData.Randn([3], 3);
        var y = F.Relu(x * w);
        var loss = (y * y).Sum() + y.Mean();
        var dot = Tape.ToDot(loss, new DotOptions { ShowSaved = false });
        Assert.Single(Regex.Matches(dot, "label=\"ReluBackward0"));
        Assert.Equal(2, Regex.Matches(dot, "label=\"MulBackward0").Count);   // x * w and y * y
        var relu = Regex.Match(dot, @"(n\d+) \[label=""ReluBackward0").Groups[1].Value;
        Assert.Equal(3, Regex.Matches(dot, $@"{relu} -> n\d+").Count);   // to y * y twice and to mean
    }

    [Fact]
    public void SavedTensorsValuesAndGradientsAreDrawn()
    {
        var a = Tensor.From(new double[] { 1, -2 }, [2], requiresGrad: true);
        var loss = (a * a).Sum();
        var dot = Tape.ToDot(loss, new DotOptions { Names = new Dictionary<Tensor, string> { [a] = "a" }, ShowValues = true });
        // MulBackward0 saved both operands, which are the leaf a: dashed edges from a's node, no extra node.
        var leaf = Regex.Match(dot, @"(n\d+) \[label=""a\\n\[2\]\\nvalue:\\n1 -2""").Groups[1].Value;
        Assert.NotEmpty(leaf);
        Assert.Equal(2, Regex.Matches(dot, $"{leaf} -> n\\d+ \\[style=dashed").Count);
        Assert.Contains("label=\"output\\n[]\\n5\"", dot);
        loss.Backward();
        var after = Tape.ToDot(loss, new DotOptions { Names = new Dictionary<Tensor, string> { [a] = "a" }, ShowGradients = true });
        Assert.Contains("grad:\\n2 -4", after);   // d(sum a²)/da = 2a
        Assert.DoesNotContain("dashed", after);   // backward freed the saved tensors
    }

    [Fact]
    public void ANodesOwnSavedOutputIsASeparateNodeNotALoop()
    {
        // relu saves its result (PyTorch's ReluBackward0 saves result): an orange node, not an edge from the node to itself.
        var x = TestData.Randn([2, 2], 6);
        var y = F.Relu(x);
        var dot = Tape.ToDot(y.Sum());
        var relu = Regex.Match(dot, @"(n\d+) \[label=""ReluBackward0").Groups[1].Value;
        Assert.DoesNotContain($"{relu} -> {relu}", dot);
        var saved = Regex.Match(dot, @"(s\d+) \[label=""saved output\\n\[2, 2\]"" fillcolor=orange\]").Groups[1].Value;
        Assert.NotEmpty(saved);
        Assert.Contains($"{saved} -> {relu} [style=dashed", dot);
    }

    [Fact]
    public void ADeepChainIsDrawnWithoutRecursion()
    {
        var x = TestData.Randn([1], 4);
        var y = x;
        for (int i = 0; i < 20_000; i++) y = y * 1.0;
        var dot = Tape.ToDot(y.Sum(), new DotOptions { ShowSaved = false });
        Assert.Equal(20_000, Regex.Matches(dot, "MulBackward0").Count);
    }
}
