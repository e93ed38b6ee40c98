"""What the transfer-learning references share: the frozen offline ResNet-18 and the lessons' photo folders read by
torchvision's ImageFolder and prepared the backbone's way (their test pass is training.evaluate)."""
import os

from torchvision import datasets, transforms

from common import idx
from common import offline_resnet


def frozen_backbone():
    """The offline ResNet-18 with every parameter frozen (the lessons' first step after loading it)."""
    backbone = offline_resnet.load()
    for param in backbone.parameters():
        param.requires_grad = False
    print(f"offline ResNet-18, blocks {[len(getattr(backbone, f'layer{i}')) for i in range(1, 5)]}, from {offline_resnet.CHECKPOINT}")
    return backbone


def photo_folders(folder, backbone, train_steps, test_steps):
    """The train/ and test/ ImageFolders under data/<folder>: each photo goes through its steps, ToTensor, then the backbone's preparation."""
    root = os.path.join(idx.REPO, "data", folder)
    idx.describe(folder)
    made = [datasets.ImageFolder(os.path.join(root, split), transforms.Compose([*steps, transforms.ToTensor(), backbone.prepare]))
            for split, steps in (("train", train_steps), ("test", test_steps))]
    print(f"{folder}: {len(made[0])} train, {len(made[1])} test photos; classes {', '.join(made[0].classes)}")
    return made

