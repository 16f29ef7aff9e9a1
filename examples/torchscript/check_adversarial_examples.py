"""Re-checks an evaluation's adversarial examples with PyTorch, on the same TorchScript module.

For every example in EVALUATE_DIR/adversarial-examples.npz: the perturbation is inside the L-inf ball and the image
inside [0, 1]; PyTorch's prediction on it is the one the evaluation recorded, and wrong. Then the clean and robust
accuracy PyTorch implies are compared with EVALUATE_DIR/stage-result.json.

    python3 examples/torchscript/check_adversarial_examples.py MODEL.pt EVALUATE_DIR

Fashion-MNIST test images are read from /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
"""
import argparse
import json
import sys

import numpy as np
import torch

import fashion_mnist


def logits(model, x):
    with torch.no_grad():
        out = model(x)
    return out[0] if isinstance(out, tuple) else out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("evaluate_dir")
    args = parser.parse_args()

    with open(f"{args.evaluate_dir}/stage-result.json") as f:
        evaluation = json.load(f)["evaluation"]
    n = evaluation["samples"]
    epsilon = max(a["epsilon"] for a in evaluation["attacks"])
    examples = np.load(f"{args.evaluate_dir}/adversarial-examples.npz")
    model = torch.jit.load(args.model).eval()

    images, labels = fashion_mnist.load("t10k")
    images, labels = images[:n], labels[:n]
    clean_correct = logits(model, images).argmax(1) == labels

    indices = torch.from_numpy(examples["indices"])
    adversarial = torch.from_numpy(examples["images"])
    recorded = torch.from_numpy(examples["predictions"])
    distance = (adversarial - images[indices]).abs().flatten(1).max(1).values
    predictions = logits(model, adversarial).argmax(1)
    problems = []
    if distance.max().item() > epsilon + 1e-6:
        problems.append(f"perturbation {distance.max().item():.6f} > epsilon {epsilon}")
    if adversarial.min().item() < 0 or adversarial.max().item() > 1:
        problems.append("an adversarial image leaves [0, 1]")
    if not torch.equal(labels[indices], torch.from_numpy(examples["labels"])):
        problems.append("recorded labels differ from the test set's")
    if not bool(clean_correct[indices].all()):
        problems.append("an adversarial example of an image PyTorch already misclassifies")
    fooled = predictions != labels[indices]
    agree = predictions == recorded
    clean = clean_correct.float().mean().item()
    robust = (clean_correct.sum().item() - int(fooled.sum())) / n

    print(f"{len(indices)} adversarial examples, L-inf epsilon {epsilon:.4f}, largest perturbation {distance.max().item():.6f}")
    print(f"PyTorch misclassifies {int(fooled.sum())} of them; predicts the recorded class for {int(agree.sum())}")
    print(f"clean accuracy:  PyTorch {100 * clean:.2f} %, evaluation {100 * evaluation['standardAccuracy']:.2f} %")
    print(f"robust accuracy: PyTorch {100 * robust:.2f} %, evaluation {100 * evaluation['robustAccuracy']:.2f} %")
    if not bool(fooled.all()):
        problems.append(f"{int((~fooled).sum())} adversarial examples are classified correctly by PyTorch")
    # Accuracies are counts over n images: equal means less than half an image apart.
    if abs(clean - evaluation["standardAccuracy"]) * n > 0.5 or abs(robust - evaluation["robustAccuracy"]) * n > 0.5:
        problems.append("accuracies differ")
    for problem in problems:
        print("PROBLEM:", problem)
    print("agree" if not problems else "DISAGREE")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
