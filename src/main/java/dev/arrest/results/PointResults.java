package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sweep point in {@code results.json}: what it changed, its finetune and evaluate results, and
 * its summary.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PointResults {
  /**
   * The point's id (0-based position in the sweep's expansion), as passed to {@code arrest stage
   * --point}.
   */
  public int id;

  /** Readable name, e.g. {@code arrest phi=30}. */
  public String label;

  /**
   * Where its stages live, relative to the output directory, e.g. {@code points/01-arrest-phi-30}.
   */
  public String directory;

  public String method;

  /**
   * Field paths under {@code spec} and the values the point set, e.g. {@code finetuning.tradesBeta:
   * 3.0}.
   */
  public Map<String, Object> overrides = new LinkedHashMap<>();

  /**
   * True when the reference curve is fitted to this point ({@code
   * spec.evaluation.tradeoff.fromSweepMethods}).
   */
  public Boolean reference;

  public Map<Stage, StageResult> stages = new LinkedHashMap<>();
  public RunResults.Summary summary;

  /** Records a stage's result and refreshes the summary from the evaluation, when there is one. */
  public void put(StageResult result) {
    stages.put(result.stage, result);
    StageResult evaluation = stages.get(Stage.EVALUATE);
    summary =
        evaluation == null || evaluation.evaluation == null
            ? null
            : RunResults.Summary.of(evaluation.evaluation);
  }
}
