"""Section 2 Part 3 in PyTorch: 784-128-64-10 with log-softmax, NLL loss, SGD 0.003, batches of 64,
as many epochs as the course's 4,690 updates need on the MNIST copy in data/MNIST (a stand-in there).
Prints the mean training loss of the last epoch, the metric the lesson reports."""
import argparse
import math

import torch
from torch import nn, optim

from common import idx
from common import training

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()

idx.setup(args.seed)
x, y = idx.load_normalised("MNIST")
x = x.view(len(x), -1)
shuffle = torch.Generator().manual_seed(args.seed)

model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                      nn.Linear(64, 10), nn.LogSoftmax(dim=1))
criterion = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.003)

batches = idx.batch_count(len(x), 64)
epochs = math.ceil(4690 / batches)
print(f"MNIST copy in data/MNIST: {len(x)} training images, {batches} batches, {epochs} epochs")

training.fit(model, criterion, optimizer, x, y, epochs, shuffle)
