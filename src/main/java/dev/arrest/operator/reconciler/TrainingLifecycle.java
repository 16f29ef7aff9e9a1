package dev.arrest.operator.reconciler;

import dev.arrest.api.spec.SpecValidator;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.OutputLocation;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.RunPolicySpec;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.ServerCapabilities;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.StageTarget;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.Reason;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
  private final OperatorSettings settings;
  private final ServerCapabilities server;
  private final StageJobs jobs;
  private final StageJobFactory jobFactory;
  private final StageJobRunner runner;
  private final JobCreations creations;
  private final SweepLifecycle sweeps;
  private final TrainingEvents events;
  private final Clock clock;

  /** For the oldest supported API server (1.20), without its optional Job features. */
  public TrainingLifecycle(
      OperatorSettings settings,
      StageJobs jobs,
      PodLogProgressReader progressReader,
      TrainingEvents events,
      Clock clock) {
    this(settings, ServerCapabilities.OLDEST, jobs, progressReader, events, clock);
  }

  public TrainingLifecycle(
      OperatorSettings settings,
      ServerCapabilities server,
      StageJobs jobs,
      PodLogProgressReader progressReader,
      TrainingEvents events,
      Clock clock) {
    this(settings, server, jobs, progressReader, events, clock, new JobCreations(clock));
  }

  /**
   * @param creations the stage Jobs this process creates; call {@link #startedReconciling} when it
   *     begins to reconcile (at start, or on becoming the leader)
   */
  public TrainingLifecycle(
      OperatorSettings settings,
      ServerCapabilities server,
      StageJobs jobs,
      PodLogProgressReader progressReader,
      TrainingEvents events,
      Clock clock,
      JobCreations creations) {
    this.settings = settings;
    this.server = server;
    this.jobs = jobs;
    this.jobFactory = new StageJobFactory(settings, server);
    this.creations = creations;
    this.runner = new StageJobRunner(jobs, jobFactory, progressReader, events, creations);
    this.sweeps = new SweepLifecycle(settings, runner, events);
    this.events = events;
    this.clock = clock;
  }

  /**
   * This process begins to reconcile (it started, or became the leader): trainings created later
   * were never reconciled by another process.
   */
  public void startedReconciling() {
    creations.reconciling();
  }

  /**
   * Advances the training as far as the cluster allows; returns when to reconcile again, empty when
   * finished.
   */
  public Optional<Duration> reconcile(ArrestTraining training) {
    ArrestTrainingStatus status = statusOf(training);
    // First, before this pass changes the status: only outcomes already stored may lose their Job.
    Optional<Duration> expiry = expireJobs(training, status, now());
    Set<String> storedOutcomes = finishedJobNames(status);
    Optional<Duration> next = advanceRun(training);
    int restarts =
        recordedEntries(status).stream().mapToInt(e -> e.restarts == null ? 0 : e.restarts).sum();
    status.restarts = restarts == 0 ? null : restarts;
    // Outcomes this pass records are stored when it ends; their Jobs expire in a later pass, which
    // must come even when nothing else is due (a finished training is not looked at again).
    Optional<Duration> newExpiry = firstExpiry(status, storedOutcomes, now());
    return earliest(earliest(next, expiry), newExpiry);
  }

  private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
  }

  /** The Jobs of stage entries whose outcome the status holds. */
  private static Set<String> finishedJobNames(ArrestTrainingStatus status) {
    Set<String> names = new HashSet<>();
    for (TrainingStageStatus entry : recordedEntries(status)) {
      if (entry.phase != null && entry.phase.isDone() && entry.jobName != null) {
        names.add(entry.jobName);
      }
    }
    return names;
  }

  /**
   * When the first Job whose outcome this pass recorded (not among {@code stored}) is due for
   * deletion by spec.runPolicy.jobTtlSecondsAfterFinished; at least a second from now.
   */
  private static Optional<Duration> firstExpiry(
      ArrestTrainingStatus status, Set<String> stored, String now) {
    if (status.appliedSpec == null) {
      return Optional.empty();
    }
    Integer ttl;
    try {
      RunPolicySpec runPolicy = TrainerDocument.parseSpec(status.appliedSpec).runPolicy;
      ttl = runPolicy == null ? null : runPolicy.jobTtlSecondsAfterFinished;
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
    if (ttl == null) {
      return Optional.empty();
    }
    Duration first = null;
    for (TrainingStageStatus entry : recordedEntries(status)) {
      if (entry.phase == null
          || !entry.phase.isDone()
          || entry.jobName == null
          || entry.completionTime == null
          || stored.contains(entry.jobName)) {
        continue;
      }
      Duration wait =
          Duration.between(
              Instant.parse(now), Instant.parse(entry.completionTime).plusSeconds(ttl));
      if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
        wait = Duration.ofSeconds(1);
      }
      first = first == null || wait.compareTo(first) < 0 ? wait : first;
    }
    return Optional.ofNullable(first);
  }

  private Optional<Duration> advanceRun(ArrestTraining training) {
    ArrestTrainingStatus status = training.getStatus();
    Long generation = training.getMetadata().getGeneration();
    String now = now();
    status.observedGeneration = generation;
    if (status.appliedSpec == null) {
      // Nothing has started yet: the latest spec counts, so fixing an invalid spec starts the
      // training.
      if (!admit(training, status, now)) {
        return Optional.empty();
      }
      start(training, status, now);
    } else {
      checkSpecChange(training, status, now);
    }
    ArrestTrainingSpec spec;
    try {
      spec = TrainerDocument.parseSpec(status.appliedSpec);
    } catch (IllegalStateException e) {
      if (!status.phase.isFinal()) {
        fail(
            training,
            status,
            Reason.APPLIED_SPEC_UNREADABLE,
            e.getMessage()
                + "; the operator cannot run this training any more: create it again (delete and"
                + " re-create it) with a spec this operator version accepts",
            now);
      }
      return Optional.empty();
    }
    RunState run = new RunState(training, spec, now);
    if (status.phase.isFinal()) {
      if (rerunRequested(training, status)) {
        rerun(training, status, now);
      } else {
        return afterFinish(run);
      }
    }
    Optional<Duration> deadline = deadlineLeft(run);
    if (deadline.isPresent() && deadline.get().isZero()) {
      stopAll(run);
      fail(
          training,
          status,
          Reason.DEADLINE_EXCEEDED,
          "the run exceeded spec.runPolicy.activeDeadlineSeconds ("
              + spec.runPolicy.activeDeadlineSeconds
              + " s since "
              + status.startTime
              + "); its stage Jobs were stopped",
          now);
      return afterFinish(run);
    }
    if (Boolean.TRUE.equals(training.getSpec() == null ? null : training.getSpec().suspend)) {
      suspend(run);
      return deadline;
    }
    if (status.phase == TrainingPhase.SUSPENDED) {
      events.normal(
          training, Reason.RESUMED, "resumed: the stage runs again from its last checkpoint");
    }
    StageJobRunner.Context context = context(run, deadline);
    for (Stage stage : StagePlan.ownStages(spec)) {
      TrainingStageStatus entry = entry(status, stage);
      if (entry.phase.isDone()) {
        continue;
      }
      Step step = advance(context, stage, entry);
      if (!step.nextStage()) {
        return step.finished() ? afterFinish(run) : earliest(step.requeueAfter(), deadline);
      }
    }
    if (spec.sweep != null) {
      Optional<Duration> next = sweeps.advance(training, applied(training, spec), context);
      return status.phase.isFinal() ? afterFinish(run) : earliest(next.orElse(null), deadline);
    }
    succeed(training, status, now);
    return afterFinish(run);
  }

  /**
   * The facts one pass decides on: the training, its applied spec, this pass's time, and which
   * stage Jobs had their outcome recorded before the pass (only those may be deleted: the outcome
   * of a Job finished in this pass is not stored until the pass ends).
   */
  private record RunState(ArrestTraining training, ArrestTrainingSpec spec, String now) {
    ArrestTrainingStatus status() {
      return training.getStatus();
    }

    RunPolicySpec runPolicy() {
      return spec.runPolicy != null ? spec.runPolicy : new RunPolicySpec();
    }
  }

  /** Validation, the platform's policy and a server-side dry run of the first Job. */
  private boolean admit(ArrestTraining training, ArrestTrainingStatus status, String now) {
    List<String> problems = validate(training);
    if (!problems.isEmpty()) {
      failBeforeStart(training, status, Reason.INVALID_SPEC, "invalid spec: ", problems, now);
      return false;
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
      failBeforeStart(
          training, status, Reason.POLICY_VIOLATION, "refused by policy: ", refusals, now);
      return false;
    }
    // What only the server knows (label syntax of nodeSelector values, tolerations, admission
    // webhooks, quotas on Jobs): a dry-run create of each Job kind checks it before the first runs.
    for (Stage stage : StagePlan.ownStages(training.getSpec())) {
      if (StagePlan.skipReason(training, stage).isPresent()) {
        continue;
      }
      Job job =
          jobFactory.build(
              training,
              training.getSpec(),
              StageTarget.of(stage),
              PlatformValidator.claimName(training.getSpec(), settings));
      try {
        jobs.createDryRun(job);
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          break; // An earlier pass created it: it was admitted then.
        }
        Optional<JobRejection> rejection = JobRejection.of(e);
        if (rejection.isEmpty() || !rejection.get().permanent()) {
          throw e;
        }
        failBeforeStart(
            training, status, Reason.JOB_REJECTED, "", List.of(rejection.get().message(job)), now);
        return false;
      }
      break;
    }
    return true;
  }

  private StageJobRunner.Context context(RunState run, Optional<Duration> deadline) {
    ArrestTrainingStatus status = run.status();
    return new StageJobRunner.Context(
        run.training(),
        run.spec(),
        status.output.claimName,
        status.output.path,
        status.trainerImage != null ? status.trainerImage : jobFactory.trainerImage(run.spec()),
        deadline.map(d -> Math.max(1, d.getSeconds())).orElse(null),
        run.now());
  }

  /** Time left of spec.runPolicy.activeDeadlineSeconds; empty without a deadline. */
  private Optional<Duration> deadlineLeft(RunState run) {
    Long seconds = run.runPolicy().activeDeadlineSeconds;
    if (seconds == null || run.status().startTime == null) {
      return Optional.empty();
    }
    Duration left =
        Duration.between(
            Instant.parse(run.now()), Instant.parse(run.status().startTime).plusSeconds(seconds));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  private static Optional<Duration> earliest(Duration next, Optional<Duration> deadline) {
    if (next == null) {
      return deadline.map(d -> d.plusSeconds(1));
    }
    return Optional.of(
        deadline.map(d -> d.plusSeconds(1)).filter(d -> d.compareTo(next) < 0).orElse(next));
  }

  /**
   * The clean-up of a finished training: each stage Job deleted once its outcome is stored and
   * spec.runPolicy.jobTtlSecondsAfterFinished has passed, the training itself once
   * spec.runPolicy.ttlSecondsAfterFinished has; returns when the next of those is due.
   */
  private Optional<Duration> afterFinish(RunState run) {
    ArrestTrainingStatus status = run.status();
    if (!status.phase.isFinal()) {
      return Optional.empty();
    }
    Instant now = Instant.parse(run.now());
    Integer trainingTtl = run.runPolicy().ttlSecondsAfterFinished;
    if (trainingTtl != null && status.completionTime != null) {
      Instant due = Instant.parse(status.completionTime).plusSeconds(trainingTtl);
      if (!due.isAfter(now)) {
        jobs.deleteTraining(run.training());
        return Optional.empty();
      }
      return Optional.of(Duration.between(now, due));
    }
    return Optional.empty();
  }

  /**
   * Stage Jobs whose outcome is stored and whose spec.runPolicy.jobTtlSecondsAfterFinished passed.
   */
  Optional<Duration> expireJobs(ArrestTraining training, ArrestTrainingStatus stored, String now) {
    if (stored == null || stored.appliedSpec == null) {
      return Optional.empty();
    }
    ArrestTrainingSpec spec;
    try {
      spec = TrainerDocument.parseSpec(stored.appliedSpec);
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
    Integer ttl = spec.runPolicy == null ? null : spec.runPolicy.jobTtlSecondsAfterFinished;
    if (ttl == null) {
      return Optional.empty();
    }
    Instant at = Instant.parse(now);
    Duration next = null;
    for (TrainingStageStatus entry : recordedEntries(stored)) {
      if (!entry.phase.isDone() || entry.completionTime == null || entry.jobName == null) {
        continue;
      }
      Instant due = Instant.parse(entry.completionTime).plusSeconds(ttl);
      if (!due.isAfter(at)) {
        runner.deleteJob(training, entry);
      } else {
        Duration wait = Duration.between(at, due);
        next = next == null || wait.compareTo(next) < 0 ? wait : next;
      }
    }
    return Optional.ofNullable(next);
  }

  private static List<TrainingStageStatus> recordedEntries(ArrestTrainingStatus status) {
    List<TrainingStageStatus> entries = new ArrayList<>();
    if (status.stages != null) {
      for (TrainingStageStatus entry :
          new TrainingStageStatus[] {
            status.stages.pretrain, status.stages.finetune, status.stages.evaluate
          }) {
        if (entry != null) {
          entries.add(entry);
        }
      }
    }
    if (status.points != null) {
      for (PointStatus point : status.points) {
        if (point.stages != null) {
          if (point.stages.finetune != null) {
            entries.add(point.stages.finetune);
          }
          if (point.stages.evaluate != null) {
            entries.add(point.stages.evaluate);
          }
        }
      }
    }
    return entries;
  }

  /** spec.suspend: stops every running stage Job; each resumes from its checkpoint later. */
  private void suspend(RunState run) {
    ArrestTraining training = run.training();
    ArrestTrainingStatus status = run.status();
    for (Stage stage : StagePlan.ownStages(run.spec())) {
      runner.suspend(training, StageTarget.of(stage), entry(status, stage));
    }
    if (status.points != null) {
      for (SweepPoint point : SweepPoints.expand(applied(training, run.spec()))) {
        PointStatus entry = status.points.get(point.id());
        for (Stage stage : List.of(Stage.FINETUNE, Stage.EVALUATE)) {
          TrainingStageStatus stageEntry = SweepLifecycle.stageEntry(entry, stage);
          runner.suspend(training, StageTarget.ofPoint(stage, point), stageEntry);
        }
      }
    }
    if (status.phase != TrainingPhase.SUSPENDED) {
      events.normal(
          training,
          Reason.SUSPENDED,
          "suspended (spec.suspend is true): the running stage Job was stopped; set spec.suspend"
              + " to false to resume from the last checkpoint");
    }
    status.phase = TrainingPhase.SUSPENDED;
    status.progress = StageJobRunner.withSummary(status.progress, Stage.PRETRAIN, "suspended");
    status.progress.summary = "suspended";
    setRunning(
        status, Reason.SUSPENDED.toString(), "suspended by spec.suspend", training, run.now());
    Conditions.set(
        status.conditions,
        Conditions.PROGRESSING,
        false,
        Reason.SUSPENDED.toString(),
        "suspended by spec.suspend",
        training.getMetadata().getGeneration(),
        run.now());
  }

  /** Stops every running stage Job (the run is over). */
  private void stopAll(RunState run) {
    for (TrainingStageStatus entry : recordedEntries(run.status())) {
      if (entry.phase == StagePhase.RUNNING) {
        runner.deleteJob(run.training(), entry);
        entry.phase = StagePhase.FAILED;
        entry.message = "stopped: the run exceeded spec.runPolicy.activeDeadlineSeconds";
        entry.completionTime = run.now();
      }
    }
  }

  private static boolean rerunRequested(ArrestTraining training, ArrestTrainingStatus status) {
    Long nonce = training.getSpec() == null ? null : training.getSpec().restartNonce;
    return status.phase == TrainingPhase.FAILED
        && nonce != null
        && !nonce.equals(status.restartNonce);
  }

  /**
   * spec.restartNonce changed on a failed training: its failed stages (and points) run again, as
   * new attempts that resume from their checkpoints; what succeeded is kept.
   */
  private void rerun(ArrestTraining training, ArrestTrainingStatus status, String now) {
    status.restartNonce = training.getSpec().restartNonce;
    for (TrainingStageStatus entry : recordedEntries(status)) {
      if (entry.phase == StagePhase.FAILED) {
        entry.phase = StagePhase.PENDING;
        entry.attempt = StageJobRunner.attempt(entry) + 1;
        entry.restarts = null;
        entry.message = "re-run (spec.restartNonce " + status.restartNonce + ")";
        entry.completionTime = null;
        entry.waitingSince = null;
      }
    }
    if (status.points != null) {
      for (PointStatus point : status.points) {
        if (point.phase == PointPhase.FAILED) {
          point.phase = PointPhase.PENDING;
          point.message = null;
        }
      }
    }
    status.sweep = null;
    status.completionTime = null;
    status.phase = TrainingPhase.PENDING;
    if (status.startTime != null) {
      // The run's deadline counts from the re-run.
      status.startTime = now;
    }
    events.normal(
        training,
        Reason.RERUN,
        "spec.restartNonce is "
            + status.restartNonce
            + ": the failed stages run again from their last checkpoints");
    setRunning(status, Reason.RERUN.toString(), "re-running the failed stages", training, now);
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
      Reason reason,
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
    status.completionTime = now;
    setFinished(status, false, reason.toString(), message, training, now);
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
          reason -> events.normal(training, Reason.STAGE_SKIPPED, stage + " skipped: " + reason));
    }
    status.trainerImage = jobFactory.trainerImage(spec);
    status.startTime = now;
    status.completionTime = null;
    status.restartNonce = spec.restartNonce;
    status.output = new OutputLocation();
    status.output.claimName = PlatformValidator.claimName(spec, settings);
    status.output.path = StageJobFactory.outputPathInClaim(training, spec);
    Conditions.set(
        status.conditions,
        Conditions.SPEC_APPLIED,
        true,
        Reason.APPLIED.toString(),
        "the stages run the spec of generation " + status.appliedGeneration,
        status.appliedGeneration,
        now);
    setRunning(status, Reason.PENDING.toString(), "starting", training, now);
    // Said once per training, where its users look: what this server lacks and what replaces it
    // (one Event, not one per feature: a burst of new trainings costs the API server one each).
    server
        .fallbackSummary()
        .ifPresent(summary -> events.normal(training, Reason.SERVER_FEATURE_MISSING, summary));
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
          Reason.APPLIED.toString(),
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
        Reason.SPEC_CHANGE_IGNORED.toString(),
        message,
        generation,
        now);
    if (!alreadyReported) {
      events.warning(training, Reason.SPEC_CHANGE_IGNORED, message);
    }
  }

  /**
   * What a stage's reconciliation leads to: go on with the next stage, or stop and look again later
   * (or never).
   */
  private record Step(boolean nextStage, boolean finished, Duration requeueAfter) {
    static final Step NEXT_STAGE = new Step(true, false, null);
    static final Step FINISHED = new Step(false, true, null);

    static Step requeue(Duration after) {
      return new Step(false, false, after);
    }
  }

  /** Moves one unfinished stage of the training itself forward. */
  private Step advance(StageJobRunner.Context context, Stage stage, TrainingStageStatus entry) {
    ArrestTraining training = context.training();
    String now = context.now();
    ArrestTrainingStatus status = training.getStatus();
    StageJobRunner.Step step = runner.advance(context, StageTarget.of(stage), entry);
    switch (step.kind()) {
      case CONFLICT -> {
        setRunning(status, step.reason().toString(), step.message(), training, now);
        return Step.requeue(settings.progressInterval());
      }
      case RESTARTING -> {
        status.phase = phaseOf(stage);
        setRunning(status, step.reason().toString(), step.message(), training, now);
        return Step.requeue(restartPoll());
      }
      default -> {}
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
      case QUEUED, BLOCKED -> {
        status.progress =
            StageJobRunner.withSummary(
                status.progress,
                stage,
                step.kind() == StageJobRunner.Kind.QUEUED
                    ? stage + " queued"
                    : stage + " waiting: " + step.reason());
        setRunning(status, step.reason().toString(), step.message(), training, now);
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
        status.progress = StageJobRunner.failed(status.progress, stage);
        fail(training, status, step.reason(), step.message(), now);
        return Step.FINISHED;
      }
      default -> throw new IllegalStateException("unexpected stage step " + step.kind());
    }
  }

  /** How soon to look again while a restarted stage waits for its old pods to end. */
  private Duration restartPoll() {
    Duration interval = settings.progressInterval();
    Duration poll = Duration.ofSeconds(2);
    return interval.compareTo(poll) < 0 ? interval : poll;
  }

  private void fail(
      ArrestTraining training,
      ArrestTrainingStatus status,
      Reason reason,
      String message,
      String now) {
    status.phase = TrainingPhase.FAILED;
    status.completionTime = now;
    setFinished(status, false, reason.toString(), message, training, now);
  }

  private void succeed(ArrestTraining training, ArrestTrainingStatus status, String now) {
    status.phase = TrainingPhase.SUCCEEDED;
    String message = describeResults(status.results);
    TrainingProgress progress = status.progress != null ? status.progress : new TrainingProgress();
    progress.summary = "done";
    progress.fraction = 1.0;
    progress.etaSeconds = null;
    status.progress = progress;
    status.completionTime = now;
    setFinished(status, true, Reason.SUCCEEDED.toString(), message, training, now);
    events.normal(training, Reason.SUCCEEDED, "training succeeded: " + message);
  }

  private static void setRunning(
      ArrestTrainingStatus status,
      String reason,
      String message,
      ArrestTraining training,
      String now) {
    Conditions.running(
        status.conditions, reason, message, training.getMetadata().getGeneration(), now);
  }

  private static void setFinished(
      ArrestTrainingStatus status,
      boolean succeeded,
      String reason,
      String message,
      ArrestTraining training,
      String now) {
    Conditions.finished(
        status.conditions, succeeded, reason, message, training.getMetadata().getGeneration(), now);
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
