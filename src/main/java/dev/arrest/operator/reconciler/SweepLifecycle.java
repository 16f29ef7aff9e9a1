package dev.arrest.operator.reconciler;

import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStages;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.Reason;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.operator.status.SweepStatusMapping;
import dev.arrest.results.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The points of a sweep, once its shared pretraining is done (or skipped): each point runs its own
 * finetune Job and then its own evaluate Job, all points in parallel up to {@code
 * spec.runPolicy.maxParallelPoints}, started in id order. A failed point does not stop the others.
 * When every point has finished, the sweep is scored and the training ends: Succeeded when every
 * point succeeded, else Failed (reason PointsFailed), since the sweep score needs every point.
 * Either way each point's status and results stay in {@code status.points}.
 */
class SweepLifecycle {
  /**
   * The progress stage of a sweep's points phase, as in status.progress.stage and the stage metric
   * label.
   */
  static final String POINTS_STAGE = "points";

  private static final List<Stage> POINT_STAGES = List.of(Stage.FINETUNE, Stage.EVALUATE);

  private final OperatorSettings settings;
  private final StageJobRunner runner;
  private final TrainingEvents events;

  SweepLifecycle(OperatorSettings settings, StageJobRunner runner, TrainingEvents events) {
    this.settings = settings;
    this.runner = runner;
    this.events = events;
  }

  /** The status entries of a new sweep's points, all pending. */
  static List<PointStatus> layout(List<SweepPoint> points) {
    List<PointStatus> statuses = new ArrayList<>();
    for (SweepPoint point : points) {
      PointStatus status = new PointStatus();
      status.id = point.id();
      status.label = point.label();
      status.method = point.method();
      Map<String, String> overrides = new LinkedHashMap<>();
      point.overrides().forEach((field, value) -> overrides.put(field, String.valueOf(value)));
      status.overrides = overrides.isEmpty() ? null : overrides;
      status.directory = "points/" + point.directoryName();
      status.phase = PointPhase.PENDING;
      status.stages = new PointStages();
      status.stages.finetune = pendingStage();
      status.stages.evaluate = pendingStage();
      statuses.add(status);
    }
    return statuses;
  }

  /**
   * Advances every point of {@code training}, whose Jobs run {@code applied} (the training with its
   * applied spec); returns when to look again, empty once the training has finished.
   */
  Optional<Duration> advance(
      ArrestTraining training, ArrestTraining applied, StageJobRunner.Context context) {
    String now = context.now();
    ArrestTrainingStatus status = training.getStatus();
    List<SweepPoint> points = SweepPoints.expand(applied);
    if (status.points == null || status.points.size() != points.size()) {
      // The applied spec is frozen, so only a status from before the points existed gets here.
      status.points = layout(points);
    }
    // Points with Jobs first, so that the slots of points finishing now go to waiting points in
    // this same pass.
    for (SweepPoint point : points) {
      PointStatus entry = status.points.get(point.id());
      if (entry.phase.isActive()) {
        advancePoint(context, point, entry);
      }
    }
    int limit = maxParallel(applied.getSpec());
    long active = status.points.stream().filter(p -> p.phase.isActive()).count();
    for (SweepPoint point : points) {
      PointStatus entry = status.points.get(point.id());
      if (entry.phase != PointPhase.PENDING) {
        continue;
      }
      if (active >= limit) {
        entry.message = "waiting for a free slot: spec.runPolicy.maxParallelPoints is " + limit;
        continue;
      }
      advancePoint(context, point, entry);
      if (entry.phase.isActive()) {
        active++;
      }
    }
    if (status.points.stream().allMatch(p -> p.phase.isFinal())) {
      finish(training, applied.getSpec(), now);
      return Optional.empty();
    }
    status.phase =
        status.points.stream()
                .anyMatch(p -> p.phase == PointPhase.PENDING || p.phase == PointPhase.FINETUNING)
            ? TrainingPhase.FINETUNING
            : TrainingPhase.EVALUATING;
    status.progress = progress(status.points, status.progress, now);
    Conditions.running(
        status.conditions,
        status.phase.toString(),
        "points: " + status.progress.summary,
        training.getMetadata().getGeneration(),
        now);
    return Optional.of(settings.progressInterval());
  }

  /** Runs the point's finetune, then its evaluate stage, as far as their Jobs allow. */
  private void advancePoint(StageJobRunner.Context context, SweepPoint point, PointStatus entry) {
    String now = context.now();
    for (Stage stage : POINT_STAGES) {
      TrainingStageStatus stageEntry = stageEntry(entry, stage);
      if (stageEntry.phase.isDone()) {
        continue;
      }
      StageJobRunner.Step step =
          runner.advance(context, StageTarget.ofPoint(stage, point), stageEntry);
      if (step.kind() == StageJobRunner.Kind.CONFLICT
          || step.kind() == StageJobRunner.Kind.RESTARTING) {
        entry.message = step.message();
        return;
      }
      entry.phase = phaseOf(stage);
      if (step.started()) {
        entry.message = null;
        entry.progress = StageJobRunner.starting(stage, now);
      }
      switch (step.kind()) {
        case CREATED -> {
          return;
        }
        case QUEUED -> {
          entry.progress = StageJobRunner.withSummary(entry.progress, stage, stage + " queued");
          return;
        }
        case BLOCKED -> {
          entry.message = step.message();
          entry.progress =
              StageJobRunner.withSummary(
                  entry.progress, stage, stage + " waiting: " + step.reason());
          return;
        }
        case RUNNING -> {
          entry.progress = runner.progress(step.job(), stage, entry.progress, now);
          return;
        }
        case SUCCEEDED -> {
          if (stage == Stage.EVALUATE && step.result() != null) {
            entry.results = StatusMapping.results(step.result().evaluation());
          }
        }
        case FAILED -> {
          entry.phase = PointPhase.FAILED;
          entry.message = step.message();
          entry.progress = StageJobRunner.failed(entry.progress, stage);
          return;
        }
        default -> throw new IllegalStateException("unexpected stage step " + step.kind());
      }
    }
    entry.phase = PointPhase.SUCCEEDED;
    entry.message = null;
    TrainingProgress progress = entry.progress != null ? entry.progress : new TrainingProgress();
    progress.summary = "done";
    progress.fraction = 1.0;
    progress.etaSeconds = null;
    entry.progress = progress;
  }

  /** Scores the sweep and ends the training: Succeeded if every point did, else Failed. */
  private void finish(ArrestTraining training, ArrestTrainingSpec spec, String now) {
    ArrestTrainingStatus status = training.getStatus();
    TradeoffSpec tradeoff = spec.evaluation == null ? null : spec.evaluation.tradeoff;
    status.sweep = SweepStatusMapping.score(status.points, tradeoff);
    status.progress = progress(status.points, status.progress, now);
    List<PointStatus> failed =
        status.points.stream().filter(p -> p.phase == PointPhase.FAILED).toList();
    if (failed.isEmpty()) {
      status.phase = TrainingPhase.SUCCEEDED;
      String message = status.points.size() + " points evaluated; " + describeScore(status);
      status.completionTime = now;
      Conditions.finished(
          status.conditions,
          true,
          Reason.SUCCEEDED.toString(),
          message,
          training.getMetadata().getGeneration(),
          now);
      events.normal(training, Reason.SUCCEEDED, "training succeeded: " + message);
      if (tradeoff != null && status.sweep.meanRobustGain == null) {
        events.warning(training, Reason.SWEEP_NOT_SCORED, status.sweep.message);
      }
      return;
    }
    status.phase = TrainingPhase.FAILED;
    String message =
        failed.size()
            + " of "
            + status.points.size()
            + " points failed: "
            + failed.stream()
                .map(p -> "point " + p.id + " (" + p.label + "): " + p.message)
                .collect(Collectors.joining("; "));
    status.completionTime = now;
    Conditions.finished(
        status.conditions,
        false,
        Reason.POINTS_FAILED.toString(),
        message,
        training.getMetadata().getGeneration(),
        now);
    events.warning(training, Reason.POINTS_FAILED, message);
  }

  private static String describeScore(ArrestTrainingStatus status) {
    if (status.sweep.meanRobustGain == null) {
      return status.sweep.message;
    }
    return String.format(
        Locale.ROOT,
        "sweep score %+.4f pp (mean robust gain over %d points against %s)",
        status.sweep.meanRobustGain,
        status.sweep.scoredPoints,
        status.sweep.reference);
  }

  /**
   * The sweep's progress line, e.g. {@code 3/6 points done, 1 failed, 2 running}; the fraction is
   * the share of finished points (each point's own progress is in its entry). Unchanged progress
   * keeps its timestamp.
   */
  static TrainingProgress progress(List<PointStatus> points, TrainingProgress current, String now) {
    long done = points.stream().filter(p -> p.phase.isFinal()).count();
    long failed = points.stream().filter(p -> p.phase == PointPhase.FAILED).count();
    long running = points.stream().filter(p -> p.phase.isActive()).count();
    StringBuilder summary = new StringBuilder(done + "/" + points.size() + " points done");
    if (failed > 0) {
      summary.append(", ").append(failed).append(" failed");
    }
    if (running > 0) {
      summary.append(", ").append(running).append(" running");
    }
    TrainingProgress progress = new TrainingProgress();
    progress.stage = POINTS_STAGE;
    progress.summary = summary.toString();
    progress.fraction = points.isEmpty() ? 1.0 : (double) done / points.size();
    boolean unchanged =
        current != null
            && POINTS_STAGE.equals(current.stage)
            && progress.summary.equals(current.summary)
            && Objects.equals(progress.fraction, current.fraction);
    progress.updatedAt = unchanged ? current.updatedAt : now;
    return progress;
  }

  private static int maxParallel(ArrestTrainingSpec spec) {
    Integer limit = spec.runPolicy == null ? null : spec.runPolicy.maxParallelPoints;
    return limit == null ? Integer.MAX_VALUE : Math.max(1, limit);
  }

  private static PointPhase phaseOf(Stage stage) {
    return stage == Stage.FINETUNE ? PointPhase.FINETUNING : PointPhase.EVALUATING;
  }

  static TrainingStageStatus stageEntry(PointStatus point, Stage stage) {
    if (point.stages == null) {
      point.stages = new PointStages();
    }
    if (stage == Stage.FINETUNE) {
      if (point.stages.finetune == null) {
        point.stages.finetune = pendingStage();
      }
      return point.stages.finetune;
    }
    if (point.stages.evaluate == null) {
      point.stages.evaluate = pendingStage();
    }
    return point.stages.evaluate;
  }

  private static TrainingStageStatus pendingStage() {
    TrainingStageStatus stage = new TrainingStageStatus();
    stage.phase = StagePhase.PENDING;
    return stage;
  }
}
