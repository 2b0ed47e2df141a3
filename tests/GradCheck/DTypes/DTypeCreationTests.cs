namespace Autograd.Tests.DTypes;

/// <summary>
/// Integer, bool and uint8 tensors: creation from flat and multi-dimensional C# arrays, ToArray back,
/// TensorShape, and printing. Expected strings are PyTorch 1.13's own (str(t) in Python, quoted per case).
/// </summary>
public class DTypeCreationTests
{
    public static TheoryData<string, string> Printed => new()
    {
        { "int64 1-D", "tensor([  1,  -2, 300])" },
        { "int64 2-D", "tensor([[ 1,  2],\n        [30, -4]])" },
        { "int32", "tensor([1, 2], dtype=torch.int32)" },
        { "uint8", "tensor([  0, 255,   7], dtype=torch.uint8)" },
        { "bool", "tensor([ True, False,  True])" },
        { "bool 2-D", "tensor([[ True],\n        [False]])" },
        { "int64 0-dim", "tensor(5)" },
        { "bool 0-dim", "tensor(False)" },
        { "empty int64", "tensor([], dtype=torch.int64)" },
        { "empty bool", "tensor([], size=(0, 2), dtype=torch.bool)" },
        { "int64 big", "tensor([9223372036854775807,                  -1])" },
        { "int64 long", "tensor([   0,    1,    2,  ..., 1197, 1198, 1199])" },
    };

    private static Tensor Make(string name) => name switch
    {
        "int64 1-D" => Tensor.From(new long[] { 1, -2, 300 }),
        "int64 2-D" => Tensor.From(new long[,] { { 1, 2 }, { 30, -4 } }),
        "int32" => Tensor.From(new[] { 1, 2 }),
        "uint8" => Tensor.From(new byte[] { 0, 255, 7 }),
        "bool" => Tensor.From(new[] { true, false, true }),
        "bool 2-D" => Tensor.From(new[,] { { true }, { false } }),
        "int64 0-dim" => Tensor.From(new long[] { 5 }, []),
        "bool 0-dim" => Tensor.From(new[] { false }, []),
        "empty int64" => Tensor.From(System.Array.Empty<long>()),
        "empty bool" => Tensor.Zeros([0, 2], DType.Bool),
        "int64 big" => Tensor.From(new[] { long.MaxValue, -1 }),
        "int64 long" => Tensor.Arange(0, 1200, 1, DType.Int64),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Printed))]
    public void PrintsAsPyTorch(string name, string expected) => Assert.Equal(expected, Make(name).ToString());

    [Fact]
    public void MultiDimensionalArraysRoundTrip()
    {
        var f = new float[,,] { { { 1, 2, 3 }, { 4, 5, 6 } } };
        var t = Tensor.From(f, requiresGrad: true);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([1, 2, 3], t.Shape.ToArray());
        Assert.True(t.RequiresGrad);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ToFloatArray());   // row-major, as torch.tensor of nested lists
        var back = (float[,,])t.ToArray();
        Assert.Equal(f, back);

        var d = new double[,,,] { { { { 1.5 }, { -2 } } } };
        Assert.Equal(d, (double[,,,])Tensor.From(d).ToArray());
        var b = new bool[,] { { true, false }, { false, true } };
        Assert.Equal(b, (bool[,])Tensor.From(b).ToArray());
        var l = new long[,] { { long.MinValue, 2 } };
        Assert.Equal(l, (long[,])Tensor.From(l).ToArray());
        Assert.Equal(new byte[] { 7, 8 }, (byte[])Tensor.From(new byte[] { 7, 8 }).ToArray());
        // A 0-dim tensor gives a one-element 1-D array.
        Assert.Equal(new[] { 3.0 }, (double[])Tensor.Scalar(3, DType.Float64).ToArray());
    }

    [Fact]
    public void UnsupportedElementTypesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new short[,] { { 1 } }));
        Assert.Contains("Int16", e.Message);
    }

    [Fact]
    public void ShapeIsAValueThatPrintsAndIndexes()
    {
        var x = Tensor.Zeros([2, 3, 4]);
        Assert.Equal("[2, 3, 4]", $"{x.Shape}");
        Assert.Equal(4, x.Shape[^1]);
        Assert.Equal([3, 4], x.Shape[1..].ToArray());
        Assert.Equal(3, x.Shape.Length);
        Assert.Equal(24, x.Shape.Numel());
        Assert.True(x.Shape == Tensor.Ones([2, 3, 4]).Shape);
        Assert.True(x.Shape != Tensor.Ones([2, 3]).Shape);
        Assert.Equal([2, 3, 4], x.Shape.ToList());
        int[] copy = x.Shape;
        copy[0] = 9;   // a copy: the tensor's shape is unchanged
        Assert.Equal(2, x.Shape[0]);
        Assert.Equal([2, 3, 4], Tensor.Zeros(x.Shape).Shape.ToArray());
    }

    [Fact]
    public void ConversionsFollowPyTorch()
    {
        // torch 1.13: torch.tensor([[1.5, 2]]).long() → tensor([[1, 2]]);
        // torch.tensor([-1.7, nan]).bool() → tensor([True, True]); torch.tensor([300, -1]).to(torch.uint8) → tensor([ 44, 255]).
        Assert.Equal([1L, 2], Tensor.From([1.5f, 2], [1, 2]).Long().ToArray<long>());
        Assert.Equal([true, true], Tensor.From([-1.7, double.NaN]).Bool().ToArray<bool>());
        Assert.Equal([(byte)44, (byte)255], Tensor.From(new long[] { 300, -1 }).Byte().ToArray<byte>());
        Assert.Equal(-3L, Tensor.From(new long[] { -3 }, []).ItemAs<long>());
        Assert.Equal(1.0, Tensor.From(new[] { true }, []).Item());
    }

    [Fact]
    public void RandomFactoriesRefuseIntegerDTypesAndRandintDrawsInRange()
    {
        Assert.Contains("not implemented for 'Long'", Assert.Throws<ArgumentException>(() => Tensor.Randn([2], DType.Int64)).Message);
        Assert.Contains("not implemented for 'Bool'", Assert.Throws<ArgumentException>(() => Tensor.Rand([2], DType.Bool)).Message);
        var r = Tensor.Randint(-2, 3, [1000], generator: new Generator(5));
        Assert.Equal(DType.Int64, r.DType);
        var v = r.ToArray<long>();
        Assert.All(v, x => Assert.InRange(x, -2, 2));
        Assert.Equal(5, v.Distinct().Count());   // 1000 draws of 5 values: each appears (p of a miss < 1e-90)
        Assert.Contains("random_ expects 'from' to be less than 'to'", Assert.Throws<ArgumentException>(() => Tensor.Randint(3, 3, [1])).Message);
    }

    [Fact]
    public void FloatOnlyOpsNameTheOpAndTheDType()
    {
        var img = Tensor.From(new byte[2 * 1 * 4 * 4], [2, 1, 4, 4]);
        var w = Tensor.Ones([1, 1, 3, 3]);
        var e = Assert.Throws<ArgumentException>(() => F.Conv2d(img, w));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("'Byte'", e.Message);
        Assert.Contains("max_pool2d", Assert.Throws<ArgumentException>(() => F.MaxPool2d(img, 2)).Message);
        Assert.Contains("softmax", Assert.Throws<ArgumentException>(() => F.Softmax(Tensor.From(new long[] { 1, 2 }), 0)).Message);
        // The fix the message suggests works: images as float.
        Assert.Equal([2, 1, 2, 2], F.Conv2d(img.To(DType.Float32) / 255.0, w).Shape.ToArray());
    }
}
