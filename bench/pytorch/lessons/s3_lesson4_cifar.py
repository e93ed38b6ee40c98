"""Section 3 Lesson 4 in PyTorch: the lesson's CNN (three 3x3 convolutions 3-16-32-64 with padding 1, each followed
by ReLU and 2x2 max pooling; dropout 0.25, 1024-500 with ReLU, dropout 0.25, 500-10 raw scores), cross-entropy,
SGD 0.01, 30 epochs, on the CIFAR-10 files in data/ (a stand-in there). 20% of the training images are the
validation part, split by a generator of its own with seed 1, as the lesson fixes it (so the split is the same
for every --seed, though not the same images as C#'s split); the training part is mirrored and turned by up to
10 degrees anew every epoch, then normalised, and served in shuffled batches of 20. After each epoch, the
validation loss per image on the unaugmented validation part; the weights of the epoch with the lowest so far
(ties included, as the lesson saves them) are measured on the test set: the test accuracy the lesson reports.
The augmentation is drawn a batch at a time, as the course library draws it (torchvision's RandomHorizontalFlip
and RandomRotation(10) draw per image, with the same distributions).
  python3 -m lessons.s3_lesson4_cifar [--seed 7] [--epochs N]
"""
import argparse
import time

import torch
from torch import nn, optim

from common import cifar
from common import idx
from common import training


parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--epochs", type=int, default=30, help="fewer epochs for a quick test (the lesson: 30)")
args = parser.parse_args()

idx.setup(args.seed)
x_all, y_all = cifar.load()
x_test, y_test = cifar.load(train=False)
x, y, x_valid, y_valid = idx.split(x_all, y_all, 0.2, torch.Generator().manual_seed(1))
x_valid, x_test = cifar.normalise(x_valid), cifar.normalise(x_test)
shuffle = torch.Generator().manual_seed(args.seed + 1)
augment = torch.Generator().manual_seed(args.seed + 2)
print(f"Lesson 4: {len(x)} training, {len(x_valid)} validation, {len(x_test)} test images, batches of 20, {args.epochs} epochs")

model = cifar.Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)


def augmented_batches():
    """One epoch of shuffled training batches, each mirrored and turned anew, then normalised."""
    for images, labels in idx.shuffled_batches(x, y, 20, shuffle):
        yield cifar.normalise(cifar.flip_and_rotate(images, augment)), labels


started = time.perf_counter()
best_epoch = training.fit_keeping_best(
    model, criterion, optimizer, augmented_batches, idx.batch_count(len(x), 20),
    lambda: idx.batches_in_order(x_valid, y_valid, 20), args.epochs, keep_ties=True)
test_loss, test_accuracy = training.evaluate(model, criterion, idx.batches_in_order(x_test, y_test, 20))
print(f"weights of epoch {best_epoch}: test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
print(f"{time.perf_counter() - started:.1f} s")
print(f"metric test accuracy {test_accuracy:.2f}")
