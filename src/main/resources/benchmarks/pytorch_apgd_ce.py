"""PyTorch eager peer of `arrest benchmark-autoattack`'s APGD-CE: the same attack on the same network.

APGD-CE as the trainer's Apgd runs it (Croce and Hein 2020 with the reference code's schedule): a random start at
x + eps * t / ||t|| (t uniform in [-1, 1] for L-inf, standard normal for L2), step size 2 eps per example, momentum
0.75 (1 at the first iteration), and at the checkpoints 0.22 N, then intervals shrinking by 0.03 N down to 0.06 N,
the step is halved and the iterate restarts from the best point where the loss increased in at most rho times the
interval's steps, or where the step was not halved at the previous checkpoint and the best loss did not improve.
One restart; every example runs all iterations. The model is SmallCNN in eval mode with frozen weights, on seeded
random images labelled with its own predictions (as the Java side does), so every image is attacked.

Prints one line: images_per_second=<float> robust_accuracy=<float> (plus settings), for the Java side to parse.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MOMENTUM = 0.75
RHO = 0.75


class SmallCNN(nn.Module):
    """TRADES' MNIST network, as the trainer's small-cnn; forward returns logits."""

    def __init__(self, channels=1, classes=10, mean=0.2860, std=0.3530):
        super().__init__()
        self.mean, self.std = mean, std
        self.features = nn.Sequential(
            nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64 * 4 * 4, 200), nn.ReLU(), nn.Dropout(0.5), nn.Linear(200, 200), nn.ReLU())
        self.head = nn.Linear(200, classes)

    def forward(self, x):
        return self.head(self.features((x - self.mean) / self.std))


def per_example_norm(v, norm):
    flat = v.flatten(1)
    length = flat.abs().amax(1) if norm == "linf" else flat.norm(dim=1)
    return length.view(-1, *([1] * (v.dim() - 1)))


def project(candidate, clean, eps, norm):
    if norm == "linf":
        return torch.min(torch.max(candidate, clean - eps), clean + eps).clamp(0, 1)
    delta = candidate - clean
    length = per_example_norm(delta, "l2")
    return (clean + delta * (length.clamp(max=eps) / (length + 1e-12))).clamp(0, 1)


def checkpoint_intervals(iterations):
    """Length of each interval between checkpoints, e.g. 22, 19, 16, 13, 10, 7, 6, 6 for N = 100."""
    first = max(int(0.22 * iterations), 1)
    minimum = max(int(0.06 * iterations), 1)
    decrease = max(int(0.03 * iterations), 1)
    intervals, at, interval = [], first - 1, first
    while at < iterations:
        intervals.append((at, interval))
        interval = max(interval - decrease, minimum)
        at += interval
    return dict(intervals)


def loss_and_gradient(model, x, y):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, y, reduction="none")
    gradient, = torch.autograd.grad(loss.sum(), x)
    return loss.detach(), logits.detach(), gradient.detach()


def apgd_ce(model, clean, labels, eps, norm, iterations):
    """Returns the examples misclassified at some iterate and their last misclassified iterate."""
    shape = (-1,) + (1,) * (clean.dim() - 1)
    t = torch.empty_like(clean).uniform_(-1, 1) if norm == "linf" else torch.randn_like(clean)
    x = (clean + eps * t / (per_example_norm(t, norm) + 1e-12)).clamp(0, 1)
    loss, logits, gradient = loss_and_gradient(model, x, labels)
    fooled = logits.argmax(1) != labels
    last_fooled = x
    best_loss, best, best_gradient = loss.clone(), x.clone(), gradient.clone()
    step = torch.full((clean.shape[0],), 2 * eps).view(shape)
    previous = x
    checkpoints = checkpoint_intervals(iterations)
    losses = [loss]
    halved_before = torch.ones(clean.shape[0], dtype=torch.bool)
    best_at_checkpoint = loss.clone()
    for i in range(iterations):
        momentum = MOMENTUM if i > 0 else 1.0
        direction = gradient.sign() if norm == "linf" else gradient / (per_example_norm(gradient, "l2") + 1e-12)
        stepped = project(x + step * direction, clean, eps, norm)
        following = project(x + (stepped - x) * momentum + (x - previous) * (1 - momentum), clean, eps, norm)
        loss, logits, new_gradient = loss_and_gradient(model, following, labels)
        misclassified = logits.argmax(1) != labels
        fooled |= misclassified
        last_fooled = torch.where(misclassified.view(shape), following, last_fooled)
        improved = loss > best_loss
        best_loss = torch.where(improved, loss, best_loss)
        best = torch.where(improved.view(shape), following, best)
        best_gradient = torch.where(improved.view(shape), new_gradient, best_gradient)
        previous, x, gradient = x, following, new_gradient
        losses.append(loss)
        if i in checkpoints:
            interval = checkpoints[i]
            window = torch.stack(losses[-interval - 1:])
            increases = (window[1:] > window[:-1]).sum(0)
            oscillating = increases <= RHO * interval
            stalled = ~halved_before & (best_at_checkpoint >= best_loss)
            halve = oscillating | stalled
            halved_before = halve
            best_at_checkpoint = best_loss.clone()
            step = torch.where(halve.view(shape), step / 2, step)
            x = torch.where(halve.view(shape), best, x)
            gradient = torch.where(halve.view(shape), best_gradient, gradient)
    return fooled, last_fooled


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--epsilon", type=float, default=0.002)
    parser.add_argument("--norm", choices=["linf", "l2"], default="linf")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = SmallCNN().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    images = torch.randint(0, 256, (args.samples, 1, 28, 28)).float() / 255
    with torch.no_grad():
        labels = model(images).argmax(1)
    start = time.perf_counter()
    robust = 0
    for first in range(0, args.samples, args.batch_size):
        x, y = images[first:first + args.batch_size], labels[first:first + args.batch_size]
        fooled, _ = apgd_ce(model, x, y, args.epsilon, args.norm, args.iterations)
        robust += int((~fooled).sum())
    seconds = time.perf_counter() - start
    print("images_per_second=%.2f robust_accuracy=%.4f seconds=%.2f torch=%s threads=%d samples=%d batch=%d"
          " norm=%s epsilon=%g iterations=%d" % (
              args.samples / seconds, robust / args.samples, seconds, torch.__version__, torch.get_num_threads(),
              args.samples, args.batch_size, args.norm, args.epsilon, args.iterations))


if __name__ == "__main__":
    main()
