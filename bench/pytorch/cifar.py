"""Section 3 Lesson 4's data and network. The CIFAR-10 binary batches in data/cifar-10-batches-bin (a stand-in there), read as torchvision's CIFAR10 holds
them: one uint8 array of images [N, 32, 32, 3] and the labels. torchvision's own class reads only the Python pickle
version of the files, so `Cifar10` does per item what it does: a PIL image, then the transform."""
import os

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.nn import functional as F

import idx

FOLDER = "cifar-10-batches-bin"


def read(train=True):
    """Images as uint8 [N, 32, 32, 3] (height, width, channel) and labels as int64, from the five training batches or the test batch."""
    idx.describe(FOLDER)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
    records = np.concatenate([np.fromfile(os.path.join(idx.REPO, "data", FOLDER, name), dtype=np.uint8).reshape(-1, 1 + 3 * 32 * 32)
                              for name in names])
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), torch.from_numpy(records[:, 0].astype(np.int64))


class Cifar10(torch.utils.data.Dataset):
    def __init__(self, train=True, transform=None):
        self.images, self.labels = read(train)
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = Image.fromarray(self.images[index])
        return (self.transform(image) if self.transform else image), int(self.labels[index])


class Net(nn.Module):
    """Lesson 4's CNN: three 3x3 convolutions (16, 32, 64 maps, padding 1), each with ReLU and 2x2 max pooling, then
    dropout 0.25, 1024-500 with ReLU, dropout, 500-10 (raw scores for the cross-entropy)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = nn.Conv2d(3, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1), nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1, self.fc2 = nn.Linear(64 * 4 * 4, 500), nn.Linear(500, 10)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        x = self.dropout(x.view(-1, 64 * 4 * 4))
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)
