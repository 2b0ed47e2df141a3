#!/usr/bin/python3
"""PyTorch reference for the Fashion-MNIST sample (Debian: python3-torch, dataset-fashion-mnist).

Same network, data, normalisation, batch size, optimizer and seed handling as Program.cs:
Conv2d(1,32,3,p1) -> ReLU -> MaxPool2d(2) -> Conv2d(32,64,3,p1) -> ReLU -> AvgPool2d(2) -> Flatten
-> Linear(3136,128) -> ReLU -> Linear(128,10); cross-entropy; SGD lr 0.05 momentum 0.9; batch 64.
The two engines have different random generators, so a seed gives each its own (equally
distributed) initialisation and shuffling, not bit-identical runs.

Prints, per epoch, the test accuracy and the training throughput (images/s, forward + backward +
step, excluding evaluation), then `RESULT epochs=E test_accuracy=A images_per_second=R` with A a
fraction in [0, 1], like the C# sample.

With --model resnet: the residual CNN of ResNet.cs (BatchNorm, Dropout), AdamW with a cosine schedule
stepped per batch, random flips and crops; see docs/training.md.

Usage: /usr/bin/python3 samples/FashionMnist/reference.py [--model cnn|resnet] [--epochs 1] [--threads N] [--limit N]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    rank = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * d: 8 + 4 * d], "big") for d in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load(directory, prefix, limit):
    def find(name):
        for candidate in (name + ".gz", name):
            path = os.path.join(directory, candidate)
            if os.path.exists(path):
                return path
        sys.exit(f"Fashion-MNIST file {name}(.gz) not found in {directory}. "
                 "Install the Debian package dataset-fashion-mnist: sudo apt-get install dataset-fashion-mnist")
    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))[:limit]
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))[:limit]
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0))
    x = ((x - MEAN) / STD).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


def make_net():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(3136, 128), nn.ReLU(),
        nn.Linear(128, 10))


class BasicBlock(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN plus the input (1x1 conv + BN when the shape changes), then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


def make_resnet(widths):
    """The residual CNN of --model resnet, as ResNet.cs builds it (same module names)."""
    w0, w1, w2 = widths
    return nn.Sequential(
        nn.Conv2d(1, w0, 3, 1, 1, bias=False), nn.BatchNorm2d(w0), nn.ReLU(), nn.MaxPool2d(2),
        BasicBlock(w0, w0, 1), BasicBlock(w0, w1, 2), BasicBlock(w1, w2, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(w2, 10))


def augment(x, generator):
    """Per image: a random horizontal flip (p = 0.5), then a random 28x28 crop of the image padded by 2
    with the background (a raw 0 pixel, i.e. -MEAN/STD after normalisation), as the C# sample does."""
    n = len(x)
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (2, 2, 2, 2), value=-MEAN / STD)
    offsets = torch.randint(0, 5, (n, 2), generator=generator)
    return torch.stack([padded[i, :, r:r + 28, c:c + 28] for i, (r, c) in enumerate(offsets.tolist())])


def evaluate(net, x, y, tta=False):
    """Test accuracy; with tta, of the mean of softmax(net(x)) and softmax(net(flip(x))) (Note [Flip test-time
    augmentation] in Trainer.cs), and the single-view accuracy beside it (None without tta)."""
    net.eval()
    correct, single = 0, 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            xb, yb = x[i:i + 1000], y[i:i + 1000]
            logits = net(xb)
            single += (logits.argmax(1) == yb).sum().item()
            scores = logits.softmax(1) + net(xb.flip(3)).softmax(1) if tta else logits
            correct += (scores.argmax(1) == yb).sum().item()
    net.train()
    return correct / len(x), (single / len(x) if tta else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--model", choices=["cnn", "resnet"], default="cnn")
    ap.add_argument("--batch-size", type=int, default=None, help="64 (cnn), 128 (resnet)")
    ap.add_argument("--lr", type=float, default=None, help="SGD 0.05 (cnn), AdamW peak 3e-3 (resnet)")
    ap.add_argument("--weight-decay", type=float, default=5e-4, help="AdamW's decoupled decay (resnet)")
    ap.add_argument("--label-smoothing", type=float, default=None, help="cross_entropy's label smoothing: 0 (cnn), 0.1 (resnet)")
    ap.add_argument("--tta", action="store_true", help="flip test-time augmentation at evaluation (as the C# sample's --tta)")
    ap.add_argument("--widths", default="24,48,96", help="channels of the three stages (resnet)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's choice)")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training and N test images")
    args = ap.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train", args.limit)
    test_x, test_y = load(args.data, "t10k", args.limit)
    resnet = args.model == "resnet"
    args.batch_size = args.batch_size or (128 if resnet else 64)
    args.lr = args.lr or (3e-3 if resnet else 0.05)
    if args.label_smoothing is None:
        args.label_smoothing = 0.1 if resnet else 0.0
    batches = (len(train_x) + args.batch_size - 1) // args.batch_size
    if resnet:
        net = make_resnet([int(w) for w in args.widths.split(",")])
        opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs * batches)  # stepped per batch
    else:
        net = make_net()
        opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
        schedule = None
    shuffle = torch.Generator().manual_seed(args.seed + 1)
    print(f"torch {torch.__version__}, model {args.model}, threads {torch.get_num_threads()}, "
          f"train {len(train_x)}, test {len(test_x)}, batch {args.batch_size}, lr {args.lr}, seed {args.seed}")

    total_images, total_time, accuracy = 0, 0.0, 0.0
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(train_x), generator=shuffle)
        running, start = 0.0, time.perf_counter()
        for b in range(batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            x = augment(train_x[idx], shuffle) if resnet else train_x[idx]
            loss = F.cross_entropy(net(x), train_y[idx], label_smoothing=args.label_smoothing)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if schedule:
                schedule.step()
            running = 0.98 * running + 0.02 * loss.item() if b else loss.item()
            if (b + 1) % 100 == 0 or b + 1 == batches:
                rate = (b * args.batch_size + len(idx)) / (time.perf_counter() - start)
                print(f"epoch {epoch} batch {b + 1}/{batches} loss {running:.4f} {rate:.0f} img/s", flush=True)
        elapsed = time.perf_counter() - start
        total_images += len(order)
        total_time += elapsed
        accuracy, single = evaluate(net, test_x, test_y, args.tta)
        print(f"epoch {epoch}: test_accuracy {accuracy:.4f} images_per_second {len(order) / elapsed:.1f} "
              f"train_seconds {elapsed:.1f}" + (f" single_view {single:.4f}" if args.tta else ""), flush=True)
    print(f"RESULT epochs={args.epochs} test_accuracy={accuracy:.4f} images_per_second={total_images / total_time:.1f}"
          + (f" tta=flip single_view_accuracy={single:.4f}" if args.tta else ""))


if __name__ == "__main__":
    main()
