#!/usr/bin/env python3
"""Wall-clock time of every trained stage of reproduction v2, for the comparison at equal wall-clock time
(docs/reproduction.md, "The comparisons"). Reads every epochs.csv under docs/reproduction/v2 (the results run.sh
copies there; the -autoattack twins and the comparisons only repeat them and are skipped) and prints, per stage:
its epochs, the median epoch, epochs x median epoch (robust to the few epochs that shared the CPU or were paused) and
the recorded total, with the epochs slower than 1.2x the median named.
A finetuned point's time is this plus the shared pretraining's (the first row).

Seconds from different machines do not compare (one VM of the type ran the same epochs 2.4x faster than another):
a stage trained on two machines has a meaningless median here. So once run.sh's timing run exists (timing-1..3: one
epoch of every kind of stage on 6000 images, three times on one machine; docs/reproduction.md, "Wall-clock time
across machines"), a second table gives each kind's median epoch there, and the first gains the column the
comparison uses: the stage's epochs x 10 x its kind's median timing epoch, every stage in that one machine's seconds.

    python3 docs/reproduction/v2/wall-clock.py [DIR]
"""
import csv
import json
import re
import statistics
import sys
from pathlib import Path

TIMING = re.compile(r"timing-\d+$")
# Stages of single runs (no sweep points, so no label in results.json): their kind.
SINGLE_RUN_KINDS = {"at": "at", "arrest-awp-10": "arrest+awp", "pretrain": "pretrain"}


def epochs_csv(path):
    with path.open() as f:
        return [(int(r["epoch"]), float(r["seconds"])) for r in csv.DictReader(f)]


def labels(run_dir):
    """A sweep run's point directory names mapped to their labels, from its results.json."""
    results = run_dir / "results.json"
    if not results.is_file():
        return {}
    points = json.loads(results.read_text()).get("points") or []
    return {Path(p["directory"]).name: p["label"] for p in points}


def kind(root, relative):
    """The kind of stage at relative (e.g. scratch-30/points/01-trades-beta-6/finetune): its point's method or
    variant with +awp, without the swept values ('trades beta=6' is a trades stage), or a single run's."""
    parts = relative.parts
    if len(parts) >= 3 and parts[1] == "points":
        label = labels(root / parts[0]).get(parts[2])
        return label.split(" ")[0] if label else None
    if parts[-1] == "pretrain":
        return "pretrain"
    return SINGLE_RUN_KINDS.get(parts[0])


def stages(root):
    for path in sorted(root.rglob("epochs.csv")):
        relative = path.relative_to(root)
        top = relative.parts[0]
        if top == "compare" or top.endswith("-autoattack") or TIMING.match(top):
            continue
        epochs = epochs_csv(path)
        if epochs:
            yield relative.parent, epochs


def timing_epochs(root):
    """Each kind's epoch seconds over the timing runs (one epoch per kind and run)."""
    seconds = {}
    for run in sorted(p for p in root.iterdir() if p.is_dir() and TIMING.match(p.name)):
        for path in sorted(run.rglob("epochs.csv")):
            stage_kind = kind(run.parent, path.relative_to(run.parent).parent)
            if stage_kind is not None:
                seconds.setdefault(stage_kind, []).extend(s for _, s in epochs_csv(path))
    return seconds


def minutes(seconds):
    return f"{seconds / 60:.1f} min"


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    timed_epochs = timing_epochs(root)
    timing = {k: statistics.median(v) for k, v in timed_epochs.items()}
    print("| stage | epochs | median epoch | epochs x median | recorded | slower epochs (> 1.2x median) "
          "| on the timing machine |")
    print("|---|---|---|---|---|---|---|")
    for relative, epochs in stages(root):
        seconds = [s for _, s in epochs]
        median = statistics.median(seconds)
        slow = [f"{e} ({s:.0f} s)" for e, s in epochs if s > 1.2 * median]
        stage_kind = kind(root, relative)
        timed = (f"{minutes(len(epochs) * 10 * timing[stage_kind])} ({stage_kind})"
                 if stage_kind in timing else "-")
        print(f"| {relative} | {len(epochs)} | {median:.0f} s | {minutes(len(epochs) * median)} | "
              f"{minutes(sum(seconds))} | {', '.join(slow) or '-'} | {timed} |")
    if timing:
        machine = root / "timing.txt"
        print()
        print("Timing run (one epoch on 6000 images per kind and run"
              + (f"; {'; '.join(machine.read_text().split(chr(10))).strip('; ')}" if machine.is_file() else "")
              + "):")
        print()
        print("| kind | timed epochs | median epoch (6000 images) | x 10 (60 000 images) |")
        print("|---|---|---|---|")
        for stage_kind, seconds in sorted(timed_epochs.items()):
            print(f"| {stage_kind} | {', '.join(f'{s:.1f} s' for s in seconds)} | {timing[stage_kind]:.1f} s | "
                  f"{10 * timing[stage_kind]:.0f} s |")


if __name__ == "__main__":
    main()
