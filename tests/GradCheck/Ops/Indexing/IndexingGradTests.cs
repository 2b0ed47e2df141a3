namespace Autograd.Tests.Ops.Indexing;

/// <summary>GradCheck (finite differences, float64) and GradGradCheck over the grid of index expressions and writes.</summary>
public class IndexingGradTests
{
    public static TheoryData<string> ReadCases => new(IndexCases.Reads.Keys);
    public static TheoryData<string> WriteCases => new(IndexCases.Writes.Keys);

    private static (Func<Tensor[], Tensor>, Tensor[]) Build(Dictionary<string, (Func<Tensor[], Tensor> F, int[][] Shapes)> cases, string name)
    {
        var (f, shapes) = cases[name];
        return (f, shapes.Select((s, i) => TestData.Randn(s, 1400 + i)).ToArray());
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void ReadGradientsMatchFiniteDifferences(string name)
    {
        var (f, x) = Build(IndexCases.Reads, name);
        Assert.Null(GradCheck.Run(f, x));
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void ReadSecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, x) = Build(IndexCases.Reads, name);
        Assert.Null(GradGradCheck.Run(t => f(t) * f(t), x));   // squared, so the second derivative is not zero
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void WriteGradientsMatchFiniteDifferences(string name)
    {
        var (f, x) = Build(IndexCases.Writes, name);
        Assert.Null(GradCheck.Run(f, x));
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void WriteSecondDerivativesMatchFiniteDifferences(string name)
    {
        var (f, x) = Build(IndexCases.Writes, name);
        Assert.Null(GradGradCheck.Run(t => f(t) * f(t), x));
    }
}
