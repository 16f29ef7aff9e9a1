package dev.arrest.operator.jobs;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;

/**
 * What the operator's informers keep of a stage Job or trainer pod: what the operator reads, and
 * not the pod template, whose {@code ARREST_TRAINING} variable holds the whole spec (several KiB
 * per Job, and a finished training's Jobs stay). Kept: the identity and bookkeeping metadata (name,
 * namespace, uid, resourceVersion, generation, creation and deletion timestamps, labels,
 * annotations, owner references, finalizers), a Job's spec without its pod template and selector
 * ({@code suspend}, {@code backoffLimit}, deadlines), a pod's node, and the whole status of both
 * (conditions and counts; phase, container states with their termination messages). Dropped:
 * managedFields, the pod template, a pod's containers, volumes and security settings. Of an Event
 * (the Job controller's FailedCreate), what says which Job it is about, why and when.
 */
public final class CachedObjects {
  private CachedObjects() {}

  public static Job job(Job job) {
    JobBuilder pruned = new JobBuilder().withMetadata(metadata(job.getMetadata()));
    if (job.getSpec() != null) {
      pruned.withSpec(
          new JobSpecBuilder(job.getSpec()).withTemplate(null).withSelector(null).build());
    }
    return pruned.withStatus(job.getStatus()).build();
  }

  public static Pod pod(Pod pod) {
    PodBuilder pruned = new PodBuilder().withMetadata(metadata(pod.getMetadata()));
    if (pod.getSpec() != null) {
      pruned.withSpec(new PodSpecBuilder().withNodeName(pod.getSpec().getNodeName()).build());
    }
    return pruned.withStatus(pod.getStatus()).build();
  }

  public static Event event(Event event) {
    return new EventBuilder()
        .withMetadata(metadata(event.getMetadata()))
        .withInvolvedObject(event.getInvolvedObject())
        .withType(event.getType())
        .withReason(event.getReason())
        .withMessage(event.getMessage())
        .withCount(event.getCount())
        .withLastTimestamp(event.getLastTimestamp())
        .withEventTime(event.getEventTime())
        .build();
  }

  private static ObjectMeta metadata(ObjectMeta full) {
    if (full == null) {
      return null;
    }
    return new ObjectMetaBuilder()
        .withName(full.getName())
        .withNamespace(full.getNamespace())
        .withUid(full.getUid())
        .withResourceVersion(full.getResourceVersion())
        .withGeneration(full.getGeneration())
        .withCreationTimestamp(full.getCreationTimestamp())
        .withDeletionTimestamp(full.getDeletionTimestamp())
        .withDeletionGracePeriodSeconds(full.getDeletionGracePeriodSeconds())
        .withLabels(full.getLabels())
        .withAnnotations(full.getAnnotations())
        .withOwnerReferences(full.getOwnerReferences())
        .withFinalizers(full.getFinalizers())
        .build();
  }
}
