"""Speed in PyTorch for bench/run's speed table: TrainingBench's workloads on the offline ResNet-18
(common/offline_resnet.py), each two ways, as the C# side measures them.
  python3 -m speed.pretrained_speed --workload transfer|backbone|style [--threads N] [--runs N]
transfer  Section 2 Part 8, one epoch over the Cat/Dog training photos: the frozen backbone, the lesson's
          classifier, NLL, Adam 0.003, batch 64. Course loader: torchvision's ImageFolder with the lesson's
          transforms and a shuffling DataLoader (no worker processes, as the course); floor: the same epoch over
          the loader's batches made once beforehand.
backbone  The backbone's forward pass over one batch of those 64 photos: as the lesson calls it (parameters
          frozen, autograd on), and the floor under no_grad.
style     Section 3 Lesson 10, one optimisation step on nagasaki-boats with its longer side 400 against
          march-pastoral: the stem and the four stages as style layers (weights 1, 0.75, 0.2, 0.2, 0.2), the third
          stage as content layer, content weight 1, style weight 1e6, Adam 0.003 on the image. The lesson's step
          takes the image back to pixels and prepares it for the network every step and reads the loss; the floor
          folds that preparation (affine per channel of the flipped image) into two constants beforehand.
"""
import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim

from common import idx
from lessons import s2_part8_transfer as part8_transfer
from lessons import s3_lesson10_style as style
from common import speed
from common import training
from common import transfer

parser = argparse.ArgumentParser()
parser.add_argument("--workload", choices=["transfer", "backbone", "style"], required=True)
parser.add_argument("--threads", type=int, default=None)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

idx.setup(7, threads=args.threads)
backbone = transfer.frozen_backbone()


def photo_loader():
    train_data, _ = part8_transfer.photo_folders(backbone)
    return torch.utils.data.DataLoader(train_data, batch_size=64, shuffle=True)


def transfer_learning():
    loader = photo_loader()
    batches = list(loader)

    def runner(batches_for):
        torch.manual_seed(7)
        classifier = part8_transfer.new_classifier()
        model = nn.Sequential(backbone, classifier)
        optimizer = optim.Adam(classifier.parameters(), lr=0.003)
        return lambda: training.epoch(model, nn.NLLLoss(), optimizer, batches_for())

    speed.compare("Transfer learning epoch (photo folder, batch 64)", runner(lambda: batches), runner(lambda: loader), args.runs)


def backbone_forward():
    images, _ = next(iter(photo_loader()))

    def floor():
        with torch.no_grad():
            backbone(images)

    speed.compare("Backbone forward (batch 64, 224×224)", floor, lambda: backbone(images), args.runs, per="forward")


def style_transfer():
    """The lesson's photos, layers, weights and optimiser from lessons/s3_lesson10_style.py (the parity reference)."""
    content = ((style.photo("nagasaki-boats", max_side=400) - style.MEAN) / style.STD).unsqueeze(0)
    pixels = F.interpolate(style.photo("march-pastoral").unsqueeze(0), size=content.shape[-2:], mode="bilinear", align_corners=False, antialias=True)
    print(f"content {tuple(content.shape)}")
    layers = set(style.STYLE_WEIGHTS) | {style.CONTENT_LAYER}

    def lesson_input(image):
        return backbone.prepare(image * style.STD + style.MEAN)

    with torch.no_grad():
        content_features = backbone.stage_outputs(lesson_input(content), layers)
        style_grams = {layer: style.gram_matrix(f) for layer, f in backbone.stage_outputs(backbone.prepare(pixels), layers).items()}
        offset = lesson_input(torch.zeros_like(content))
        scale = lesson_input(torch.ones_like(content)) - offset

    def total_loss(found):
        content_loss = torch.mean((found[style.CONTENT_LAYER] - content_features[style.CONTENT_LAYER]) ** 2)
        style_loss = torch.zeros(1)
        for layer, weight in style.STYLE_WEIGHTS.items():
            _, d, h, w = found[layer].shape
            style_loss = style_loss + weight * torch.mean((style.gram_matrix(found[layer]) - style_grams[layer]) ** 2) / (d * h * w)
        return style.CONTENT_WEIGHT * content_loss + style.STYLE_WEIGHT * style_loss

    def optimisation(network_input, read_loss):
        target = content.clone().requires_grad_(True)
        optimizer = optim.Adam([target], lr=0.003)

        def step():
            loss = total_loss(backbone.stage_outputs(network_input(target), layers))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if read_loss:
                loss.item()
        return step

    speed.compare("Style transfer step (longer side 400)", optimisation(lambda image: image.flip(1) * scale + offset, False),
                  optimisation(lesson_input, True), args.runs, per="step")


{"transfer": transfer_learning, "backbone": backbone_forward, "style": style_transfer}[args.workload]()
