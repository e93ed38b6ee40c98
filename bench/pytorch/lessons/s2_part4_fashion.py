"""Section 2 Part 4 in PyTorch: 784-256-128-64-10 classifier with log-softmax, NLL loss, Adam 0.003,
batches of 64, 5 epochs over the 60,000 Fashion-MNIST training images in data/FashionMNIST.
Prints the mean training loss of the last epoch, the metric the lesson reports."""
import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim

from common import idx
from common import training


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 64)
        self.fc4 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(x.shape[0], -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.relu(self.fc3(x))
        return F.log_softmax(self.fc4(x), dim=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    idx.setup(args.seed)
    x, y = idx.load_normalised("FashionMNIST")
    shuffle = torch.Generator().manual_seed(args.seed)

    model = Classifier()
    criterion = nn.NLLLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.003)
    training.fit(model, criterion, optimizer, x, y, 5, shuffle, print_epochs=True)
