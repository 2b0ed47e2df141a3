#!/usr/bin/python3
"""Reference numbers for NetworkTrainingTests.cs, computed with PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 tests/GradCheck/Nn/network_reference.py
A scaled-down copy of the sample's network (same layer kinds and order) in float64, with weights
and inputs from closed-form formulas so that no random generator is shared: parameter k (in
named_parameters order), element i = 0.4·sin(0.7·i + 1.1·k + 0.3); input element i = cos(0.37·i).
Three steps of SGD(lr=0.1, momentum=0.9) on cross-entropy; prints the loss before each step and,
after the last, each parameter's sum and first three values.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
net = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
    nn.Flatten(), nn.Linear(24, 8), nn.ReLU(), nn.Linear(8, 5))
with torch.no_grad():
    for k, (name, p) in enumerate(net.named_parameters()):
        flat = torch.tensor([0.4 * math.sin(0.7 * i + 1.1 * k + 0.3) for i in range(p.numel())])
        p.copy_(flat.view_as(p))
x = torch.tensor([math.cos(0.37 * i) for i in range(3 * 64)]).view(3, 1, 8, 8)
y = torch.tensor([0, 3, 4])
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
losses = []
for _ in range(3):
    loss = F.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
print("losses:", ", ".join(repr(v) for v in losses))
for name, p in net.named_parameters():
    v = p.detach().flatten().tolist()
    print(f'{{ "{name}", ({p.sum().item()!r}, [{v[0]!r}, {v[1]!r}, {v[2]!r}]) }},')
print(repr(net))
