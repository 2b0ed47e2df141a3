#!/usr/bin/env python3
"""Writes ../Verified/Demo.pytorch.txt: the demo graph of samples/Demo (DemoReport.cs) built in
PyTorch 1.13, with the same sections (every tensor printed by PyTorch) except the tape, for which it
writes the order in which PyTorch's engine runs the nodes (grad_fn hooks). Run with python3-torch:
    /usr/bin/python3 tests/Snapshots/Reference/demo.py"""
import os
import torch
import torch.nn.functional as F

x = torch.tensor([[1, 3, 4, 2, 5, 2], [4, 2, 5, 6, 8, 3], [5, 3, 7, 8, 9, 3],
                  [8, 4, 3, 6, 0, 2], [7, 10, 3, 6, 3, 5], [4, 7, 2, 4, 7, 8]], dtype=torch.float32).reshape(1, 1, 6, 6).requires_grad_()
w = torch.tensor([1, -1, 0, 2, 0.5, 0.5, -0.5, 0.25]).reshape(2, 1, 2, 2).requires_grad_()
b = torch.tensor([1., -2.], requires_grad=True)
W = torch.tensor([[((7 * i + 3 * j) % 11 - 5) / 64 for j in range(32)] for i in range(3)], requires_grad=True)
c = torch.tensor([0.125, 0, -0.125], requires_grad=True)

h = F.relu(F.conv2d(x, w, b))
p = F.max_pool2d(h, 2, stride=1)
logits = F.linear(p.flatten(1), W, c)
loss = F.cross_entropy(logits, torch.tensor([2]))

order = []
seen, stack = set(), [loss.grad_fn]
while stack:
    n = stack.pop()
    if n is None or n in seen:
        continue
    seen.add(n)
    n.register_hook(lambda gi, go, n=n: order.append(
        "AccumulateGrad " + str(list(n.variable.shape)) if hasattr(n, "variable") else n.name()))
    stack.extend(nx for nx, _ in n.next_functions)

sections = [("x", repr(x)),
            ("logits = linear(flatten(max_pool2d(relu(conv2d(x, w, b)), 2, stride=1)), W, c)", repr(logits)),
            ("loss = cross_entropy(logits, [2])", repr(loss))]
loss.backward()
sections.append(("backward order", "\n".join(order)))
sections += [(f"{n}.grad", repr(t.grad)) for n, t in [("x", x), ("w", w), ("b", b), ("W", W), ("c", c)]]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Verified", "Demo.pytorch.txt")
with open(out, "w") as f:
    for title, text in sections:
        f.write(f"== {title}\n{text}\n\n")
print(f"wrote {os.path.normpath(out)}")
