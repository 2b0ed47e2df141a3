using System.Runtime.InteropServices;
using Autograd.Oracle;
using Autograd.TorchSharp;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Tests.InPlace;

/// <summary>
/// The in-place members on <see cref="OracleTensor"/>s, so an in-place sequence is written once and
/// runs on ours and on libtorch 2.10 (IOracleBackend has only out-of-place ops). Each returns its receiver,
/// as PyTorch's in-place methods return self. libtorch's errors become <see cref="TorchException"/>s.
/// </summary>
internal static class EngineInPlace
{
    extension(OracleTensor a)
    {
        public OracleTensor Add_(OracleTensor b, double alpha = 1) => Do(a, t => t.Add_(Ours(b), alpha), t => t.add_(Theirs(b), alpha));
        public OracleTensor Add_(double v) => Do(a, t => t.Add_(v), t => t.add_(v));
        // TorchSharp's sub_ has no alpha: self − alpha·other is add_(other, −alpha), the same kernel.
        public OracleTensor Sub_(OracleTensor b, double alpha = 1) => Do(a, t => t.Sub_(Ours(b), alpha), t => alpha == 1 ? t.sub_(Theirs(b)) : t.add_(Theirs(b), -alpha));
        public OracleTensor Sub_(double v) => Do(a, t => t.Sub_(v), t => t.sub_(v));
        public OracleTensor Mul_(OracleTensor b) => Do(a, t => t.Mul_(Ours(b)), t => t.mul_(Theirs(b)));
        public OracleTensor Mul_(double v) => Do(a, t => t.Mul_(v), t => t.mul_(v));
        public OracleTensor Div_(OracleTensor b) => Do(a, t => t.Div_(Ours(b)), t => t.div_(Theirs(b)));
        public OracleTensor Div_(double v) => Do(a, t => t.Div_(v), t => t.div_(v));
        public OracleTensor Neg_() => Do(a, t => t.Neg_(), t => t.neg_());
        public OracleTensor Pow_(double p) => Do(a, t => t.Pow_(p), t => t.pow_(p));
        public OracleTensor Exp_() => Do(a, t => t.Exp_(), t => t.exp_());
        public OracleTensor Log_() => Do(a, t => t.Log_(), t => t.log_());
        public OracleTensor Sqrt_() => Do(a, t => t.Sqrt_(), t => t.sqrt_());
        public OracleTensor Abs_() => Do(a, t => t.Abs_(), t => t.abs_());
        public OracleTensor Relu_() => Do(a, t => t.Relu_(), t => t.relu_());
        public OracleTensor Sigmoid_() => Do(a, t => t.Sigmoid_(), t => t.sigmoid_());
        public OracleTensor Tanh_() => Do(a, t => t.Tanh_(), t => t.tanh_());
        public OracleTensor Clamp_(double? min, double? max) => Do(a, t => t.Clamp_(min, max), t => t.clamp_(Scalar(min), Scalar(max)));
        // TorchSharp's zero_ reaches aten::zeros, whose backward libtorch does not implement ("derivative
        // for aten::zeros is not implemented"); Python's zero_ is aten::zero_ (ZeroBackward0), which is
        // fill_(0) in values and gradient, so libtorch runs fill_(0) here.
        public OracleTensor Zero_() => Do(a, t => t.Zero_(), t => t.fill_(0));
        public OracleTensor Fill_(double v) => Do(a, t => t.Fill_(v), t => t.fill_(v));
        public OracleTensor Copy_(OracleTensor src) => Do(a, t => t.Copy_(Ours(src)), t => t.copy_(Theirs(src)));
        public OracleTensor Detach_() => Do(a, t => t.Detach_(), t => t.detach_());

        /// <summary>tensor.detach(): an alias sharing storage and version counter.</summary>
        public OracleTensor Detach() => a.Backend is AutogradBackend
            ? AutogradBackend.Wrap(Ours(a).Detach())
            : ((TorchSharpBackend)a.Backend).Wrap(Theirs(a).detach());
    }

    extension(IOracleBackend e)
    {
        /// <summary>torch.no_grad() on either engine.</summary>
        public IDisposable NoGrad() => e is AutogradBackend ? Grad.NoGrad() : TorchApi.no_grad();
    }

    public static Tensor Ours(OracleTensor t) => AutogradBackend.Unwrap(t);

    public static TorchTensor Theirs(OracleTensor t) => TorchSharpBackend.Unwrap(t);

    private static global::TorchSharp.Scalar? Scalar(double? v) => v is { } d ? d : null;

    // The result of libtorch's in-place call is self (TorchSharp returns the same object): never disposed
    // here, since that would free the engine's tensor.
    private static OracleTensor Do(OracleTensor a, Action<Tensor> ours, Func<TorchTensor, TorchTensor> theirs)
    {
        if (a.Backend is AutogradBackend) { ours(Ours(a)); return a; }
        try { theirs(Theirs(a)); }
        catch (ExternalException ex) { throw new TorchException(TorchSharpLibrary.ShortMessage(ex)); }
        return a;
    }
}
