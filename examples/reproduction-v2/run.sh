#!/usr/bin/env bash
# Reproduction v2 (issue #14, docs/reproduction.md "Reproduction v2"), from the repository root, after the README's
# set-up. The plan spans many sessions of a 2-core machine, so it runs step by step: each step resumes where it was
# interrupted, is skipped once its result exists, and copies its results (not its checkpoints or models, except
# step 1's model, which the others start from) to docs/reproduction/v2/, where they are committed. After every step
# the comparisons (step 10) are redrawn from whatever is evaluated so far. Steps (times on 2 cores, docs/reproduction.md):
#   1. the shared clean pretraining: 20 epochs on all 60 000 images, with a test curve (23 min)
#   2. AT from scratch, PGD-10, 30 epochs, with a test curve (about 8.5 min per epoch), then its evaluation
#   3-4. the finetuning-length sweep from step 1's model: aft and arrest for 2 and 5 epochs
#   5. the from-scratch reference points: TRADES beta = 6, 1, 3 for 30 epochs (the at point is step 2's run), and at
#      trained at epsilon 0.15 (evaluated at 0.1 as all others), for the curve left of at
#   6. aft, the ablations and arrest at three phi for 10 epochs
#   7. arrest with AWP, 10 epochs; 8. AT+AWP and TRADES+AWP from scratch, 30 epochs (TRADES+AWP diverged: a result)
#   9. AT and TRADES from scratch with 10 epochs (equal adversarial-training compute with step 6)
#   8b. TRADES with and without AWP from scratch at learning rate 0.01, 30 epochs (after 9, the shorter)
#   then the timing run: one epoch of every kind of stage, three times on one machine (equal wall-clock time)
#   10. every model under AutoAttack (standard) on 1000 stratified test images (about 22 min per model), then
#       `arrest compare`: the reference curve of the from-scratch points, every point's score, the phi sweep's score
#
# The run directory ($RUNS, not committed) may not outlive a session: a new machine starts without it. So everything
# a later step needs is committed under $RESULTS: each training stage's final model.params is copied with its results,
# and `run.sh save` (run before a session ends, training paused or stopped) also copies the newest epoch checkpoint of
# every stage still training to $RESULTS/checkpoints/. At its start run.sh restores both into $RUNS, never over what
# is there. A trained stage whose model was lost (step 2's at, steps 3-4, trained before models were committed) keeps
# its committed results, but is not reused where its model is needed: scratch-30 trains its own at point, and the
# AutoAttack twins of steps 3-4 train their finetune stages again (from the same seed).
#   bash examples/reproduction-v2/run.sh          # run or resume the plan
#   bash examples/reproduction-v2/run.sh save     # copy the progress to $RESULTS, then commit it
#   bash examples/reproduction-v2/run.sh restore  # only put $RESULTS back into $RUNS
#   bash examples/reproduction-v2/run.sh compare  # only redraw the comparisons from what $RUNS holds
#   bash examples/reproduction-v2/run.sh timing   # only the timing run, unless $RESULTS/timing.txt says it is done
#   bash examples/reproduction-v2/run.sh autoattack [RUN...]  # only step 10's twins of RUNs (default: all) whose
#       training has finished; beside the plan only with cores to spare (on 2 cores it gained nothing,
#       docs/reproduction.md "Step 10 on its own")
# ARREST_COMMAND replaces bin/arrest (word-split), e.g. to run the CLI from a test's class path.
set -euo pipefail
read -r -a ARREST <<< "${ARREST_COMMAND:-bin/arrest}"
RUNS=${RUNS:-runs/reproduction-v2}
RESULTS=${RESULTS:-docs/reproduction/v2}

succeeded() { [ -f "$1/stage-result.json" ] && grep -q '"status" *: *"Succeeded"' "$1/stage-result.json"; }
# A finetune stage that failed because its loss diverged (NaN or infinite; step 8's trades+awp at learning rate 0.05)
# is a result: it is not trained again (on another machine it might diverge elsewhere, or not), and no twin evaluates it.
diverged() { [ -f "$1/stage-result.json" ] && grep -q '"message" *: *"finetune loss became ' "$1/stage-result.json"; }

# Copies a run's results (JSON, CSV, plots and each training stage's final model; no checkpoints) from $1 to $2,
# keeping its layout. An -autoattack twin's model that is a copy of its run's (reuse_stages) is not copied twice.
copy_results() {
  local run_of_twin=
  [[ $1 == *-autoattack ]] && run_of_twin=${1%-autoattack}
  (cd "$1" && find . -name checkpoints -prune -o -type f \
      \( -name '*.json' -o -name '*.csv' -o -name '*.svg' -o -name '*.png' -o -name model.params \) -print) |
    while read -r file; do
      if [ -n "$run_of_twin" ] && [[ $file == */model.params ]] && cmp -s "$1/$file" "$run_of_twin/$file"; then
        continue
      fi
      mkdir -p "$2/$(dirname "$file")"
      cp "$1/$file" "$2/$file"
    done
}

# Copies the newest epoch checkpoint of every training stage under $RUNS that has not succeeded (nor diverged) to
# $RESULTS/checkpoints/ (replacing what was there), and every run's results and models to $RESULTS.
save_progress() {
  local run stage rel newest
  rm -rf "$RESULTS/checkpoints"
  for run in "$RUNS"/*/; do
    run=${run%/}
    [ -d "$run" ] || continue
    # The timing runs copy their own results once all three have finished (timing); a sitting cut short is rerun.
    [[ $(basename "$run") == timing-* ]] && continue
    [ "$(basename "$run")" = pretrain ] || copy_results "$run" "$RESULTS/$(basename "$run")"
    while read -r stage; do
      succeeded "$stage" || diverged "$stage" && continue
      newest=$(find "$stage/checkpoints" -mindepth 1 -maxdepth 1 -type d -name 'epoch-*' | sort | tail -n 1)
      [ -n "$newest" ] || continue
      rel=${newest#"$RUNS"/}
      mkdir -p "$RESULTS/checkpoints/$(dirname "$rel")"
      cp -r "$newest" "$RESULTS/checkpoints/$rel"
      echo "saved $RESULTS/checkpoints/$rel"
    done < <(find "$run" -type d -name checkpoints -printf '%h\n')
  done
}

# Puts the committed results, models and checkpoints back into $RUNS, never over what is there.
restore() {
  local dir
  for dir in "$RESULTS"/*/; do
    dir=${dir%/}
    case "$(basename "$dir")" in compare | checkpoints | pretrain) continue ;; esac
    mkdir -p "$RUNS/$(basename "$dir")"
    cp -rn "$dir/." "$RUNS/$(basename "$dir")/"
  done
  if [ -d "$RESULTS/checkpoints" ]; then
    mkdir -p "$RUNS"
    cp -rn "$RESULTS/checkpoints/." "$RUNS/"
  fi
}

# The comparisons of docs/reproduction.md, from the runs evaluated so far (points not evaluated yet are left out):
# at convergence (the from-scratch points of 30 epochs form the reference curve), at equal adversarial-training
# compute (10 epochs each), each under PGD-20 on all 10 000 test images and under AutoAttack on 1000. The pairs are
# the claims' example-by-example comparisons (docs/reproduction.md, "How each claim will be decided"): AFT against AT (clean
# accuracy kept), RGKD, NR and ARREST against AFT, AWP added to ARREST, ARREST+AWP against the best baselines; and
# at equal adversarial epochs, where scratch-10/at dominates scratch-10/trades and so no curve exists, the points
# the curve claims need (and ARREST+AWP) against scratch-10/at (claims.py, against_single_reference).
CLAIM_PAIRS=(
  "finetune-10/aft|scratch-30/at"
  "finetune-10/aft+rgkd|finetune-10/aft"
  "finetune-10/aft+nr phi=37.5|finetune-10/aft"
  "finetune-10/arrest phi=37.5|finetune-10/aft"
  "arrest-awp-10|finetune-10/arrest phi=37.5"
  "arrest-awp-10|scratch-30-lr/trades+awp"
  "arrest-awp-10|scratch-30/trades beta=6"
  "arrest-awp-10|scratch-10/trades"
  "scratch-10/at|finetune-10/aft"
  "finetune-10/aft+rgkd|scratch-10/at"
  "finetune-10/aft+nr phi=37.5|scratch-10/at"
  "finetune-10/arrest phi=30|scratch-10/at"
  "finetune-10/arrest phi=37.5|scratch-10/at"
  "finetune-10/arrest phi=45|scratch-10/at"
  "arrest-awp-10|scratch-10/at"
)
# The reference curve (docs/reproduction.md, step 5): fitted to the from-scratch points no other one beats on both
# axes, a quadratic (--degree 2), or a line (--degree 1) when only two are left. Chosen before any 10-epoch result.
REFERENCE_FIT=(--reference-methods at,trades --reference-fit frontier)
# A comparison's label of point $1 (e.g. finetune-10/aft, or arrest-awp-10 for a single run) in the runs with suffix $2.
label() { if [[ $1 == */* ]]; then echo "${1%%/*}$2/${1#*/}"; else echo "$1$2"; fi; }

compare_all() {
  local suffix name run pair first second
  for suffix in "" -autoattack; do
    for name in converged equal-adversarial-epochs; do
      local runs=(scratch-10 finetune-10 arrest-awp-10)
      [ "$name" = converged ] &&
        runs=(scratch-30 scratch-30-eps scratch-awp-30 scratch-30-lr finetune-2 finetune-5 finetune-10 arrest-awp-10)
      local existing=() pairs=()
      for run in "${runs[@]}"; do
        [ -f "$RUNS/$run$suffix/results.json" ] && existing+=("$RUNS/$run$suffix")
      done
      [ ${#existing[@]} -gt 0 ] || continue
      # A pair is compared once both its runs have results; a point of theirs not evaluated yet is only warned about.
      for pair in "${CLAIM_PAIRS[@]}"; do
        first=${pair%|*} second=${pair#*|}
        if [[ " ${runs[*]} " == *" ${first%%/*} "* && " ${runs[*]} " == *" ${second%%/*} "* ]] &&
          [ -f "$RUNS/${first%%/*}$suffix/results.json" ] && [ -f "$RUNS/${second%%/*}$suffix/results.json" ]; then
          pairs+=(--pair "$(label "$first" "$suffix")" "$(label "$second" "$suffix")")
        fi
      done
      local out="$RESULTS/compare/$name$suffix" degree
      for degree in 2 1; do
        "${ARREST[@]}" compare "${existing[@]}" "${REFERENCE_FIT[@]}" --degree "$degree" "${pairs[@]}" \
          --sweep-points "finetune-10$suffix/arrest phi=.*" -o "$out" > /dev/null || true
        grep -q 'curve needs at least 3 points' "$out/results.json" 2> /dev/null || break
      done
    done
  done
}

# Timing, for the comparison at equal wall-clock time (docs/reproduction.md, "Wall-clock time across machines"): one
# epoch of every kind of stage on 6000 images, three times in one sitting, so that all its seconds are one machine's.
# $RESULTS/timing.txt, written once all three have finished, records that machine; without it, any earlier timing
# runs (an interrupted sitting, perhaps on another machine) are discarded and all three run again.
timing() {
  local repeat
  [ ! -f "$RESULTS/timing.txt" ] || return 0
  rm -rf "$RUNS"/timing-* "$RESULTS"/timing-*
  for repeat in 1 2 3; do
    "${ARREST[@]}" run examples/reproduction-v2/timing.yaml -o "$RUNS/timing-$repeat" --progress lines
    copy_results "$RUNS/timing-$repeat" "$RESULTS/timing-$repeat"
    # Only the seconds and results count; a one-epoch model and its plots are not worth committing.
    find "$RESULTS/timing-$repeat" -name model.params -delete
    rm -rf "$RESULTS/timing-$repeat/plots"
  done
  { date -u '+finished %Y-%m-%dT%H:%M:%SZ'; echo "cores $(nproc)"; lscpu | grep -m1 'Model name' || true
    grep -q avx512f /proc/cpuinfo && echo 'avx512f yes' || echo 'avx512f no'; } > "$RESULTS/timing.txt"
}

# Runs (or resumes) a spec of examples/reproduction-v2 with `arrest run`, which keeps every stage that already
# succeeded, and copies its results.
run() {
  "${ARREST[@]}" run "examples/reproduction-v2/$1.yaml" -o "$RUNS/$1" --progress lines
  copy_results "$RUNS/$1" "$RESULTS/$1"
}

# Copies the stages named after the first two arguments (e.g. finetune evaluate) of the run in $1 into the run
# directory $2, never over what is there: an -autoattack twin differs from its run only in the evaluation, and
# scratch-30's at point is step 2's run. Nothing is copied from a run whose finetune model is missing (lost with an
# earlier $RUNS): its stages could not be evaluated again.
reuse_stages() {
  local from="$1" to="$2" stage
  shift 2
  [ -f "$from/finetune/model.params" ] || return 0
  for stage in "$@"; do
    if [ -d "$from/$stage" ]; then
      mkdir -p "$to"
      cp -rn "$from/$stage" "$to/"
    fi
  done
}

# The trained runs of step 10, in its order: the points of the comparison at convergence first.
AUTOATTACK_RUNS=(scratch-30 scratch-30-eps finetune-10 arrest-awp-10 scratch-awp-30 scratch-30-lr scratch-10 finetune-5
  finetune-2)

# Succeeds when every finetune stage of run $1 (its own, or each sweep point's) has succeeded or diverged.
trained() {
  local dirs
  [ -f "$RUNS/$1/results.json" ] || return 1
  dirs=$(grep -o '"directory" : "[^"]*"' "$RUNS/$1/results.json" | sed 's/.*: "\(.*\)"/\1/')
  [ -n "$dirs" ] || dirs=.
  while read -r dir; do
    succeeded "$RUNS/$1/$dir/finetune" || diverged "$RUNS/$1/$dir/finetune" || return 1
  done <<< "$dirs"
}

# 10. The AutoAttack twins of the trained runs named (default: all of step 10): each trained stage is copied into the
#     twin's directory and only its evaluation runs (a stage whose model was lost is trained again in the twin). A run
#     whose training has not finished is refused rather than trained in its twin; with no run named, it is skipped.
autoattack_twins() {
  local trained_run point named=$#
  [ $# -gt 0 ] || set -- "${AUTOATTACK_RUNS[@]}"
  for trained_run in "$@"; do
    if [[ " ${AUTOATTACK_RUNS[*]} " != *" $trained_run "* ]]; then
      echo "run.sh autoattack: no AutoAttack twin for '$trained_run'; one of: ${AUTOATTACK_RUNS[*]}" >&2
      return 2
    fi
  done
  for trained_run in "$@"; do
    if ! trained "$trained_run"; then
      echo "run.sh autoattack: $RUNS/$trained_run has not finished training; run its step first" >&2
      [ "$named" -eq 0 ] && continue
      return 1
    fi
    reuse_stages "$RUNS/$trained_run" "$RUNS/$trained_run-autoattack" finetune
    for point in "$RUNS/$trained_run"/points/*/; do
      [ -d "$point" ] || continue
      reuse_stages "$point" "$RUNS/$trained_run-autoattack/points/$(basename "$point")" finetune
    done
    run "$trained_run-autoattack"
    compare_all
  done
}

case "${1:-}" in
  save) save_progress; exit 0 ;;
  restore) restore; exit 0 ;;
  compare) compare_all; exit 0 ;;
  timing) timing; exit 0 ;;
  autoattack) shift; restore; autoattack_twins "$@"; exit ;;
  "") restore ;;
  *) echo "usage: $0 [save|restore|compare|timing|autoattack [RUN...]]" >&2; exit 2 ;;
esac

# 1. Clean pretraining. Later steps start from its model ($RESULTS/pretrain/model.params, given to them as
#    spec.pretraining.checkpoint), so every finetuned point starts from the same weights whatever machine runs it.
#    Once that model is committed, this step is done.
if ! succeeded "$RESULTS/pretrain" || [ ! -f "$RESULTS/pretrain/model.params" ]; then
  if ! succeeded "$RUNS/pretrain/pretrain"; then
    "${ARREST[@]}" stage pretrain --spec examples/reproduction-v2/pretrain.yaml -o "$RUNS/pretrain" --progress lines
  fi
  mkdir -p "$RESULTS/pretrain"
  cp "$RUNS/pretrain/pretrain/"{stage-result.json,epochs.csv,model.params} "$RESULTS/pretrain/"
fi

# 2. AT from scratch; its curve sizes the from-scratch baselines. The stage resumes from its newest epoch checkpoint.
#    Then its evaluation (clean and PGD-20 on all 10 000 test images).
if ! succeeded "$RUNS/at/finetune"; then
  "${ARREST[@]}" stage finetune --spec examples/reproduction-v2/at.yaml -o "$RUNS/at" --progress lines
fi
if ! succeeded "$RUNS/at/evaluate"; then
  "${ARREST[@]}" stage evaluate --spec examples/reproduction-v2/at.yaml -o "$RUNS/at" --progress lines
fi
copy_results "$RUNS/at" "$RESULTS/at"

run finetune-2                                                         # 3
run finetune-5                                                         # 4
compare_all
reuse_stages "$RUNS/at" "$RUNS/scratch-30/points/00-at" finetune evaluate
run scratch-30                                                         # 5
run scratch-30-eps
compare_all
run finetune-10                                                        # 6
compare_all
run arrest-awp-10                                                      # 7
diverged "$RUNS/scratch-awp-30/points/01-trades-awp/finetune" || run scratch-awp-30  # 8
# Step 9 runs before 8b: 1.3 h against 4.5 h on the AVX-512 machine, and it alone decides the comparison at equal
# adversarial epochs, where 8b adds one point to the reference curve at convergence.
run scratch-10                                                         # 9
compare_all
run scratch-30-lr                                                      # 8b
compare_all

timing                                                                 # the timing run (after step 9)

# 10. AutoAttack twins, the points of the comparison at convergence first.
autoattack_twins
