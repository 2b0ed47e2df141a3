namespace Autograd.Tests.Ops.Joining;

/// <summary>
/// First and second derivatives of the joining and splitting ops over <see cref="JoiningCases"/>, against
/// central finite differences in float64 (gradcheck, gradgradcheck).
/// </summary>
public class JoiningGradCheckTests
{
    public static TheoryData<string> Cases => new(JoiningCases.All.Keys);

    private static Tensor[] Inputs(int[][] shapes) => shapes.Select((s, i) => TestData.Randn(s, 900 + i)).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        var (f, shapes) = JoiningCases.All[name];
        Assert.True(GradCheck.Check(f, Inputs(shapes)), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, shapes) = JoiningCases.All[name];
        Assert.True(GradGradCheck.Check(f, Inputs(shapes)), name);
    }
}
