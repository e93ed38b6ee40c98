"""Epoch speed in PyTorch for bench/run's speed table: TrainingBench's epochs over in-memory images, each with its
lesson's model, batch size, optimiser and transforms, two ways: the floor, a tight loop over batches built in memory
beforehand (without augmentation: it changes no cost in the model), and the course's loader, the torchvision dataset
with its transforms per image and a DataLoader, as the PyTorch lessons load their data.
  python3 -m speed.epoch_speed --workload fashion|mnist|cifar|autoencoder [--threads N] [--runs N]
fashion      Section 2 Part 4: 784-256-128-64-10, NLL, Adam 0.003, batch 64, shuffled; ToTensor, Normalize(0.5, 0.5).
mnist        Section 2 Part 3: 784-128-64-10, NLL, SGD 0.003, batch 64, shuffled; ToTensor, Normalize(0.5, 0.5).
cifar        Section 3 Lesson 4, the training pass of an epoch: its CNN, cross-entropy, SGD 0.01, batch 20, over the
             training part of the course's 80/20 split (a SubsetRandomSampler, as the PyTorch course draws it; the C#
             lesson shuffles a RandomSplit part, the same amount of work); RandomHorizontalFlip, RandomRotation(10),
             ToTensor, Normalize(0.5, 0.5) per channel.
autoencoder  Section 3 Lesson 8: the convolutional autoencoder, MSE against the input, Adam 0.001, batch 20 in file
             order; ToTensor.
"""
import argparse
import gzip
import os
import shutil

import torch
from torch import nn, optim

from common import cifar
from common import idx
from common import models
from common import speed
from common import training
from lessons.s3_lesson7_9_autoencoders import Conv
from lessons.s2_part4_fashion import Classifier

parser = argparse.ArgumentParser()
parser.add_argument("--workload", choices=["fashion", "mnist", "cifar", "autoencoder"], required=True)
parser.add_argument("--threads", type=int, default=None)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

idx.setup(0, threads=args.threads)
from torchvision import datasets, transforms  # after setup, so that the thread count applies to everything it loads


def torchvision_root(folder):
    """torchvision's MNIST and FashionMNIST read unpacked files from <root>/<folder>/raw: unpack data/<folder> there once."""
    root = os.path.join(idx.REPO, "artifacts", "bench", "torchvision")
    raw = os.path.join(root, folder, "raw")
    os.makedirs(raw, exist_ok=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        target = os.path.join(raw, name)
        if not os.path.exists(target):
            with gzip.open(os.path.join(idx.REPO, "data", folder, name + ".gz"), "rb") as packed, open(target + ".part", "wb") as out:
                shutil.copyfileobj(packed, out)
            os.replace(target + ".part", target)
    return root


def shuffled(x, y, batch_size):
    order = torch.randperm(len(x))
    return [(x[order[i:i + batch_size]].clone(), y[order[i:i + batch_size]].clone()) for i in range(0, len(x), batch_size)]


normalise = transforms.Normalize((0.5,), (0.5,))
if args.workload in ("fashion", "mnist"):
    folder = "FashionMNIST" if args.workload == "fashion" else "MNIST"
    name = f"{'Fashion-MNIST' if args.workload == 'fashion' else 'MNIST'} MLP epoch"
    dataset = getattr(datasets, folder)(torchvision_root(folder), download=False, train=True, transform=transforms.Compose([transforms.ToTensor(), normalise]))
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True)
    batches = shuffled(*idx.load_normalised(folder), 64)
    if args.workload == "fashion":
        new_model, criterion, new_optimizer = Classifier, nn.NLLLoss(), lambda model: optim.Adam(model.parameters(), lr=0.003)
    else:
        new_model, criterion, new_optimizer = lambda: models.mlp([784, 128, 64, 10], 0, True), nn.NLLLoss(), lambda model: optim.SGD(model.parameters(), lr=0.003)
    loader_batches = lambda: loader
elif args.workload == "cifar":
    name = "CIFAR-10 CNN epoch (training pass)"
    augment = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.RandomRotation(10), transforms.ToTensor(),
                                  transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    dataset = cifar.Images(train=True, transform=augment)
    train_part, _ = idx.random_split(len(dataset), 0.2, torch.Generator().manual_seed(1))
    loader = torch.utils.data.DataLoader(dataset, batch_size=20, sampler=torch.utils.data.SubsetRandomSampler(train_part))
    x, y = cifar.load()
    batches = shuffled(cifar.normalise(x[train_part]), y[train_part], 20)
    new_model, criterion, new_optimizer = cifar.Net, nn.CrossEntropyLoss(), lambda model: optim.SGD(model.parameters(), lr=0.01)
    loader_batches = lambda: loader
else:
    name = "Convolutional autoencoder epoch"
    dataset = datasets.MNIST(torchvision_root("MNIST"), download=False, train=True, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(dataset, batch_size=20)
    x, _ = idx.load_pixels("MNIST")
    batches = list(idx.batches_in_order(x, x, 20))
    new_model, criterion, new_optimizer = Conv, nn.MSELoss(), lambda model: optim.Adam(model.parameters(), lr=0.001)
    # the images are their own targets
    loader_batches = lambda: ((images, images) for images, _ in loader)
print(f"{name}: {len(loader.sampler)} images, {len(batches)} batches per epoch")


def runner(batches_for):
    """One epoch of the lessons' loop on a model of its own, over the batches `batches_for()` gives."""
    torch.manual_seed(7)
    model = new_model()
    optimizer = new_optimizer(model)
    return lambda: training.epoch(model, criterion, optimizer, batches_for())


speed.compare(name, runner(lambda: batches), runner(loader_batches), args.runs)
