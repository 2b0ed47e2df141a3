#!/usr/bin/env python3
"""Generates PoolTorchCases.cs: PyTorch 1.13's (python3-torch) outputs, argmax indices and input gradients
of the pooling ops for fixed inputs that the C# tests rebuild identically.
Run: /usr/bin/python3 PoolTorchReference.py > PoolTorchCases.cs

Inputs are exact binary fractions from an index formula (det below, mirrored by TestData.Det in C#, tests/GradCheck/Support/TestData.cs),
optionally with NaN / -inf written at listed flat positions. With mod a prime above numel and mul not a
multiple of it, det gives distinct values (no ties); a small mod gives ties on purpose. The loss is
sum(y * gy) with gy = det(y.shape, 3, 5, 2), so gradients are a vector-Jacobian product with a
non-constant upstream gradient. Each case carries the C# call that mirrors the Python call."""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def det(shape, mul, mod, div, offset=0.0):
    n = 1
    for s in shape:
        n *= s
    v = [((i * mul) % mod - mod // 2) / div + offset for i in range(n)]
    return torch.tensor(v).reshape(shape)


def pair(v):
    return f"({v[0]}, {v[1]})" if isinstance(v, tuple) else str(v)


# name, x shape, (mul, mod, div, offset), nan positions, -inf positions, python call, C# call
DISTINCT = (389, 1009, 64, 0.0)
TIES = (7, 5, 2, 0.0)
ROW_TIES = (1, 2, 1, 0.0)  # alternating -1, 0: equal maxima within a window row and across rows
POSITIVE = (389, 1009, 64, 8.0)
CASES = [
    # max_pool2d
    ("MaxK3S2P1", (2, 3, 9, 8), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 2, 1)"),
    ("MaxStrideBelowKernelNonSquare", (1, 2, 7, 10), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, (3, 2), (1, 2), (1, 0), return_indices=True), "F.MaxPool2dWithIndices(x, (3, 2), (1, 2), (1, 0))"),
    ("MaxStrideAboveKernel", (2, 2, 11, 9), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 2, 3, return_indices=True), "F.MaxPool2dWithIndices(x, 2, 3)"),
    ("MaxDilatedPadded", (1, 3, 10, 9), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, (2, 1), 1, (2, 3), return_indices=True), "F.MaxPool2dWithIndices(x, 3, (2, 1), 1, (2, 3))"),
    ("MaxCeilMode", (2, 2, 8, 7), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 2, 1, ceilMode: true)"),
    ("MaxCeilModeLastWindowDropped", (1, 2, 6, 6), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, 4, 1, ceil_mode=True, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 4, 1, ceilMode: true)"),
    ("MaxDilatedCeil", (1, 2, 9, 8), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 2, 2, 1, 2, ceil_mode=True, return_indices=True), "F.MaxPool2dWithIndices(x, 2, 2, 1, 2, ceilMode: true)"),
    ("MaxUnbatched", (3, 7, 7), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 2, 1, return_indices=True), "F.MaxPool2dWithIndices(x, 2, 1)"),
    ("MaxWideRows", (1, 1, 5, 37), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, (2, 3), (1, 2), (1, 1), return_indices=True), "F.MaxPool2dWithIndices(x, (2, 3), (1, 2), (1, 1))"),
    ("MaxTiesFirstWins", (2, 2, 6, 6), TIES, [], [],
     lambda x: F.max_pool2d(x, 3, 1, 1, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 1, 1)"),
    ("MaxTiesDilated", (1, 3, 7, 8), TIES, [], [],
     lambda x: F.max_pool2d(x, (2, 3), (2, 1), (1, 1), (3, 2), return_indices=True), "F.MaxPool2dWithIndices(x, (2, 3), (2, 1), (1, 1), (3, 2))"),
    ("MaxTiesWithinRows", (2, 2, 5, 7), ROW_TIES, [], [],
     lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 2, 1)"),
    ("MaxNaNAndNegInf", (1, 2, 6, 6), DISTINCT, [3, 4, 8, 14, 40, 41, 47], [20, 21, 26, 27, 60, 61, 66, 67],
     lambda x: F.max_pool2d(x, 3, 1, 1, return_indices=True), "F.MaxPool2dWithIndices(x, 3, 1, 1)"),
    # avg_pool2d
    ("AvgK3S2P1", (2, 3, 9, 8), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2, 1), "F.AvgPool2d(x, 3, 2, 1)"),
    ("AvgK3S2P1ExcludePad", (2, 3, 9, 8), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), "F.AvgPool2d(x, 3, 2, 1, countIncludePad: false)"),
    ("AvgCeilIncludePad", (1, 2, 8, 7), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), "F.AvgPool2d(x, 3, 2, 1, ceilMode: true)"),
    ("AvgCeilExcludePad", (1, 2, 8, 7), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), "F.AvgPool2d(x, 3, 2, 1, ceilMode: true, countIncludePad: false)"),
    ("AvgCeilNoPadding", (1, 2, 5, 5), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 2, 2, ceil_mode=True), "F.AvgPool2d(x, 2, 2, ceilMode: true)"),
    ("AvgDivisorOverride", (1, 2, 8, 7), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, divisor_override=5), "F.AvgPool2d(x, 3, 2, 1, ceilMode: true, divisorOverride: 5)"),
    ("AvgNegativeDivisorOverride", (1, 1, 6, 6), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 2, 1, divisor_override=-3), "F.AvgPool2d(x, 2, 1, divisorOverride: -3)"),
    ("AvgStrideAboveKernelNonSquare", (2, 2, 11, 9), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, (2, 3), (3, 4), (1, 1)), "F.AvgPool2d(x, (2, 3), (3, 4), (1, 1))"),
    ("AvgUnbatched", (3, 7, 7), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 2, 1), "F.AvgPool2d(x, 2, 1)"),
    ("AvgWideRows", (1, 1, 5, 37), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, (2, 3), (1, 2), (1, 1), ceil_mode=True, count_include_pad=False), "F.AvgPool2d(x, (2, 3), (1, 2), (1, 1), ceilMode: true, countIncludePad: false)"),
    # lp_pool2d
    ("LpP2", (2, 3, 9, 8), DISTINCT, [], [],
     lambda x: F.lp_pool2d(x, 2, 3, 2), "F.LpPool2d(x, 2, 3, 2)"),
    ("LpP1IsSumPooling", (2, 2, 6, 7), DISTINCT, [], [],
     lambda x: F.lp_pool2d(x, 1, 2), "F.LpPool2d(x, 1, 2)"),
    ("LpP3CeilPositive", (1, 2, 8, 7), POSITIVE, [], [],
     lambda x: F.lp_pool2d(x, 3, 3, 2, ceil_mode=True), "F.LpPool2d(x, 3, 3, 2, ceilMode: true)"),
    ("LpFractionalNonSquare", (1, 3, 7, 9), POSITIVE, [], [],
     lambda x: F.lp_pool2d(x, 1.5, (2, 3), (1, 2)), "F.LpPool2d(x, 1.5, (2, 3), (1, 2))"),
    ("LpP3NegativeWindowsGiveNaN", (1, 2, 6, 6), DISTINCT, [], [],
     lambda x: F.lp_pool2d(x, 3, 2), "F.LpPool2d(x, 3, 2)"),
    ("LpNegativeP", (3, 6, 6), POSITIVE, [], [],
     lambda x: F.lp_pool2d(x, -2, 2, 1), "F.LpPool2d(x, -2, 2, 1)"),
    # adaptive
    ("AdaptiveAvgShrink", (2, 3, 7, 9), DISTINCT, [], [],
     lambda x: F.adaptive_avg_pool2d(x, (3, 4)), "F.AdaptiveAvgPool2d(x, (3, 4))"),
    ("AdaptiveAvgGlobal", (1, 2, 5, 5), DISTINCT, [], [],
     lambda x: F.adaptive_avg_pool2d(x, 1), "F.AdaptiveAvgPool2d(x, 1)"),
    ("AdaptiveAvgGrow", (1, 1, 4, 6), DISTINCT, [], [],
     lambda x: F.adaptive_avg_pool2d(x, (7, 8)), "F.AdaptiveAvgPool2d(x, (7, 8))"),
    ("AdaptiveAvgUnbatched", (2, 10, 3), DISTINCT, [], [],
     lambda x: F.adaptive_avg_pool2d(x, (4, 2)), "F.AdaptiveAvgPool2d(x, (4, 2))"),
    ("AdaptiveMaxShrink", (2, 3, 7, 9), DISTINCT, [], [],
     lambda x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, (3, 4))"),
    ("AdaptiveMaxGlobal", (1, 2, 5, 5), DISTINCT, [], [],
     lambda x: F.adaptive_max_pool2d(x, 1, return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, 1)"),
    ("AdaptiveMaxGrow", (1, 1, 4, 6), DISTINCT, [], [],
     lambda x: F.adaptive_max_pool2d(x, (7, 8), return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, (7, 8))"),
    ("AdaptiveMaxTies", (2, 2, 9, 7), TIES, [], [],
     lambda x: F.adaptive_max_pool2d(x, (4, 3), return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, (4, 3))"),
    ("AdaptiveMaxTiesWithinRows", (1, 2, 7, 9), ROW_TIES, [], [],
     lambda x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, (3, 4))"),
    # max_unpool2d of max_pool2d's output and indices, gradient through both
    ("UnpoolK2S2", (2, 2, 6, 8), DISTINCT, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 2, return_indices=True), 2, 2), "PoolTorchCases.PoolUnpool(x, 2, 2, 0)"),
    ("UnpoolOutputSize", (2, 2, 7, 7), DISTINCT, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 2, return_indices=True), 2, 2, output_size=(7, 7)), "PoolTorchCases.PoolUnpool(x, 2, 2, 0, [7, 7])"),
    ("UnpoolK3S2P1", (1, 2, 7, 8), DISTINCT, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 3, 2, 1, return_indices=True), 3, 2, 1, output_size=(7, 8)), "PoolTorchCases.PoolUnpool(x, 3, 2, 1, [7, 8])"),
    ("UnpoolUnbatchedFourSizes", (3, 6, 6), DISTINCT, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 2, return_indices=True), 2, 2, output_size=(9, 9, 6, 6)), "PoolTorchCases.PoolUnpool(x, 2, 2, 0, [9, 9, 6, 6])"),
    ("UnpoolRepeatedIndices", (1, 1, 5, 5), TIES, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 1, return_indices=True), 2, 1), "PoolTorchCases.PoolUnpool(x, 2, 1, 0)"),
    ("AdaptiveMaxUnbatched", (2, 10, 3), DISTINCT, [], [],
     lambda x: F.adaptive_max_pool2d(x, (4, 2), return_indices=True), "F.AdaptiveMaxPool2dWithIndices(x, (4, 2))"),
    # Extreme arguments (issue 10): strides, kernels and divisors far beyond the input. These take the
    # compact layout (Note [Compact pool axes]) or overflow an int product; PyTorch computes in int64.
    ("MaxStride2Pow22", (1, 2, 5, 7), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 2, 2**22, return_indices=True), "F.MaxPool2dWithIndices(x, 2, 1 << 22)"),
    ("MaxStrideIntMaxCeilPadded", (1, 2, 5, 7), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, 2**31 - 1, 1, ceil_mode=True, return_indices=True), "F.MaxPool2dWithIndices(x, 3, int.MaxValue, 1, ceilMode: true)"),
    ("MaxStrideIntMaxDilated", (2, 1, 5, 7), DISTINCT, [], [],
     lambda x: F.max_pool2d(x, 3, (2**31 - 1, 2**22), 1, 3, return_indices=True), "F.MaxPool2dWithIndices(x, 3, (int.MaxValue, 1 << 22), 1, 3)"),
    ("MaxKernel201Ties", (1, 2, 5, 7), TIES, [], [],
     lambda x: F.max_pool2d(x, 201, (1, 3), 100, return_indices=True), "F.MaxPool2dWithIndices(x, 201, (1, 3), 100)"),
    ("MaxKernelWideDilatedCeilNaN", (1, 2, 6, 9), DISTINCT, [3, 40, 41], [20, 21, 60, 61, 66],
     lambda x: F.max_pool2d(x, (3, 301), (1, 2), (1, 150), (2, 1), ceil_mode=True, return_indices=True),
     "F.MaxPool2dWithIndices(x, (3, 301), (1, 2), (1, 150), (2, 1), ceilMode: true)"),
    ("AvgKernel46341DivisorOverInt", (1, 1, 2, 3), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 46341, 1, 23170), "F.AvgPool2d(x, 46341, 1, 23170)"),
    ("AvgKernel65536DivisorTwoPow32", (1, 2, 3, 2), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 65536, (1, 2**22), 32768), "F.AvgPool2d(x, 65536, (1, 1 << 22), 32768)"),
    ("AvgKernel46341ExcludePadCeil", (1, 1, 3, 2), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 46341, 46341, 23170, ceil_mode=True, count_include_pad=False),
     "F.AvgPool2d(x, 46341, 46341, 23170, ceilMode: true, countIncludePad: false)"),
    ("AvgStrideIntMaxCeil", (2, 1, 5, 7), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 3, 2**31 - 1, 1, ceil_mode=True), "F.AvgPool2d(x, 3, int.MaxValue, 1, ceilMode: true)"),
    ("AvgDivisorOverrideIntMax", (1, 1, 3, 3), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 2, 1, divisor_override=2**31 - 1), "F.AvgPool2d(x, 2, 1, divisorOverride: int.MaxValue)"),
    ("AvgDivisorOverrideIntMin", (1, 1, 3, 3), DISTINCT, [], [],
     lambda x: F.avg_pool2d(x, 2, 1, divisor_override=-2**31), "F.AvgPool2d(x, 2, 1, divisorOverride: int.MinValue)"),
    ("LpKernel46341Ceil", (1, 1, 2, 3), POSITIVE, [], [],
     lambda x: F.lp_pool2d(x, 2, 46341, 46341, ceil_mode=True), "F.LpPool2d(x, 2, 46341, 46341, ceilMode: true)"),
    ("LpStride2Pow22Ceil", (1, 2, 5, 7), POSITIVE, [], [],
     lambda x: F.lp_pool2d(x, 3, 3, 2**22, ceil_mode=True), "F.LpPool2d(x, 3, 3, 1 << 22, ceilMode: true)"),
    ("UnpoolStride2Pow22", (1, 2, 2, 3), DISTINCT, [], [],
     lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, 2**22, return_indices=True), 2, 2**22, output_size=(2, 3)),
     "PoolTorchCases.PoolUnpool(x, 2, 1 << 22, 0, [2, 3])"),
]


def num(v):
    v = float(v)
    if v != v:
        return "double.NaN"
    if v in (float("inf"), float("-inf")):
        return "double.PositiveInfinity" if v > 0 else "double.NegativeInfinity"
    return repr(v)


def fmt(t):
    return "[" + ", ".join(num(v) for v in t.flatten().tolist()) + "]"


def fmt_int(t):
    return "[" + ", ".join(str(int(v)) for v in t.flatten().tolist()) + "]"


def make_input(shape, spec, nans, neginfs):
    x = det(shape, *spec)
    flat = x.view(-1)
    for i in nans:
        flat[i] = float("nan")
    for i in neginfs:
        flat[i] = float("-inf")
    return x.requires_grad_()


def ints(v):
    return "[" + ", ".join(map(str, v)) + "]"


print("// <auto-generated> by PoolTorchReference.py from PyTorch 1.13 (python3-torch); do not edit. </auto-generated>")
print("namespace Autograd.Tests.Ops.Pooling;")
print("")
print("public static partial class PoolTorchCases")
print("{")
print("    public static readonly PoolCase[] Cases =")
print("    [")
for name, xs, spec, nans, neginfs, call, cs in CASES:
    x = make_input(xs, spec, nans, neginfs)
    r = call(x)
    y, idx = r if isinstance(r, tuple) else (r, None)
    gy = det(tuple(y.shape), 3, 5, 2)
    (y * gy).sum().backward()
    with_indices = idx is not None
    op = f"x => {cs}" if with_indices else f"x => ({cs}, null)"
    print(f'        new("{name}", {ints(xs)}, {ints(spec[:3])}, {spec[3]!r}, {ints(nans)}, {ints(neginfs)},')
    print(f'            {op},')
    print(f'            {ints(y.shape)}, {fmt(y)},')
    print(f'            {fmt_int(idx) if with_indices else "null"},')
    print(f'            {fmt(x.grad)}),')
print("    ];")
print("}")
