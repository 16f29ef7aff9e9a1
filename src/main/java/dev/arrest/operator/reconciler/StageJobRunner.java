package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.JobOutcome;
import dev.arrest.operator.jobs.PodTermination;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves one stage Job forward: creates or adopts it, reads its outcome, and records it in the
 * stage's status entry, with the stage's Events. What that means for the training (its phase,
 * conditions, results) is up to the caller: a failed stage fails a single run, but only its point
 * in a sweep. Decided from the entry and the Job alone, so repeating a call repeats nothing (see
 * {@link TrainingLifecycle}).
 */
class StageJobRunner {
  private final StageJobs jobs;
  private final StageJobFactory jobFactory;
  private final PodLogProgressReader progressReader;
  private final TrainingEvents events;

  StageJobRunner(
      StageJobs jobs,
      StageJobFactory jobFactory,
      PodLogProgressReader progressReader,
      TrainingEvents events) {
    this.jobs = jobs;
    this.jobFactory = jobFactory;
    this.progressReader = progressReader;
    this.events = events;
  }

  /** What {@link #advance} found. */
  enum Kind {
    /** A Job of that name belongs to another object; wait for it to go away. */
    CONFLICT,
    /** The Job was just created. */
    CREATED,
    /** Suspended until Kueue admits it. */
    QUEUED,
    RUNNING,
    /**
     * The entry is Succeeded; {@code result} holds the trainer's result (null when it left none).
     */
    SUCCEEDED,
    /** The entry is Failed; {@code reason} and {@code message} say why. */
    FAILED
  }

  /**
   * @param adopted the entry was Pending but its Job existed (an earlier status write was lost) and
   *     is now Running
   * @param job the stage's Job (absent for CONFLICT and a missing Job)
   */
  record Step(
      Kind kind,
      String reason,
      String message,
      TerminationMessage result,
      Job job,
      boolean adopted) {
    boolean started() {
      return kind == Kind.CREATED || adopted;
    }
  }

  Step advance(
      ArrestTraining training,
      ArrestTrainingSpec spec,
      String claimName,
      String outputPath,
      StageTarget target,
      TrainingStageStatus entry,
      String now) {
    Stage stage = target.stage();
    String jobName = target.jobName(training.getMetadata().getName());
    Optional<Job> found = jobs.find(training, target);
    if (found.isPresent() && !StageJobs.isOwnedBy(found.get(), training)) {
      return new Step(
          Kind.CONFLICT,
          TrainingLifecycle.JOB_NAME_CONFLICT,
          "Job "
              + jobName
              + " exists but belongs to another object (a deleted ArrestTraining of the same"
              + " name?); waiting for it to go away",
          null,
          null,
          false);
    }
    if (found.isEmpty()) {
      if (entry.phase == StagePhase.RUNNING) {
        return fail(
            training,
            target,
            entry,
            null,
            TrainingLifecycle.JOB_MISSING,
            "Job "
                + jobName
                + " of stage "
                + stage
                + " was deleted before its outcome was recorded; create a new ArrestTraining (or"
                + " delete and re-create this one) to run again",
            now);
      }
      Job created = jobs.create(jobFactory.build(training, spec, target, claimName));
      markStarted(training, target, entry, created, now);
      return new Step(Kind.CREATED, null, null, null, created, false);
    }
    Job job = found.get();
    boolean adopted = entry.phase == StagePhase.PENDING;
    if (adopted) {
      // Created by an earlier reconciliation whose status update did not land: adopt it.
      markStarted(training, target, entry, job, now);
    }
    JobOutcome outcome = JobOutcome.of(job);
    return switch (outcome.state()) {
      case QUEUED ->
          new Step(
              Kind.QUEUED,
              "Queued",
              "Job " + jobName + " " + outcome.message(),
              null,
              job,
              adopted);
      case RUNNING -> new Step(Kind.RUNNING, null, null, null, job, adopted);
      case SUCCEEDED -> complete(training, claimName, outputPath, target, entry, job, adopted, now);
      case FAILED -> {
        Optional<PodTermination> termination = jobs.termination(job, false);
        String trainerMessage = termination.map(PodTermination::failureMessage).orElse(null);
        String jobReason = outcome.reason() == null ? "" : " (" + outcome.reason() + ")";
        String detail =
            trainerMessage != null
                ? trainerMessage
                : outcome.message() != null ? outcome.message() : "no message from the trainer";
        yield fail(
            training,
            target,
            entry,
            job,
            TrainingLifecycle.STAGE_FAILED,
            stage + " failed" + jobReason + ": " + detail,
            now);
      }
    };
  }

  /** Records a succeeded Job's result; an evaluation without results fails the stage instead. */
  private Step complete(
      ArrestTraining training,
      String claimName,
      String outputPath,
      StageTarget target,
      TrainingStageStatus entry,
      Job job,
      boolean adopted,
      String now) {
    Stage stage = target.stage();
    Optional<PodTermination> termination = jobs.termination(job, true);
    TerminationMessage result = termination.map(PodTermination::result).orElse(null);
    if (result != null && result.status() == StageStatus.FAILED) {
      return fail(
          training,
          target,
          entry,
          job,
          TrainingLifecycle.STAGE_FAILED,
          stage
              + " failed: "
              + Objects.requireNonNullElse(
                  result.message(), "the trainer reported a failure without a message"),
          now);
    }
    if (result == null || (stage == Stage.EVALUATE && result.evaluation() == null)) {
      String found =
          termination
              .map(
                  t ->
                      " (pod "
                          + t.podName()
                          + " left: "
                          + Objects.requireNonNullElse(t.failureMessage(), "nothing")
                          + ")")
              .orElse(" (its pod is gone)");
      String message =
          "the "
              + stage
              + " Job succeeded but left no stage result in its termination message"
              + found
              + "; see "
              + outputPath
              + "/"
              + target.directory()
              + "/stage-result.json on claim "
              + claimName;
      if (stage == Stage.EVALUATE) {
        return fail(
            training, target, entry, job, TrainingLifecycle.RESULTS_UNAVAILABLE, message, now);
      }
      // The model is on the volume, which is all the next stage needs; only the metrics are
      // missing.
      entry.phase = StagePhase.SUCCEEDED;
      entry.message = message;
      entry.completionTime = completionTime(job, now);
      events.warning(
          training, TrainingLifecycle.RESULT_UNAVAILABLE, target.eventPrefix() + message);
      return new Step(Kind.SUCCEEDED, null, null, null, job, adopted);
    }
    StatusMapping.applyStageResult(entry, result);
    entry.phase = StagePhase.SUCCEEDED;
    entry.message = result.message();
    entry.completionTime = completionTime(job, now);
    events.normal(
        training,
        TrainingLifecycle.STAGE_SUCCEEDED,
        target.eventPrefix() + describeSuccess(stage, result));
    return new Step(Kind.SUCCEEDED, null, null, result, job, adopted);
  }

  private Step fail(
      ArrestTraining training,
      StageTarget target,
      TrainingStageStatus entry,
      Job job,
      String reason,
      String message,
      String now) {
    entry.phase = StagePhase.FAILED;
    entry.message = message;
    entry.completionTime = now;
    events.warning(training, reason, target.eventPrefix() + message);
    return new Step(Kind.FAILED, reason, message, null, job, false);
  }

  private void markStarted(
      ArrestTraining training, StageTarget target, TrainingStageStatus entry, Job job, String now) {
    entry.phase = StagePhase.RUNNING;
    entry.jobName = job.getMetadata().getName();
    entry.startTime =
        job.getMetadata().getCreationTimestamp() != null
            ? job.getMetadata().getCreationTimestamp()
            : now;
    entry.message = null;
    events.normal(
        training,
        TrainingLifecycle.STAGE_STARTED,
        target.eventPrefix() + "stage " + target.stage() + " started: Job " + entry.jobName);
  }

  /**
   * The running stage's progress from its pod's latest progress line; {@code current} (the progress
   * shown so far) when there is no running pod yet. Unchanged progress keeps its timestamp, so that
   * an idle poll does not rewrite the status.
   */
  TrainingProgress progress(Job job, Stage stage, TrainingProgress current, String now) {
    Optional<Pod> pod = jobs.runningPod(job);
    if (pod.isEmpty()) {
      return current;
    }
    Optional<ProgressEvent> event =
        progressReader
            .latest(
                job.getMetadata().getNamespace(),
                pod.get().getMetadata().getName(),
                StageJobFactory.CONTAINER_NAME)
            .filter(e -> e.stage() == null || e.stage() == stage);
    if (event.isEmpty()) {
      return withSummary(current, stage, stage + " running");
    }
    TrainingProgress progress = StatusMapping.progress(event.get(), now);
    progress.stage = stage.toString();
    if (current != null) {
      progress.updatedAt = current.updatedAt;
      if (!sameProgress(progress, current)) {
        progress.updatedAt = now;
      }
    }
    return progress;
  }

  /** Fresh progress of a stage that has just started. */
  static TrainingProgress starting(Stage stage, String now) {
    TrainingProgress progress = new TrainingProgress();
    progress.stage = stage.toString();
    progress.summary = stage + " starting";
    progress.updatedAt = now;
    return progress;
  }

  /**
   * {@code current} with {@code summary}, unless the trainer already reported a fraction for this
   * stage.
   */
  static TrainingProgress withSummary(TrainingProgress current, Stage stage, String summary) {
    TrainingProgress progress = current;
    if (progress == null || !stage.toString().equals(progress.stage)) {
      progress = new TrainingProgress();
      progress.stage = stage.toString();
    }
    if (progress.fraction == null) {
      progress.summary = summary;
    }
    return progress;
  }

  /** The progress of a stage that failed: the last one reported, marked failed. */
  static TrainingProgress failed(TrainingProgress current, Stage stage) {
    TrainingProgress progress = current != null ? current : new TrainingProgress();
    progress.stage = stage.toString();
    progress.summary = stage + " failed";
    progress.etaSeconds = null;
    return progress;
  }

  private static boolean sameProgress(TrainingProgress a, TrainingProgress b) {
    return Objects.equals(a.stage, b.stage)
        && Objects.equals(a.epoch, b.epoch)
        && Objects.equals(a.batch, b.batch)
        && Objects.equals(a.fraction, b.fraction)
        && Objects.equals(a.loss, b.loss)
        && Objects.equals(a.summary, b.summary);
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
      text.append(
          String.format(
              Locale.ROOT,
              ": standard accuracy %.4f, robust accuracy %.4f",
              result.evaluation().standardAccuracy(),
              result.evaluation().robustAccuracy()));
    }
    return text.toString();
  }

  private static String completionTime(Job job, String now) {
    return job.getStatus() != null && job.getStatus().getCompletionTime() != null
        ? job.getStatus().getCompletionTime()
        : now;
  }
}
