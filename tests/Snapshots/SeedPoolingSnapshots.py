#!/usr/bin/env python3
"""PyTorch 1.13 (python3-torch) printing the computations of SeedPoolingTests; each section's output must
equal Verified/<name>.verified.txt line for line (the tests also assert the seeds' numbers directly).
Run: /usr/bin/python3 SeedPoolingSnapshots.py OUTDIR   (writes OUTDIR/<name>.verified.txt; then diff with Verified/)"""
import os
import sys
import torch
import torch.nn.functional as F

out_dir = sys.argv[1] if len(sys.argv) > 1 else "."

SEED000 = [[1, 3, 4, 2, 5, 2],
           [4, 2, 5, 6, 8, 3],
           [5, 3, 7, 8, 9, 3],
           [8, 4, 3, 6, 0, 2],
           [7, 10, 3, 6, 3, 5],
           [4, 7, 2, 4, 7, 8]]


def counts(t):
    # The seed's "position matrix": how many windows send their gradient to each cell.
    return "\n".join("[" + ", ".join(str(int(v)) for v in row) + "]" for row in t.reshape(-1, t.shape[-1]).round().tolist())


def write(name, lines):
    with open(os.path.join(out_dir, name + ".verified.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


for op, fn in [("max", F.max_pool2d), ("avg", F.avg_pool2d)]:
    for stride in (2, 1):
        x = torch.tensor(SEED000, dtype=torch.float32).unsqueeze(0).requires_grad_()
        y = fn(x, kernel_size=(2, 2), stride=stride)
        y.mean().backward()
        # max: each window sends 1/windows to one cell; avg: 1/(windows * 4) to each of its 4 cells.
        scale = y.numel() * (1 if op == "max" else 4)
        write(f"seed-000-{op}-pool-k2-s{stride}", [
            f"y = {op}_pool2d(x, kernel_size=(2, 2), stride={stride})",
            f"y = {y}",
            "y.mean().backward()",
            f"x.grad = {x.grad}",
            f"position matrix (x.grad * {scale}):",
            counts(x.grad * scale),
        ])

x = torch.tensor(SEED000, dtype=torch.float32).unsqueeze(0)
write("seed-000-mean", [
    f"x.mean() = {x.mean()!s}",
    f"x.mean([1, 2], keepdim=True) = {x.mean([1, 2], keepdim=True)}",
    f"x.mean([2], keepdim=True) = {x.mean([2], keepdim=True)}",
    f"x.mean([1]) = {x.mean([1])}",
    f"x.mean([0, 2]) = {x.mean([0, 2])}",
])

SEED001 = [[1., -1, 0], [-1, 2, 1], [0, 2, -2]]
x = torch.tensor(SEED001).reshape(1, 1, 3, 3).requires_grad_()
valid = F.avg_pool2d(x, 2, 2)
same = F.avg_pool2d(x, 2, 2, padding=0, ceil_mode=True, count_include_pad=False)
same.sum().backward()
write("seed-001-avg-pool-valid-same", [
    f"x = {x}",
    "VALID: avg_pool2d(x, 2, 2)",
    f"{valid}",
    "SAME: avg_pool2d(x, 2, 2, padding=0, ceil_mode=True, count_include_pad=False)",
    f"{same}",
    "SAME.sum().backward()",
    f"x.grad = {x.grad}",
])

# Seed 004: a batch of images and channels full of ties; each window's gradient goes to one cell only.
shape = (3, 4, 6, 6)
n = 3 * 4 * 6 * 6
x = torch.tensor([float((i * i + 3 * i) % 5 // 2) for i in range(n)]).reshape(shape).requires_grad_()
y = F.max_pool2d(x, 2)
y.sum().backward()
windows = x.unfold(2, 2, 2).unfold(3, 2, 2).reshape(3, 4, 3, 3, 4)
wmax = windows.max(-1).values
tied = int(((windows == wmax.unsqueeze(-1)).sum(-1) > 1).sum())
mask_cells = int((x == F.interpolate(y, scale_factor=2, mode="nearest")).sum())
write("seed-004-max-pool-ties", [
    "x: (3, 4, 6, 6), values (i*i + 3*i) % 5 // 2 in {0, 1, 2}; y = max_pool2d(x, 2); y.sum().backward()",
    f"windows: {y.numel()}",
    f"windows with a tied maximum: {tied}",
    f"cells a boolean mask x == max would mark: {mask_cells}",
    f"cells with a nonzero gradient: {int((x.grad != 0).sum())}",
    f"gradient sum: {x.grad.sum()!s}",
    f"x[0, 0] = {x[0, 0].detach()}",
    f"x.grad[0, 0] = {x.grad[0, 0]}",
])
