"""Speed in PyTorch for bench/run's speed table: TrainingBench's workloads on the offline ResNet-18
(offline_resnet.py), each two ways, as the C# side measures them.
  pretrained_speed.py --workload transfer|backbone|style [--threads N] [--runs N]
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
from PIL import Image
from torch import nn, optim

import idx
import offline_resnet
import part8_transfer
import speed
import training
import transfer

parser = argparse.ArgumentParser()
parser.add_argument("--workload", choices=["transfer", "backbone", "style"], required=True)
parser.add_argument("--threads", type=int, default=None)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

idx.setup(7, threads=args.threads)
from torchvision import transforms  # after setup, so that the thread count applies to everything it loads

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


def photo(name, size=None, max_side=None):
    """A photo from data/photos as RGB [3, H, W] in [0, 1]: resized to `size` (height, width), or its longer side shrunk to `max_side`."""
    with Image.open(f"{idx.REPO}/data/photos/{name}.jpg") as image:
        image = image.convert("RGB")
        if max_side and max(image.size) > max_side:
            scale = max_side / max(image.size)
            size = (round(image.height * scale), round(image.width * scale))
        if size:
            image = image.resize((size[1], size[0]), Image.BILINEAR)
        return transforms.ToTensor()(image)


def style_transfer():
    normalise = transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    mean, std = torch.tensor(normalise.mean).view(3, 1, 1), torch.tensor(normalise.std).view(3, 1, 1)
    content = normalise(photo("nagasaki-boats", max_side=400)).unsqueeze(0)
    style = normalise(photo("march-pastoral", size=content.shape[-2:])).unsqueeze(0)
    print(f"content {tuple(content.shape)}, style {tuple(style.shape)}")
    style_weights = dict(zip(offline_resnet.STAGES, [1, 0.75, 0.2, 0.2, 0.2]))
    content_layer = "layer3"

    def lesson_input(image):
        return backbone.prepare(image * std + mean)

    def features(network_input):
        return backbone.stage_outputs(network_input, set(offline_resnet.STAGES))

    def gram(tensor):
        _, d, h, w = tensor.shape
        rows = tensor.view(d, h * w)
        return rows @ rows.t()

    with torch.no_grad():
        content_features = features(lesson_input(content))
        style_grams = {layer: gram(f) for layer, f in features(lesson_input(style)).items()}
        offset = lesson_input(torch.zeros_like(content))
        scale = lesson_input(torch.ones_like(content)) - offset

    def total_loss(found):
        content_loss = torch.mean((found[content_layer] - content_features[content_layer]) ** 2)
        style_loss = 0
        for layer, weight in style_weights.items():
            _, d, h, w = found[layer].shape
            style_loss += weight * torch.mean((gram(found[layer]) - style_grams[layer]) ** 2) / (d * h * w)
        return content_loss + 1e6 * style_loss

    def optimisation(network_input, read_loss):
        target = content.clone().requires_grad_(True)
        optimizer = optim.Adam([target], lr=0.003)

        def step():
            loss = total_loss(features(network_input(target)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if read_loss:
                loss.item()
        return step

    speed.compare("Style transfer step (longer side 400)", optimisation(lambda image: image.flip(1) * scale + offset, False),
                  optimisation(lesson_input, True), args.runs, per="step")


{"transfer": transfer_learning, "backbone": backbone_forward, "style": style_transfer}[args.workload]()
