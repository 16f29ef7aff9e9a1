package dev.arrest.operator.jobs;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link StageJobs} reads stage Jobs, their pods and the Job controller's FailedCreate Events
 * without asking the API server.
 */
public interface StageJobCache {
  /** The cached Job; empty when the cache has not seen it (or it does not exist). */
  Optional<Job> job(String namespace, String name);

  /** The cached pods of a Job, in no particular order. */
  List<Pod> pods(String namespace, String jobName);

  /**
   * The cached Events with reason FailedCreate about the Job of that name (the Job controller's
   * complaints that it cannot create the pod), in no particular order.
   */
  List<Event> failedCreateEvents(String namespace, String jobName);

  /** Records a Job the operator has just created, so that the next read finds it. */
  void created(Job job);
}
