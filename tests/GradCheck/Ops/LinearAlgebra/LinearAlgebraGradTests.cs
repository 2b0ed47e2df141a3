namespace Autograd.Tests.Ops.LinearAlgebra;

public class LinearAlgebraGradTests
{
    // a = arange(1, 13).reshape(2, 2, 3) * 0.5 - 2, b = arange(1, 13).reshape(3, 4) * 0.25 - 1 (float64);
    // expected products are PyTorch's.
    private static Tensor A(bool g = false) => (Tensor.Arange(1, 13, 1, DType.Float64).Reshape([2, 2, 3]) * 0.5 - 2).Detach().RequiresGrad_(g);
    private static Tensor B(bool g = false) => (Tensor.Arange(1, 13, 1, DType.Float64).Reshape([3, 4]) * 0.25 - 1).Detach().RequiresGrad_(g);

    [Fact]
    public void MatmulValuesMatchPyTorch()
    {
        var y = F.Matmul(A(), B());
        Assert.Equal([2, 2, 4], y.Shape.ToArray());
        TestData.AssertClose([0.25, -0.5, -1.25, -2.0, 1.375, 1.75, 2.125, 2.5, 2.5, 4.0, 5.5, 7.0, 3.625, 6.25, 8.875, 11.5], y);
        var row = Tensor.From([-1.5, -1.0, -0.5]);          // a[0, 0]
        var col = Tensor.From([-0.75, 0.25, 1.25]);         // b[:, 0]
        var dot = F.Matmul(row, col);
        Assert.Equal(Array.Empty<int>(), dot.Shape.ToArray());
        TestData.AssertClose([0.25], dot);
        var mv = F.Matmul(Tensor.From([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0], [2, 3]), col);
        Assert.Equal([2], mv.Shape.ToArray());
        TestData.AssertClose([0.25, 1.375], mv);
        var vm = row.Matmul(B());
        Assert.Equal([4], vm.Shape.ToArray());
        TestData.AssertClose([0.25, -0.5, -1.25, -2.0], vm);
    }

    public static TheoryData<int[], int[], int[], string> MatmulCases => new()
    {
        { [3], [3], [], "DotBackward0" },
        { [2, 3], [3], [2], "MvBackward0" },
        { [3], [3, 4], [4], "MmBackward0" },
        { [2, 3], [3, 4], [2, 4], "MmBackward0" },
        { [1, 1], [1, 5], [1, 5], "MmBackward0" },
        { [3, 2, 3], [3, 3, 4], [3, 2, 4], "BmmBackward0" },
        { [3, 2, 3], [3, 4], [3, 2, 4], "BmmBackward0" },
        { [2, 3], [3, 3, 5], [3, 2, 5], "BmmBackward0" },
        { [2, 1, 2, 3], [3, 3, 4], [2, 3, 2, 4], "BmmBackward0" },
        { [1, 2, 3], [2, 3, 1], [2, 2, 1], "BmmBackward0" },
        { [2, 2, 3], [3], [2, 2], "BmmBackward0" },
        { [3], [2, 3, 4], [2, 4], "BmmBackward0" },
        { [2, 0], [0, 3], [2, 3], "MmBackward0" },
    };

    [Theory]
    [MemberData(nameof(MatmulCases))]
    public void MatmulShapesAndGradCheck(int[] sa, int[] sb, int[] expected, string node)
    {
        var a = TestData.Randn(sa, 51);
        var b = TestData.Randn(sb, 52);
        var y = F.Matmul(a, b);
        Assert.Equal(expected, y.Shape.ToArray());
        Assert.Equal(node, y.GradFn!.Name);
        Assert.True(GradCheck.Check(t => F.Matmul(t[0], t[1]), [a, b]));
    }

    [Fact]
    public void MatmulAgreesWithElementwiseSumOfProducts()
    {
        // An independent formulation: (A·B)[i, j] = Σ_k A[i, k] · B[k, j], written with broadcasting ops.
        var a = TestData.Randn([4, 5], 53);
        var b = TestData.Randn([5, 3], 54);
        var viaBroadcast = F.Sum(a.Unsqueeze(2) * b.Unsqueeze(0), [1]);
        TestData.AssertClose(viaBroadcast.ToDoubleArray(), F.Matmul(a, b), 1e-12);
    }

    [Fact]
    public void Float32MatmulAndLinearMatchFloat64()
    {
        var a = TestData.Randn([3, 7, 5], 55, requiresGrad: false);
        var b = TestData.Randn([5, 6], 56, requiresGrad: false);
        TestData.AssertClose(F.Matmul(a, b).ToDoubleArray(), F.Matmul(a.Float(), b.Float()), 1e-5);
        TestData.AssertClose(F.Linear(a, b.Transpose(0, 1), F.Sum(b, [0])).ToDoubleArray(), F.Linear(a.Float(), b.Float().Transpose(0, 1), F.Sum(b.Float(), [0])), 1e-5);
    }

    [Fact]
    public void BatchedMatmulIsBitIdenticalForAnyThreadCount()
    {
        var a = TestData.Randn([64, 16, 16], 61);
        var b = TestData.Randn([64, 16, 16], 62);
        var g = TestData.Randn([64, 16, 16], 63, requiresGrad: false);
        double[][] Run(int threads)
        {
            int saved = Threading.NumThreads;
            Threading.NumThreads = threads;
            try
            {
                a.ZeroGrad(); b.ZeroGrad();
                var y = F.Matmul(a, b);
                y.Backward(g);
                return [y.ToDoubleArray(), a.Grad!.ToDoubleArray(), b.Grad!.ToDoubleArray()];
            }
            finally { Threading.NumThreads = saved; }
        }
        var one = Run(1);
        var many = Run(4);
        for (int i = 0; i < 3; i++) Assert.Equal(one[i], many[i]);
    }

    [Fact]
    public void LinearValuesMatchPyTorch()
    {
        var w = Tensor.From([0.5, -1, 2, 1.5, 0.25, -0.75], [2, 3]);
        var bias = Tensor.From([0.1, -0.2]);
        var y = F.Linear(A(), w, bias);
        Assert.Equal([2, 2, 2], y.Shape.ToArray());
        TestData.AssertClose([-0.65, -2.325, 1.6, -0.825, 3.85, 0.675, 6.1, 2.175], y);
        TestData.AssertClose([-0.75, -2.125, 1.5, -0.625, 3.75, 0.875, 6.0, 2.375], F.Linear(A(), w));
    }

    public static TheoryData<int[], bool> LinearCases => new()
    {
        { [5, 3], true }, { [5, 3], false }, { [3], true }, { [2, 4, 3], true }, { [1, 3], false }, { [2, 1, 1, 3], true },
    };

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void LinearPassesGradCheckForAnyLeadingDims(int[] xs, bool withBias)
    {
        var x = TestData.Randn(xs, 58);
        var w = TestData.Randn([4, 3], 59);
        var b = TestData.Randn([4], 60);
        var y = withBias ? F.Linear(x, w, b) : F.Linear(x, w);
        Assert.Equal([.. xs[..^1], 4], y.Shape.ToArray());
        Assert.Equal(withBias ? "AddmmBackward0" : "MmBackward0", y.GradFn!.Name);
        if (withBias) Assert.True(GradCheck.Check(t => F.Linear(t[0], t[1], t[2]), [x, w, b]));
        else Assert.True(GradCheck.Check(t => F.Linear(t[0], t[1]), [x, w]));
        // The same function written with matmul and broadcasting add.
        var reference = F.Matmul(x, w.Transpose(0, 1));
        if (withBias) reference = reference + b;
        TestData.AssertClose(reference.ToDoubleArray(), y, 1e-12);
    }

    [Fact]
    public void BadShapesThrowBeforeAnyWork()
    {
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
            Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 5]))).Message);
        Assert.Contains("inconsistent tensor size, expected tensor [3] and src [4]",
            Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Zeros([3]), Tensor.Zeros([4]))).Message);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x1)",
            Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Zeros([2, 3]), Tensor.Zeros([4]))).Message);
        Assert.Contains("The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0",
            Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Zeros([5, 2, 3]), Tensor.Zeros([4, 3, 2]))).Message);
        Assert.Contains("both arguments to matmul need to be at least 1D, but they are 0D and 3D",
            Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Scalar(1), Tensor.Zeros([4, 3, 2]))).Message);
        Assert.Contains("same dtype", Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Zeros([2, 3]), Tensor.Zeros([3, 2], DType.Float64))).Message);
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)",
            Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 5]))).Message);
        Assert.Contains("weight must be 2-D", Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros([2, 3]), Tensor.Zeros([3]))).Message);
        Assert.Contains("bias must have shape [4]", Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 3]), Tensor.Zeros([3]))).Message);
        Assert.Contains("0-dim", Assert.Throws<ArgumentException>(() => F.Linear(Tensor.Scalar(1), Tensor.Zeros([4, 1]))).Message);
    }
}
