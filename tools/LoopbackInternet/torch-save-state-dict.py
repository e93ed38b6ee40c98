# Writes a PyTorch state dict the way torchvision's weight files are written (torch.save), with the keys and
# shapes listed in a JSON file ([[key, [shape...]], ...]): weights initialised as a fresh network's (He's
# scaling, so a deep network's features neither vanish nor explode), a fresh batch norm's scale and statistics.
# Usage: python3 torch-save-state-dict.py LAYOUT.json OUT.pth   (needs Debian's python3-torch)
import json, sys
from collections import OrderedDict
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
state = OrderedDict()
for key, shape in json.load(open(sys.argv[1])):
    if key.endswith('num_batches_tracked'):
        state[key] = torch.tensor(0)
    elif key.endswith('running_var'):
        state[key] = torch.ones(shape)
    elif key.endswith('running_mean') or key.endswith('bias'):
        state[key] = torch.zeros(shape)
    elif len(shape) == 1:
        state[key] = torch.ones(shape)
    else:
        fan_in = 1
        for size in shape[1:]:
            fan_in *= size
        state[key] = torch.randn(shape) * (2.0 / fan_in) ** 0.5
torch.save(state, sys.argv[2])
