#!/usr/bin/python3
"""Reference trajectories for OptimizerTests.cs, computed with PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 tests/GradCheck/Nn/optim_reference.py
Each case starts from p0 and, at step t, sets p.grad = 2 * (p - target) * SCALE[t] (a quadratic
loss whose gradient scale varies, so decreasing second moments exercise AMSGrad), then calls
optimizer.step(). It prints p after every step as C# array literals, in float64 and float32.
"""
import torch

P0 = [0.3, -0.7, 1.2]
TARGET = [1.0, -2.0, 0.5]
SCALE = [1.0, 0.2, 1.5, 0.1, 0.7]

CASES = {
    "SgdPlain": lambda p: torch.optim.SGD([p], lr=0.1),
    "SgdMomentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9),
    "SgdDampening": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5),
    "SgdNesterovWeightDecay": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "SgdMaximizeWeightDecay": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.5, weight_decay=0.1, maximize=True),
    "AdamDefault": lambda p: torch.optim.Adam([p], lr=0.1),
    "AdamBetasWeightDecay": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
    "AdamAmsgrad": lambda p: torch.optim.Adam([p], lr=0.1, betas=(0.9, 0.5), amsgrad=True),
    "AdamMaximizeEps": lambda p: torch.optim.Adam([p], lr=0.02, eps=1e-3, maximize=True),
}

for dtype, suffix in [(torch.float64, ""), (torch.float32, "F32")]:
    for name, make in CASES.items():
        p = torch.tensor(P0, dtype=dtype, requires_grad=True)
        target = torch.tensor(TARGET, dtype=dtype)
        opt = make(p)
        rows = []
        for s in SCALE:
            p.grad = (2 * (p.detach() - target) * s)
            opt.step()
            rows.append(", ".join(repr(float(v)) for v in p.detach().tolist()))
        print(f'{{ "{name}{suffix}", new double[][] {{ ' + ", ".join(f"[{r}]" for r in rows) + " } },")
