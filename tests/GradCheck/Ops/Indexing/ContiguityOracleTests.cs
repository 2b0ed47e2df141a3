using Autograd.Tests.Oracle;
using TorchApi = TorchSharp.torch;
using TI = TorchSharp.torch.TensorIndex;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Tests.Ops.Indexing;

/// <summary>
/// IsContiguous() and Contiguous() of views (Note [Slice views]) against libtorch 2.10 in the same process: for each
/// view of x = arange(24).view(2, 3, 4), is_contiguous() must agree, and contiguous() must give the same values and,
/// weighted by w and summed, the same gradient for x.
/// </summary>
[Collection(OracleCollection.Name)]
public class ContiguityOracleTests
{
    private static readonly (string Name, Func<Tensor, Tensor> Ours, Func<TorchTensor, TorchTensor> Theirs)[] Views =
    [
        ("x", x => x, t => t),
        ("x[1]", x => x[1], t => t.index(TI.Single(1))),
        ("x[1, 1:]", x => x[1, 1..], t => t.index(TI.Single(1), TI.Slice(1))),
        ("x[:, :1]", x => x[.., ..1], t => t.index(TI.Colon, TI.Slice(null, 1))),
        ("x[:, 1:]", x => x[.., 1..], t => t.index(TI.Colon, TI.Slice(1))),
        ("x[:, 0]", x => x[.., 0], t => t.index(TI.Colon, TI.Single(0))),
        ("x[..., ::2]", x => x[TensorIndex.Ellipsis, TensorIndex.Slice(null, null, 2)], t => t.index(TI.Ellipsis, TI.Slice(null, null, 2))),
        ("x[None, 1]", x => x[TensorIndex.None, 1], t => t.index(TI.None, TI.Single(1))),
        ("x[0, 0, ::2][:1]", x => x[0, 0, TensorIndex.Slice(null, null, 2)][..1], t => t.index(TI.Single(0), TI.Single(0), TI.Slice(null, null, 2)).index(TI.Slice(null, 1))),
        ("x.transpose(0, 2)", x => F.Transpose(x, 0, 2), t => t.transpose(0, 2)),
        ("x.permute(1, 0, 2)[0]", x => F.Permute(x, [1, 0, 2])[0], t => t.permute(1, 0, 2).index(TI.Single(0))),
        ("x[:1].expand(3, 3, 4)", x => F.Expand(x[..1], 3, 3, 4), t => t.index(TI.Slice(null, 1)).expand(3, 3, 4)),
        ("x.narrow(2, 1, 2)", x => F.Narrow(x, 2, 1, 2), t => t.narrow(2, 1, 2)),
        ("x.split(1)[1]", x => F.Split(x, 1)[1], t => t.split(1)[1]),
        ("x.unbind(2)[3]", x => F.Unbind(x, 2)[3], t => t.unbind(2)[3]),
    ];

    [Fact]
    public void ContiguityAndContiguousMatchLibtorch()
    {
        OracleFixture.RequireOracle();
        var values = Enumerable.Range(0, 24).Select(i => (double)i).ToArray();
        var failures = new List<string>();
        foreach (var (name, ours, theirs) in Views)
        {
            var a = Tensor.From(values, [2, 3, 4], requiresGrad: true);
            var v = ours(a * 1.0);
            var c = v.Contiguous();
            var w = Tensor.From(Enumerable.Range(0, c.Numel).Select(i => 1.0 + i % 5).ToArray(), c.Shape.ToArray());
            (c * w).Sum().Backward();

            using var t = TorchApi.tensor(values, dtype: TorchApi.ScalarType.Float64).reshape(2, 3, 4).requires_grad_(true);
            using var tv = theirs(t * 1.0);
            using var tc = tv.contiguous();
            using var tw = TorchApi.tensor(Enumerable.Range(0, (int)tc.numel()).Select(i => 1.0 + i % 5).ToArray(), dtype: TorchApi.ScalarType.Float64).reshape(tc.shape);
            (tc * tw).sum().backward();

            if (v.IsContiguous() != tv.is_contiguous()) failures.Add($"{name}: is_contiguous ours {v.IsContiguous()}, libtorch {tv.is_contiguous()}");
            if (!c.IsContiguous()) failures.Add($"{name}: Contiguous() is not contiguous");
            if (!c.Shape.ToArray().SequenceEqual(tc.shape.Select(d => (int)d))) failures.Add($"{name}: shape differs");
            if (!c.ToDoubleArray().SequenceEqual(tc.data<double>().ToArray())) failures.Add($"{name}: values differ");
            if (!a.Grad!.ToDoubleArray().SequenceEqual(t.grad!.data<double>().ToArray())) failures.Add($"{name}: gradient differs");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
