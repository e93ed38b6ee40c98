"""The fully connected classifiers of Section 2 Parts 5-6 and Section 3 Lessons 1 and 6, built from their sizes."""
from torch import nn


def mlp(sizes, dropout, log_softmax):
    """Flattens each image, then Linear layers from each size to the next; every hidden layer is followed by ReLU and
    dropout with probability `dropout`. The last layer gives raw scores, or log-probabilities with `log_softmax`."""
    layers = [nn.Flatten()]
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU(), nn.Dropout(dropout)]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    if log_softmax:
        layers.append(nn.LogSoftmax(dim=1))
    return nn.Sequential(*layers)
