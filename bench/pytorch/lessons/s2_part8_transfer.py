"""PyTorch reference for Section 2 Part 8 (transfer learning) as the C# lesson runs it: the offline ResNet-18
(common/offline_resnet.py) frozen, a new classifier 512-256-2 (ReLU, dropout 0.2, log-softmax) trained with Adam
(lr 0.003) and NLLLoss on the Cat/Dog folders in data/ (the stand-in when that is what is there), batches of 64
reshuffled every epoch, the last smaller batch kept. Training photos: RandomRotation(30), RandomResizedCrop(224),
RandomHorizontalFlip; test photos: Resize(255), CenterCrop(224); both then prepared the backbone's way.

Where the C# lesson differs from the course's notebook, this follows the lesson:
- ResNet-18's 512 features in place of densenet121's 1024 (the course's weights are not available offline);
- as many epochs as give at least 30 updates (8 epochs of the stand-in's 4 batches) instead of 1 epoch;
- the test set is checked every 5 steps and after the last; the accuracy and loss are per photo over the
  whole test set (the course averages per batch); the metric is the last check's accuracy;
- the backbone's batch norm stays in evaluation mode while the classifier trains (common/offline_resnet.py).
"""
import argparse
import math
import time
from collections import OrderedDict

import torch
from torch import nn, optim
from torchvision import transforms

from common import idx
from common import training
from common import transfer


def photo_folders(backbone):
    """The lesson's Cat/Dog train and test folders with its transforms (speed/pretrained_speed.py times the same)."""
    return transfer.photo_folders(
        "Cat_Dog_data", backbone,
        [transforms.RandomRotation(30), transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()],
        [transforms.Resize(255), transforms.CenterCrop(224)])


def new_classifier():
    """The lesson's classifier on the backbone's 512 features: 256 with ReLU and dropout 0.2, 2 log-probabilities."""
    return nn.Sequential(OrderedDict([
        ("fc1", nn.Linear(512, 256)), ("relu", nn.ReLU()), ("dropout", nn.Dropout(0.2)),
        ("fc2", nn.Linear(256, 2)), ("output", nn.LogSoftmax(dim=1))]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-steps", type=int, default=30, help="updates to reach at least (the lesson: 30; fewer for testing only)")
    args = parser.parse_args()
    idx.setup(args.seed)

    backbone = transfer.frozen_backbone()
    train_data, test_data = photo_folders(backbone)
    trainloader = torch.utils.data.DataLoader(train_data, batch_size=64, shuffle=True)
    testloader = torch.utils.data.DataLoader(test_data, batch_size=64)

    classifier = new_classifier()
    model = nn.Sequential(OrderedDict([("features", backbone), ("classifier", classifier)]))
    criterion = nn.NLLLoss()
    optimizer = optim.Adam(classifier.parameters(), lr=0.003)

    epochs = math.ceil(args.min_steps / len(trainloader))
    total_steps = epochs * len(trainloader)
    print(f"{len(trainloader)} batches per epoch, {epochs} epoch(s), {total_steps} updates")
    started = time.perf_counter()
    steps, since_print, running_loss = 0, 0, 0.0
    model.train()
    for epoch in range(epochs):
        for inputs, labels in trainloader:
            steps += 1
            since_print += 1
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if steps % 5 == 0 or steps == total_steps:
                test_loss, accuracy = training.evaluate(model, criterion, testloader)
                model.train()
                print(f"Epoch {epoch + 1}/{epochs}.. Step {steps:3}.. Train loss: {running_loss / since_print:.3f}.. "
                      f"Test loss: {test_loss:.3f}.. Test accuracy: {accuracy / 100:.3f}")
                running_loss, since_print = 0.0, 0
    print(f"{time.perf_counter() - started:.1f} s")
    print(f"metric test accuracy {accuracy:.2f}")


if __name__ == "__main__":
    main()
