#!/usr/bin/python3
"""Writes fixtures/torch_written.safetensors and fixtures/torch_written.json with ONLY the standard
library and torch (python3-torch 1.13; the safetensors package is not needed).

The file mimics the safetensors library's layout exactly (what safetensors.torch.save_file writes):
  * tensors sorted by dtype, descending in the library's Dtype enum order (BOOL < U8 < I32 < F32 < F64 < I64
    among ours), then by name; data laid out in that order;
  * header = compact JSON (no spaces), "__metadata__" first, then the tensors in data order, each
    {"dtype", "shape", "data_offsets"}; padded with spaces to a multiple of 8; u64 LE length first.
So the C# writer, given the same tensors and metadata, must produce the same bytes.

The JSON sidecar holds every tensor's dtype, shape and values (float64 repr, exact), an input and the model's
eval-mode output on it, for the C# tests.  Run:  /usr/bin/python3 write_fixture.py
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")

CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
         torch.bool: "BOOL", torch.uint8: "U8"}
RANK = {"BOOL": 0, "U8": 1, "I32": 2, "F32": 3, "F64": 4, "I64": 5}  # the library's Dtype enum order


def serialize(tensors, metadata):
    items = sorted(tensors.items(), key=lambda kv: (-RANK[CODES[kv[1].dtype]], kv[0].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset, blobs = 0, []
    for name, t in items:
        data = t.contiguous().numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)


def main():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(),
                                torch.nn.Flatten(), torch.nn.Linear(8, 3))
    model.train()
    for _ in range(3):  # running statistics and num_batches_tracked move away from their initial values
        model(torch.randn(5, 1, 4, 4))
    model.eval()
    x = torch.randn(2, 1, 4, 4)
    with torch.no_grad():
        y = model(x)

    tensors = dict(model.state_dict())
    # Every dtype of the format we support, a 0-d tensor and an empty one.
    tensors["extra.f64"] = torch.linspace(-1.5, 2.25, 6, dtype=torch.float64).reshape(2, 3)
    tensors["extra.i32"] = torch.tensor([-2147483648, -1, 0, 7, 2147483647], dtype=torch.int32)
    tensors["extra.i64"] = torch.tensor([[-(2 ** 62), 3], [5, 2 ** 62 + 1]], dtype=torch.int64)
    tensors["extra.bool"] = torch.tensor([True, False, True])
    tensors["extra.u8"] = torch.tensor([0, 1, 128, 255], dtype=torch.uint8)
    tensors["extra.scalar"] = torch.tensor(3.5, dtype=torch.float32)
    tensors["extra.empty"] = torch.zeros(0, 3, dtype=torch.float32)
    metadata = {"format": "pt"}

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "torch_written.safetensors"), "wb") as f:
        f.write(serialize(tensors, metadata))
    sidecar = {
        "state_dict_keys": list(model.state_dict().keys()),
        "metadata": metadata,
        "tensors": {k: {"dtype": CODES[t.dtype], "shape": list(t.shape),
                        "values": [float(v) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}
                    for k, t in tensors.items()},
        "input": {"shape": list(x.shape), "values": x.reshape(-1).tolist()},
        "output": {"shape": list(y.shape), "values": y.reshape(-1).tolist()},
        "torch_version": torch.__version__,
    }
    with open(os.path.join(OUT, "torch_written.json"), "w") as f:
        json.dump(sidecar, f, indent=1)
    print("wrote", len(tensors), "tensors with torch", torch.__version__)


if __name__ == "__main__":
    main()
