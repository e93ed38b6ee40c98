"""PyTorch reference for Section 3 Lesson 5 (transfer learning on flowers) as the C# lesson runs it: the offline
ResNet-18 (common/offline_resnet.py) frozen, one new linear layer 512 -> 5 classes trained for 2 epochs with plain SGD
(lr 0.001) and cross-entropy on the flower folders in data/ (the stand-in when that is what is there), batches of
20 reshuffled every epoch, the last smaller batch kept. Training photos: RandomResizedCrop(224),
RandomHorizontalFlip; test photos: Resize(255), CenterCrop(224); both then prepared the backbone's way.
The metric is the fraction of test photos classified right, in percent.

Where the C# lesson differs from the course's notebook, this follows the lesson: ResNet-18's 512 features and a
new layer on them in place of VGG16 with its last classifier layer replaced (the course's weights are not available
offline), and the backbone's batch norm stays in evaluation mode while the layer trains (common/offline_resnet.py).
"""
import argparse
import time
from collections import OrderedDict

import torch
from torch import nn, optim
from torchvision import transforms

from common import idx
from common import training
from common import transfer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=2, help="the lesson: 2; fewer for testing only")
    args = parser.parse_args()
    idx.setup(args.seed)

    backbone = transfer.frozen_backbone()
    train_data, test_data = transfer.photo_folders(
        "flower_photos", backbone,
        [transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()],
        [transforms.Resize(255), transforms.CenterCrop(224)])
    train_loader = torch.utils.data.DataLoader(train_data, batch_size=20, shuffle=True)
    test_loader = torch.utils.data.DataLoader(test_data, batch_size=20)

    last_layer = nn.Linear(512, len(train_data.classes))
    model = nn.Sequential(OrderedDict([("features", backbone), ("classifier", last_layer)]))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(last_layer.parameters(), lr=0.001)

    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        train_loss = 0.0
        for batch_i, (data, target) in enumerate(train_loader, 1):
            optimizer.zero_grad()
            loss = criterion(model(data), target)
            loss.backward()
            optimizer.step()
            train_loss += loss.item()
            if batch_i % 5 == 0 or batch_i == len(train_loader):
                print(f"Epoch {epoch}, batch {batch_i:2}/{len(train_loader)}: average training loss {train_loss / ((batch_i - 1) % 5 + 1):.4f}")
                train_loss = 0.0
    _, accuracy = training.evaluate(model, criterion, test_loader)
    print(f"{time.perf_counter() - started:.1f} s")
    print(f"metric test accuracy {accuracy:.2f}")


if __name__ == "__main__":
    main()
