"""Section 3 Lesson 1 in PyTorch: a 784-512-512-10 classifier (ReLU, dropout 0.2 after each hidden layer, raw
scores, cross-entropy, SGD 0.01) on the MNIST copy in data/MNIST (a stand-in there), pixels in [0, 1] with no
normalisation, as the lesson loads them. 20% of the training images, split at random, are the validation part;
shuffled batches of 20 over the rest, 50 epochs; after each, the validation loss per image, and the weights of the
epoch with the lowest so far are kept. The metric, as the lesson reports it: the test accuracy of those weights.
  python3 -m lessons.s3_lesson1_mlp [--seed 7] [--epochs N]
"""
import argparse
import time

import torch
from torch import nn, optim

from common import idx
from common import models
from common import training

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--epochs", type=int, default=50, help="fewer epochs for a quick test (the lesson: 50)")
args = parser.parse_args()

idx.setup(args.seed)
x_all, y_all = idx.load_pixels("MNIST")
x_test, y_test = idx.load_pixels("MNIST", train=False)
x, y, x_valid, y_valid = idx.split(x_all, y_all, 0.2, torch.Generator().manual_seed(args.seed))
shuffle = torch.Generator().manual_seed(args.seed + 1)
print(f"Lesson 1: {len(x)} training, {len(x_valid)} validation, {len(x_test)} test images, batches of 20, {args.epochs} epochs")

model = models.mlp([784, 512, 512, 10], 0.2, log_softmax=False)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
started = time.perf_counter()
best_epoch = training.fit_keeping_best(
    model, criterion, optimizer, lambda: idx.shuffled_batches(x, y, 20, shuffle), idx.batch_count(len(x), 20),
    lambda: idx.batches_in_order(x_valid, y_valid, 20), args.epochs)
test_loss, test_accuracy = training.evaluate(model, criterion, idx.batches_in_order(x_test, y_test, 20))
print(f"weights of epoch {best_epoch}: test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
print(f"{time.perf_counter() - started:.1f} s")
print(f"metric test accuracy {test_accuracy:.2f}")
