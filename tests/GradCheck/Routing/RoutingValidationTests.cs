namespace Autograd.Tests.RoutingMaps;

/// <summary>
/// A routing map exists exactly for the calls its op accepts: every bad argument fails with the op's own
/// exception type, message and parameter name, before any map is built.
/// </summary>
public class RoutingValidationTests
{
    private static readonly Tensor X = Tensor.Zeros([1, 2, 5, 6]);
    private static readonly Tensor W = Tensor.Zeros([4, 2, 3, 3]);

    public static TheoryData<string> Names() => [.. Cases.Keys];

    private static readonly Dictionary<string, (Action Op, Action Map)> Cases = new()
    {
        ["max pad > k/2"] = (() => F.MaxPool2d(X, 2, 1, 2), () => RoutingMap.MaxPool2d(X, 2, 1, 2)),
        ["max kernel 0"] = (() => F.MaxPool2d(X, 0), () => RoutingMap.MaxPool2d(X, 0)),
        ["max 2-d input"] = (() => F.MaxPool2d(Tensor.Zeros([5, 6]), 2), () => RoutingMap.MaxPool2d(Tensor.Zeros([5, 6]), 2)),
        ["max output too small"] = (() => F.MaxPool2d(X, 7), () => RoutingMap.MaxPool2d(X, 7)),
        ["max dilation 0"] = (() => F.MaxPool2d(X, 2, dilation: 0), () => RoutingMap.MaxPool2d(X, 2, dilation: 0)),
        ["avg divisor 0"] = (() => F.AvgPool2d(X, 2, divisorOverride: 0), () => RoutingMap.AvgPool2d(X, 2, divisorOverride: 0)),
        ["avg negative padding"] = (() => F.AvgPool2d(X, 2, padding: -1), () => RoutingMap.AvgPool2d(X, 2, padding: -1)),
        ["avg integer input"] = (() => F.AvgPool2d(Tensor.From(new long[30], [1, 5, 6]), 2), () => RoutingMap.AvgPool2d(Tensor.From(new long[30], [1, 5, 6]), 2)),
        ["lp norm 0"] = (() => F.LpPool2d(X, 0, 2), () => RoutingMap.LpPool2d(X, 0, 2)),
        ["lp stride 0"] = (() => F.LpPool2d(X, 2, 2, 0), () => RoutingMap.LpPool2d(X, 2, 2, 0)),
        ["adaptive avg negative size"] = (() => F.AdaptiveAvgPool2d(X, (-1, 2)), () => RoutingMap.AdaptiveAvgPool2d(X, (-1, 2))),
        ["adaptive max 5-d"] = (() => F.AdaptiveMaxPool2d(Tensor.Zeros([1, 1, 1, 5, 6]), 2), () => RoutingMap.AdaptiveMaxPool2d(Tensor.Zeros([1, 1, 1, 5, 6]), 2)),
        ["conv channels"] = (() => F.Conv2d(X, Tensor.Zeros([4, 3, 3, 3])), () => RoutingMap.Conv2d(X, Tensor.Zeros([4, 3, 3, 3]))),
        ["conv groups"] = (() => F.Conv2d(X, W, groups: 3), () => RoutingMap.Conv2d(X, W, groups: 3)),
        ["conv same strided"] = (() => F.Conv2d(X, W, stride: 2, padding: "same"), () => RoutingMap.Conv2d(X, W, 2, "same")),
        ["conv bad padding string"] = (() => F.Conv2d(X, W, padding: "full"), () => RoutingMap.Conv2d(X, W, padding: "full")),
        ["conv kernel larger than input"] = (() => F.Conv2d(X, Tensor.Zeros([1, 2, 6, 6])), () => RoutingMap.Conv2d(X, Tensor.Zeros([1, 2, 6, 6]))),
        ["conv dtypes"] = (() => F.Conv2d(X, W.Double()), () => RoutingMap.Conv2d(X, W.Double())),
        ["pad odd length"] = (() => F.Pad(X, [1, 2, 3]), () => RoutingMap.Pad(X, [1, 2, 3])),
        ["pad reflect too wide"] = (() => F.Pad(X, [6, 6], "reflect"), () => RoutingMap.Pad(X, [6, 6], "reflect")),
        ["pad unknown mode"] = (() => F.Pad(X, [1, 1], "mirror"), () => RoutingMap.Pad(X, [1, 1], "mirror")),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void TheMapFailsAsTheOpFails(string name)
    {
        var (op, map) = Cases[name];
        var expected = Assert.ThrowsAny<ArgumentException>(op);
        var actual = Assert.ThrowsAny<ArgumentException>(map);
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.ParamName, actual.ParamName);
    }

    [Fact]
    public void NullArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => RoutingMap.MaxPool2d(null!, 2));
        Assert.Throws<ArgumentNullException>(() => RoutingMap.Conv2d(X, null!));
        Assert.Throws<ArgumentNullException>(() => RoutingMap.Pad(X, null!));
        Assert.Throws<ArgumentNullException>(() => RoutingMap.AvgPool2d(X, 2).Then(null!));
    }
}
