package dev.arrest.operator.status;

import dev.arrest.api.v1alpha1.AccuracyInterval;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.SweepStatus;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.PointResults;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.SweepScoring;
import dev.arrest.tradeoff.Interval;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scores a finished sweep from its points' status with {@link SweepScoring}, the code the local run
 * uses, so that a sweep gets the same score in a cluster as in {@code results.json}. Only the
 * status is needed: the points' Jobs may be long gone (ttlSecondsAfterFinished).
 */
public final class SweepStatusMapping {
  private SweepStatusMapping() {}

  /**
   * The sweep's score, or the reason it has none. With {@code fromSweepMethods} this also marks the
   * reference points ({@code reference: true}) and gives the other points their scores against the
   * sweep's own curve.
   */
  public static SweepStatus score(List<PointStatus> points, TradeoffSpec tradeoff) {
    RunResults results = new RunResults();
    results.points = points.stream().map(SweepStatusMapping::pointResults).toList();
    SweepStatus status = new SweepStatus();
    try {
      SweepScoring.apply(results, tradeoff);
    } catch (RuntimeException e) {
      // A reference that cannot be fitted must not fail every reconciliation: report it like any
      // other reason.
      status.message = "the sweep is not scored: " + e.getMessage();
      return status;
    }
    for (int i = 0; i < points.size(); i++) {
      PointResults scored = results.points.get(i);
      PointStatus point = points.get(i);
      if (Boolean.TRUE.equals(scored.reference)) {
        point.reference = true;
      }
      // The points were read without their scores, so any score here is new: one against the
      // sweep's own curve.
      TradeoffScore score = scored.summary == null ? null : scored.summary.tradeoffScore();
      if (score != null && point.results != null) {
        StatusMapping.applyTradeoff(point.results, score);
      }
    }
    List<String> warnings = new ArrayList<>();
    // The status has no curve of its own: which reference points it leaves out goes with the
    // warnings, ahead of SweepScoring's (whose last one may become the message below).
    if (results.referenceCurve != null) {
      results.referenceCurve.leftOutPoints().stream()
          .map(point -> "the reference curve leaves out " + point)
          .forEach(warnings::add);
    }
    warnings.addAll(results.warnings == null ? List.of() : results.warnings);
    SweepScore sweep = results.sweep;
    if (sweep == null) {
      // SweepScoring's last warning says why it gave up.
      status.message =
          warnings.isEmpty() ? "the sweep is not scored" : warnings.remove(warnings.size() - 1);
    } else {
      status.meanRobustGain = sweep.meanRobustGain();
      status.meanStandardGain = sweep.meanStandardGain();
      status.reference = sweep.reference();
      status.scoredPoints = sweep.runCount();
      status.pointsCurveDegree = sweep.runsCurveDegree();
      status.standardOverlap = interval(sweep.standardOverlap());
      status.robustOverlap = interval(sweep.robustOverlap());
      warnings.addAll(sweep.warnings());
    }
    status.warnings = warnings.isEmpty() ? null : warnings;
    return status;
  }

  /**
   * A point as the results schema has it, from its status: only what scoring reads (method, label,
   * accuracies, the evaluation's attacks and their budgets). Per-point scores are left out on
   * purpose (see {@link #score}).
   */
  static PointResults pointResults(PointStatus point) {
    PointResults results = new PointResults();
    results.id = point.id;
    results.label = point.label;
    results.method = point.method == null ? null : point.method.toString();
    results.directory = point.directory;
    TrainingResults evaluated = point.results;
    if (point.phase == PointPhase.SUCCEEDED
        && evaluated != null
        && evaluated.standardAccuracy != null
        && evaluated.robustAccuracy != null) {
      StageResult evaluate = new StageResult();
      evaluate.stage = Stage.EVALUATE;
      evaluate.status = StageStatus.SUCCEEDED;
      List<AttackResult> attacks =
          evaluated.attacks == null
              ? List.of()
              : evaluated.attacks.stream().map(SweepStatusMapping::attackResult).toList();
      evaluate.evaluation =
          new EvaluationResult(
              Objects.requireNonNullElse(evaluated.samples, 0),
              evaluated.standardAccuracy,
              evaluated.robustAccuracy,
              attacks,
              null);
      results.put(evaluate);
    }
    return results;
  }

  private static AttackResult attackResult(AttackAccuracy attack) {
    return new AttackResult(
        attack.name,
        attack.type,
        null,
        Objects.requireNonNullElse(attack.epsilon, Double.NaN),
        attack.steps,
        null,
        attack.restarts,
        Objects.requireNonNullElse(attack.robustAccuracy, Double.NaN),
        0);
  }

  private static AccuracyInterval interval(Interval interval) {
    if (interval == null) {
      return null;
    }
    AccuracyInterval result = new AccuracyInterval();
    result.from = interval.from();
    result.to = interval.to();
    return result;
  }
}
