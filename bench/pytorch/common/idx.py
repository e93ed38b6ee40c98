"""Shared helpers for the PyTorch reference scripts: the IDX files in data/, the course's batching, the BLAS report."""
import gzip
import os
import re

import numpy as np
import torch

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def read_idx(path):
    """Returns the array stored in a gzipped IDX file (big-endian header, unsigned bytes)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_pixels(folder, train=True):
    """Images of data/<folder>'s IDX pair as floats [N, 1, 28, 28] scaled to [0, 1] (the course's datasets
    without a transform), labels as int64. Says once per folder whether the files are a stand-in."""
    describe(folder)
    prefix = "train" if train else "t10k"
    images = read_idx(os.path.join(REPO, "data", folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(REPO, "data", folder, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).view(len(images), 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


def load_normalised(folder, train=True):
    """As load_pixels, then normalised with mean 0.5 and std 0.5 (values in [-1, 1])."""
    x, y = load_pixels(folder, train)
    return (x - 0.5) / 0.5, y


_described = set()


def describe(folder):
    """Prints, once per folder, what data/<folder>/SOURCE.txt says the files are: a stand-in or the real data."""
    if folder in _described:
        return
    _described.add(folder)
    with open(os.path.join(REPO, "data", folder, "SOURCE.txt"), encoding="utf-8") as f:
        kind, description = f.readline().strip(), f.readline().strip()
    print(f"data/{folder}: {'OFFLINE STAND-IN' if kind == 'stand-in' else 'real data'}: {description}")


def split(x, y, validation_fraction, generator):
    """(x, y) cut by random_split: returns training images and labels, then validation images and labels."""
    train_idx, valid_idx = random_split(len(x), validation_fraction, generator)
    return x[train_idx], y[train_idx], x[valid_idx], y[valid_idx]


def random_split(count, validation_fraction, generator):
    """The course's RandomSplit: one random order of the indices; its first floor(fraction x count) form the
    validation part, the rest the training part. Returns (training indices, validation indices)."""
    order = torch.randperm(count, generator=generator)
    validation = int(validation_fraction * count)
    return order[validation:], order[:validation]


def batches_in_order(x, y, batch_size):
    """One pass over (x, y) in stored order, the last batch smaller when the size does not divide."""
    for start in range(0, len(x), batch_size):
        yield x[start:start + batch_size], y[start:start + batch_size]


def shuffled_batches(x, y, batch_size, generator):
    """One epoch of batches in a fresh random order; the last, smaller batch is kept (as the course's DataLoader does)."""
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        yield x[idx], y[idx]


def batch_count(n, batch_size):
    return (n + batch_size - 1) // batch_size


def setup(seed, threads=None):
    """Fixes the thread count (default: OMP_NUM_THREADS, else 2) and the seed; prints which BLAS and how many threads PyTorch uses."""
    threads = threads or int(os.environ.get("OMP_NUM_THREADS", "2"))
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS: {blas_in_use()}")


def blas_in_use():
    """Which BLAS library the process actually loaded (Debian switches it through alternatives)."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "/" in line and ".so" in line}
    found = sorted({os.path.realpath(p) for p in paths if re.search(r"openblas|libblas|mkl|blis", p)})
    return ", ".join(found) if found else "none loaded yet"
