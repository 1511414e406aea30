#!/usr/bin/env python3
"""Loads a RobustLab model.safetensors into plain PyTorch and classifies images.

Checks that the file is usable outside RobustLab: PyTorch 1.13 (Debian's python3-torch) has no safetensors
reader, so this parses the format itself (8-byte little-endian header length, JSON header, raw F32 data),
rebuilds the network from __metadata__ (model, channels, height, width, classes, mean, std) and loads the
state dict with strict=True (BatchNorm fills in the num_batches_tracked counters that RobustLab does not export).

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


def padding(side, multiple):
    """Black pixels before and after each side, as RobustLab's ModelFactory.Padding: up to the next multiple."""
    total = (multiple - side % multiple) % multiple
    return total // 2, total - total // 2


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
    """As RobustLab.Training/Models/AlexNet.cs (no dropout); 28x28 inputs are padded with black pixels to 32x32."""

    def __init__(self, c, h, w, classes, mean, std):
        super().__init__(mean, std)
        self.pad = padding(h, 32)
        h = w = h + sum(self.pad)
        self.conv1 = nn.Conv2d(c, 64, 11, stride=4, padding=5)
        self.conv2 = nn.Conv2d(64, 192, 5, padding=2)
        self.conv3 = nn.Conv2d(192, 384, 3, padding=1)
        self.conv4 = nn.Conv2d(384, 256, 3, padding=1)
        self.conv5 = nn.Conv2d(256, 256, 3, padding=1)
        self.fc1 = nn.Linear(256 * (h // 32) * (w // 32), 4096)
        self.fc2 = nn.Linear(4096, 4096)
        self.fc3 = nn.Linear(4096, classes)

    def forward(self, x):
        x = F.pad(x, self.pad * 2)
        x = F.max_pool2d(F.relu(self.conv1(self.normalize(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.max_pool2d(F.relu(self.conv5(x)), 2, 2)
        x = F.relu(self.fc1(x.flatten(1)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class BasicBlock(nn.Module):
    """As RobustLab.Training/Models/ResNetBasicBlock.cs: torchvision's BasicBlock with option-A shortcuts."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride, self.extra = stride, planes - inplanes

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x[:, :, ::self.stride, ::self.stride]
        if self.extra:
            shortcut = F.pad(shortcut, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
        return F.relu(y + shortcut)


class ResNet20(Normalized):
    """As RobustLab.Training/Models/ResNet20.cs: He et al.'s CIFAR ResNet-20 with torchvision's names."""

    def __init__(self, c, h, w, classes, mean, std):
        super().__init__(mean, std)
        self.pad = padding(h, 4)
        self.conv1 = nn.Conv2d(c, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(*[BasicBlock(16, 16, 1) for _ in range(3)])
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2), BasicBlock(32, 32, 1), BasicBlock(32, 32, 1))
        self.layer3 = nn.Sequential(BasicBlock(32, 64, 2), BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(self.normalize(F.pad(x, self.pad * 2)))))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean((2, 3)))


class Vgg11Bn(Normalized):
    """As RobustLab.Training/Models/Vgg11Bn.cs: torchvision's vgg11_bn features, one linear classifier for 32x32."""

    def __init__(self, c, h, w, classes, mean, std):
        super().__init__(mean, std)
        self.pad = padding(h, 32)
        h = h + sum(self.pad)
        layers = []
        for v in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
                c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(512 * (h // 32) ** 2, classes)

    def forward(self, x):
        x = self.features(self.normalize(F.pad(x, self.pad * 2)))
        return self.classifier(x.flatten(1))


MODELS = {"lenet": LeNet, "alexnet": AlexNet, "resnet20": ResNet20, "vgg11bn": Vgg11Bn}


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
