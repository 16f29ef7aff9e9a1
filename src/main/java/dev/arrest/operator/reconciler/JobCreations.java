package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which stage Jobs this operator process has created, and whether that is all there is to know
 * about a training. Before creating an attempt's Job the operator must know whether an earlier pass
 * created it already and died before its status write (then the attempt's Job may have been
 * deleted, and its pods may still run). For a training created after this process began
 * reconciling, no other process ever reconciled it (a former leader stops acting before its Lease
 * can pass on), so this process's own memory answers, with no request. For older trainings the
 * answer needs the cluster: the attempt's StageStarted Event and its pods.
 */
public final class JobCreations {
  /**
   * Margin between this process's clock and the API server's, which sets creation timestamps (to
   * the second).
   */
  public static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

  /**
   * How long a creation is remembered: a created Job's name is in the training's status within
   * moments (the same pass writes it, or its retry), after which nothing asks.
   */
  static final Duration RETENTION = Duration.ofHours(1);

  private final Clock clock;
  private final AtomicReference<Instant> reconcilingSince = new AtomicReference<>();
  private final Map<String, Instant> created = new ConcurrentHashMap<>();

  public JobCreations(Clock clock) {
    this.clock = clock;
  }

  /**
   * Notes that this process begins to reconcile (it started, or became the leader). A later call
   * moves the start: a process that led, lost the Lease and leads again shares the trainings
   * created in between with the leader it followed.
   */
  public void reconciling() {
    reconcilingSince.set(clock.instant());
  }

  /**
   * Whether only this process can have created Jobs for the training: it was created after this
   * process began reconciling.
   */
  boolean onlyThisProcess(ArrestTraining training) {
    Instant since = reconcilingSince.get();
    String timestamp = training.getMetadata().getCreationTimestamp();
    if (since == null || timestamp == null) {
      return false;
    }
    try {
      return Instant.parse(timestamp).isAfter(since.plus(CLOCK_MARGIN));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  void created(String namespace, String jobName) {
    Instant now = clock.instant();
    created.put(key(namespace, jobName), now);
    if (created.size() % 1024 == 0) {
      created.values().removeIf(at -> at.isBefore(now.minus(RETENTION)));
    }
  }

  boolean createdHere(String namespace, String jobName) {
    return created.containsKey(key(namespace, jobName));
  }

  private static String key(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }
}
