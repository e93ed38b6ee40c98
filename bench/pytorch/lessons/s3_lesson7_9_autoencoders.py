"""Section 3 Lessons 7, 8, 8b and 9 in PyTorch, for parity: the same MNIST files in data/MNIST (a stand-in
there), pixels in [0, 1], batches of 20 in file order (the lessons' loader does not shuffle), MSE, Adam 0.001,
and the loss the lessons report: batch loss x batch size, summed over the epoch, divided by the number of
batches. Prints the last epoch's figure as `metric reported training loss X`.
  python3 -m lessons.s3_lesson7_9_autoencoders --lesson 7|8|8b|9 [--seed 7]
The models are importable (speed/epoch_speed.py times Lesson 8's).
"""
import argparse
import time

import torch
from torch import nn
from torch.nn import functional as F

from common import idx

class Linear(nn.Module):
    def __init__(self, encoding_dim=32):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(784, encoding_dim), nn.Linear(encoding_dim, 784)

    def forward(self, x):
        return torch.sigmoid(self.fc2(F.relu(self.fc1(x.view(len(x), -1))))).view(x.shape)


class Conv(nn.Module):
    """Lesson 8's transposed-convolution decoder, or with upsample=True Lesson 8b's nearest upsampling + conv."""
    def __init__(self, upsample=False):
        super().__init__()
        self.upsample = upsample
        self.conv1, self.conv2 = nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(16, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        if upsample:
            self.conv4, self.conv5 = nn.Conv2d(4, 16, 3, padding=1), nn.Conv2d(16, 1, 3, padding=1)
        else:
            self.t_conv1, self.t_conv2 = nn.ConvTranspose2d(4, 16, 2, stride=2), nn.ConvTranspose2d(16, 1, 2, stride=2)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        if self.upsample:
            x = F.relu(self.conv4(F.interpolate(x, scale_factor=2, mode="nearest")))
            return torch.sigmoid(self.conv5(F.interpolate(x, scale_factor=2, mode="nearest")))
        return torch.sigmoid(self.t_conv2(F.relu(self.t_conv1(x))))


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = nn.Conv2d(1, 32, 3, padding=1), nn.Conv2d(32, 16, 3, padding=1), nn.Conv2d(16, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.t_conv1 = nn.ConvTranspose2d(8, 8, 3, stride=2)
        self.t_conv2 = nn.ConvTranspose2d(8, 16, 2, stride=2)
        self.t_conv3 = nn.ConvTranspose2d(16, 32, 2, stride=2)
        self.conv_out = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = self.pool(F.relu(self.conv3(x)))
        x = F.relu(self.t_conv3(F.relu(self.t_conv2(F.relu(self.t_conv1(x))))))
        return torch.sigmoid(self.conv_out(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lesson", choices=["7", "8", "8b", "9"], required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    idx.setup(args.seed)

    model, epochs = {"7": (Linear(), 20), "8": (Conv(), 30), "8b": (Conv(upsample=True), 30), "9": (Denoiser(), 20)}[args.lesson]
    x, _ = idx.load_pixels("MNIST")
    print(f"Lesson {args.lesson}: {len(x)} training images in data/MNIST, batches of 20, {epochs} epochs")

    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    batches = idx.batch_count(len(x), 20)
    started = time.perf_counter()
    for epoch in range(epochs):
        total = 0.0
        for start in range(0, len(x), 20):
            clean = x[start:start + 20]
            inputs = (clean + 0.5 * torch.randn_like(clean)).clamp(0, 1) if args.lesson == "9" else clean
            optimizer.zero_grad()
            loss = criterion(model(inputs), clean)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(clean)
        reported = total / batches
    print(f"{time.perf_counter() - started:.1f} s")
    print(f"metric reported training loss {reported:.4f}")


if __name__ == "__main__":
    main()
