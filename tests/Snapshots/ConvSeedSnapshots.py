#!/usr/bin/env python3
"""PyTorch 1.13 (python3-torch) printing the computation of ConvSeedTests.Seed001TensorFlowSameStride2...;
its output must equal Verified/conv-seed001-tf-same-stride2.verified.txt line for line.
Run: /usr/bin/python3 ConvSeedSnapshots.py | diff - Verified/conv-seed001-tf-same-stride2.verified.txt"""
import torch
import torch.nn.functional as F

x = torch.tensor([[1., -1, 0], [-1, 2, 1], [0, 2, -2]]).reshape(1, 1, 3, 3).requires_grad_()
w = torch.tensor([[1., -1], [0, 2]]).reshape(1, 1, 2, 2).requires_grad_()
b = torch.tensor([1.]).requires_grad_()
y = F.conv2d(F.pad(x, [0, 1, 0, 1]), w, b, stride=2)
y.sum().backward()
print(f"x = {x}")
print(f"w = {w}")
print(f"b = {b}")
print("y = conv2d(pad(x, [0, 1, 0, 1]), w, b, stride=2)")
print(f"y = {y}")
print("y.sum().backward()")
print(f"w.grad = {w.grad}")
print(f"b.grad = {b.grad}")
print(f"x.grad = {x.grad}")
