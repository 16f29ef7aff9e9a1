package dev.arrest.operator.reconciler;

import dev.arrest.api.spec.SpecValidator;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.OutputLocation;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The state machine of one ArrestTraining: validates the spec, freezes it, runs the stages as Jobs
 * one after the other (a sweep's points in parallel after its shared pretraining, see {@link
 * SweepLifecycle}) and moves their outcome into the status. It mutates the status of the resource
 * it is given and returns when to look again; the caller persists the status. Every step is
 * idempotent and decided from the persisted status plus the Jobs in the cluster, so a second run,
 * or a run after an operator restart, repeats nothing:
 *
 * <ul>
 *   <li>a stage whose status says Succeeded or Skipped is never started again;
 *   <li>Job names are deterministic, so a Job created by an earlier run (whose status update was
 *       lost) is found and adopted instead of duplicated.
 * </ul>
 */
public class TrainingLifecycle {
  /** Reasons used in conditions and Events. */
  static final String INVALID_SPEC = "InvalidSpec";

  static final String POLICY_VIOLATION = "PolicyViolation";

  static final String STAGE_STARTED = "StageStarted";
  static final String STAGE_SUCCEEDED = "StageSucceeded";
  static final String STAGE_SKIPPED = "StageSkipped";
  static final String STAGE_FAILED = "StageFailed";
  static final String JOB_MISSING = "JobMissing";
  static final String JOB_NAME_CONFLICT = "JobNameConflict";
  static final String RESULTS_UNAVAILABLE = "ResultsUnavailable";
  static final String RESULT_UNAVAILABLE = "StageResultUnavailable";
  static final String SPEC_CHANGE_IGNORED = "SpecChangeIgnored";
  static final String SUCCEEDED = "Succeeded";

  private final OperatorSettings settings;
  private final StageJobRunner runner;
  private final SweepLifecycle sweeps;
  private final TrainingEvents events;
  private final Clock clock;

  public TrainingLifecycle(
      OperatorSettings settings,
      StageJobs jobs,
      PodLogProgressReader progressReader,
      TrainingEvents events,
      Clock clock) {
    this.settings = settings;
    this.runner = new StageJobRunner(jobs, new StageJobFactory(settings), progressReader, events);
    this.sweeps = new SweepLifecycle(settings, runner, events);
    this.events = events;
    this.clock = clock;
  }

  /**
   * Advances the training as far as the cluster allows; returns when to reconcile again, empty when
   * finished.
   */
  public Optional<Duration> reconcile(ArrestTraining training) {
    ArrestTrainingStatus status = statusOf(training);
    Long generation = training.getMetadata().getGeneration();
    String now = now();
    status.observedGeneration = generation;
    if (status.appliedSpec == null) {
      // Nothing has started yet: the latest spec counts, so fixing an invalid spec starts the
      // training.
      List<String> problems = validate(training);
      if (!problems.isEmpty()) {
        failBeforeStart(training, status, INVALID_SPEC, "invalid spec: ", problems, now);
        return Optional.empty();
      }
      // The platform team's policy: checked before anything is created, on a valid spec.
      List<String> refusals =
          settings
              .policy()
              .violations(
                  training.getSpec(),
                  settings.trainerImage(),
                  PlatformValidator.claimName(training.getSpec(), settings),
                  settings.defaultClaimName());
      if (!refusals.isEmpty()) {
        failBeforeStart(training, status, POLICY_VIOLATION, "refused by policy: ", refusals, now);
        return Optional.empty();
      }
      start(training, status, now);
    } else {
      checkSpecChange(training, status, now);
    }
    if (status.phase.isFinal()) {
      return Optional.empty();
    }
    ArrestTrainingSpec spec = TrainerDocument.parseSpec(status.appliedSpec);
    for (Stage stage : StagePlan.ownStages(spec)) {
      TrainingStageStatus entry = entry(status, stage);
      if (entry.phase.isDone()) {
        continue;
      }
      Step step = advance(training, spec, stage, entry, now);
      if (!step.nextStage()) {
        return Optional.ofNullable(step.requeueAfter());
      }
    }
    if (spec.sweep != null) {
      return sweeps.advance(training, applied(training, spec), now);
    }
    succeed(training, status, now);
    return Optional.empty();
  }

  private List<String> validate(ArrestTraining training) {
    List<String> problems = new ArrayList<>(SpecValidator.validate(training));
    if (problems.isEmpty()) {
      problems.addAll(PlatformValidator.validate(training.getSpec(), settings));
    }
    return problems;
  }

  private void failBeforeStart(
      ArrestTraining training,
      ArrestTrainingStatus status,
      String reason,
      String prefix,
      List<String> problems,
      String now) {
    String message = prefix + String.join("; ", problems);
    boolean alreadyReported =
        status.phase == TrainingPhase.FAILED
            && Conditions.find(status.conditions, Conditions.FAILED)
                .map(c -> message.equals(c.getMessage()))
                .orElse(false);
    status.phase = TrainingPhase.FAILED;
    status.stages = null;
    status.points = null;
    status.sweep = null;
    status.progress = null;
    status.results = null;
    status.output = null;
    setFinished(status, false, reason, message, training, now);
    if (!alreadyReported) {
      events.warning(training, reason, message);
    }
  }

  /**
   * Freezes the spec and lays out the stages (and a sweep's points); the first Job is created right
   * after.
   */
  private void start(ArrestTraining training, ArrestTrainingStatus status, String now) {
    ArrestTrainingSpec spec = training.getSpec();
    status.appliedSpec = TrainerDocument.specJson(spec);
    status.appliedGeneration = training.getMetadata().getGeneration();
    status.phase = TrainingPhase.PENDING;
    status.results = null;
    status.progress = null;
    status.sweep = null;
    status.points = spec.sweep == null ? null : SweepLifecycle.layout(SweepPoints.expand(training));
    status.stages = new StageStatuses();
    for (Stage stage : StagePlan.ownStages(spec)) {
      TrainingStageStatus entry = new TrainingStageStatus();
      Optional<String> skip = StagePlan.skipReason(training, stage);
      entry.phase = skip.isPresent() ? StagePhase.SKIPPED : StagePhase.PENDING;
      entry.message = skip.orElse(null);
      setEntry(status.stages, stage, entry);
      skip.ifPresent(
          reason -> events.normal(training, STAGE_SKIPPED, stage + " skipped: " + reason));
    }
    status.output = new OutputLocation();
    status.output.claimName = PlatformValidator.claimName(spec, settings);
    status.output.path = StageJobFactory.outputPathInClaim(training, spec);
    Conditions.set(
        status.conditions,
        Conditions.SPEC_APPLIED,
        true,
        "Applied",
        "the stages run the spec of generation " + status.appliedGeneration,
        status.appliedGeneration,
        now);
    setRunning(status, "Pending", "starting", training, now);
  }

  /**
   * The spec is frozen once started: a change is reported, never applied (see docs/operator.md).
   */
  private void checkSpecChange(ArrestTraining training, ArrestTrainingStatus status, String now) {
    Long generation = training.getMetadata().getGeneration();
    if (training.getSpec() != null
        && TrainerDocument.sameSpec(training.getSpec(), status.appliedSpec)) {
      Conditions.set(
          status.conditions,
          Conditions.SPEC_APPLIED,
          true,
          "Applied",
          "the stages run the spec of generation " + status.appliedGeneration,
          generation,
          now);
      return;
    }
    String message =
        "spec changed (generation "
            + generation
            + ") after the training started with generation "
            + status.appliedGeneration
            + "; changes are not applied to a started training: create a new"
            + " ArrestTraining (or delete and re-create this one) to run the new spec";
    boolean alreadyReported =
        Conditions.find(status.conditions, Conditions.SPEC_APPLIED)
            .map(c -> message.equals(c.getMessage()))
            .orElse(false);
    Conditions.set(
        status.conditions,
        Conditions.SPEC_APPLIED,
        false,
        SPEC_CHANGE_IGNORED,
        message,
        generation,
        now);
    if (!alreadyReported) {
      events.warning(training, SPEC_CHANGE_IGNORED, message);
    }
  }

  /**
   * What a stage's reconciliation leads to: go on with the next stage, or stop and look again later
   * (or never).
   */
  private record Step(boolean nextStage, Duration requeueAfter) {
    static final Step NEXT_STAGE = new Step(true, null);
    static final Step FINISHED = new Step(false, null);

    static Step requeue(Duration after) {
      return new Step(false, after);
    }
  }

  /** Moves one unfinished stage of the training itself forward. */
  private Step advance(
      ArrestTraining training,
      ArrestTrainingSpec spec,
      Stage stage,
      TrainingStageStatus entry,
      String now) {
    ArrestTrainingStatus status = training.getStatus();
    StageJobRunner.Step step =
        runner.advance(
            training,
            spec,
            status.output.claimName,
            status.output.path,
            StageTarget.of(stage),
            entry,
            now);
    if (step.kind() == StageJobRunner.Kind.CONFLICT) {
      setRunning(status, step.reason(), step.message(), training, now);
      return Step.requeue(settings.progressInterval());
    }
    status.phase = phaseOf(stage);
    if (step.started()) {
      status.progress = StageJobRunner.starting(stage, now);
      setRunning(status, stageReason(stage), runningMessage(entry.jobName, stage), training, now);
    }
    switch (step.kind()) {
      case CREATED -> {
        return Step.requeue(settings.progressInterval());
      }
      case QUEUED -> {
        status.progress = StageJobRunner.withSummary(status.progress, stage, stage + " queued");
        setRunning(status, step.reason(), step.message(), training, now);
        return Step.requeue(settings.progressInterval());
      }
      case RUNNING -> {
        status.progress = runner.progress(step.job(), stage, status.progress, now);
        setRunning(status, stageReason(stage), runningMessage(entry.jobName, stage), training, now);
        return Step.requeue(settings.progressInterval());
      }
      case SUCCEEDED -> {
        if (stage == Stage.EVALUATE && step.result() != null) {
          status.results = StatusMapping.results(step.result().evaluation());
        }
        return Step.NEXT_STAGE;
      }
      case FAILED -> {
        status.phase = TrainingPhase.FAILED;
        status.progress = StageJobRunner.failed(status.progress, stage);
        setFinished(status, false, step.reason(), step.message(), training, now);
        return Step.FINISHED;
      }
      default -> throw new IllegalStateException("unexpected stage step " + step.kind());
    }
  }

  private void succeed(ArrestTraining training, ArrestTrainingStatus status, String now) {
    status.phase = TrainingPhase.SUCCEEDED;
    String message = describeResults(status.results);
    TrainingProgress progress = status.progress != null ? status.progress : new TrainingProgress();
    progress.summary = "done";
    progress.fraction = 1.0;
    progress.etaSeconds = null;
    status.progress = progress;
    setFinished(status, true, SUCCEEDED, message, training, now);
    events.normal(training, SUCCEEDED, "training succeeded: " + message);
  }

  static void setRunning(
      ArrestTrainingStatus status,
      String reason,
      String message,
      ArrestTraining training,
      String now) {
    Long generation = training.getMetadata().getGeneration();
    Conditions.set(
        status.conditions,
        Conditions.READY,
        false,
        reason,
        "the training has not finished: " + message,
        generation,
        now);
    Conditions.set(
        status.conditions, Conditions.PROGRESSING, true, reason, message, generation, now);
    Conditions.set(
        status.conditions, Conditions.FAILED, false, reason, "no failure", generation, now);
  }

  static void setFinished(
      ArrestTrainingStatus status,
      boolean succeeded,
      String reason,
      String message,
      ArrestTraining training,
      String now) {
    Long generation = training.getMetadata().getGeneration();
    Conditions.set(
        status.conditions, Conditions.READY, succeeded, reason, message, generation, now);
    Conditions.set(
        status.conditions, Conditions.PROGRESSING, false, reason, message, generation, now);
    Conditions.set(
        status.conditions,
        Conditions.FAILED,
        !succeeded,
        reason,
        succeeded ? "no failure" : message,
        generation,
        now);
  }

  private static String describeResults(TrainingResults results) {
    if (results == null) {
      return "all stages succeeded";
    }
    String text =
        String.format(
            Locale.ROOT,
            "standard accuracy %.4f, robust accuracy %.4f on %d samples",
            results.standardAccuracy,
            results.robustAccuracy,
            results.samples);
    return results.tradeoffScore == null
        ? text
        : text + String.format(Locale.ROOT, ", tradeoff score %.4f", results.tradeoffScore);
  }

  /**
   * The training as its Jobs run it: its name and uid with the applied spec, which may differ from
   * the current.
   */
  private static ArrestTraining applied(ArrestTraining training, ArrestTrainingSpec spec) {
    ArrestTraining applied = new ArrestTraining();
    applied.setMetadata(
        new ObjectMetaBuilder()
            .withName(training.getMetadata().getName())
            .withNamespace(training.getMetadata().getNamespace())
            .withUid(training.getMetadata().getUid())
            .build());
    applied.setSpec(spec);
    return applied;
  }

  static TrainingPhase phaseOf(Stage stage) {
    return switch (stage) {
      case PRETRAIN -> TrainingPhase.PRETRAINING;
      case FINETUNE -> TrainingPhase.FINETUNING;
      case EVALUATE -> TrainingPhase.EVALUATING;
    };
  }

  /**
   * The same text right after creation and while running, so that a second reconciliation changes
   * nothing.
   */
  private static String runningMessage(String jobName, Stage stage) {
    return "Job " + jobName + " is running stage " + stage;
  }

  private static String stageReason(Stage stage) {
    return phaseOf(stage).toString();
  }

  static ArrestTrainingStatus statusOf(ArrestTraining training) {
    if (training.getStatus() == null) {
      training.setStatus(new ArrestTrainingStatus());
    }
    ArrestTrainingStatus status = training.getStatus();
    if (status.conditions == null) {
      status.conditions = new ArrayList<>();
    }
    return status;
  }

  static TrainingStageStatus entry(ArrestTrainingStatus status, Stage stage) {
    TrainingStageStatus entry =
        switch (stage) {
          case PRETRAIN -> status.stages.pretrain;
          case FINETUNE -> status.stages.finetune;
          case EVALUATE -> status.stages.evaluate;
        };
    if (entry == null) {
      entry = new TrainingStageStatus();
      entry.phase = StagePhase.PENDING;
      setEntry(status.stages, stage, entry);
    }
    return entry;
  }

  private static void setEntry(StageStatuses stages, Stage stage, TrainingStageStatus entry) {
    switch (stage) {
      case PRETRAIN -> stages.pretrain = entry;
      case FINETUNE -> stages.finetune = entry;
      case EVALUATE -> stages.evaluate = entry;
    }
  }

  private String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
  }
}
