#!/usr/bin/env bash
# Reproduction v2 (issue #14, docs/reproduction.md "Reproduction v2"), from the repository root, after the README's
# set-up. The plan spans many sessions of a 2-core machine, so it runs step by step: each step resumes where it was
# interrupted, is skipped once its result exists, and copies its results (not its checkpoints or models, except
# step 1's model, which the others start from) to docs/reproduction/v2/, where they are committed. Steps so far:
#   1. the shared clean pretraining: 20 epochs on all 60 000 images, with a test curve (23 min on 2 cores)
#   2. AT from scratch, PGD-10, 30 epochs, with a test curve (about 8.5 min per epoch on 2 cores)
#   3-5. the finetuning-length sweep from step 1's model: aft and arrest for 2 and 5 epochs, then aft, the
#        ablations and arrest at three phi for 10 epochs (about 9.5 min per epoch and point on 2 cores)
#   6. arrest with AWP, 10 epochs
#   7. every model of steps 2-6 under AutoAttack (standard) on 1000 stratified test images (about 22 min per model)
set -euo pipefail
ARREST=(bin/arrest)
RUNS=${RUNS:-runs/reproduction-v2}
RESULTS=docs/reproduction/v2

succeeded() { [ -f "$1/stage-result.json" ] && grep -q '"status" *: *"Succeeded"' "$1/stage-result.json"; }

# Copies a run's results (JSON, CSV and plots; no checkpoints, no models) from $1 to $2, keeping its layout.
copy_results() {
  (cd "$1" && find . -name checkpoints -prune -o -type f \
      \( -name '*.json' -o -name '*.csv' -o -name '*.svg' -o -name '*.png' \) -print) |
    while read -r file; do
      mkdir -p "$2/$(dirname "$file")"
      cp "$1/$file" "$2/$file"
    done
}

# 1. Clean pretraining. Later steps start from its model ($RESULTS/pretrain/model.params, given to them as
#    spec.pretraining.checkpoint), so every finetuned point starts from the same weights whatever machine runs it.
if ! succeeded "$RUNS/pretrain/pretrain"; then
  "${ARREST[@]}" stage pretrain --spec examples/reproduction-v2/pretrain.yaml -o "$RUNS/pretrain" --progress lines
fi
mkdir -p "$RESULTS/pretrain"
cp "$RUNS/pretrain/pretrain/"{stage-result.json,epochs.csv,model.params} "$RESULTS/pretrain/"

# 2. AT from scratch; its curve sizes the from-scratch baselines. The stage resumes from its newest epoch checkpoint.
#    Then its evaluation (clean and PGD-20 on all 10 000 test images).
if ! succeeded "$RUNS/at/finetune"; then
  "${ARREST[@]}" stage finetune --spec examples/reproduction-v2/at.yaml -o "$RUNS/at" --progress lines
fi
if ! succeeded "$RUNS/at/evaluate"; then
  "${ARREST[@]}" stage evaluate --spec examples/reproduction-v2/at.yaml -o "$RUNS/at" --progress lines
fi
copy_results "$RUNS/at" "$RESULTS/at"

# 3-6. Finetuned points: `arrest run` resumes a sweep and keeps every stage that already succeeded.
for run in finetune-2 finetune-5 finetune-10 arrest-awp-10; do
  "${ARREST[@]}" run "examples/reproduction-v2/$run.yaml" -o "$RUNS/$run" --progress lines
  copy_results "$RUNS/$run" "$RESULTS/$run"
done

# 7. AutoAttack: each -autoattack twin differs from its run only in the evaluation, so the trained stages are copied
#    into the twin's directory (never overwritten there) and only its evaluation runs.
for run in at finetune-2 finetune-5 finetune-10 arrest-awp-10; do
  trained="$RUNS/$run" twin="$RUNS/$run-autoattack"
  if [ -d "$trained/finetune" ]; then
    mkdir -p "$twin"
    cp -rn "$trained/finetune" "$twin/"
  fi
  for point in "$trained"/points/*/; do
    [ -d "$point" ] || continue
    mkdir -p "$twin/points/$(basename "$point")"
    cp -rn "$point/finetune" "$twin/points/$(basename "$point")/"
  done
  "${ARREST[@]}" run "examples/reproduction-v2/$run-autoattack.yaml" -o "$twin" --progress lines
  copy_results "$twin" "$RESULTS/$run-autoattack"
done
