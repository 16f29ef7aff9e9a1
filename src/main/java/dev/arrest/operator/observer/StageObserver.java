package dev.arrest.operator.observer;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.jobs.JobOutcome;
import dev.arrest.operator.jobs.PodTermination;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.status.Reason;
import dev.arrest.results.ExitCodes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the cluster says about a stage's Job, without changing anything (the observe step of
 * observe, reconcile, record). The Job controller's FailedCreate Events are looked at only for a
 * Job that should have a pod and has none, the one case where they are the only trace; the operator
 * has them in an informer's cache (StageJobInformers), so this costs no request.
 */
public class StageObserver {
  /**
   * The Job controller creates a pod within moments; a Job without one for this long is stuck, and
   * its FailedCreate Events say why.
   */
  static final Duration PODLESS_BEFORE_EVENTS = Duration.ofSeconds(10);

  private final StageJobs jobs;

  public StageObserver(StageJobs jobs) {
    this.jobs = jobs;
  }

  /** The Job named {@code jobName} of {@code training}, and its pods. */
  public StageObservation observe(ArrestTraining training, String jobName, Instant now) {
    Optional<Job> found = jobs.find(training, jobName);
    if (found.isEmpty()) {
      return StageObservation.noJob();
    }
    Job job = found.get();
    if (!StageJobs.isOwnedBy(job, training)) {
      return StageObservation.foreign(job);
    }
    JobOutcome outcome = JobOutcome.of(job);
    List<Pod> pods = jobs.pods(job);
    boolean started = pods.stream().anyMatch(PodDiagnosis::hasRun);
    Optional<StageBlocker> blocker = Optional.empty();
    if (outcome.state() == JobOutcome.State.RUNNING) {
      blocker =
          pods.stream().filter(PodDiagnosis::isAlive).findFirst().flatMap(PodDiagnosis::blocker);
      if (blocker.isEmpty()
          && pods.stream().noneMatch(PodDiagnosis::isAlive)
          && podlessFor(job, now).compareTo(PODLESS_BEFORE_EVENTS) >= 0) {
        blocker = failedCreate(job);
      }
    }
    Optional<Disruption> disruption =
        pods.stream()
            .filter(
                pod ->
                    !PodDiagnosis.isAlive(pod) || pod.getMetadata().getDeletionTimestamp() != null)
            .findFirst()
            .flatMap(PodDiagnosis::disruption);
    Optional<PodTermination> invalidSpec =
        jobs.terminations(job).stream()
            .filter(t -> t.exitCode() == ExitCodes.INVALID_SPEC)
            .findFirst();
    return new StageObservation(
        job, false, outcome, pods, blocker, started, disruption, invalidSpec);
  }

  private static Duration podlessFor(Job job, Instant now) {
    String created = job.getMetadata().getCreationTimestamp();
    if (created == null) {
      return PODLESS_BEFORE_EVENTS;
    }
    try {
      return Duration.between(Instant.parse(created), now);
    } catch (DateTimeParseException e) {
      return PODLESS_BEFORE_EVENTS;
    }
  }

  /** The Job controller's latest complaint about creating the Job's pod, if any. */
  private Optional<StageBlocker> failedCreate(Job job) {
    return jobs.failedCreateEvents(job).stream()
        .max(
            Comparator.comparing(
                StageObserver::lastSeen, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(
            e ->
                new StageBlocker(
                    Reason.JOB_CREATE_FAILED,
                    "the Job controller cannot create the pod of Job "
                        + job.getMetadata().getName()
                        + ": "
                        + e.getMessage()
                        + "; check the namespace's ResourceQuota and LimitRange against"
                        + " spec.resources, and its admission policies"));
  }

  private static String lastSeen(Event event) {
    return event.getLastTimestamp() != null
        ? event.getLastTimestamp()
        : event.getEventTime() == null ? null : event.getEventTime().getTime();
  }
}
