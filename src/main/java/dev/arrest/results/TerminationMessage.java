package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The compact stage result a trainer pod writes to its termination message, which is how results
 * reach the operator without giving trainer pods any Kubernetes API permission. Kubernetes keeps at
 * most 4096 bytes of it, so this drops the per-epoch history (kept in stage-result.json on the
 * volume) and, if still too long, shortens the message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TerminationMessage(
    String apiVersion,
    String kind,
    String name,
    Stage stage,
    StageStatus status,
    String message,
    Double seconds,
    Integer epochs,
    EpochMetrics lastEpoch,
    EvaluationResult evaluation,
    Map<String, String> artifacts) {

  public static final String KIND = "StageTerminationMessage";

  /** Kubernetes truncates termination messages beyond this many bytes. */
  public static final int MAX_BYTES = 4096;

  public static TerminationMessage of(StageResult result) {
    return new TerminationMessage(
        ResultsJson.API_VERSION,
        KIND,
        result.name,
        result.stage,
        result.status,
        result.message,
        result.seconds,
        result.epochs.size(),
        result.lastEpoch(),
        // The per-example outcomes (kilobytes) stay in stage-result.json on the volume.
        result.evaluation == null ? null : result.evaluation.withExamples(null),
        result.artifacts);
  }

  /** Compact JSON that fits {@link #MAX_BYTES}. */
  public String toJson() {
    String json = ResultsJson.toCompactJson(this);
    if (fits(json)) {
      return json;
    }
    TerminationMessage lean =
        new TerminationMessage(
            apiVersion,
            kind,
            name,
            stage,
            status,
            message,
            seconds,
            epochs,
            null,
            evaluation == null
                ? null
                : new EvaluationResult(
                    evaluation.samples(),
                    evaluation.standardAccuracy(),
                    evaluation.robustAccuracy(),
                    evaluation.attacks(),
                    null,
                    evaluation.tradeoff()),
            null);
    json = ResultsJson.toCompactJson(lean);
    if (fits(json) || message == null) {
      return json;
    }
    int overflow = json.getBytes(StandardCharsets.UTF_8).length - MAX_BYTES;
    int keep = Math.max(0, message.length() - overflow - 64);
    return ResultsJson.toCompactJson(
        new TerminationMessage(
            apiVersion,
            kind,
            name,
            stage,
            status,
            message.substring(0, keep) + " [truncated]",
            seconds,
            epochs,
            null,
            lean.evaluation,
            null));
  }

  public static TerminationMessage parse(String json) {
    return ResultsJson.parse(json, TerminationMessage.class);
  }

  private static boolean fits(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }
}
