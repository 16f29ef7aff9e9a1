package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable outcome of one stage, written as {@code <output>/<stage>/stage-result.json}.
 * The schema is documented in docs/results-schema.md; the operator reads its compact form from the
 * pod's termination message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageResult {
  public static final String KIND = "StageResult";

  public String apiVersion = ResultsJson.API_VERSION;
  public String kind = KIND;

  /** metadata.name of the ArrestTraining. */
  public String name;

  public Stage stage;
  public StageStatus status;

  /** Why the stage failed, or why it was skipped. */
  public String message;

  /** ISO-8601 instants. */
  public String startedAt;

  public String finishedAt;
  public Double seconds;

  /** Training stages: one entry per epoch, including epochs restored from a checkpoint. */
  public List<EpochMetrics> epochs = new ArrayList<>();

  /** Evaluation stage only. */
  public EvaluationResult evaluation;

  /**
   * Files the stage produced, by role (e.g. {@code model}), as paths relative to the output
   * directory.
   */
  public Map<String, String> artifacts = new LinkedHashMap<>();

  public EpochMetrics lastEpoch() {
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
  }
}
