"""Trains a standard (non-robust) CNN on Fashion-MNIST with PyTorch and saves it as TorchScript, following the
convention of docs/torchscript.md: forward(x) takes pixels in [0, 1] and returns (logits, features).

It is the "existing standard model" that examples/fashion-mnist-torchscript.yaml finetunes with ARREST:

    python3 examples/torchscript/export_standard_model.py runs/torchscript/standard-cnn.pt

Needs PyTorch >= 1.13 (Debian: apt-get install python3-torch) and the Fashion-MNIST IDX files
(apt-get install dataset-fashion-mnist).
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import fashion_mnist


class StandardCnn(nn.Module):
    """Two conv blocks and a 128-unit hidden layer; the hidden layer is the representation."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.hidden = nn.Linear(64 * 7 * 7, 128)
        self.classifier = nn.Linear(128, 10)

    def forward(self, x):
        x = (x - 0.2860) / 0.3530  # normalization inside the module: epsilon stays in pixel units
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        features = F.relu(self.hidden(x.flatten(1)))
        return self.classifier(features), features


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="where to write the TorchScript module (.pt)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--train-subset", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    images, labels = fashion_mnist.load("train")
    subset = torch.randperm(len(images))[: args.train_subset]
    images, labels = images[subset], labels[subset]
    test_images, test_labels = fashion_mnist.load("t10k")

    model = StandardCnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    batches = (len(images) + 127) // 128
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * batches)
    for epoch in range(1, args.epochs + 1):
        model.train()
        start, correct, total = time.time(), 0, 0
        for batch in torch.randperm(len(images)).split(128):
            logits, _ = model(images[batch])
            loss = F.cross_entropy(logits, labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            correct += (logits.argmax(1) == labels[batch]).sum().item()
            total += len(batch)
        print(f"epoch {epoch}/{args.epochs}: train accuracy {100 * correct / total:.2f} %, {time.time() - start:.1f} s")

    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(x)[0].argmax(1) for x in test_images.split(1000)])
    print(f"test accuracy {100 * (predictions == test_labels).float().mean().item():.2f} % on 10000 images")
    torch.jit.script(model).save(args.output)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
