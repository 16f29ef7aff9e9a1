#!/usr/bin/env bash
# Runs everything docs/reproduction.md reports, from the repository root, after the README's set-up:
#   bash .ci/setup.sh && mvn -B -q package -DskipTests && bash examples/reproduce-fashion-mnist.sh
# About 1 h 50 min on 2 CPU cores. Every step resumes: rerun after an interruption and finished work is kept.
set -euo pipefail
ARREST=(java -Dai.djl.offline=true -jar target/arrest.jar)
RUNS=${RUNS:-runs}

# 1. The methods, the ablations and the phi sweep; PGD-20 and AutoAttack on the first 200 test images.
"${ARREST[@]}" run examples/fashion-mnist-reproduction.yaml -o "$RUNS/fashion-mnist-reproduction"

# 2. The same models on all 10 000 test images (clean and PGD-20): copy the trained stages, so that `arrest run`
#    resumes straight into the evaluations.
FULL="$RUNS/fashion-mnist-reproduction-full-test"
mkdir -p "$FULL/points"
cp -rn "$RUNS/fashion-mnist-reproduction/pretrain" "$FULL/"
for point in "$RUNS"/fashion-mnist-reproduction/points/*/; do
  mkdir -p "$FULL/points/$(basename "$point")"
  cp -rn "$point/finetune" "$FULL/points/$(basename "$point")/"
done
"${ARREST[@]}" run examples/fashion-mnist-reproduction-full-test.yaml -o "$FULL"

# 3. The baselines with as many adversarial epochs as the finetuned methods.
"${ARREST[@]}" run examples/fashion-mnist-baselines-equal-adversarial-epochs.yaml \
  -o "$RUNS/fashion-mnist-baselines-equal-adversarial-epochs"

# 4. The tables of docs/reproduction.md.
for run in fashion-mnist-reproduction fashion-mnist-reproduction-full-test fashion-mnist-baselines-equal-adversarial-epochs; do
  "${ARREST[@]}" report "$RUNS/$run" -o "$RUNS/$run/report.md"
done
