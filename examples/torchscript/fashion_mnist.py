"""Fashion-MNIST from its IDX files, as Debian's dataset-fashion-mnist installs them, for the scripts beside this one."""
import gzip

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split):
    """(images float32 [N, 1, 28, 28] in [0, 1], labels int64 [N]) of split "train" or "t10k"."""
    images = read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz")
    return torch.from_numpy(images.copy()).float().div(255).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))
