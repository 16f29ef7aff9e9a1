package dev.arrest.e2e;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every Job that ever existed in a namespace while the ledger ran, from an informer (the API
 * server's watch): each name with every uid it had, and each Job's training, stage and attempt
 * labels. A second uid for a name, or a second Job for one (training, stage, attempt), is a
 * duplicate: a stage attempt run twice.
 */
final class JobLedger implements AutoCloseable {
  /** One Job object, as first seen. */
  record Seen(
      String name,
      String uid,
      String training,
      String stage,
      String attempt,
      String created,
      Instant firstSeen) {}

  private final Map<String, Seen> byUid = new ConcurrentHashMap<>();
  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Job> informer;

  JobLedger(KubernetesClient client, String namespace) {
    informer =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    record(job);
                  }

                  @Override
                  public void onUpdate(Job old, Job job) {
                    record(job);
                  }

                  @Override
                  public void onDelete(Job job, boolean finalStateUnknown) {
                    record(job);
                    deleted.putIfAbsent(job.getMetadata().getUid(), Instant.now());
                  }
                },
                0);
  }

  private void record(Job job) {
    Map<String, String> labels =
        job.getMetadata().getLabels() == null ? Map.of() : job.getMetadata().getLabels();
    byUid.putIfAbsent(
        job.getMetadata().getUid(),
        new Seen(
            job.getMetadata().getName(),
            job.getMetadata().getUid(),
            labels.get(StandInCluster.LABEL_TRAINING),
            labels.get(StandInCluster.LABEL_STAGE),
            labels.get(StandInCluster.LABEL_ATTEMPT),
            job.getMetadata().getCreationTimestamp(),
            Instant.now()));
  }

  List<Seen> all() {
    List<Seen> all = new ArrayList<>(byUid.values());
    all.sort(
        (a, b) ->
            a.name().equals(b.name())
                ? a.firstSeen().compareTo(b.firstSeen())
                : a.name().compareTo(b.name()));
    return all;
  }

  /** Job names that had more than one uid, with their uids. */
  Map<String, Set<String>> namesWithSeveralUids() {
    Map<String, Set<String>> uids = new TreeMap<>();
    for (Seen seen : byUid.values()) {
      uids.computeIfAbsent(seen.name(), name -> new TreeSet<>()).add(seen.uid());
    }
    uids.values().removeIf(set -> set.size() < 2);
    return uids;
  }

  /** (training, stage, attempt) keys with more than one Job, with the Jobs' names and uids. */
  Map<String, List<String>> attemptsWithSeveralJobs() {
    Map<String, List<String>> jobs = new TreeMap<>();
    for (Seen seen : byUid.values()) {
      jobs.computeIfAbsent(
              seen.training() + "/" + seen.stage() + "/attempt " + seen.attempt(),
              key -> new ArrayList<>())
          .add(seen.name() + " (" + seen.uid() + ")");
    }
    jobs.values().removeIf(list -> list.size() < 2);
    return jobs;
  }

  /** Jobs whose name does not say their attempt label ({@code -r<attempt>} from attempt 1 on). */
  List<String> misnamed() {
    List<String> wrong = new ArrayList<>();
    for (Seen seen : byUid.values()) {
      int attempt = seen.attempt() == null ? -1 : Integer.parseInt(seen.attempt());
      boolean suffixed = seen.name().matches(".*-r\\d+$");
      boolean right =
          attempt == 0 ? !suffixed : attempt > 0 && seen.name().endsWith("-r" + attempt);
      if (!right) {
        wrong.add(seen.name() + " has attempt label " + seen.attempt());
      }
    }
    return wrong;
  }

  /** The Jobs of a training by name, in order of creation. */
  Map<String, Seen> ofTraining(String training) {
    Map<String, Seen> jobs = new LinkedHashMap<>();
    byUid.values().stream()
        .filter(seen -> training.equals(seen.training()))
        .sorted((a, b) -> a.firstSeen().compareTo(b.firstSeen()))
        .forEach(seen -> jobs.putIfAbsent(seen.name(), seen));
    return jobs;
  }

  int size() {
    return byUid.size();
  }

  @Override
  public void close() {
    informer.close();
  }
}
