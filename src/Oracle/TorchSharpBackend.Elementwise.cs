using Autograd.TorchSharp;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchApi = TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Autograd.Oracle;

// The elementwise math functions and activations through TorchSharp: the tensor methods and the
// torch.nn.functional activations PyTorch's functional.py calls, with every parameter.
public sealed partial class TorchSharpBackend
{
    public OracleTensor Sin(OracleTensor x) => Op(() => U(x).sin());
    public OracleTensor Cos(OracleTensor x) => Op(() => U(x).cos());
    public OracleTensor Log1p(OracleTensor x) => Op(() => U(x).log1p());
    public OracleTensor Expm1(OracleTensor x) => Op(() => U(x).expm1());
    public OracleTensor Erf(OracleTensor x) => Op(() => U(x).erf());
    public OracleTensor Rsqrt(OracleTensor x) => Op(() => U(x).rsqrt());
    public OracleTensor Reciprocal(OracleTensor x) => Op(() => U(x).reciprocal());
    public OracleTensor Sign(OracleTensor x) => Op(() => U(x).sign());
    public OracleTensor Round(OracleTensor x) => Op(() => U(x).round());
    public OracleTensor Softplus(OracleTensor x, double beta = 1, double threshold = 20) => Op(() => TorchApi.nn.functional.softplus(U(x), beta, threshold));
    public OracleTensor LogSigmoid(OracleTensor x) => Op(() => TorchApi.nn.functional.logsigmoid(U(x)));
    public OracleTensor Gelu(OracleTensor x, string approximate = "none") => approximate switch
    {
        "none" => Op(() => WithLibtorchDefaultMkldnn(() => TorchApi.nn.functional.gelu(U(x), global::TorchSharp.Modules.GELU.Approximate.none))),
        "tanh" => Op(() => TorchApi.nn.functional.gelu(U(x), global::TorchSharp.Modules.GELU.Approximate.tanh)),
        _ => Op(() => WithLibtorchDefaultMkldnn(() => GeluWithString(U(x), approximate))),
    };

    /// <summary>
    /// Runs <paramref name="f"/> with oneDNN as libtorch ships (on), also where the load's self-check switched it off
    /// for its wrong convolutions (Note [oneDNN self-check]): exact gelu's float32 +∞ is oneDNN's NaN in libtorch's
    /// default configuration (Note [gelu at +∞]), which the cross-check pins. Oracle tests run one at a time
    /// (their collection), so no convolution runs while the switch is flipped.
    /// </summary>
    private static T WithLibtorchDefaultMkldnn<T>(Func<T> f)
    {
        if (TorchSharpLibrary.MkldnnDisabledReason is null || TorchSharpLibrary.MkldnnEnabled) return f();
        TorchSharpLibrary.MkldnnEnabled = true;
        try { return f(); }
        finally { TorchSharpLibrary.MkldnnEnabled = false; }
    }

    /// <summary>
    /// TorchSharp's gelu takes an enum, but libtorch takes the string and checks it: any other string goes to
    /// libtorch's own entry point (TorchSharp's internal P/Invoke, through reflection), so its rejection is libtorch's.
    /// </summary>
    private static TorchTensor GeluWithString(TorchTensor x, string approximate)
    {
        var native = typeof(TorchApi).Assembly.GetType("TorchSharp.PInvoke.NativeMethods", throwOnError: true)!
            .GetMethod("THSTensor_gelu_with_approximate", BindingFlags.NonPublic | BindingFlags.Static)!;
        var handle = (IntPtr)native.Invoke(null, [x.Handle, approximate])!;
        TorchApi.CheckForErrors();   // libtorch's error, as an ExternalException
        return TorchTensor.UnsafeCreateTensor(handle);
    }

    private delegate IntPtr HardtanhFn(IntPtr tensor, IntPtr min, IntPtr max);

    private static readonly Lazy<HardtanhFn> HardtanhEntry = new(() => Marshal.GetDelegateForFunctionPointer<HardtanhFn>(
        NativeLibrary.GetExport(NativeLibrary.Load("LibTorchSharp", typeof(TorchApi).Assembly, null), "THSTensor_hardtanh")));

    /// <summary>
    /// torch._C._nn.hardtanh, which F.hardtanh calls. TorchSharp 0.107 declares LibTorchSharp's THSTensor_hardtanh as
    /// returning void, so its hardtanh hands back the input unclamped: libtorch's entry point is called here
    /// directly, with its real signature (tensor, scalar, scalar) → tensor.
    /// </summary>
    private static TorchTensor NativeHardtanh(TorchTensor x, double minVal, double maxVal)
    {
        using global::TorchSharp.Scalar lo = minVal, hi = maxVal;
        var handleOf = typeof(global::TorchSharp.Scalar).GetProperty("Handle", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var r = HardtanhEntry.Value(x.Handle, (IntPtr)handleOf.GetValue(lo)!, (IntPtr)handleOf.GetValue(hi)!);
        TorchApi.CheckForErrors();
        return TorchTensor.UnsafeCreateTensor(r);
    }
    public OracleTensor LeakyRelu(OracleTensor x, double negativeSlope = 0.01) => Op(() => TorchApi.nn.functional.leaky_relu(U(x), negativeSlope));
    public OracleTensor Elu(OracleTensor x, double alpha = 1) => Op(() => TorchApi.nn.functional.elu(U(x), alpha));
    public OracleTensor Silu(OracleTensor x) => Op(() => TorchApi.nn.functional.silu(U(x)));
    public OracleTensor Hardtanh(OracleTensor x, double minVal = -1, double maxVal = 1) => Op(() => NativeHardtanh(U(x), minVal, maxVal));
    public OracleTensor Maximum(OracleTensor a, OracleTensor b) => Op(() => U(a).maximum(U(b)));
    public OracleTensor Minimum(OracleTensor a, OracleTensor b) => Op(() => U(a).minimum(U(b)));
}
