package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.RunPolicySpec;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.JobOutcome;
import dev.arrest.operator.jobs.JobRun;
import dev.arrest.operator.jobs.PodTermination;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.observer.Disruption;
import dev.arrest.operator.observer.PodDiagnosis;
import dev.arrest.operator.observer.StageBlocker;
import dev.arrest.operator.observer.StageObservation;
import dev.arrest.operator.observer.StageObserver;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Reason;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves one stage forward from what the {@link StageObserver} saw: creates its Job, adopts one an
 * earlier pass created, restarts it as a new Job after a disruption, and records its outcome in the
 * stage's status entry, with the stage's Events. What that means for the training (its phase,
 * conditions, results) is up to the caller: a failed stage fails a single run, but only its point
 * in a sweep. Decided from the entry and the cluster alone, so repeating a call repeats nothing
 * (see {@link TrainingLifecycle}).
 */
class StageJobRunner {
  private final StageJobs jobs;
  private final StageObserver observer;
  private final StageJobFactory jobFactory;
  private final PodLogProgressReader progressReader;
  private final TrainingEvents events;
  private final JobCreations creations;

  StageJobRunner(
      StageJobs jobs,
      StageJobFactory jobFactory,
      PodLogProgressReader progressReader,
      TrainingEvents events,
      JobCreations creations) {
    this.jobs = jobs;
    this.observer = new StageObserver(jobs);
    this.jobFactory = jobFactory;
    this.progressReader = progressReader;
    this.events = events;
    this.creations = creations;
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
    /** The Job exists but its trainer cannot start or go on; {@code reason} says why. */
    BLOCKED,
    /**
     * The stage restarts after a disruption: the previous Job is being deleted and the next one is
     * created once its pods are gone.
     */
    RESTARTING,
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
      Reason reason,
      String message,
      TerminationMessage result,
      Job job,
      boolean adopted) {
    boolean started() {
      return kind == Kind.CREATED || adopted;
    }

    static Step of(Kind kind, Job job) {
      return new Step(kind, null, null, null, job, false);
    }
  }

  /** Where the stage's Jobs run and under which policy. */
  record Context(
      ArrestTraining training,
      ArrestTrainingSpec spec,
      String claimName,
      String outputPath,
      String trainerImage,
      Long deadlineSecondsLeft,
      String now) {
    RunPolicySpec runPolicy() {
      return spec.runPolicy != null ? spec.runPolicy : new RunPolicySpec();
    }
  }

  Step advance(Context context, StageTarget target, TrainingStageStatus entry) {
    ArrestTraining training = context.training();
    String jobName = target.jobName(training.getMetadata().getName(), attempt(entry));
    StageObservation observed = observer.observe(training, jobName, Instant.parse(context.now()));
    if (observed.ownedByOther()) {
      return new Step(
          Kind.CONFLICT,
          Reason.JOB_NAME_CONFLICT,
          "Job "
              + jobName
              + " exists but belongs to another object (a deleted ArrestTraining of the same"
              + " name?); waiting for it to go away",
          null,
          null,
          false);
    }
    if (!observed.exists()) {
      if (entry.phase == StagePhase.RUNNING) {
        return restart(
            context,
            target,
            entry,
            observed,
            new Disruption("Job " + jobName + " was deleted before its outcome was recorded"));
      }
      return create(context, target, entry);
    }
    Job job = observed.job();
    boolean adopted = entry.phase == StagePhase.PENDING;
    if (adopted) {
      // Created by an earlier reconciliation whose status update did not land: adopt it.
      markStarted(context, target, entry, job);
    }
    if (observed.invalidSpec().isPresent()) {
      // The trainer refused the spec: the Job's further retries would refuse it again.
      jobs.delete(job);
      return fail(
          context,
          target,
          entry,
          job,
          Reason.INVALID_SPEC,
          target.stage() + " refused its spec: " + observed.invalidSpec().get().failureMessage());
    }
    JobOutcome outcome = observed.outcome();
    return switch (outcome.state()) {
      case QUEUED -> {
        entry.waitingSince = null;
        yield new Step(
            Kind.QUEUED,
            Reason.QUEUED,
            "Job " + jobName + " " + outcome.message(),
            null,
            job,
            adopted);
      }
      case RUNNING -> running(context, target, entry, observed, adopted);
      case SUCCEEDED -> complete(context, target, entry, observed, adopted);
      case FAILED -> {
        if (observed.disruption().isPresent()) {
          yield restart(context, target, entry, observed, observed.disruption().get());
        }
        Optional<PodTermination> termination = jobs.termination(job, false);
        String trainerMessage = termination.map(PodTermination::failureMessage).orElse(null);
        String jobReason = outcome.reason() == null ? "" : " (" + outcome.reason() + ")";
        String detail =
            trainerMessage != null
                ? trainerMessage
                : outcome.message() != null ? outcome.message() : "no message from the trainer";
        yield fail(
            context,
            target,
            entry,
            job,
            Reason.STAGE_FAILED,
            target.stage() + " failed" + jobReason + ": " + detail);
      }
    };
  }

  /** A Job that has not finished: running, waiting to start, or disrupted while it ran. */
  private Step running(
      Context context,
      StageTarget target,
      TrainingStageStatus entry,
      StageObservation observed,
      boolean adopted) {
    Job job = observed.job();
    if (observed.disruption().isPresent()) {
      return restart(context, target, entry, observed, observed.disruption().get());
    }
    if (observed.started() && observed.blocker().isEmpty()) {
      entry.waitingSince = null;
      return new Step(Kind.RUNNING, null, null, null, job, adopted);
    }
    if (entry.waitingSince == null) {
      entry.waitingSince = context.now();
    }
    Optional<StageBlocker> blocker = observed.blocker();
    long waited = secondsSince(entry.waitingSince, context.now());
    long timeout = context.runPolicy().startTimeoutSeconds;
    if (waited >= timeout) {
      jobs.delete(job);
      Reason reason = blocker.map(StageBlocker::reason).orElse(Reason.START_TIMEOUT);
      return fail(
          context,
          target,
          entry,
          job,
          reason,
          target.stage()
              + " did not start within spec.runPolicy.startTimeoutSeconds ("
              + timeout
              + " s): "
              + blocker
                  .map(StageBlocker::message)
                  .orElse("its pod never ran; check the Job's Events and the pod's"));
    }
    if (blocker.isEmpty()) {
      return new Step(Kind.RUNNING, null, null, null, job, adopted);
    }
    String message = target.eventPrefix() + blocker.get().message();
    if (!message.equals(entry.message)) {
      events.warning(context.training(), blocker.get().reason(), message);
    }
    entry.message = message;
    return new Step(Kind.BLOCKED, blocker.get().reason(), message, null, job, adopted);
  }

  /**
   * Creates the stage's Job, once no pod of its previous attempt is alive. A refusal that no retry
   * can fix (the Job is invalid) fails the stage; one that may pass later (a quota on Job objects)
   * keeps it waiting, under the start timeout.
   */
  private Step create(Context context, StageTarget target, TrainingStageStatus entry) {
    ArrestTraining training = context.training();
    int attempt = attempt(entry);
    String namespace = training.getMetadata().getNamespace();
    String jobName = target.jobName(training.getMetadata().getName(), attempt);
    // Whether an earlier pass created this attempt's Job and the status does not say so: this
    // process's memory for a training no other process reconciled, else the cluster's trace.
    boolean ours = creations.onlyThisProcess(training);
    boolean createdEarlier =
        ours
            ? creations.createdHere(namespace, jobName)
            : events.recorded(
                training,
                TrainingEvents.NORMAL,
                Reason.STAGE_STARTED,
                startedMessage(target, jobName));
    if ((attempt > 0 && previousAttemptAlive(training, target, attempt))
        || ((createdEarlier || !ours)
            && jobs.pods(namespace, jobName).stream().anyMatch(PodDiagnosis::isAlive))) {
      // Never two trainers on one stage: pods of the previous attempt, or of a Job of this very
      // name deleted before its outcome was recorded, may still write its checkpoints.
      return new Step(
          Kind.RESTARTING,
          Reason.STAGE_RESTARTED,
          entry.message != null ? entry.message : "waiting for the previous Job's pods to end",
          null,
          null,
          false);
    }
    if (createdEarlier) {
      // An earlier pass created this attempt's Job (its StageStarted Event says so), and the Job
      // was deleted before the status recorded it: run the stage as the next attempt, as after any
      // deleted Job, rather than a second Job for this attempt.
      return restart(
          context,
          target,
          entry,
          observer.observe(training, jobName, Instant.parse(context.now())),
          new Disruption("Job " + jobName + " was deleted before its outcome was recorded"));
    }
    Job job =
        jobFactory.build(
            training,
            context.spec(),
            target,
            context.claimName(),
            new JobRun(attempt, context.trainerImage(), context.deadlineSecondsLeft()));
    Job created;
    try {
      created = jobs.create(job);
    } catch (KubernetesClientException e) {
      Optional<JobRejection> rejection = JobRejection.of(e);
      if (rejection.isEmpty()) {
        throw e;
      }
      if (rejection.get().permanent()) {
        return fail(
            context, target, entry, null, Reason.JOB_REJECTED, rejection.get().message(job));
      }
      if (entry.waitingSince == null) {
        entry.waitingSince = context.now();
      }
      long timeout = context.runPolicy().startTimeoutSeconds;
      if (secondsSince(entry.waitingSince, context.now()) >= timeout) {
        return fail(
            context,
            target,
            entry,
            null,
            Reason.JOB_CREATE_FAILED,
            target.stage()
                + " did not start within spec.runPolicy.startTimeoutSeconds ("
                + timeout
                + " s): "
                + rejection.get().message(job));
      }
      String message = target.eventPrefix() + rejection.get().message(job);
      if (!message.equals(entry.message)) {
        events.warning(training, Reason.JOB_CREATE_FAILED, message);
      }
      entry.message = message;
      return new Step(Kind.BLOCKED, Reason.JOB_CREATE_FAILED, message, null, null, false);
    }
    creations.created(namespace, jobName);
    markStarted(context, target, entry, created);
    // The start timeout counts from the Job's creation, not from the start of this pass (which
    // may have taken a while on a busy API server).
    entry.waitingSince =
        created.getMetadata().getCreationTimestamp() != null
            ? created.getMetadata().getCreationTimestamp()
            : context.now();
    return new Step(Kind.CREATED, null, null, null, created, false);
  }

  private boolean previousAttemptAlive(ArrestTraining training, StageTarget target, int attempt) {
    String previous = target.jobName(training.getMetadata().getName(), attempt - 1);
    String namespace = training.getMetadata().getNamespace();
    Optional<Job> job = jobs.find(namespace, previous);
    if (job.isPresent()) {
      // Deleted in the foreground: it disappears only after its pods.
      if (job.get().getMetadata().getDeletionTimestamp() == null) {
        jobs.delete(job.get());
      }
      return true;
    }
    return jobs.pods(namespace, previous).stream().anyMatch(PodDiagnosis::isAlive);
  }

  /**
   * After a disruption: deletes what is left of the Job and makes the entry wait for the next
   * attempt, which resumes from the stage's last checkpoint; fails the stage once
   * spec.runPolicy.maxRestarts restarts are spent.
   */
  private Step restart(
      Context context,
      StageTarget target,
      TrainingStageStatus entry,
      StageObservation observed,
      Disruption disruption) {
    int restarts = entry.restarts == null ? 0 : entry.restarts;
    int limit = context.runPolicy().maxRestarts;
    if (observed.exists()) {
      jobs.delete(observed.job());
    }
    if (restarts >= limit) {
      return fail(
          context,
          target,
          entry,
          observed.job(),
          Reason.RESTARTS_EXHAUSTED,
          target.stage()
              + " disrupted again ("
              + disruption.cause()
              + ") after "
              + restarts
              + " restarts; spec.runPolicy.maxRestarts is "
              + limit);
    }
    entry.restarts = restarts + 1;
    entry.attempt = attempt(entry) + 1;
    entry.phase = StagePhase.PENDING;
    entry.waitingSince = null;
    entry.message =
        "restart "
            + entry.restarts
            + " of at most "
            + limit
            + " after "
            + disruption.cause()
            + "; resumes from the last checkpoint";
    events.warning(
        context.training(),
        Reason.STAGE_RESTARTED,
        target.eventPrefix() + target.stage() + " " + entry.message);
    return new Step(Kind.RESTARTING, Reason.STAGE_RESTARTED, entry.message, null, null, false);
  }

  /**
   * Stops the stage's running Job for a suspension: the entry waits for a new attempt, which
   * resumes from the last checkpoint once the training is resumed. Not counted as a restart.
   */
  void suspend(ArrestTraining training, StageTarget target, TrainingStageStatus entry) {
    if (entry.phase != StagePhase.RUNNING && entry.phase != StagePhase.PENDING) {
      return;
    }
    String jobName = target.jobName(training.getMetadata().getName(), attempt(entry));
    Optional<Job> job = jobs.find(training, jobName);
    if (entry.phase == StagePhase.PENDING && job.isEmpty()) {
      return; // not started, or suspended already
    }
    // A Pending entry with a Job: created by a pass whose status write was lost. It is stopped too.
    job.ifPresent(jobs::delete);
    entry.attempt = attempt(entry) + 1;
    entry.phase = StagePhase.PENDING;
    entry.waitingSince = null;
    entry.message = "suspended (spec.suspend); resumes from the last checkpoint";
  }

  /** Deletes the stage's current Job, if any: the run is over (deadline) or the Job is expired. */
  void deleteJob(ArrestTraining training, TrainingStageStatus entry) {
    if (entry.jobName != null) {
      jobs.find(training, entry.jobName).ifPresent(jobs::delete);
    }
  }

  /** Whether the stage's recorded Job still exists. */
  boolean jobExists(ArrestTraining training, TrainingStageStatus entry) {
    return entry.jobName != null && jobs.find(training, entry.jobName).isPresent();
  }

  /** Records a succeeded Job's result; an evaluation without results fails the stage instead. */
  private Step complete(
      Context context,
      StageTarget target,
      TrainingStageStatus entry,
      StageObservation observed,
      boolean adopted) {
    Stage stage = target.stage();
    Job job = observed.job();
    Optional<PodTermination> termination = jobs.termination(job, true);
    if (termination.isEmpty()) {
      // The result leaves the pod only in its termination message, and the pod is gone (deleted,
      // or its node with it) before it was read. The stage runs again as the next attempt: the
      // trainer resumes from its last checkpoint and reports the result again.
      return restart(
          context,
          target,
          entry,
          observed,
          new Disruption(
              "Job "
                  + job.getMetadata().getName()
                  + " succeeded but its pod, which held the result, is gone"));
    }
    TerminationMessage result = termination.map(PodTermination::result).orElse(null);
    if (result != null && result.status() == StageStatus.FAILED) {
      return fail(
          context,
          target,
          entry,
          job,
          Reason.STAGE_FAILED,
          stage
              + " failed: "
              + Objects.requireNonNullElse(
                  result.message(), "the trainer reported a failure without a message"));
    }
    entry.waitingSince = null;
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
              .orElseThrow();
      String message =
          "the "
              + stage
              + " Job succeeded but left no stage result in its termination message"
              + found
              + "; see "
              + context.outputPath()
              + "/"
              + target.directory()
              + "/stage-result.json on claim "
              + context.claimName();
      if (stage == Stage.EVALUATE) {
        return fail(context, target, entry, job, Reason.RESULTS_UNAVAILABLE, message);
      }
      // The model is on the volume, which is all the next stage needs; only the metrics are
      // missing.
      entry.phase = StagePhase.SUCCEEDED;
      entry.message = message;
      entry.completionTime = completionTime(job, context.now());
      events.warning(
          context.training(), Reason.STAGE_RESULT_UNAVAILABLE, target.eventPrefix() + message);
      return new Step(Kind.SUCCEEDED, null, null, null, job, adopted);
    }
    StatusMapping.applyStageResult(entry, result);
    entry.phase = StagePhase.SUCCEEDED;
    entry.message = result.message();
    entry.completionTime = completionTime(job, context.now());
    events.normal(
        context.training(),
        Reason.STAGE_SUCCEEDED,
        target.eventPrefix() + describeSuccess(stage, result));
    return new Step(Kind.SUCCEEDED, null, null, result, job, adopted);
  }

  private Step fail(
      Context context,
      StageTarget target,
      TrainingStageStatus entry,
      Job job,
      Reason reason,
      String message) {
    entry.phase = StagePhase.FAILED;
    entry.message = message;
    entry.completionTime = context.now();
    entry.waitingSince = null;
    events.warning(context.training(), reason, target.eventPrefix() + message);
    return new Step(Kind.FAILED, reason, message, null, job, false);
  }

  private void markStarted(
      Context context, StageTarget target, TrainingStageStatus entry, Job job) {
    entry.phase = StagePhase.RUNNING;
    entry.jobName = job.getMetadata().getName();
    if (entry.startTime == null) {
      entry.startTime =
          job.getMetadata().getCreationTimestamp() != null
              ? job.getMetadata().getCreationTimestamp()
              : context.now();
    }
    entry.message = null;
    events.normal(context.training(), Reason.STAGE_STARTED, startedMessage(target, entry.jobName));
  }

  private static String startedMessage(StageTarget target, String jobName) {
    return target.eventPrefix() + "stage " + target.stage() + " started: Job " + jobName;
  }

  static int attempt(TrainingStageStatus entry) {
    return entry.attempt == null ? 0 : entry.attempt;
  }

  private static long secondsSince(String then, String now) {
    return Duration.between(Instant.parse(then), Instant.parse(now)).getSeconds();
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
