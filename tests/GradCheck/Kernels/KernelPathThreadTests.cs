namespace Autograd.Tests.Kernels;

/// <summary>
/// The engine's parallel gradient sums (Note [Parallel gradient sums]) and conv2d's fused createGraph gradients:
/// the same bits as the serial sum and as the two gradients computed alone, with 1 and 2 threads.
/// </summary>
[Collection("Threading")]
public class KernelPathThreadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientsThatMeetAreSummedElementwiseWithAnyThreadCount(bool createGraph)
    {
        // 150 000 elements: three blocks of the parallel sum, the last one short.
        int[] shape = [300, 500];
        var a = TestData.Randn(shape, 1, requiresGrad: false);
        var b = TestData.Randn(shape, 2, requiresGrad: false);
        float[] fa = a.ToFloatArray(), fb = b.ToFloatArray();
        var expected = fa.Select((v, i) => v + fb[i]).ToArray();   // float32 adds, element by element
        var (one, two) = ThreadDeterminismTests.WithOneAndTwoThreads(() =>
        {
            var x = TestData.Randn(shape, 3, requiresGrad: false).To(DType.Float32).RequiresGrad_();
            var loss = (x * a.To(DType.Float32)).Sum() + (x * b.To(DType.Float32)).Sum();
            return Grad.Compute([loss], [x], createGraph: createGraph)[0]!.ToFloatArray();
        });
        Assert.Equal(expected, one);
        Assert.Equal(expected, two);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 0, 2)]
    public void Conv2dCreateGraphGradientsAreTheSameBitsAsEachComputedAlone(int stride, int padding, int groups)
    {
        var x0 = TestData.Randn([3, 4, 9, 8], 4, requiresGrad: false).To(DType.Float32);
        var w0 = TestData.Randn([6, 4 / groups, 3, 3], 5, requiresGrad: false).To(DType.Float32);
        var bias = TestData.Randn([6], 6, requiresGrad: false).To(DType.Float32);
        Tensor? up = null;
        Tensor?[] Grads(bool gx, bool gw, bool createGraph)
        {
            var x = x0.Detach().RequiresGrad_(gx);
            var w = w0.Detach().RequiresGrad_(gw);
            var y = F.Conv2d(x, w, bias, stride: stride, padding: padding, groups: groups);
            up ??= TestData.Randn(y.Shape.ToArray(), 7, requiresGrad: false).To(DType.Float32);
            Tensor[] wrt = gx && gw ? [x, w] : gx ? [x] : [w];
            return Grad.Compute([(y * up).Sum()], wrt, createGraph: createGraph);
        }
        var (one, two) = ThreadDeterminismTests.WithOneAndTwoThreads(() => Grads(true, true, createGraph: true));
        var xAlone = Grads(true, false, createGraph: true)[0]!.ToFloatArray();
        var wAlone = Grads(false, true, createGraph: true)[0]!.ToFloatArray();
        var plain = Grads(true, true, createGraph: false);
        foreach (var both in new[] { one, two })
        {
            Assert.True(both[0]!.RequiresGrad && both[1]!.RequiresGrad);   // recorded: differentiable again
            Assert.Equal(xAlone, both[0]!.ToFloatArray());
            Assert.Equal(wAlone, both[1]!.ToFloatArray());
            Assert.Equal(plain[0]!.ToFloatArray(), both[0]!.ToFloatArray());
            Assert.Equal(plain[1]!.ToFloatArray(), both[1]!.ToFloatArray());
        }
    }
}
