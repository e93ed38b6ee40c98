"""Section 3 Lesson 6 in PyTorch: one 784-256-128-10 classifier (ReLU, dropout 0.2 after each hidden layer, raw
scores, cross-entropy, Adam 0.001) trained for 2 epochs from each of the lesson's seven initialisations, on the 80%
training part of Fashion-MNIST's 60,000 training images (pixels in [0, 1], no normalisation, as the lesson loads
them; the other 20%, split at random, is the validation part), shuffled batches of 100. Every run shares one
split and one shuffling generator, as the lesson's runs share one loader. Prints each run's validation accuracy,
then the one the lesson reports: that of the uniform ±1/√n initialisation (n: the layer's inputs).
  python3 -m lessons.s3_lesson6_init [--seed 7] [--epochs N]
"""
import argparse
import math
import time

import torch
from torch import nn, optim

from common import idx
from common import models
from common import training


def linear_init(weights):
    """An initialisation for model.apply: `weights(weight, fan_in)` fills each Linear layer's weight, its bias becomes 0."""
    def init(module):
        if isinstance(module, nn.Linear):
            with torch.no_grad():
                weights(module.weight, module.in_features)
                module.bias.fill_(0)
    return init


INITIALISATIONS = {
    "all zeros": linear_init(lambda w, n: w.fill_(0)),
    "all ones": linear_init(lambda w, n: w.fill_(1)),
    "uniform [0, 1)": linear_init(lambda w, n: w.uniform_(0.0, 1.0)),
    "uniform [-0.5, 0.5)": linear_init(lambda w, n: w.uniform_(-0.5, 0.5)),
    "uniform ±1/√n": linear_init(lambda w, n: w.uniform_(-1 / math.sqrt(n), 1 / math.sqrt(n))),
    "normal σ = 1/√n": linear_init(lambda w, n: w.normal_(0.0, 1 / math.sqrt(n))),
    "PyTorch default": None,
}
REPORTED = "uniform ±1/√n"

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--epochs", type=int, default=2, help="epochs per initialisation (the lesson: 2)")
args = parser.parse_args()

idx.setup(args.seed)
x_all, y_all = idx.load_pixels("FashionMNIST")
x, y, x_valid, y_valid = idx.split(x_all, y_all, 0.2, torch.Generator().manual_seed(args.seed))
shuffle = torch.Generator().manual_seed(args.seed + 1)
print(f"Lesson 6: {len(x)} training and {len(x_valid)} validation images, batches of 100, {args.epochs} epochs per initialisation")

criterion = nn.CrossEntropyLoss()
started = time.perf_counter()
accuracies = {}
for name, init in INITIALISATIONS.items():
    model = models.mlp([784, 256, 128, 10], 0.2, log_softmax=False)
    if init is not None:
        model.apply(init)
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    model.train()
    for _ in range(args.epochs):
        training.epoch(model, criterion, optimizer, idx.shuffled_batches(x, y, 100, shuffle))
    _, accuracies[name] = training.evaluate(model, criterion, idx.batches_in_order(x_valid, y_valid, 100))
    print(f"{name:<22} validation accuracy {accuracies[name]:6.2f}%")
print(f"{time.perf_counter() - started:.1f} s")
print(f"metric validation accuracy ({REPORTED}) {accuracies[REPORTED]:.2f}")
