"""Speed floor for the Fashion-MNIST MLP in PyTorch: one epoch (60,000 images, batch 64, Adam 0.003) as a
tight loop over batches built in memory beforehand, timed 5 times; prints each time and the median."""
import statistics
import time

import torch
from torch import nn, optim

import idx
from part4_fashion import Classifier

idx.setup(0)
x, y = idx.load_normalised("FashionMNIST")
order = torch.randperm(len(x))
batches = [(x[order[i:i + 64]].clone(), y[order[i:i + 64]].clone()) for i in range(0, len(x), 64)]

model = Classifier()
criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=0.003)

times = []
for run in range(5):
    started = time.perf_counter()
    for images, labels in batches:
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
    loss.item()
    times.append(time.perf_counter() - started)
    print(f"run {run + 1}: {times[-1]:.2f} s")
print(f"BLAS: {idx.blas_in_use()}")
print(f"median epoch {statistics.median(times):.2f} s")
