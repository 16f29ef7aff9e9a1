"""Generates the TorchScript test models and the PyTorch reference values the Java tests compare with.

Run from this directory with any PyTorch >= 1.13 (Debian: apt-get install python3-torch):
    python3 generate.py
The outputs are committed, so the tests do not need PyTorch.
"""
import json

import torch
import torch.nn as nn


class BatchNormCnn(nn.Module):
    """conv-BN-ReLU-pool-linear with non-trivial running statistics; returns (logits, features)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.AvgPool2d(4)
        self.fc = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x):
        features = self.pool(torch.relu(self.bn(self.conv(x)))).flatten(1)
        return self.fc(features), features


class Linear(nn.Module):
    """A linear classifier on flattened pixels that returns logits only."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.fc(x.flatten(1))


class ThreeClasses(nn.Module):
    """No parameters; returns logits [B, 3], the wrong number of classes for a 10-class dataset."""

    def forward(self, x):
        return x.flatten(1)[:, :3]


class ImagesBack(nn.Module):
    """No parameters; returns its input [B, C, H, W], which is not logits [B, classes]."""

    def forward(self, x):
        return x * 2


def wrong_shape_modules():
    """Tiny modules whose outputs break the convention, for the error messages' tests."""
    torch.jit.script(ThreeClasses()).save("three_classes.pt")
    torch.jit.script(ImagesBack()).save("images_back.pt")


def train_step_reference(cnn):
    """Two SGD steps (momentum 0.9, weight decay 5e-4, lr 0.1) on cross-entropy in train mode, as the
    Java trainer takes them on the TorchScript module; records what the module computes afterwards."""
    model = torch.jit.load("bn_cnn.pt")
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x = torch.linspace(0, 1, 4 * 784).reshape(4, 1, 28, 28)
    y = torch.tensor([3, 1, 4, 1])
    losses = []
    for _ in range(2):
        optimizer.zero_grad()
        logits, _ = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits, _ = model(x)
    reference = {
        "input": "torch.linspace(0, 1, 4 * 784).reshape(4, 1, 28, 28)",
        "labels": y.tolist(),
        "learningRate": 0.1, "momentum": 0.9, "weightDecay": 5e-4,
        "losses": losses,
        "evalLogitsAfter": logits.flatten().tolist(),
        "runningMeanAfter": model.bn.running_mean.tolist(),
        "runningVarAfter": model.bn.running_var.tolist(),
    }
    with open("bn_cnn_train_step_reference.json", "w") as out:
        json.dump(reference, out, indent=1)


def main():
    torch.manual_seed(0)
    cnn = BatchNormCnn()
    with torch.no_grad():
        cnn.bn.running_mean.copy_(torch.tensor([0.3, -0.2, 0.1, 0.5]))
        cnn.bn.running_var.copy_(torch.tensor([2.0, 0.5, 1.5, 0.8]))
    cnn.eval()
    torch.jit.script(cnn).save("bn_cnn.pt")

    x = torch.linspace(0, 1, 2 * 784).reshape(2, 1, 28, 28).requires_grad_(True)
    logits, features = cnn(x)
    logits[:, 3].sum().backward()
    gradient = x.grad.flatten()
    probe = [0, 100, 500, 1000, 1567]
    with torch.no_grad():
        cnn.train()
        train_logits, _ = cnn(x)
    reference = {
        "input": "torch.linspace(0, 1, 2 * 784).reshape(2, 1, 28, 28)",
        "evalLogits": logits.detach().flatten().tolist(),
        "trainModeLogits": train_logits.flatten().tolist(),
        "featureDimension": features.shape[1],
        "gradientOfLogit3": {"absSum": gradient.abs().sum().item(), "indices": probe,
                             "values": gradient[probe].tolist()},
    }
    with open("bn_cnn_reference.json", "w") as out:
        json.dump(reference, out, indent=1)

    train_step_reference(cnn)

    torch.manual_seed(1)
    linear = Linear()
    linear.eval()
    torch.jit.script(linear).save("linear.pt")

    wrong_shape_modules()


if __name__ == "__main__":
    main()
