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

Usage: /usr/bin/python3 samples/FashionMnist/reference.py [--epochs 1] [--threads N] [--limit N]
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


def evaluate(net, x, y):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    net.train()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
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
    net = make_net()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    shuffle = torch.Generator().manual_seed(args.seed + 1)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"train {len(train_x)}, test {len(test_x)}, batch {args.batch_size}, lr {args.lr}, seed {args.seed}")

    total_images, total_time, accuracy = 0, 0.0, 0.0
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(train_x), generator=shuffle)
        running, start = 0.0, time.perf_counter()
        batches = (len(order) + args.batch_size - 1) // args.batch_size
        for b in range(batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            loss = F.cross_entropy(net(train_x[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running = 0.98 * running + 0.02 * loss.item() if b else loss.item()
            if (b + 1) % 100 == 0 or b + 1 == batches:
                rate = (b * args.batch_size + len(idx)) / (time.perf_counter() - start)
                print(f"epoch {epoch} batch {b + 1}/{batches} loss {running:.4f} {rate:.0f} img/s", flush=True)
        elapsed = time.perf_counter() - start
        total_images += len(order)
        total_time += elapsed
        accuracy = evaluate(net, test_x, test_y)
        print(f"epoch {epoch}: test_accuracy {accuracy:.4f} images_per_second {len(order) / elapsed:.1f} "
              f"train_seconds {elapsed:.1f}", flush=True)
    print(f"RESULT epochs={args.epochs} test_accuracy={accuracy:.4f} images_per_second={total_images / total_time:.1f}")


if __name__ == "__main__":
    main()
