#!/usr/bin/env bash
# Runs everything docs/reproduction.md reports, from the repository root, after the README's set-up:
#   bash .ci/setup.sh && mvn -B -q package -DskipTests && bash examples/reproduce-fashion-mnist.sh
# About 2 h on 2 CPU cores. Every step resumes: rerun after an interruption and finished work is kept.
set -euo pipefail
ARREST=(bin/arrest)
RUNS=${RUNS:-runs}

# 1. The methods, the ablations and the phi sweep; PGD-20 and AutoAttack on the first 200 test images.
"${ARREST[@]}" run examples/fashion-mnist-reproduction.yaml -o "$RUNS/fashion-mnist-reproduction"

# The models of run $1 on all 10 000 test images (clean and PGD-20), with spec $1-full-test.yaml: copy the trained
# stages, so that `arrest run` resumes straight into the evaluations.
evaluate_on_full_test_set() {
  local trained="$RUNS/$1" full="$RUNS/$1-full-test"
  mkdir -p "$full/points"
  if [ -d "$trained/pretrain" ]; then cp -rn "$trained/pretrain" "$full/"; fi
  for point in "$trained"/points/*/; do
    mkdir -p "$full/points/$(basename "$point")"
    cp -rn "$point/finetune" "$full/points/$(basename "$point")/"
  done
  "${ARREST[@]}" run "examples/$1-full-test.yaml" -o "$full"
}

# 2. The same models on the full test set.
evaluate_on_full_test_set fashion-mnist-reproduction

# 3. The baselines with as many adversarial epochs as the finetuned methods, and on the full test set.
"${ARREST[@]}" run examples/fashion-mnist-baselines-equal-adversarial-epochs.yaml \
  -o "$RUNS/fashion-mnist-baselines-equal-adversarial-epochs"
evaluate_on_full_test_set fashion-mnist-baselines-equal-adversarial-epochs

# 4. The tables of docs/reproduction.md.
for run in fashion-mnist-reproduction fashion-mnist-baselines-equal-adversarial-epochs; do
  for suffix in "" -full-test; do
    "${ARREST[@]}" report "$RUNS/$run$suffix" -o "$RUNS/$run$suffix/report.md"
  done
done
