package dev.arrest.operator.reconciler;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The API server's refusal of a stage Job, in words that name the field: invalid (422) or bad (400)
 * Jobs, and admission refusals (403, e.g. a webhook or a quota on Job objects). Server errors and
 * throttling are not refusals: they are retried as errors.
 *
 * @param permanent whether creating the same Job again cannot succeed (an invalid Job); a forbidden
 *     one may pass once a quota frees up
 */
record JobRejection(int code, String reason, List<String> causes, boolean permanent) {

  static Optional<JobRejection> of(KubernetesClientException e) {
    int code = e.getCode();
    if (code != 422 && code != HttpURLConnection.HTTP_BAD_REQUEST && code != 403) {
      return Optional.empty();
    }
    Status status = e.getStatus();
    String reason =
        status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
    List<String> causes =
        status == null || status.getDetails() == null || status.getDetails().getCauses() == null
            ? List.of()
            : status.getDetails().getCauses().stream().map(JobRejection::describe).toList();
    return Optional.of(new JobRejection(code, reason, causes, code != 403));
  }

  /** What to show: which Job, and each refused field with the server's words. */
  String message(Job job) {
    String fields = causes.isEmpty() ? reason : causes.stream().collect(Collectors.joining("; "));
    return "the API server refused Job "
        + job.getMetadata().getName()
        + " (HTTP "
        + code
        + "): "
        + fields
        + (permanent
            ? "; fix the spec field the Job's field comes from (spec.scheduling, spec.resources,"
                + " spec.image, spec.storage) and apply it again"
            : "; the operator retries until spec.runPolicy.startTimeoutSeconds");
  }

  private static String describe(StatusCause cause) {
    String field = cause.getField();
    return (field == null || field.isBlank() ? "" : field + ": ") + cause.getMessage();
  }
}
