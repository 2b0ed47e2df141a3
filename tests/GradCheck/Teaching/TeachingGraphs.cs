namespace Autograd.Tests.Teaching;

/// <summary>The small CNN the teaching tests draw and step through: conv2d → relu → max_pool2d → linear → cross_entropy.</summary>
internal sealed record SmallCnn(Tensor X, Tensor W, Tensor B, Tensor LinW, Tensor LinB, Tensor Loss)
{
    /// <summary>Built from seeded values; two calls with one seed give identical graphs (for comparing with Backward()).</summary>
    internal static SmallCnn Build(int seed = 7)
    {
        var x = TestData.Randn([2, 1, 6, 6], seed);
        var w = TestData.Randn([3, 1, 3, 3], seed + 1);
        var b = TestData.Randn([3], seed + 2);
        var lw = TestData.Randn([4, 27], seed + 3);
        var lb = TestData.Randn([4], seed + 4);
        var h = F.MaxPool2d(F.Relu(F.Conv2d(x, w, b, padding: 1)), 2);   // [2, 3, 3, 3]
        var logits = F.Linear(F.Flatten(h, 1), lw, lb);                  // [2, 4]
        var loss = F.CrossEntropy(logits, Tensor.From(new long[] { 1, 3 }));
        return new SmallCnn(x, w, b, lw, lb, loss);
    }

    internal Tensor[] Leaves => [X, W, B, LinW, LinB];

    internal Dictionary<Tensor, string> Names => new() { [X] = "x", [W] = "conv.weight", [B] = "conv.bias", [LinW] = "fc.weight", [LinB] = "fc.bias" };
}

/// <summary>System tools the teaching tests run; a missing one fails the test with how to install it (never a skip).</summary>
internal static class Tools
{
    internal static string Require(string name, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        Assert.Fail($"`{name}` is not on PATH: install it with `apt-get install -y {package}` (scripts/test.sh does this on Debian).");
        return "";
    }
}
