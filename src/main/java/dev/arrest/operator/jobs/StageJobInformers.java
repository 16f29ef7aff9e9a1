package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTraining;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's {@link StageJobCache}: informer caches of its stage Jobs and their pods (both
 * selected by {@link TrainerLabels#MANAGED_SELECTOR}, both pruned to {@link CachedObjects}), so
 * that a reconciliation reads them without an API request. Job changes trigger a reconciliation of
 * the owning training; pod changes trigger nothing (a pod's outcome reaches the operator as its
 * Job's).
 *
 * <p>A Job the operator just created is put in JOSDK's temporary cache ({@link #created}): the next
 * reconciliation sees it before the informer does, and the informer's event for it starts no
 * reconciliation.
 *
 * <p>One pair of informers per watched namespace (or one pair for all namespaces): JOSDK gives the
 * informers of one event source the same item store, and an informer's relist of one namespace
 * would drop the other namespaces' objects from a shared store.
 */
public final class StageJobInformers implements StageJobCache {
  private static final String JOB_INDEX = "arrest.dev/job";
  private static final String ALL_NAMESPACES = "";

  private volatile Map<String, InformerEventSource<Job, ArrestTraining>> jobs;
  private volatile Map<String, InformerEventSource<Pod, ArrestTraining>> pods;

  /** Builds the event sources, for the controller's {@code prepareEventSources}. */
  public List<EventSource<?, ArrestTraining>> eventSources(
      EventSourceContext<ArrestTraining> context) {
    Set<String> namespaces = context.getControllerConfiguration().getEffectiveNamespaces();
    List<String> keys =
        InformerConfiguration.allNamespacesWatched(namespaces)
            ? List.of(ALL_NAMESPACES)
            : List.copyOf(namespaces);
    Map<String, InformerEventSource<Job, ArrestTraining>> jobSources = new HashMap<>();
    Map<String, InformerEventSource<Pod, ArrestTraining>> podSources = new HashMap<>();
    List<EventSource<?, ArrestTraining>> sources = new ArrayList<>();
    for (String namespace : keys) {
      InformerEventSource<Job, ArrestTraining> jobSource =
          new InformerEventSource<>(jobConfiguration(namespace), context);
      InformerEventSource<Pod, ArrestTraining> podSource =
          new InformerEventSource<>(podConfiguration(namespace), context);
      podSource.addIndexers(Map.of(JOB_INDEX, pod -> List.of(jobKey(pod))));
      jobSources.put(namespace, jobSource);
      podSources.put(namespace, podSource);
      sources.add(jobSource);
      sources.add(podSource);
    }
    jobs = Map.copyOf(jobSources);
    pods = Map.copyOf(podSources);
    return sources;
  }

  private static InformerEventSourceConfiguration<Job> jobConfiguration(String namespace) {
    var builder =
        InformerEventSourceConfiguration.from(Job.class, ArrestTraining.class)
            .withName("jobs" + suffix(namespace))
            .withLabelSelector(TrainerLabels.MANAGED_SELECTOR)
            .withItemStore(new TransformingItemStore<>(CachedObjects::job));
    return watching(builder, namespace).build();
  }

  private static InformerEventSourceConfiguration<Pod> podConfiguration(String namespace) {
    var builder =
        InformerEventSourceConfiguration.from(Pod.class, ArrestTraining.class)
            .withName("pods" + suffix(namespace))
            .withLabelSelector(TrainerLabels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(pod -> Set.of())
            .withItemStore(new TransformingItemStore<>(CachedObjects::pod));
    return watching(builder, namespace).build();
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> watching(
      InformerEventSourceConfiguration.Builder<R> builder, String namespace) {
    return namespace.equals(ALL_NAMESPACES)
        ? builder.withWatchAllNamespaces()
        : builder.withNamespaces(namespace).withFollowControllerNamespacesChanges(false);
  }

  private static String suffix(String namespace) {
    return namespace.equals(ALL_NAMESPACES) ? "" : "-" + namespace;
  }

  @Override
  public Optional<Job> job(String namespace, String name) {
    return source(jobs, namespace).flatMap(source -> source.get(new ResourceID(name, namespace)));
  }

  @Override
  public List<Pod> pods(String namespace, String jobName) {
    return source(pods, namespace)
        .map(source -> source.byIndex(JOB_INDEX, jobKey(namespace, jobName)))
        .orElse(List.of());
  }

  /** Puts the Job in JOSDK's temporary cache, until the informer delivers it. */
  @Override
  public void created(Job job) {
    source(jobs, job.getMetadata().getNamespace())
        .ifPresent(
            source ->
                source.handleRecentResourceCreate(
                    ResourceID.fromResource(job), CachedObjects.job(job)));
  }

  private static <R extends HasMetadata> Optional<InformerEventSource<R, ArrestTraining>> source(
      Map<String, InformerEventSource<R, ArrestTraining>> sources, String namespace) {
    if (sources == null) {
      throw new IllegalStateException("the stage Job cache is used before its event sources exist");
    }
    InformerEventSource<R, ArrestTraining> source = sources.get(namespace);
    return Optional.ofNullable(source != null ? source : sources.get(ALL_NAMESPACES));
  }

  private static String jobKey(Pod pod) {
    String jobName =
        pod.getMetadata().getLabels() == null
            ? null
            : pod.getMetadata().getLabels().get(TrainerLabels.JOB_NAME);
    return jobKey(pod.getMetadata().getNamespace(), jobName);
  }

  private static String jobKey(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }
}
