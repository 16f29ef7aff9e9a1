package dev.arrest.operator.status;

import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.EpochSummary;
import dev.arrest.api.v1alpha1.TradeoffResult;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.TerminationMessage;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Turns the trainer's results documents (the shared results schema) into the resource's status
 * types.
 */
public final class StatusMapping {
  private StatusMapping() {}

  /** Copies what a stage's termination message reports into its status entry. */
  public static void applyStageResult(TrainingStageStatus stage, TerminationMessage result) {
    stage.durationSeconds = result.seconds();
    stage.epochs = result.epochs() != null && result.epochs() > 0 ? result.epochs() : null;
    stage.lastEpoch = result.lastEpoch() == null ? null : epochSummary(result.lastEpoch());
    stage.artifacts =
        result.artifacts() == null || result.artifacts().isEmpty()
            ? null
            : new LinkedHashMap<>(result.artifacts());
  }

  /** The evaluation's numbers; the tradeoff score only when the trainer reported one. */
  public static TrainingResults results(EvaluationResult evaluation) {
    TrainingResults results = new TrainingResults();
    results.samples = evaluation.samples();
    results.standardAccuracy = evaluation.standardAccuracy();
    results.robustAccuracy = evaluation.robustAccuracy();
    if (evaluation.attacks() != null && !evaluation.attacks().isEmpty()) {
      results.attacks = evaluation.attacks().stream().map(StatusMapping::attackAccuracy).toList();
    }
    if (evaluation.tradeoff() != null) {
      applyTradeoff(results, evaluation.tradeoff());
    }
    return results;
  }

  /** Sets the tradeoff score (its signed distance) and its details. */
  public static void applyTradeoff(TrainingResults results, TradeoffScore score) {
    results.tradeoffScore = score.signedDistance();
    TradeoffResult tradeoff = new TradeoffResult();
    tradeoff.reference = score.reference();
    tradeoff.signedDistance = score.signedDistance();
    tradeoff.robustGainAtEqualStandard = score.robustGainAtEqualStandard();
    tradeoff.standardGainAtEqualRobust = score.standardGainAtEqualRobust();
    tradeoff.extrapolated =
        score.extrapolated() == null || score.extrapolated().isEmpty()
            ? null
            : List.copyOf(score.extrapolated());
    results.tradeoff = tradeoff;
  }

  public static TrainingProgress progress(ProgressEvent event, String now) {
    TrainingProgress progress = new TrainingProgress();
    progress.stage = event.stage() == null ? null : event.stage().toString();
    progress.epoch = event.epoch();
    progress.epochs = event.epochs();
    progress.batch = event.batch();
    progress.batches = event.batches();
    progress.fraction = event.fraction();
    progress.loss = event.loss();
    progress.rgkdLoss = event.rgkdLoss();
    progress.noisyReplayRate = event.noisyReplayRate();
    progress.accuracy = event.accuracy();
    progress.imagesPerSecond = event.imagesPerSecond();
    progress.etaSeconds = event.etaSeconds();
    progress.phase = event.phase();
    progress.inBatchUnit = event.inBatchUnit();
    progress.inBatchDone = event.inBatchDone();
    progress.inBatchTotal = event.inBatchTotal();
    progress.inBatchRobust = event.inBatchRobust();
    progress.inBatchSize = event.inBatchSize();
    progress.summary =
        summary(progress.stage, event.epoch(), event.epochs(), event.fraction())
            + inBatchSummary(event);
    progress.updatedAt = now;
    return progress;
  }

  /** e.g. {@code finetune 3/10 (27%)}; evaluation has no epochs and shows only the percentage. */
  public static String summary(String stage, int epoch, int epochs, double fraction) {
    String percent =
        String.format(Locale.ROOT, "%d%%", Math.round(Math.max(0, Math.min(1, fraction)) * 100));
    return epochs > 0
        ? stage + " " + epoch + "/" + epochs + " (" + percent + ")"
        : stage + " (" + percent + ")";
  }

  /**
   * e.g. {@code , square 1200/5000 queries, 87/125 robust} while an attack works on a batch; empty
   * otherwise.
   */
  static String inBatchSummary(ProgressEvent event) {
    if (event.inBatchDone() == null || event.inBatchTotal() == null) {
      return "";
    }
    String attack = event.phase() == null ? "" : event.phase().replaceFirst(".*/", "") + " ";
    String robust =
        event.inBatchRobust() == null || event.inBatchSize() == null
            ? ""
            : ", " + event.inBatchRobust() + "/" + event.inBatchSize() + " robust";
    return ", "
        + attack
        + event.inBatchDone()
        + "/"
        + event.inBatchTotal()
        + " "
        + (event.inBatchUnit() == null ? "" : event.inBatchUnit())
        + robust;
  }

  private static EpochSummary epochSummary(EpochMetrics metrics) {
    EpochSummary summary = new EpochSummary();
    summary.epoch = metrics.epoch();
    summary.loss = metrics.loss();
    summary.crossEntropyLoss = metrics.crossEntropyLoss();
    summary.rgkdLoss = metrics.rgkdLoss();
    summary.noisyReplayRate = metrics.noisyReplayRate();
    summary.trainCleanAccuracy = metrics.trainCleanAccuracy();
    summary.trainAdversarialAccuracy = metrics.trainAdversarialAccuracy();
    return summary;
  }

  private static AttackAccuracy attackAccuracy(AttackResult attack) {
    AttackAccuracy accuracy = new AttackAccuracy();
    accuracy.name = attack.name();
    accuracy.type = attack.type();
    accuracy.epsilon = attack.epsilon();
    accuracy.steps = attack.steps();
    accuracy.restarts = attack.restarts();
    accuracy.robustAccuracy = attack.robustAccuracy();
    return accuracy;
  }
}
