"""Section 3 Lesson 4's pieces: the CIFAR-10 binary files in data/cifar-10-batches-bin (a stand-in there), its
augmentation done a batch at a time as the course library does it, the same files served per image as
torchvision's CIFAR10 serves them (for the speed of the PyTorch course's loader), and the lesson's CNN."""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from common import idx

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


class Images(torch.utils.data.Dataset):
    """The files as torchvision's CIFAR10 holds them (uint8 [N, 32, 32, 3]) and serves them: a PIL image per item,
    then the transform (torchvision's own class reads only the Python pickle version of the files)."""

    def __init__(self, train=True, transform=None):
        images, self.labels = load(train)
        self.images = (images * 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = Image.fromarray(self.images[index])
        return (self.transform(image) if self.transform else image), int(self.labels[index])


class Net(nn.Module):
    """Lesson 4's CNN: three 3x3 convolutions 3-16-32-64 with padding 1, each followed by ReLU and 2x2 max pooling;
    dropout 0.25, 1024-500 with ReLU, dropout 0.25, 500-10 raw scores."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(64 * 4 * 4, 500)
        self.fc2 = nn.Linear(500, 10)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        x = self.dropout(x.view(-1, 64 * 4 * 4))
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)
