"""The course's offline ResNet-18 in PyTorch, for the reference scripts of the lessons that run on it.

The C# library converts ML.NET's ImageNet featurizer (an ONNX ResNet-18) into a course checkpoint in
data/weights; this module reads that checkpoint (checking its marker, lengths and SHA-256 as the C# reader
does), builds torchvision's ResNet with basic blocks in the same stage layout ([2, 2, 2, 3] blocks: one more
in the last stage than torchvision's resnet18) and no classifier, so it returns the 512 pooled features, and
applies the same input preparation: RGB in [0, 1] scaled to 0-255, reordered to BGR, minus the featurizer's
224x224 mean image (resized bilinearly for other sizes).

Like the C# Backbone, the network stays in evaluation mode even inside a model put in training mode: its
batch norm keeps ImageNet's statistics (a plain torchvision model would switch to batch statistics).

Run it to print the features of one photo (for comparing with the C# library):
    python3 -m common.offline_resnet [photo.jpg]
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.models.resnet import BasicBlock, ResNet

from common import idx

CHECKPOINT = os.path.join(idx.REPO, "data", "weights", "resnet18-dnnimagefeaturizer-e2552f19db2d.ckpt")
MARKER = b"DLCOURSE-CHECKPOINT-2\n"
DTYPES = {"Float32": "<f4", "Int64": "<i8"}  # the C# ScalarType names, little-endian
STAGES = ["conv1", "layer1", "layer2", "layer3", "layer4"]


def read_checkpoint(path):
    """A course checkpoint's config and its tensors by name; fails on a wrong marker, length or checksum."""
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(MARKER):
        raise ValueError(f"{path} is not a course checkpoint (format 2)")
    (header_length,) = struct.unpack_from("<i", raw, len(MARKER))
    start = len(MARKER) + 4
    header = json.loads(raw[start:start + header_length])
    data = raw[start + header_length:]
    if len(data) != header["DataLength"]:
        raise ValueError(f"{path}: {len(data)} bytes of tensors, the header promises {header['DataLength']}")
    if hashlib.sha256(data).hexdigest().lower() != header["DataSha256"].lower():
        raise ValueError(f"{path}: the tensors do not match the checksum recorded when it was saved")
    tensors, offset = {}, 0
    for info in header["Tensors"]:
        dtype = np.dtype(DTYPES[info["DType"]])
        count = int(np.prod(info["Shape"], dtype=np.int64))
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
        tensors[info["Name"]] = torch.from_numpy(array.astype(dtype.newbyteorder("="))).reshape(info["Shape"])
        offset += count * dtype.itemsize
    return header["Config"], tensors


class OfflineResNet(ResNet):
    """torchvision's ResNet with the checkpoint's stage layout, no classifier (512 features out) and the mean image as a buffer."""

    def __init__(self, blocks):
        super().__init__(BasicBlock, blocks)
        self.fc = torch.nn.Identity()
        self.register_buffer("mean_image", torch.zeros(1, 3, 224, 224))
        super().train(False)

    def train(self, mode=True):
        """Stays in evaluation mode, as the C# library's pretrained features do."""
        return super().train(False)

    def stage_outputs(self, x, wanted):
        """The activations of the stages named in `wanted` (the stem after its ReLU, then layer1-4), running no further than needed."""
        found = {}
        x = self.relu(self.bn1(self.conv1(x)))
        if "conv1" in wanted:
            found["conv1"] = x
        x = self.maxpool(x)
        for name in STAGES[1:]:
            if len(found) == len(wanted):
                break
            x = getattr(self, name)(x)
            if name in wanted:
                found[name] = x
        return found

    def mean_like(self, image):
        """The mean image at `image`'s height and width (bilinear, corners not aligned, as the C# library resizes it)."""
        mean = self.mean_image.to(image.dtype)
        if mean.shape[-2:] != image.shape[-2:]:
            mean = F.interpolate(mean, size=image.shape[-2:], mode="bilinear", align_corners=False)
        return mean.squeeze(0)

    def prepare(self, image):
        """RGB in [0, 1] ([3, H, W] or a batch) to the network's input: 0-255, BGR, minus the mean image."""
        return image.flip(-3) * 255 - self.mean_like(image)

    def unprepare(self, prepared):
        """The network's input back to RGB in [0, 1]."""
        return ((prepared + self.mean_like(prepared)) / 255).flip(-3)


def load(path=CHECKPOINT):
    """The offline ResNet-18 with the course's weights, frozen batch norm, parameters still asking for gradients (as in C#)."""
    blocks, tensors = read_checkpoint(path)
    network = OfflineResNet(blocks)
    network.load_state_dict(tensors, strict=True)
    return network


def read_photo(path):
    """A photo as RGB floats [3, H, W] in [0, 1] (what ToTensor gives)."""
    with Image.open(path) as image:
        array = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1).contiguous()


def main():
    photo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(idx.REPO, "data", "photos", "nagasaki-boats.jpg")
    network = load()
    image = F.interpolate(read_photo(photo).unsqueeze(0), size=(224, 224), mode="bilinear", align_corners=False)
    with torch.no_grad():
        features = network(network.prepare(image))[0]
    print(f"{photo}: {features.shape[0]} features, sum {features.sum():.6f}")
    print(" ".join(f"{v:.6f}" for v in features.tolist()))


if __name__ == "__main__":
    main()
