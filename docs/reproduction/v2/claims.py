#!/usr/bin/env python3
"""The verdict on each of the paper's claims in reproduction v2, by the rules fixed before the results existed
(docs/reproduction.md, "How each claim will be decided"; three changes came after results: the ARREST rule's
fallback, see arrest_above_point_by_point, deciding ARREST+AWP against before all its rivals are in, see
awp_best, and placing a point against the one reference point left when it dominates the others, see
against_single_reference), read from the comparisons run.sh writes with
`arrest compare` (docs/reproduction/v2/compare/<setting>[-autoattack]/results.json).

    python3 docs/reproduction/v2/claims.py [COMPARE_DIR]

Prints one Markdown table per setting (`converged`: the from-scratch baselines of 30 epochs; `equal-adversarial-
epochs`: those of 10), a row per claim: for, against, not decided, or not yet (a point or pair it needs is not
evaluated yet), with the numbers that decide it. PGD-20 on all 10 000 test images decides; the same rule is applied
to the AutoAttack comparison (1000 test images), and a verdict that AutoAttack turns into the opposite one is reported
as reversed (a sign of gradient masking), not as a result. Standard library only.
"""
import json
import math
import sys
from pathlib import Path

FOR, AGAINST, UNDECIDED = "for", "against", "not decided"

# Per setting: the from-scratch run the claims compare with, and the baselines ARREST+AWP must beat.
SETTINGS = {
    "converged": {"scratch": "scratch-30",
                  "rivals": ["finetune-10/arrest phi=37.5", "scratch-30-lr/trades+awp", "scratch-30/trades beta=6"]},
    "equal-adversarial-epochs": {"scratch": "scratch-10",
                                 "rivals": ["finetune-10/arrest phi=37.5", "scratch-10/trades"]},
}


class NotYet(Exception):
    """A point, pair or score the claim needs is not in the comparison yet."""


def label(name, suffix):
    """A point's label in the comparison of the runs with this suffix (-autoattack), as run.sh's label()."""
    run, sep, point = name.partition("/")
    return f"{run}{suffix}{sep}{point}"


def wilson_half_width(fraction, n, z=1.959964):
    """The larger half of the 95 % Wilson interval of an accuracy, in percentage points."""
    centre = (fraction + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(fraction * (1 - fraction) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * max(fraction - (centre - half), centre + half - fraction)


def pp(value):
    return f"{value:+.2f} pp"


def interval(diff):
    return f"{pp(diff['difference'])} [{diff['interval']['from']:+.2f}, {diff['interval']['to']:+.2f}]"


def sign(diff):
    """+1 when the paired interval is above 0, -1 when below, 0 when it contains 0."""
    if diff["interval"]["from"] > 0:
        return 1
    if diff["interval"]["to"] < 0:
        return -1
    return 0


class Comparison:
    def __init__(self, results, suffix):
        self.results = results
        self.suffix = suffix
        self.points = {p["label"]: p for p in results.get("points") or []}

    def point(self, name):
        found = self.points.get(label(name, self.suffix))
        if found is None or not found.get("summary"):
            raise NotYet(f"{label(name, self.suffix)} is not evaluated")
        return found

    def pair(self, first, second):
        """first minus second, from a compared pair in either order."""
        a, b = label(first, self.suffix), label(second, self.suffix)
        for pair in self.results.get("pairs") or []:
            if (pair["first"], pair["second"]) == (a, b):
                return pair["standard"], pair["robust"]
            if (pair["first"], pair["second"]) == (b, a):
                return negate(pair["standard"]), negate(pair["robust"])
        raise NotYet(f"no paired comparison of {a} and {b}")

    def score(self, name):
        score = self.point(name)["summary"].get("tradeoffScore")
        if score is None:
            raise NotYet(f"{label(name, self.suffix)} has no tradeoff score (no reference curve yet)")
        return score

    def band(self, name):
        """Half-width of the reference curve's 95 % band at the point's clean accuracy: the Wilson interval of the
        robust accuracy of the fitted reference point nearest in clean accuracy (a point the curve left out, e.g. a
        dominated one, is not part of it)."""
        standard = self.point(name)["summary"]["standardAccuracy"]
        left_out = (self.results.get("referenceCurve") or {}).get("leftOutPoints") or []
        references = [p["summary"] for p in self.points.values()
                      if p.get("reference") and p.get("summary")
                      and not any(sentence.startswith(p["label"] + " (") for sentence in left_out)]
        if not references:
            raise NotYet("no reference points")
        nearest = min(references, key=lambda s: abs(s["standardAccuracy"] - standard))
        return wilson_half_width(nearest["robustAccuracy"], nearest["samples"])

    def above_curve(self, name):
        """FOR when the point's score is positive with a robust gain beyond the curve's band, AGAINST when negative
        beyond it, else UNDECIDED; and the numbers. Without a curve because one reference point dominates all the
        others, the point is placed against that one instead (against_single_reference)."""
        try:
            score = self.score(name)
        except NotYet:
            single = self.single_frontier_point()
            if single is None:
                raise
            return self.against_single_reference(name, single)
        band = self.band(name)
        gain = score["robustGainAtEqualStandard"]
        text = (f"score of {label(name, self.suffix)} {pp(score['signedDistance'])}, robust gain {pp(gain)} "
                f"(band ±{band:.2f}){extension(score)}")
        if score["signedDistance"] > 0 and gain > band:
            return FOR, text
        if score["signedDistance"] < 0 and gain < -band:
            return AGAINST, text
        return UNDECIDED, text

    def single_frontier_point(self):
        """The name of the one reference point left when it dominates every other (at least two evaluated; no
        other is ahead of it on one axis and level or ahead on the other), else None. No tradeoff curve can be
        fitted through one point: the comparison then has no reference curve and no scores."""
        references = {name: p["summary"] for name, p in self.points.items() if p.get("reference") and p.get("summary")}
        if len(references) < 2 or self.results.get("referenceCurve"):
            return None

        def dominates(a, b):
            ahead = (a["standardAccuracy"] - b["standardAccuracy"], a["robustAccuracy"] - b["robustAccuracy"])
            return min(ahead) >= 0 and max(ahead) > 0

        frontier = [n for n, s in references.items() if not any(dominates(o, s) for o in references.values())]
        if len(frontier) != 1:
            return None
        run, sep, point = frontier[0].partition("/")
        return f"{run.removesuffix(self.suffix)}{sep}{point}"

    def against_single_reference(self, name, reference):
        """Amended on 2026-12-03, after step 9 (docs/reproduction.md, "Step 9"): at equal adversarial epochs
        `scratch-10/at` dominates `scratch-10/trades`, which leaves one reference point and no curve, so the curve
        rules could never decide. The point is then held against that reference point, paired, with the ARREST+AWP
        rule's notion of beating: AGAINST when the reference beats it on one axis without losing on the other (it
        is then below any decreasing tradeoff curve through the reference, up to the undecided axis), FOR when it
        beats the reference so, UNDECIDED when each is ahead on one axis (a tradeoff one point cannot place)."""
        standard, robust = self.pair(name, reference)
        signs = (sign(standard), sign(robust))
        text = (f"held against {label(reference, self.suffix)}, the one from-scratch point left (no curve): "
                f"{label(name, self.suffix)} − {label(reference, self.suffix)}: clean {interval(standard)}, robust "
                f"{interval(robust)}")
        if 1 in signs and -1 not in signs:
            return FOR, text
        if -1 in signs and 1 not in signs:
            return AGAINST, text
        return UNDECIDED, text


def extension(score):
    """Says so when the score was read off the reference curve's linear extension, beyond the range of its points:
    the rules still apply, but the reader should know the curve was not measured there."""
    fields = score.get("extrapolated") or []
    return f" (read off the curve's linear extension: {', '.join(fields)})" if fields else ""


def negate(diff):
    return dict(diff, difference=-diff["difference"],
                interval={"from": -diff["interval"]["to"], "to": -diff["interval"]["from"]})


def clean_kept(c, scratch):
    standard, _ = c.pair("finetune-10/aft", f"{scratch}/at")
    verdict = {1: FOR, -1: AGAINST, 0: UNDECIDED}[sign(standard)]
    return verdict, f"{label('finetune-10/aft', c.suffix)} − {label(scratch + '/at', c.suffix)}, clean: {interval(standard)}"


def moves_above(c, ablation):
    standard, robust = c.pair(ablation, "finetune-10/aft")
    paired = f"{label(ablation, c.suffix)} − {label('finetune-10/aft', c.suffix)}: clean {interval(standard)}, robust {interval(robust)}"
    curve, text = c.above_curve(ablation)
    signs = (sign(standard), sign(robust))
    if curve == FOR and 1 in signs and -1 not in signs:
        return FOR, f"{paired}; {text}"
    if curve == AGAINST:
        return AGAINST, f"{paired}; {text}"
    return UNDECIDED, f"{paired}; {text}"


# The φ of the arrest sweep (examples/reproduction-v2/finetune-10.yaml).
ARREST_PHIS = ("30", "37.5", "45")


def arrest_above(c):
    verdicts = [c.above_curve(f"finetune-10/arrest phi={phi}") for phi in ARREST_PHIS]
    points = "; ".join(text for _, text in verdicts)
    sweep = c.results.get("sweep")
    if not sweep:
        return arrest_above_point_by_point(c, verdicts, points)
    robust, standard = sweep["meanRobustGain"], sweep.get("meanStandardGain")
    text = (f"sweep score: mean robust gain {pp(robust)}, mean clean gain "
            f"{'-' if standard is None else pp(standard)}; {points}")
    if robust > 0 and standard is not None and standard > 0 and all(v == FOR for v, _ in verdicts):
        return FOR, text
    if robust < 0 and standard is not None and standard < 0:
        return AGAINST, text
    return UNDECIDED, text


def arrest_above_point_by_point(c, verdicts, points):
    """Amended on 2026-12-02, after `arrest` φ = 30° and 37.5° were evaluated (docs/reproduction.md, step 6): the
    rule above needs the sweep's own score, which does not exist when the φ points trace no tradeoff (one is ahead
    on both axes) or lie outside the reference curve's clean range. The claim is then decided by the per-point rule
    the rule above already requires of every point, that of the RGKD and NR claims: for when every point is above
    the curve beyond its band, against when every point is below it beyond its band."""
    reasons = [w for w in c.results.get("warnings") or [] if "sweep is not scored" in w]
    text = f"{reasons[0] if reasons else 'the sweep is not scored'}; decided point by point: {points}"
    kinds = {v for v, _ in verdicts}
    if kinds == {FOR}:
        return FOR, text
    if kinds == {AGAINST}:
        return AGAINST, text
    return UNDECIDED, text


def awp_best(c, rivals):
    """AGAINST as soon as one rival beats arrest-awp-10 on one axis without losing on the other (paired intervals):
    the rule's condition for it needs no other rival, so it is applied to the pairs evaluated so far. FOR needs every
    rival's pair and arrest-awp-10's score the largest of all points."""
    awp = label("arrest-awp-10", c.suffix)
    texts, missing = [], []
    wins, beaten = True, False
    for rival in rivals:
        try:
            standard, robust = c.pair("arrest-awp-10", rival)
        except NotYet as not_yet:
            missing.append(str(not_yet))
            continue
        signs = (sign(standard), sign(robust))
        texts.append(f"{awp} − {label(rival, c.suffix)}: clean {interval(standard)}, robust {interval(robust)}")
        wins = wins and -1 not in signs and 1 in signs
        # The rival beats it on one axis without losing on the other.
        beaten = beaten or (signs[0] == -1 and signs[1] != 1) or (signs[1] == -1 and signs[0] != 1)
    if beaten:
        try:
            texts.insert(0, best_score(c)[0])
        except NotYet:
            pass  # no reference curve yet: the pairs decide alone
        texts += [f"({text}; not needed for this verdict)" for text in missing]
        return AGAINST, "; ".join(texts)
    if missing:
        raise NotYet("; ".join(missing))
    try:
        text, largest = best_score(c)
    except NotYet:
        if c.single_frontier_point() is None:
            raise
        # No curve, no scores to rank: "best" cannot be shown, only refuted by a rival (above).
        texts.append("no reference curve to rank the points by (one from-scratch point dominates the others)")
        return UNDECIDED, "; ".join(texts)
    texts.insert(0, text)
    if wins and largest:
        return FOR, "; ".join(texts)
    return UNDECIDED, "; ".join(texts)


def best_score(c):
    """arrest-awp-10's score and the largest score of all points, as text, and whether its own is that one."""
    awp_score = c.score("arrest-awp-10")
    own = awp_score["signedDistance"]
    scored = {name: p["summary"]["tradeoffScore"]["signedDistance"] for name, p in c.points.items()
              if not p.get("reference") and p.get("summary") and p["summary"].get("tradeoffScore")}
    top = max(scored, key=scored.get)
    text = (f"score of {label('arrest-awp-10', c.suffix)} {pp(own)}{extension(awp_score)}; the largest of all "
            f"points: {top} ({pp(scored[top])})")
    return text, scored[top] <= own


def claims(setting):
    scratch, rivals = SETTINGS[setting]["scratch"], SETTINGS[setting]["rivals"]
    return [
        ("AFT keeps more clean accuracy than AT", lambda c: clean_kept(c, scratch)),
        ("RGKD moves AFT above the tradeoff curve", lambda c: moves_above(c, "finetune-10/aft+rgkd")),
        ("NR moves AFT above the curve", lambda c: moves_above(c, "finetune-10/aft+nr phi=37.5")),
        ("ARREST (RGKD + NR) is above the curve", arrest_above),
        ("ARREST+AWP is the best point", lambda c: awp_best(c, rivals)),
    ]


def decide(rule, comparison):
    if comparison is None:
        return "not yet", "no comparison"
    try:
        return rule(comparison)
    except NotYet as missing:
        return "not yet", str(missing)


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "compare"

    def load(name, suffix):
        path = root / f"{name}{suffix}" / "results.json"
        return Comparison(json.loads(path.read_text()), suffix) if path.is_file() else None

    for setting in SETTINGS:
        pgd, autoattack = load(setting, ""), load(setting, "-autoattack")
        print(f"\n### {setting}\n")
        print("| claim | verdict | PGD-20, all 10 000 test images | AutoAttack, 1000 test images |")
        print("|---|---|---|---|")
        for claim, rule in claims(setting):
            verdict, evidence = decide(rule, pgd)
            aa_verdict, aa_evidence = decide(rule, autoattack)
            if {verdict, aa_verdict} == {FOR, AGAINST}:
                verdict = f"reversed by AutoAttack ({verdict} under PGD-20, {aa_verdict} under AutoAttack)"
            print(f"| {claim} | **{verdict}** | {evidence} | {aa_verdict}: {aa_evidence} |")


if __name__ == "__main__":
    main()
