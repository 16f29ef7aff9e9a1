package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTraining;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
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
import java.util.stream.Collectors;

/**
 * The operator's {@link StageJobCache}: informer caches of its stage Jobs and their pods (both
 * selected by {@link TrainerLabels#MANAGED_SELECTOR}, both pruned to {@link CachedObjects}), so
 * that a reconciliation reads them without an API request. Job changes trigger a reconciliation of
 * the owning training; pod changes trigger nothing (a pod's outcome reaches the operator as its
 * Job's).
 *
 * <p>A third informer watches the Job controller's FailedCreate Events about Jobs (field selector
 * {@code involvedObject.kind=Job,reason=FailedCreate}: the API server sends no other Event, and
 * Events carry no labels to select by). A stuck Job's reason is then read from memory: a list per
 * podless Job made the API server scan every Event of the namespace (docs/operator.md, Scale). Such
 * an Event triggers a reconciliation of the training that owns the Job, so its status says why at
 * once.
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
  private static final String INVOLVED_JOB_INDEX = "arrest.dev/involved-job";
  private static final String ALL_NAMESPACES = "";

  private volatile Map<String, InformerEventSource<Job, ArrestTraining>> jobs;
  private volatile Map<String, InformerEventSource<Pod, ArrestTraining>> pods;
  private volatile Map<String, InformerEventSource<Event, ArrestTraining>> failedCreates;

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
    Map<String, InformerEventSource<Event, ArrestTraining>> eventSources = new HashMap<>();
    List<EventSource<?, ArrestTraining>> sources = new ArrayList<>();
    for (String namespace : keys) {
      InformerEventSource<Job, ArrestTraining> jobSource =
          new InformerEventSource<>(jobConfiguration(namespace), context);
      InformerEventSource<Pod, ArrestTraining> podSource =
          new InformerEventSource<>(podConfiguration(namespace), context);
      InformerEventSource<Event, ArrestTraining> eventSource =
          new InformerEventSource<>(failedCreateConfiguration(namespace), context);
      podSource.addIndexers(Map.of(JOB_INDEX, pod -> List.of(jobKey(pod))));
      eventSource.addIndexers(Map.of(INVOLVED_JOB_INDEX, event -> List.of(involvedJobKey(event))));
      jobSources.put(namespace, jobSource);
      podSources.put(namespace, podSource);
      eventSources.put(namespace, eventSource);
      sources.add(jobSource);
      sources.add(podSource);
      sources.add(eventSource);
    }
    jobs = Map.copyOf(jobSources);
    pods = Map.copyOf(podSources);
    failedCreates = Map.copyOf(eventSources);
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

  private InformerEventSourceConfiguration<Event> failedCreateConfiguration(String namespace) {
    var builder =
        InformerEventSourceConfiguration.from(Event.class, ArrestTraining.class)
            .withName("failed-create-events" + suffix(namespace))
            .withFieldSelector(
                new FieldSelector(
                    new FieldSelector.Field("involvedObject.kind", "Job"),
                    new FieldSelector.Field("reason", StageJobs.FAILED_CREATE)))
            .withSecondaryToPrimaryMapper(this::trainingOfInvolvedJob)
            .withItemStore(new TransformingItemStore<>(CachedObjects::event));
    return watching(builder, namespace).build();
  }

  /** The training that owns the Job an Event is about, if that Job is one of its stage Jobs. */
  private Set<ResourceID> trainingOfInvolvedJob(Event event) {
    ObjectReference involved = event.getInvolvedObject();
    if (involved == null
        || involved.getName() == null
        || !StageJobs.FAILED_CREATE.equals(event.getReason())
        || jobs == null) {
      return Set.of();
    }
    return job(involved.getNamespace(), involved.getName())
        .map(job -> job.getMetadata().getOwnerReferences())
        .orElse(List.of())
        .stream()
        .filter(owner -> HasMetadata.getKind(ArrestTraining.class).equals(owner.getKind()))
        .map(owner -> new ResourceID(owner.getName(), involved.getNamespace()))
        .collect(Collectors.toSet());
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

  @Override
  public List<Event> failedCreateEvents(String namespace, String jobName) {
    return source(failedCreates, namespace)
        .map(source -> source.byIndex(INVOLVED_JOB_INDEX, jobKey(namespace, jobName)))
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

  private static String involvedJobKey(Event event) {
    ObjectReference involved = event.getInvolvedObject();
    return involved == null
        ? jobKey(event.getMetadata().getNamespace(), null)
        : jobKey(involved.getNamespace(), involved.getName());
  }

  private static String jobKey(String namespace, String jobName) {
    return namespace + "/" + jobName;
  }
}
