"""Section 2 Parts 5 and 6 in PyTorch: a Fashion-MNIST classifier with dropout after every hidden layer, log-softmax,
NLL loss, Adam, shuffled batches of 64 (last, smaller batch kept) over the 60,000 training images normalised with
mean 0.5 and std 0.5, the test set measured after every epoch as the lessons' Trainer does, and the test accuracy
of the final weights, the metric both lessons report.
  Part 5: 784-256-128-64-10, dropout 0.2, Adam 0.003, 30 epochs (the lesson's second model, the one its
          Trainer fits; the lesson first trains a model without dropout, which only moves its random state on).
  Part 6: 784-512-256-128-10, dropout 0.5, Adam 0.001, 2 epochs.
  python3 -m lessons.s2_part5_6_fashion_dropout --part 5|6 [--seed 7] [--epochs N]
"""
import argparse
import time

import torch
from torch import nn, optim

from common import idx
from common import models
from common import training

LESSONS = {  # part: (layer sizes, dropout, learning rate, epochs)
    "5": ([784, 256, 128, 64, 10], 0.2, 0.003, 30),
    "6": ([784, 512, 256, 128, 10], 0.5, 0.001, 2),
}

parser = argparse.ArgumentParser()
parser.add_argument("--part", choices=sorted(LESSONS), required=True)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--epochs", type=int, help="fewer epochs for a quick test (default: the lesson's)")
args = parser.parse_args()
sizes, dropout, lr, epochs = LESSONS[args.part]
epochs = args.epochs or epochs

idx.setup(args.seed)
x, y = idx.load_normalised("FashionMNIST")
x_test, y_test = idx.load_normalised("FashionMNIST", train=False)
shuffle = torch.Generator().manual_seed(args.seed)
print(f"Part {args.part}: {'-'.join(map(str, sizes))}, dropout {dropout}, Adam {lr}, {epochs} epochs, batches of 64")

model = models.mlp(sizes, dropout, log_softmax=True)
criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=lr)
batches = idx.batch_count(len(x), 64)
started = time.perf_counter()
for epoch in range(1, epochs + 1):
    model.train()
    train_loss = training.epoch(model, criterion, optimizer, idx.shuffled_batches(x, y, 64, shuffle)) / batches
    test_loss, test_accuracy = training.evaluate(model, criterion, idx.batches_in_order(x_test, y_test, 64))
    print(f"epoch {epoch}: training loss {train_loss:.4f} (mean over batches), test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
print(f"{time.perf_counter() - started:.1f} s")
print(f"metric test accuracy {test_accuracy:.2f}")
