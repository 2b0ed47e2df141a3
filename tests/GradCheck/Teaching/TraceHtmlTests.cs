using System.Globalization;
using System.Text.Json.Nodes;

namespace Autograd.Tests.Teaching;

/// <summary>The trace page (Tape.SaveHtml) opened in headless chromium: it loads cleanly, stepping moves the highlight, and it shows the engine's numbers.</summary>
public class TraceHtmlTests
{
    private static double[] Numbers(JsonNode? text) =>
        ((string)text!).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    private static void AssertClose(double[] expected, double[] actual) => TestData.AssertClose(expected, actual, 1e-5, "page value");

    private static string TempHtml() => Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.html");

    [Fact]
    public async Task TheCnnTraceShowsTheEnginesGradientsStepByStep()
    {
        Tools.Require("dot", "graphviz");
        var m = SmallCnn.Build();
        var reference = SmallCnn.Build();
        reference.Loss.Backward();
        var path = TempHtml();
        Tape.SaveHtml(m.Loss, path, options: new HtmlOptions { Names = m.Names, UseGraphviz = true, MaxElements = 256 });
        var html = File.ReadAllText(path);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", ""));   // self-contained: no network address but XML namespaces
        Assert.DoesNotContain("<script src", html);
        await using var browser = await HeadlessChromium.StartAsync();
        try
        {
            await browser.OpenAsync(path);
            int steps = (int)(await browser.EvalAsync("Number(document.getElementById('step').max) + 1"))!;
            Assert.Equal(Tape.Nodes(reference.Loss).Count, steps);
            Assert.Equal("0", (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')"));
            Assert.Contains("NllLossBackward0", (string?)await browser.EvalAsync("document.getElementById('node-name').textContent"));
            // Hand-derived: mean NLL over 2 rows sends -1/2 to each row's target logit (classes 1 and 3), 0 elsewhere.
            AssertClose([0, -0.5, 0, 0, 0, 0, 0, -0.5], Numbers(await browser.EvalAsync("document.querySelector('#grad-out-0 .values').textContent")));

            var byName = reference.Names.ToDictionary(kv => kv.Value, kv => kv.Key);
            var seen = new HashSet<string>();
            for (int k = 1; k < steps; k++)
            {
                string? before = (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')");
                await browser.EvalAsync("document.getElementById('next').click()");
                string? now = (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')");
                Assert.NotEqual(before, now);
                Assert.Equal(1, (int)(await browser.EvalAsync("document.querySelectorAll('#graph .node.current').length"))!);
                var title = (string)(await browser.EvalAsync("document.getElementById('node-name').textContent"))!;
                if (!title.Contains("AccumulateGrad of ")) continue;
                var leafName = title.Split("AccumulateGrad of ")[1].Split(' ')[0];
                seen.Add(leafName);
                AssertClose(byName[leafName].Grad!.ToDoubleArray(), Numbers(await browser.EvalAsync("document.querySelector('#grad-in .values').textContent")));
            }
            Assert.Equal(byName.Keys.Order(), seen.Order());
            // Every leaf accumulated by the last step, as Backward leaves them.
            Assert.Equal(5, (int)(await browser.EvalAsync("document.querySelectorAll('#leaves .leaf-grad').length"))!);
            // The conv and pooling nodes have routing maps: max pooling 2×2, stride 2 sends each output cell's gradient to one input cell.
            await browser.EvalAsync("(() => { const s = document.getElementById('step'); s.value = 1; s.dispatchEvent(new Event('input')); })()");
            Assert.Equal("1", (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')"));
            Assert.Empty(browser.Errors);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task TheBuiltInLayoutShowsAvgPoolingsRoutingMap()
    {
        // avg_pool2d 2×2, stride 1 on a 3×3 input: output cell (i, j) averages input rows i..i+1, cols j..j+1.
        // Hand-derived: a corner is in 1 window, an edge cell in 2, the centre in all 4, each with weight 1/4.
        var x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 1, 3, 3], requiresGrad: true);
        var loss = F.AvgPool2d(x, 2, stride: 1).Pow(2).Sum();
        var path = TempHtml();
        Tape.SaveHtml(loss, path, options: new HtmlOptions { Names = new Dictionary<Tensor, string> { [x] = "x" }, UseGraphviz = false });
        Assert.NotNull(x.Grad);   // SaveHtml ran backward
        await using var browser = await HeadlessChromium.StartAsync();
        try
        {
            await browser.OpenAsync(path);
            Assert.Equal(0, (int)(await browser.EvalAsync("document.querySelectorAll('#graph svg .bl-node').length - 4"))!);   // Sum, Pow, AvgPool, x
            string? first = (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')");
            for (int k = 0; k < 2; k++) await browser.EvalAsync("document.getElementById('next').click()");
            Assert.NotEqual(first, (string?)await browser.EvalAsync("document.querySelector('#graph .node.current').getAttribute('data-node')"));
            Assert.Contains("AvgPool2DBackward0", (string?)await browser.EvalAsync("document.getElementById('node-name').textContent"));
            Assert.Equal("1 2 1 2 4 2 1 2 1", (string?)await browser.EvalAsync("[...document.querySelectorAll('#routing-counts td')].map(td => td.textContent).join(' ')"));
            Assert.Equal("(0,0)×0.25 (0,1)×0.25 (1,0)×0.25 (1,1)×0.25", (string?)await browser.EvalAsync("document.querySelectorAll('#routing-positions td')[4].textContent"));
            Assert.Equal("(1,1)×0.25", (string?)await browser.EvalAsync("document.querySelectorAll('#routing-positions td')[8].textContent"));
            // Gradient in at the pooling node: d(sum p²)/dp = 2p, p the 2×2 window means 3, 4, 6, 7.
            AssertClose([6, 8, 12, 14], Numbers(await browser.EvalAsync("document.querySelector('#grad-in .values').textContent")));
            // x's gradient on the page equals the engine's: each cell gets 2p/4 from every window it is in.
            await browser.EvalAsync("document.getElementById('next').click()");
            AssertClose([1.5, 3.5, 2, 4.5, 10, 5.5, 3, 6.5, 3.5], Numbers(await browser.EvalAsync("document.querySelector('#grad-in .values').textContent")));
            AssertClose(x.Grad!.ToDoubleArray(), [1.5, 3.5, 2, 4.5, 10, 5.5, 3, 6.5, 3.5]);
            Assert.Empty(browser.Errors);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ANameCannotCloseTheDataBlock()
    {
        var x = TestData.Randn([2], 8);
        var html = Tape.ToHtml((x * 2).Sum(), options: new HtmlOptions { UseGraphviz = false, Names = new Dictionary<Tensor, string> { [x] = "</script><b>x" } });
        Assert.DoesNotContain("</script><b>", html);
        Assert.Equal(2, html.Split("</script>").Length - 1);   // the data block's and the code's own end tags only
    }

    [Fact]
    public void ALargeOutputPlaneIsNotMappedAndThePageSaysSo()
    {
        var x = TestData.Randn([1, 1, 40, 40], 5);
        var loss = F.MaxPool2d(x, 1).Sum();   // a 40×40 output plane: 1600 cells > 1024
        var html = Tape.ToHtml(loss, options: new HtmlOptions { UseGraphviz = false });
        Assert.Contains("is larger than the 1024 cells", html);
    }
}
