namespace Autograd.Tests.HigherOrder;

/// <summary>
/// Double backward through the engine's own nodes for in-place writes: CopySlices and AsStridedBackward0
/// (writing through a view), CopyBackwards (copy_) and FillBackward2 (fill_). GradGradCheck: finite differences
/// of the first-order gradient.
/// </summary>
public class InPlaceGradGradTests
{
    [Fact]
    public void WritingThroughAViewIsDifferentiableTwice()
    {
        // a = 2x; a.view(3, 2).mul_(y); loss = Σ a·a (through the base's CopySlices) + Σ v³ (through the view's AsStridedBackward0).
        Assert.True(GradGradCheck.Check(t =>
        {
            var a = t[0] * 2;
            var v = a.View([3, 2]);
            v.Mul_(t[1]);
            return (a * a).Sum() + (v * v * v).Sum();
        }, [TestData.Randn([6], 901), TestData.Randn([3, 1], 902)]));
    }

    [Fact]
    public void CopyAndFillAreDifferentiableTwice()
    {
        // copy_ broadcasts y² into a and converts nothing; fill_ cuts the old value off (its gradient is zero).
        Assert.True(GradGradCheck.Check(t =>
        {
            var a = t[0] * 1;
            a.Copy_(t[1] * t[1]);
            return a * t[0];
        }, [TestData.Randn([2, 3], 903), TestData.Randn([3], 904)]));
        Assert.True(GradGradCheck.Check(t =>
        {
            var a = t[0] * t[0];
            var b = a * 1;
            b.Fill_(2);
            return b * a;
        }, [TestData.Randn([4], 905)]));
    }

    [Fact]
    public void SecondDerivativeThroughAWrittenViewMatchesTheHandDerivation()
    {
        // After a.view(3, 2).mul_(2), a = 4x, so Σ a² = 16 Σ x²: the gradient is 32x and the second derivative 32
        // per element (hand derivation).
        var x = TestData.Randn([6], 906);
        var a = x * 2;
        a.View([3, 2]).Mul_(2);
        var g = Grad.Compute([(a * a).Sum()], [x], createGraph: true)[0]!;
        TestData.AssertClose(x.ToDoubleArray().Select(v => 32 * v).ToArray(), g);
        TestData.AssertClose(Enumerable.Repeat(32.0, 6).ToArray(), Grad.Compute([g.Sum()], [x])[0]!);
    }
}
