#!/usr/bin/env python3
"""Wall-clock time of every trained stage of reproduction v2, for the comparison at equal wall-clock time
(docs/reproduction.md, "The comparisons"). Reads every epochs.csv under docs/reproduction/v2 (the results run.sh
copies there; the -autoattack twins and the comparisons only repeat them and are skipped) and prints, per stage:
its epochs, the median epoch, epochs x median epoch (the time the comparison uses: robust to the few epochs that
shared the CPU or were paused) and the recorded total, with the epochs slower than 1.2x the median named.
A finetuned point's time is this plus the shared pretraining's (the first row).
Seconds from different machines do not compare (one VM of the type ran the same epochs 2.4x faster than the
next): a stage trained on two machines has a meaningless median here, and the comparison across machines uses one
timing run on one machine instead (docs/reproduction.md, "Wall-clock time across machines").

    python3 docs/reproduction/v2/wall-clock.py [DIR]
"""
import csv
import statistics
import sys
from pathlib import Path


def stages(root):
    for path in sorted(root.rglob("epochs.csv")):
        relative = path.relative_to(root)
        if relative.parts[0] == "compare" or relative.parts[0].endswith("-autoattack"):
            continue
        with path.open() as f:
            rows = list(csv.DictReader(f))
        if rows:
            yield str(relative.parent), [(int(r["epoch"]), float(r["seconds"])) for r in rows]


def minutes(seconds):
    return f"{seconds / 60:.1f} min"


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    print("| stage | epochs | median epoch | epochs x median | recorded | slower epochs (> 1.2x median) |")
    print("|---|---|---|---|---|---|")
    for name, epochs in stages(root):
        seconds = [s for _, s in epochs]
        median = statistics.median(seconds)
        slow = [f"{e} ({s:.0f} s)" for e, s in epochs if s > 1.2 * median]
        print(f"| {name} | {len(epochs)} | {median:.0f} s | {minutes(len(epochs) * median)} | "
              f"{minutes(sum(seconds))} | {', '.join(slow) or '-'} |")


if __name__ == "__main__":
    main()
