#!/usr/bin/env python3
"""FLOPs per image of PreAct-ResNet-18 and WRN-34-10 on 32x32 input, counted from the architectures
(convolutions and the final linear layer; batch-norm, ReLU, pooling and the optimizer are left out),
and the GPU hours of examples/cifar10-wrn-34-10{,-sweep}.yaml on one A100 that follow from them.
See docs/reproduction.md, "The paper's setting on a GPU". No arguments; prints the tables."""


def conv(cin, cout, k, hout):
    return cin * cout * k * k * hout * hout  # multiply-accumulates


def preact_resnet18():
    m, cin, h = conv(3, 64, 3, 32), 64, 32
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for b in range(2):
            s = stride if b == 0 else 1
            hout = h // s
            m += conv(cin, cout, 3, hout) + conv(cout, cout, 3, hout)
            if s != 1 or cin != cout:
                m += conv(cin, cout, 1, hout)  # projection shortcut
            cin, h = cout, hout
    return m + 512 * 10


def wide_resnet(depth, k):
    n = (depth - 4) // 6
    m, cin, h = conv(3, 16, 3, 32), 16, 32
    for cout, stride in [(16 * k, 1), (32 * k, 2), (64 * k, 2)]:
        for b in range(n):
            s = stride if b == 0 else 1
            hout = h // s
            m += conv(cin, cout, 3, hout) + conv(cout, cout, 3, hout)
            if cin != cout:
                m += conv(cin, cout, 1, hout)
            cin, h = cout, hout
    return m + 64 * k * 10


# Forward-pass equivalents per image (F = one forward pass; a backward pass costs 2F when it computes
# weight and input gradients, 1F when only input gradients are needed, e.g. PGD on frozen weights).
PGD = 10
CLEAN_STEP = 3  # forward + backward
ARREST_STEP = (1 + 1 + PGD * 2 + 3, 1 + 1 + PGD * 3 + 3)  # student clean F, teacher F, PGD-10, update
AWP_EXTRA = 3  # one more forward + backward (docs/trainer.md, AWP)
EVAL = 1 + 20 * 2 + 1  # clean, PGD-20 on frozen weights, final forward
# Standard AutoAttack: measured at 131.4 s against 4.0 s for APGD-CE alone (100 iterations, 2F each on frozen
# weights) on 100 images, docs/autoattack.md, so about 33 x 200F per image attacked.
AUTOATTACK = 131.4 / 4.0 * 100 * 2
EVAL_SAMPLES = 1000  # evaluation.samples of the examples

A100_TF32 = 156e12  # dense TF32 tensor-core peak, NVIDIA A100 datasheet
UTILIZATION = (0.5, 0.25)  # assumed fraction of that peak reached: optimistic, pessimistic
TRAIN, TEST = 50_000, 10_000


def hours(flops):
    return tuple(flops / (A100_TF32 * u) / 3600 for u in UTILIZATION)


def main():
    for name, macs in [("preact-resnet18", preact_resnet18()), ("wrn-34-10", wide_resnet(34, 10))]:
        f = 2 * macs
        print(f"{name}: {macs / 1e9:.3f} GMAC = {f / 1e9:.3f} GFLOP per image forward;"
              f" ARREST PGD-10 step {ARREST_STEP[0] * f / 1e9:.0f}-{ARREST_STEP[1] * f / 1e9:.0f} GFLOP per image")
    f = 2 * wide_resnet(34, 10)
    pre = 100 * TRAIN * CLEAN_STEP * f
    ev = EVAL_SAMPLES * (EVAL + AUTOATTACK) * f
    rows = [("pretraining, 100 epochs clean", pre, pre)]
    for awp in (0, AWP_EXTRA):
        lo, hi = (50 * TRAIN * (s + awp) * f for s in ARREST_STEP)
        rows.append((f"one ARREST{'+AWP' if awp else ''} finetuning, 50 epochs", lo, hi))
    rows.append((f"one evaluation, clean + PGD-20 + AutoAttack on {EVAL_SAMPLES}", ev, ev))
    full = TEST * EVAL * f
    rows.append(("(clean + PGD-20 on all 10 000 test images)", full, full))
    print("WRN-34-10 on CIFAR-10, A100 TF32 at 50 % / 25 % of peak (lower bound at 50 %, upper at 25 %):")
    for label, lo, hi in rows:
        print(f"  {label}: {lo / 1e15:.0f}-{hi / 1e15:.0f} PFLOP,"
              f" {hours(lo)[0]:.2f}-{hours(hi)[1]:.2f} GPU h")
    single = rows[0][1] + rows[1][1] + ev, rows[0][2] + rows[1][2] + ev
    sweep = (rows[0][1] + 3 * rows[1][1] + 3 * rows[2][1] + 6 * ev,
             rows[0][2] + 3 * rows[1][2] + 3 * rows[2][2] + 6 * ev)
    print(f"  cifar10-wrn-34-10.yaml: {hours(single[0])[0]:.0f}-{hours(single[1])[1]:.0f} GPU h")
    print(f"  cifar10-wrn-34-10-sweep.yaml (6 points): {hours(sweep[0])[0]:.0f}-{hours(sweep[1])[1]:.0f} GPU h")


if __name__ == "__main__":
    main()
