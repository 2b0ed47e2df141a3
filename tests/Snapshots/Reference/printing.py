#!/usr/bin/env python3
"""Writes ../Verified/TensorPrinting.verified.txt: PyTorch 1.13's own printing of the tensors that
PrintingSnapshotTests builds (same values, same order). Run with python3-torch:
    /usr/bin/python3 tests/Snapshots/Reference/printing.py
Each case is "## name" followed by repr(tensor) and a blank line."""
import os
import torch

nan, inf = float('nan'), float('inf')
f64 = torch.float64
t = torch.tensor

cases = [
    ("integers_requires_grad", lambda: t([[1., 2.], [3., 4.]], requires_grad=True)),
    ("fractions", lambda: t([0.1, 0.25, -1.5, 3.14159])),
    ("fractions_round_half_even", lambda: t([0.03125, 0.09375, 1.0])),
    ("sci_small", lambda: t([1e-5, 2e-5, -3.5e-6])),
    ("sci_large", lambda: t([1e9, 2.5e9, -1.0])),
    ("sci_ratio", lambda: t([0.001, 10.5])),
    ("sci_round_half_even", lambda: t([1.03125, 1e-5], dtype=f64)),
    ("sci_three_digit_exponent", lambda: t([1e-120, 2.5e200], dtype=f64)),
    ("integers_large_sci", lambda: t([1e9, 1.])),
    ("integers_ratio_sci", lambda: t([1., 2000.])),
    ("integers_negative", lambda: t([-1., 0., 10., -100.])),
    ("negatives_fixed", lambda: t([[-1.5, 2.25], [0.0, -0.125]])),
    ("nan_inf_fixed", lambda: t([1.5, nan, inf, -inf])),
    ("nan_inf_integers", lambda: t([1., nan, -inf])),
    ("nan_inf_sci", lambda: t([1e-6, nan, -inf, 3.0])),
    ("only_nonfinite", lambda: t([nan, inf])),
    ("zeros", lambda: torch.zeros(2, 3)),
    ("negative_zero", lambda: t([-0.0, 1.0])),
    ("tiny_and_zero", lambda: t([0.0, 1e-10])),
    ("wide_fixed", lambda: t([-1000.5, 2.5])),
    ("three_d", lambda: torch.arange(24.).reshape(2, 3, 4) / 4),
    ("four_d", lambda: torch.arange(16.).reshape(2, 2, 2, 2)),
    ("wrapped_row", lambda: torch.arange(30.) * 1.5),
    ("wrapped_rows_2d", lambda: torch.arange(40.).reshape(2, 20) * 1.25),
    ("summarized_1d", lambda: torch.arange(2000.)),
    ("summarized_2d", lambda: torch.arange(1200.).reshape(40, 30) * 0.5),
    ("summarized_3d", lambda: torch.arange(1500.).reshape(10, 10, 15) - 700),
    ("summarized_float64", lambda: torch.arange(1001., dtype=f64) / 3),
    ("not_summarized_at_1000", lambda: torch.arange(1000.).reshape(10, 100)),
    ("float64", lambda: t([1.5, 2.0], dtype=f64)),
    ("float64_requires_grad", lambda: t([[1., 2.]], dtype=f64, requires_grad=True)),
    ("grad_fn", lambda: t([1., 2.], requires_grad=True) * 2),
    ("grad_fn_float64_wraps_suffix", lambda: torch.arange(8., dtype=f64).reshape(1, 8).requires_grad_() * 1.1),
    ("grad_fn_matrix", lambda: (t([[1., -2.], [3., 4.5]], requires_grad=True) + 1).relu()),
    ("scalar", lambda: t(3.5)),
    ("scalar_integer", lambda: t(2.)),
    ("scalar_sci", lambda: t(1.5e-7)),
    ("scalar_float64_requires_grad", lambda: t(-0.25, dtype=f64, requires_grad=True)),
    ("scalar_grad_fn", lambda: t([1., 2., 3., 4.], requires_grad=True).mean()),
    ("scalar_nan", lambda: t(nan)),
    ("boundary_1e8_integers", lambda: t([1e8, 5e7])),
    ("boundary_1e-4_fixed", lambda: t([1e-4, 2e-4], dtype=f64)),
    ("boundary_ratio_1000_fixed", lambda: t([0.5, 500.], dtype=f64)),
    ("thirds", lambda: torch.arange(5.) / 3),
    ("nan_inf_integer_matrix", lambda: t([[nan, 1.], [2., inf]])),
    ("empty", lambda: torch.zeros(0)),
    ("empty_2d", lambda: torch.zeros(2, 0)),
    ("empty_float64", lambda: torch.zeros(0, dtype=f64)),
    ("empty_3d_float64_requires_grad", lambda: torch.zeros(0, 3, 1, dtype=f64, requires_grad=True)),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Verified", "TensorPrinting.verified.txt")
with open(out, "w") as f:
    for name, make in cases:
        f.write(f"## {name}\n{make()!r}\n\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
