"""PyTorch reference for Section 3 Lesson 10 (style transfer) as the C# lesson runs it: the offline ResNet-18
(common/offline_resnet.py) frozen, its stem and four stage outputs (conv1, layer1-layer4) in the places of VGG19's
conv1_1 ... conv5_1 for style with weights 1, 0.75, 0.2, 0.2, 0.2, and layer3 in the place of conv4_2 for content;
content weight 1, style weight 1e6; the target starts as the content image and Adam (lr 0.003) changes it for 2000
steps. Content: data/photos/nagasaki-boats.jpg, its longer side shrunk to 400 (bicubic: ImageSharp's default in
C#, PIL's here); style: march-pastoral.jpg resized to the content's size (bilinear, antialiased, on the float image).
Both are normalised with ImageNet's mean and deviation as in the course; the features are taken from the image
turned back into pixels and prepared the backbone's way. The metric is the first step's total loss over the
last step's. Nothing here is random: the seed changes nothing but is taken like the other scripts'.

PIL decodes and shrinks the photos up to 3/255 per pixel away from ImageSharp; that alone puts the first step's
total loss at 4.943e8 here against 4.958e8 with the C# library's pixels (measured with the same network).
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from common import idx
from common import transfer

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
STYLE_WEIGHTS = {"conv1": 1.0, "layer1": 0.75, "layer2": 0.2, "layer3": 0.2, "layer4": 0.2}
CONTENT_LAYER = "layer3"
CONTENT_WEIGHT, STYLE_WEIGHT = 1.0, 1e6


def photo(name, max_side=None):
    """data/photos/<name>.jpg as RGB in [0, 1], its longer side shrunk to max_side (bicubic) when given and larger."""
    with Image.open(os.path.join(idx.REPO, "data", "photos", name + ".jpg")) as image:
        image = image.convert("RGB")
        if max_side and max(image.size) > max_side:
            scale = max_side / max(image.size)
            image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BICUBIC)
        array = np.asarray(image, dtype=np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1).contiguous()


def gram_matrix(tensor):
    _, d, h, w = tensor.shape
    rows = tensor.view(d, h * w)
    return rows @ rows.t()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", type=int, default=2000, help="the lesson: 2000; fewer for testing only")
    args = parser.parse_args()
    idx.setup(args.seed)

    backbone = transfer.frozen_backbone()
    idx.describe("photos")

    content = ((photo("nagasaki-boats", max_side=400) - MEAN) / STD).unsqueeze(0)
    height, width = content.shape[-2:]
    style_pixels = F.interpolate(photo("march-pastoral").unsqueeze(0), size=(height, width), mode="bilinear", align_corners=False, antialias=True)
    style = (style_pixels - MEAN) / STD
    print(f"content: nagasaki-boats {list(content.shape)}; style: march-pastoral {list(style.shape)}")

    def get_features(image):
        return backbone.stage_outputs(backbone.prepare(image * STD + MEAN), set(STYLE_WEIGHTS) | {CONTENT_LAYER})

    def content_loss(features):
        return torch.mean((features[CONTENT_LAYER] - content_features[CONTENT_LAYER]) ** 2)

    def style_loss(features):
        loss = torch.zeros(1)
        for layer, weight in STYLE_WEIGHTS.items():
            _, d, h, w = features[layer].shape
            loss = loss + weight * torch.mean((gram_matrix(features[layer]) - style_grams[layer]) ** 2) / (d * h * w)
        return loss

    with torch.no_grad():
        content_features = get_features(content)
        style_features = get_features(style)
        style_grams = {layer: gram_matrix(style_features[layer]) for layer in STYLE_WEIGHTS}

    target = content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([target], lr=0.003)
    total_losses = []
    started = time.perf_counter()
    for step in range(1, args.steps + 1):
        features = get_features(target)
        total_loss = CONTENT_WEIGHT * content_loss(features) + STYLE_WEIGHT * style_loss(features)
        optimizer.zero_grad()
        total_loss.backward()
        optimizer.step()
        total_losses.append(total_loss.item())
        if step % 400 == 0 or step == args.steps:
            print(f"step {step}: total loss {total_losses[-1]:.3e} ({time.perf_counter() - started:.1f} s)")
    seconds = time.perf_counter() - started

    with torch.no_grad():
        features = get_features(target)
        print(f"content_weight x content loss: {CONTENT_WEIGHT * content_loss(features).item():.2e}; style_weight x style loss: {STYLE_WEIGHT * style_loss(features).item():.2e}")
    # The course's figure and the C# lesson's: from the first look at the image (step 400, or the last if fewer) to the last step
    first_look = min(400, len(total_losses))
    print(f"total loss: {total_losses[0]:.2e} at step 1, {total_losses[first_look - 1]:.2e} at step {first_look} (the first look), {total_losses[-1]:.2e} at step {len(total_losses)}")
    print(f"{seconds:.1f} s")
    print(f"metric total loss reduction (first look / last step) {total_losses[first_look - 1] / total_losses[-1]:.2f}")


if __name__ == "__main__":
    main()
