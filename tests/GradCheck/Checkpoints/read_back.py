#!/usr/bin/python3
"""Reads a safetensors file written by C# with ONLY the standard library and torch, the way a PyTorch user
without the safetensors package would, and checks it:
  * the layout is the safetensors library's (re-serialising the tensors with write_fixture.serialize gives
    the same bytes: same order, same compact header, same padding);
  * the model state dict loads with strict=True into the same architecture built in torch, and torch's
    forward on the saved "input" equals the saved "expected_output" computed by our engine.

Produce the file with
  AUTOGRAD_CKPT_FIXTURE_OUT=/tmp dotnet test tests/GradCheck -c Release --filter "FullyQualifiedName~WritesAFileForReadBackPy"
then run
  /usr/bin/python3 tests/GradCheck/Checkpoints/read_back.py /tmp/csharp_written.safetensors
"""
import json
import struct
import sys

import torch

from write_fixture import serialize

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32,
          "BOOL": torch.bool, "U8": torch.uint8}


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        chunk = bytearray(data[b:e])
        t = torch.frombuffer(chunk, dtype=dtype) if len(chunk) else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
    return raw, tensors, metadata


def main(path):
    raw, tensors, metadata = load(path)
    for name, t in tensors.items():
        print(f"{name:24s} {str(t.dtype):14s} {list(t.shape)}")
    print("metadata:", metadata)
    same = serialize(tensors, metadata) == raw
    print("byte-identical to the safetensors library layout:", same)

    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    state = {k: v for k, v in tensors.items() if k[0].isdigit()}
    print("load_state_dict(strict=True):", model.load_state_dict(state, strict=True))
    with torch.no_grad():
        y = model(tensors["input"])
    diff = (y - tensors["expected_output"]).abs().max().item()
    print("max |torch forward - our forward| =", diff)
    extras = {k: v.tolist() for k, v in tensors.items() if k.startswith("extra.")}
    print("extras:", extras)
    ok = same and diff < 1e-5
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/csharp_written.safetensors"))
