#!/usr/bin/env python3
"""Prints PyTorch 1.13's (python3-torch) error message for each call of ConvErrorSnapshotTests, in order;
they must equal the "torch:" lines of Verified/conv-errors.verified.txt.
Run: /usr/bin/python3 ConvErrorSnapshots.py | diff - <(grep '  torch: ' Verified/conv-errors.verified.txt | sed 's/^  torch: //')"""
import torch
import torch.nn.functional as F

z = torch.zeros
calls = [
    lambda: F.conv2d(z(5, 5), z(1, 1, 3, 3)),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 3, 3, 3)),
    lambda: F.conv2d(z(1, 4, 5, 5), z(5, 2, 3, 3), groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), groups=0),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), stride=(1, -1), groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), dilation=0, groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), padding=-1, groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), stride=2, padding="same", groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), padding="full", groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 7, 3), groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3), z(5), groups=2),
    lambda: F.conv2d(z(1, 4, 5, 5), z(6, 2, 3, 3).double(), groups=2),
    lambda: F.pad(z(3, 4), [1]),
    lambda: F.pad(z(3, 4), [1, 1, 1, 1, 1, 1]),
    lambda: F.pad(z(3, 4), [-3, -2]),
]
for call in calls:
    try:
        call()
        print("(accepted)")
    except Exception as e:
        print(str(e).split("\n")[0])
