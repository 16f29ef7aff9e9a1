"""PyTorch eager peer of `arrest benchmark`: the same ARREST finetuning step on the same network and batch.

Step = student clean forward (eval) + teacher forward (eval) + PGD-k on the student (eval, weights frozen)
       + train-mode forward on the adversarial batch + CE + lambda * cosine RGKD + backward + SGD update;
with --step pretrain, the clean pretraining step: train-mode forward + CE + backward + SGD update.
Prints one line of key=value pairs, so the Java side can parse it: images_per_second, the process's user and system
CPU seconds and minor page faults per timed step (resource.getrusage, all threads), the malloc in use (from
/proc/self/maps) and the settings.
"""
import argparse
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    """TRADES' MNIST network; forward returns (logits, penultimate features)."""

    def __init__(self, channels=1, classes=10, mean=0.2860, std=0.3530):
        super().__init__()
        self.mean, self.std = mean, std
        self.features = nn.Sequential(
            nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64 * 4 * 4, 200), nn.ReLU(), nn.Dropout(0.5), nn.Linear(200, 200), nn.ReLU())
        self.head = nn.Linear(200, classes)

    def forward(self, x):
        z = self.features((x - self.mean) / self.std)
        return self.head(z), z


def allocator():
    """jemalloc or tcmalloc when its library is mapped into this process (preloaded), else glibc."""
    try:
        with open("/proc/self/maps") as maps:
            libraries = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return "unknown"
    for name in ("jemalloc", "tcmalloc"):
        if any(("lib" + name) in library for library in libraries):
            return name
    return "glibc"


def pgd(model, x, y, eps, step, steps):
    lower, upper = (x - eps).clamp(0, 1), (x + eps).clamp(0, 1)
    adv = torch.max(torch.min(x + torch.empty_like(x).uniform_(-eps, eps), upper), lower)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv)[0], y, reduction="sum")
        grad, = torch.autograd.grad(loss, adv)
        adv = torch.max(torch.min(adv.detach() + step * grad.sign(), upper), lower)
    return adv.detach()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", choices=["finetune", "pretrain"], default="finetune")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--epsilon", type=float, default=0.1)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    student, teacher = SmallCNN(), SmallCNN()
    teacher.load_state_dict(student.state_dict())
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    optimizer = torch.optim.SGD(student.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(args.batch_size, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch_size,))
    step_size = 2.5 * args.epsilon / args.steps

    def train_step():
        student.eval()
        with torch.no_grad():
            student(x)
            teacher_features = teacher(x)[1]
        for p in student.parameters():
            p.requires_grad_(False)
        adv = pgd(student, x, y, args.epsilon, step_size, args.steps)
        for p in student.parameters():
            p.requires_grad_(True)
        student.train()
        logits, features = student(adv)
        rgkd = (1 - F.cosine_similarity(features, teacher_features, dim=1, eps=1e-8)).mean()
        loss = F.cross_entropy(logits, y) + 1.0 * rgkd
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    def pretrain_step():
        student.train()
        loss = F.cross_entropy(student(x)[0], y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    if args.step == "pretrain":
        train_step = pretrain_step
    for _ in range(args.warmup):
        train_step()
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    for _ in range(args.iterations):
        train_step()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    n = args.iterations
    print("images_per_second=%.2f user_seconds_per_step=%.4f system_seconds_per_step=%.4f "
          "minor_faults_per_step=%.1f allocator=%s torch=%s threads=%d batch=%d step=%s pgd_steps=%d iterations=%d" % (
              n * args.batch_size / seconds, (after.ru_utime - before.ru_utime) / n,
              (after.ru_stime - before.ru_stime) / n, (after.ru_minflt - before.ru_minflt) / n, allocator(),
              torch.__version__, torch.get_num_threads(), args.batch_size, args.step, args.steps, n))


if __name__ == "__main__":
    main()
