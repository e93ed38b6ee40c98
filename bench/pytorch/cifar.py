"""The CIFAR-10 binary files in data/cifar-10-batches-bin (a stand-in there) and the augmentation of Section 3
Lesson 4, done a batch at a time as the course library does it."""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

import idx

FOLDER = "cifar-10-batches-bin"
RECORD = 1 + 3 * 32 * 32  # a label byte, then the red, green and blue planes of 32x32 pixels


def load(train=True):
    """The five training batch files or the test batch file as floats [N, 3, 32, 32] in [0, 1] and int64 labels."""
    idx.describe(FOLDER)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
    records = np.concatenate([np.fromfile(os.path.join(idx.REPO, "data", FOLDER, name), dtype=np.uint8).reshape(-1, RECORD)
                              for name in names])
    images = torch.from_numpy(records[:, 1:].astype(np.float32) / 255.0).view(-1, 3, 32, 32)
    return images, torch.from_numpy(records[:, 0].astype(np.int64))


def normalise(images):
    """Each channel from [0, 1] to [-1, 1] (mean 0.5, std 0.5)."""
    return (images - 0.5) / 0.5


def flip_and_rotate(images, generator, max_degrees=10.0):
    """Lesson 4's training augmentation on a batch of square images in [0, 1]: each image mirrored left-right with
    probability 0.5, then turned by an angle drawn uniformly from ±max_degrees, nearest pixel, corners filled with 0."""
    n = len(images)
    mirrored = torch.rand(n, generator=generator) < 0.5
    images = torch.where(mirrored.view(n, 1, 1, 1), images.flip(-1), images)
    angles = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(max_degrees)
    cos, sin, zero = angles.cos(), angles.sin(), torch.zeros(n)
    theta = torch.stack([cos, -sin, zero, sin, cos, zero], dim=1).view(n, 2, 3)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="nearest", padding_mode="zeros", align_corners=False)
