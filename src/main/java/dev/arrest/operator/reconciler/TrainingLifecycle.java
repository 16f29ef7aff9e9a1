package dev.arrest.operator.reconciler;

import dev.arrest.api.spec.SpecValidator;
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
import dev.arrest.operator.jobs.JobOutcome;
import dev.arrest.operator.jobs.PodTermination;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageJobNames;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The state machine of one ArrestTraining: validates the spec, freezes it, runs the stages as Jobs one after the
 * other and moves their outcome into the status. It mutates the status of the resource it is given and returns when
 * to look again; the caller persists the status. Every step is idempotent and decided from the persisted status plus
 * the Jobs in the cluster, so a second run, or a run after an operator restart, repeats nothing:
 * <ul>
 *   <li>a stage whose status says Succeeded or Skipped is never started again;</li>
 *   <li>Job names are deterministic, so a Job created by an earlier run (whose status update was lost) is found and
 *       adopted instead of duplicated.</li>
 * </ul>
 */
public class TrainingLifecycle {
  /** Reasons used in conditions and Events. */
  static final String INVALID_SPEC = "InvalidSpec";
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
  private final StageJobs jobs;
  private final StageJobFactory jobFactory;
  private final PodLogProgressReader progressReader;
  private final TrainingEvents events;
  private final Clock clock;

  public TrainingLifecycle(OperatorSettings settings, StageJobs jobs, PodLogProgressReader progressReader,
      TrainingEvents events, Clock clock) {
    this.settings = settings;
    this.jobs = jobs;
    this.jobFactory = new StageJobFactory(settings);
    this.progressReader = progressReader;
    this.events = events;
    this.clock = clock;
  }

  /** Advances the training as far as the cluster allows; returns when to reconcile again, empty when finished. */
  public Optional<Duration> reconcile(ArrestTraining training) {
    ArrestTrainingStatus status = statusOf(training);
    Long generation = training.getMetadata().getGeneration();
    String now = now();
    status.observedGeneration = generation;
    if (status.appliedSpec == null) {
      // Nothing has started yet: the latest spec counts, so fixing an invalid spec starts the training.
      List<String> problems = validate(training);
      if (!problems.isEmpty()) {
        failInvalid(training, status, problems, now);
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
    for (Stage stage : Stage.values()) {
      TrainingStageStatus entry = entry(status, stage);
      if (entry.phase.isDone()) {
        continue;
      }
      Step step = advance(training, spec, stage, entry, now);
      if (!step.nextStage()) {
        return Optional.ofNullable(step.requeueAfter());
      }
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

  private void failInvalid(ArrestTraining training, ArrestTrainingStatus status, List<String> problems,
      String now) {
    String message = "invalid spec: " + String.join("; ", problems);
    boolean alreadyReported = status.phase == TrainingPhase.FAILED
        && Conditions.find(status.conditions, Conditions.FAILED).map(c -> message.equals(c.getMessage())).orElse(false);
    status.phase = TrainingPhase.FAILED;
    status.stages = null;
    status.progress = null;
    status.results = null;
    status.output = null;
    setFinished(status, false, INVALID_SPEC, message, training, now);
    if (!alreadyReported) {
      events.warning(training, INVALID_SPEC, message);
    }
  }

  /** Freezes the spec and lays out the stages; the first Job is created right after. */
  private void start(ArrestTraining training, ArrestTrainingStatus status, String now) {
    ArrestTrainingSpec spec = training.getSpec();
    status.appliedSpec = TrainerDocument.specJson(spec);
    status.appliedGeneration = training.getMetadata().getGeneration();
    status.phase = TrainingPhase.PENDING;
    status.results = null;
    status.progress = null;
    status.stages = new StageStatuses();
    for (Stage stage : Stage.values()) {
      TrainingStageStatus entry = new TrainingStageStatus();
      Optional<String> skip = StagePlan.skipReason(spec, stage);
      entry.phase = skip.isPresent() ? StagePhase.SKIPPED : StagePhase.PENDING;
      entry.message = skip.orElse(null);
      setEntry(status.stages, stage, entry);
      skip.ifPresent(reason -> events.normal(training, STAGE_SKIPPED, stage + " skipped: " + reason));
    }
    status.output = new OutputLocation();
    status.output.claimName = PlatformValidator.claimName(spec, settings);
    status.output.path = StageJobFactory.outputPathInClaim(training, spec);
    Conditions.set(status.conditions, Conditions.SPEC_APPLIED, true, "Applied",
        "the stages run the spec of generation " + status.appliedGeneration, status.appliedGeneration, now);
    setRunning(status, "Pending", "starting", training, now);
  }

  /** The spec is frozen once started: a change is reported, never applied (see docs/operator.md). */
  private void checkSpecChange(ArrestTraining training, ArrestTrainingStatus status, String now) {
    Long generation = training.getMetadata().getGeneration();
    if (training.getSpec() != null && TrainerDocument.sameSpec(training.getSpec(), status.appliedSpec)) {
      Conditions.set(status.conditions, Conditions.SPEC_APPLIED, true, "Applied",
          "the stages run the spec of generation " + status.appliedGeneration, generation, now);
      return;
    }
    String message = "spec changed (generation " + generation + ") after the training started with generation "
        + status.appliedGeneration + "; changes are not applied to a started training: create a new"
        + " ArrestTraining (or delete and re-create this one) to run the new spec";
    boolean alreadyReported = Conditions.find(status.conditions, Conditions.SPEC_APPLIED)
        .map(c -> message.equals(c.getMessage())).orElse(false);
    Conditions.set(status.conditions, Conditions.SPEC_APPLIED, false, SPEC_CHANGE_IGNORED, message, generation, now);
    if (!alreadyReported) {
      events.warning(training, SPEC_CHANGE_IGNORED, message);
    }
  }

  /** What a stage's reconciliation leads to: go on with the next stage, or stop and look again later (or never). */
  private record Step(boolean nextStage, Duration requeueAfter) {
    static final Step NEXT_STAGE = new Step(true, null);
    static final Step FINISHED = new Step(false, null);

    static Step requeue(Duration after) {
      return new Step(false, after);
    }
  }

  /** Moves one unfinished stage forward. */
  private Step advance(ArrestTraining training, ArrestTrainingSpec spec, Stage stage,
      TrainingStageStatus entry, String now) {
    ArrestTrainingStatus status = training.getStatus();
    String jobName = StageJobNames.of(training.getMetadata().getName(), stage);
    Optional<Job> found = jobs.find(training, stage);
    if (found.isPresent() && !StageJobs.isOwnedBy(found.get(), training)) {
      setRunning(status, JOB_NAME_CONFLICT, "Job " + jobName + " exists but belongs to another object (a deleted"
          + " ArrestTraining of the same name?); waiting for it to go away", training, now);
      return Step.requeue(settings.progressInterval());
    }
    if (found.isEmpty()) {
      if (entry.phase == StagePhase.RUNNING) {
        fail(training, stage, entry, JOB_MISSING, "Job " + jobName + " of stage " + stage + " was deleted before"
            + " its outcome was recorded; create a new ArrestTraining (or delete and re-create this one) to run"
            + " again", now);
        return Step.FINISHED;
      }
      Job created = jobs.create(jobFactory.build(training, spec, stage, status.output.claimName));
      markStarted(training, stage, entry, created, now);
      return Step.requeue(settings.progressInterval());
    }
    Job job = found.get();
    if (entry.phase == StagePhase.PENDING) {
      // Created by an earlier reconciliation whose status update did not land: adopt it.
      markStarted(training, stage, entry, job, now);
    }
    status.phase = phaseOf(stage);
    JobOutcome outcome = JobOutcome.of(job);
    switch (outcome.state()) {
      case QUEUED -> {
        setProgressSummary(status, stage, stage + " queued");
        setRunning(status, "Queued", "Job " + jobName + " " + outcome.message(), training, now);
        return Step.requeue(settings.progressInterval());
      }
      case RUNNING -> {
        readProgress(job, stage, status, now);
        setRunning(status, stageReason(stage), runningMessage(jobName, stage), training, now);
        return Step.requeue(settings.progressInterval());
      }
      case SUCCEEDED -> {
        return completeStage(training, stage, entry, job, now) ? Step.NEXT_STAGE : Step.FINISHED;
      }
      case FAILED -> {
        Optional<PodTermination> termination = jobs.termination(job, false);
        String trainerMessage = termination.map(PodTermination::failureMessage).orElse(null);
        String jobReason = outcome.reason() == null ? "" : " (" + outcome.reason() + ")";
        String detail = trainerMessage != null ? trainerMessage
            : outcome.message() != null ? outcome.message() : "no message from the trainer";
        fail(training, stage, entry, STAGE_FAILED, stage + " failed" + jobReason + ": " + detail, now);
        return Step.FINISHED;
      }
      default -> throw new IllegalStateException("unknown Job state " + outcome.state());
    }
  }

  /** Records a succeeded Job's result; false when the training failed instead. */
  private boolean completeStage(ArrestTraining training, Stage stage, TrainingStageStatus entry, Job job,
      String now) {
    ArrestTrainingStatus status = training.getStatus();
    Optional<PodTermination> termination = jobs.termination(job, true);
    TerminationMessage result = termination.map(PodTermination::result).orElse(null);
    if (result != null && result.status() == StageStatus.FAILED) {
      fail(training, stage, entry, STAGE_FAILED, stage + " failed: "
          + Objects.requireNonNullElse(result.message(), "the trainer reported a failure without a message"), now);
      return false;
    }
    String where = status.output.path + "/" + stage + "/stage-result.json";
    if (result == null || (stage == Stage.EVALUATE && result.evaluation() == null)) {
      String found = termination.map(t -> " (pod " + t.podName() + " left: "
          + Objects.requireNonNullElse(t.failureMessage(), "nothing") + ")").orElse(" (its pod is gone)");
      String message = "the " + stage + " Job succeeded but left no stage result in its termination message"
          + found + "; see " + where + " on claim " + status.output.claimName;
      if (stage == Stage.EVALUATE) {
        fail(training, stage, entry, RESULTS_UNAVAILABLE, message, now);
        return false;
      }
      // The model is on the volume, which is all the next stage needs; only the metrics are missing.
      entry.phase = StagePhase.SUCCEEDED;
      entry.message = message;
      entry.completionTime = completionTime(job, now);
      events.warning(training, RESULT_UNAVAILABLE, message);
      return true;
    }
    StatusMapping.applyStageResult(entry, result);
    entry.phase = StagePhase.SUCCEEDED;
    entry.message = result.message();
    entry.completionTime = completionTime(job, now);
    if (stage == Stage.EVALUATE) {
      status.results = StatusMapping.results(result.evaluation());
    }
    events.normal(training, STAGE_SUCCEEDED, describeSuccess(stage, result));
    return true;
  }

  private void markStarted(ArrestTraining training, Stage stage, TrainingStageStatus entry, Job job, String now) {
    ArrestTrainingStatus status = training.getStatus();
    entry.phase = StagePhase.RUNNING;
    entry.jobName = job.getMetadata().getName();
    entry.startTime = job.getMetadata().getCreationTimestamp() != null
        ? job.getMetadata().getCreationTimestamp() : now;
    entry.message = null;
    status.phase = phaseOf(stage);
    TrainingProgress progress = new TrainingProgress();
    progress.stage = stage.toString();
    progress.summary = stage + " starting";
    progress.updatedAt = now;
    status.progress = progress;
    setRunning(status, stageReason(stage), runningMessage(entry.jobName, stage), training, now);
    events.normal(training, STAGE_STARTED, "stage " + stage + " started: Job " + entry.jobName);
  }

  private void readProgress(Job job, Stage stage, ArrestTrainingStatus status, String now) {
    Optional<Pod> pod = jobs.runningPod(job);
    if (pod.isEmpty()) {
      return;
    }
    Optional<ProgressEvent> event = progressReader.latest(job.getMetadata().getNamespace(),
        pod.get().getMetadata().getName(), StageJobFactory.CONTAINER_NAME)
        .filter(e -> e.stage() == null || e.stage() == stage);
    if (event.isEmpty()) {
      setProgressSummary(status, stage, stage + " running");
      return;
    }
    TrainingProgress progress = StatusMapping.progress(event.get(), now);
    progress.stage = stage.toString();
    if (status.progress != null) {
      // Unchanged progress keeps its timestamp, so that an idle poll does not rewrite the status.
      progress.updatedAt = status.progress.updatedAt;
      if (!sameProgress(progress, status.progress)) {
        progress.updatedAt = now;
      }
    }
    status.progress = progress;
  }

  private void fail(ArrestTraining training, Stage stage, TrainingStageStatus entry, String reason, String message,
      String now) {
    ArrestTrainingStatus status = training.getStatus();
    entry.phase = StagePhase.FAILED;
    entry.message = message;
    entry.completionTime = now;
    status.phase = TrainingPhase.FAILED;
    TrainingProgress progress = status.progress != null ? status.progress : new TrainingProgress();
    progress.stage = stage.toString();
    progress.summary = stage + " failed";
    progress.etaSeconds = null;
    status.progress = progress;
    setFinished(status, false, reason, message, training, now);
    events.warning(training, reason, message);
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

  private static void setRunning(ArrestTrainingStatus status, String reason, String message,
      ArrestTraining training, String now) {
    Long generation = training.getMetadata().getGeneration();
    Conditions.set(status.conditions, Conditions.READY, false, reason, "the training has not finished: " + message,
        generation, now);
    Conditions.set(status.conditions, Conditions.PROGRESSING, true, reason, message, generation, now);
    Conditions.set(status.conditions, Conditions.FAILED, false, reason, "no failure", generation, now);
  }

  private static void setFinished(ArrestTrainingStatus status, boolean succeeded, String reason, String message,
      ArrestTraining training, String now) {
    Long generation = training.getMetadata().getGeneration();
    Conditions.set(status.conditions, Conditions.READY, succeeded, reason, message, generation, now);
    Conditions.set(status.conditions, Conditions.PROGRESSING, false, reason, message, generation, now);
    Conditions.set(status.conditions, Conditions.FAILED, !succeeded, reason, succeeded ? "no failure" : message,
        generation, now);
  }

  private static void setProgressSummary(ArrestTrainingStatus status, Stage stage, String summary) {
    if (status.progress == null || !stage.toString().equals(status.progress.stage)) {
      status.progress = new TrainingProgress();
      status.progress.stage = stage.toString();
    }
    if (status.progress.fraction == null) {
      status.progress.summary = summary;
    }
  }

  private static boolean sameProgress(TrainingProgress a, TrainingProgress b) {
    return Objects.equals(a.stage, b.stage) && Objects.equals(a.epoch, b.epoch)
        && Objects.equals(a.batch, b.batch) && Objects.equals(a.fraction, b.fraction)
        && Objects.equals(a.loss, b.loss) && Objects.equals(a.summary, b.summary);
  }

  private static String describeSuccess(Stage stage, TerminationMessage result) {
    StringBuilder text = new StringBuilder("stage " + stage + " succeeded");
    if (result.seconds() != null) {
      text.append(String.format(Locale.ROOT, " in %.0f s", result.seconds()));
    }
    if (result.epochs() != null && result.epochs() > 0) {
      text.append(" (").append(result.epochs()).append(" epochs)");
    }
    if (result.evaluation() != null) {
      text.append(String.format(Locale.ROOT, ": standard accuracy %.4f, robust accuracy %.4f",
          result.evaluation().standardAccuracy(), result.evaluation().robustAccuracy()));
    }
    return text.toString();
  }

  private static String describeResults(TrainingResults results) {
    if (results == null) {
      return "all stages succeeded";
    }
    String text = String.format(Locale.ROOT, "standard accuracy %.4f, robust accuracy %.4f on %d samples",
        results.standardAccuracy, results.robustAccuracy, results.samples);
    return results.tradeoffScore == null ? text
        : text + String.format(Locale.ROOT, ", tradeoff score %.4f", results.tradeoffScore);
  }

  private static String completionTime(Job job, String now) {
    return job.getStatus() != null && job.getStatus().getCompletionTime() != null
        ? job.getStatus().getCompletionTime() : now;
  }

  static TrainingPhase phaseOf(Stage stage) {
    return switch (stage) {
      case PRETRAIN -> TrainingPhase.PRETRAINING;
      case FINETUNE -> TrainingPhase.FINETUNING;
      case EVALUATE -> TrainingPhase.EVALUATING;
    };
  }

  /** The same text right after creation and while running, so that a second reconciliation changes nothing. */
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
    TrainingStageStatus entry = switch (stage) {
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
