#!/usr/bin/env python3
"""Loads a RobustLab model.safetensors into plain PyTorch and classifies images.

Checks that the file is usable outside RobustLab: PyTorch 1.13 (Debian's python3-torch) has no safetensors
reader, so this parses the format itself (8-byte little-endian header length, JSON header, raw F32 data),
rebuilds the network from __metadata__ (model, channels, height, width, classes, mean, std) and loads the
state dict with strict=True.

usage: /usr/bin/python3 load_safetensors.py model.safetensors images.f32 [--shape N,C,H,W]

images.f32 holds float32 pixels in [0, 1], little-endian, (N, C, H, W) order; N is taken from the file size
unless --shape is given. Prints {"model", "classes": [N], "logits": [[K] * N]} as JSON on stdout.
"""
import argparse
import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    """Returns ({name: float32 tensor}, metadata); raises ValueError naming the file on malformed input."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    buffer = bytearray(data[8 + n:])  # writable, so torch.frombuffer does not warn
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}, only F32 is supported")
        begin, end = entry["data_offsets"]
        shape = entry["shape"]
        count = 1
        for d in shape:
            count *= d
        if not 0 <= begin <= end <= len(buffer) or end - begin != 4 * count:
            raise ValueError(f"{path}: tensor {name} has bad data_offsets {entry['data_offsets']} for shape {shape}")
        # "<f4" data on a little-endian host: frombuffer reads it as is; clone() detaches it from the buffer.
        tensors[name] = torch.frombuffer(buffer, dtype=torch.float32, count=count, offset=begin).reshape(shape).clone()
    return tensors, metadata


class Normalized(nn.Module):
    """(x - mean_c) / std_c in front, as RobustLab's SplitNetwork does; not part of the state dict."""

    def __init__(self, mean, std):
        super().__init__()
        c = len(mean)
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).reshape(1, c, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).reshape(1, c, 1, 1), persistent=False)

    def normalize(self, x):
        return (x - self.mean) / self.std


class LeNet(Normalized):
    """As RobustLab.Training/Models/LeNet.cs."""

    def __init__(self, c, h, w, classes, mean, std):
        super().__init__(mean, std)
        self.conv1 = nn.Conv2d(c, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(64 * (h // 4) * (w // 4), 1024)
        self.fc2 = nn.Linear(1024, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(self.normalize(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


class AlexNet(Normalized):
    """As RobustLab.Training/Models/AlexNet.cs (no dropout)."""

    def __init__(self, c, h, w, classes, mean, std):
        super().__init__(mean, std)
        self.conv1 = nn.Conv2d(c, 64, 11, stride=4, padding=5)
        self.conv2 = nn.Conv2d(64, 192, 5, padding=2)
        self.conv3 = nn.Conv2d(192, 384, 3, padding=1)
        self.conv4 = nn.Conv2d(384, 256, 3, padding=1)
        self.conv5 = nn.Conv2d(256, 256, 3, padding=1)
        self.fc1 = nn.Linear(256 * (h // 32) * (w // 32), 4096)
        self.fc2 = nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(self.normalize(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.max_pool2d(F.relu(self.conv5(x)), 2, 2)
        x = F.relu(self.fc1(x.flatten(1)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


MODELS = {"lenet": LeNet, "alexnet": AlexNet}


def load_model(path):
    tensors, meta = read_safetensors(path)
    if meta.get("format") != "robustlab-1":
        raise ValueError(f"{path}: __metadata__ format is {meta.get('format')!r}, expected 'robustlab-1'")
    name = meta["model"].lower()
    if name not in MODELS:
        raise ValueError(f"{path}: unknown model {name!r}")
    c, h, w, k = (int(meta[key]) for key in ("channels", "height", "width", "classes"))
    model = MODELS[name](c, h, w, k, json.loads(meta["mean"]), json.loads(meta["std"]))
    model.load_state_dict(tensors, strict=True)
    return model.eval(), (c, h, w)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model.safetensors written by RobustLab")
    parser.add_argument("images", help="raw little-endian float32 pixels, (N, C, H, W)")
    parser.add_argument("--shape", help="N,C,H,W of the images (default: C,H,W from the model, N from the file size)")
    args = parser.parse_args()

    model, (c, h, w) = load_model(args.model)
    with open(args.images, "rb") as f:
        raw = bytearray(f.read())
    if len(raw) % (4 * c * h * w) != 0:
        raise ValueError(f"{args.images}: {len(raw)} bytes are not whole {c}x{h}x{w} float32 images")
    shape = [len(raw) // (4 * c * h * w), c, h, w]
    if args.shape:
        given = [int(s) for s in args.shape.split(",")]
        if given != shape:
            raise ValueError(f"{args.images}: --shape {given} does not match the file and model, {shape}")
    images = torch.frombuffer(raw, dtype=torch.float32).reshape(shape)
    with torch.no_grad():
        logits = model(images)
    json.dump({"model": type(model).__name__.lower(), "classes": logits.argmax(1).tolist(), "logits": logits.tolist()},
              sys.stdout)
    print()


if __name__ == "__main__":
    try:
        main()
    except (ValueError, KeyError, OSError) as e:
        print(f"load_safetensors.py: {e}", file=sys.stderr)
        sys.exit(2)
