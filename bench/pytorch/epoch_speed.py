"""Fashion-MNIST MLP epoch speed in PyTorch (60,000 images, batch 64, Adam 0.003, Part 4's classifier), two ways:
the floor, a tight loop over batches built in memory beforehand, and the course's loader, torchvision's FashionMNIST
dataset with ToTensor and Normalize per image and a shuffling DataLoader, as the PyTorch lesson loads its data.
Runs of the two alternate; prints each time (wall and CPU), the medians, and one SPEED line for bench/run."""
import argparse
import gzip
import os
import shutil
import statistics

import torch
from torch import nn, optim

import idx
import training
from part4_fashion import Classifier

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=None)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

idx.setup(0, threads=args.threads)
from torchvision import datasets, transforms  # after setup, so that the thread count applies to everything it loads


def torchvision_root():
    """torchvision's FashionMNIST reads unpacked files from <root>/FashionMNIST/raw: unpack data/FashionMNIST there once."""
    root = os.path.join(idx.REPO, "artifacts", "bench", "torchvision")
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        target = os.path.join(raw, name)
        if not os.path.exists(target):
            with gzip.open(os.path.join(idx.REPO, "data", "FashionMNIST", name + ".gz"), "rb") as packed, open(target + ".part", "wb") as out:
                shutil.copyfileobj(packed, out)
            os.replace(target + ".part", target)
    return root


transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
trainset = datasets.FashionMNIST(torchvision_root(), download=False, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)

x, y = idx.load_normalised("FashionMNIST")
order = torch.randperm(len(x))
batches = [(x[order[i:i + 64]].clone(), y[order[i:i + 64]].clone()) for i in range(0, len(x), 64)]


def runner():
    model = Classifier()
    criterion = nn.NLLLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.003)

    return lambda source: training.timed(lambda: training.epoch(model, criterion, optimizer, source))


floor_run, loader_run = runner(), runner()
floor_run(batches)  # warm-up
floor, loader = [], []
for run in range(1, args.runs + 1):
    # odd runs start with the floor, even runs with the loader
    if run % 2 == 0:
        loader.append(loader_run(trainloader))
    floor.append(floor_run(batches))
    if run % 2 == 1:
        loader.append(loader_run(trainloader))
    print(f"run {run}: floor {floor[-1][0]:.2f} s ({floor[-1][1]:.2f} s of CPU), course loader {loader[-1][0]:.2f} s ({loader[-1][1]:.2f} s of CPU)")
print(f"BLAS: {idx.blas_in_use()}")
medians = [statistics.median(t[i] for t in times) for i in (0, 1) for times in (floor, loader)]
print(f"median epoch: floor {medians[0]:.2f} s, course loader {medians[1]:.2f} s")
print(f"median CPU time per epoch: floor {medians[2]:.2f} s, course loader {medians[3]:.2f} s")
print(f"SPEED|Fashion-MNIST MLP epoch|{torch.get_num_threads()}|" + "|".join(f"{m:.2f}" for m in medians))
