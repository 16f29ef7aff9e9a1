package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code results.json} of a whole ArrestTraining: every stage's result and a summary. Written by the local run after
 * each stage and readable by any tool; the operator builds the same summary in the resource's status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunResults {
  public static final String KIND = "ArrestTrainingResults";

  public String apiVersion = ResultsJson.API_VERSION;
  public String kind = KIND;
  public String name;
  public String method;
  public String dataset;
  public String architecture;
  public long seed;
  public Map<Stage, StageResult> stages = new LinkedHashMap<>();
  public Summary summary;

  /** Records a stage's result and refreshes the summary from the evaluation, when there is one. */
  public void put(StageResult result) {
    stages.put(result.stage, result);
    StageResult evaluation = stages.get(Stage.EVALUATE);
    if (evaluation != null && evaluation.evaluation != null) {
      EvaluationResult e = evaluation.evaluation;
      Map<String, Double> byAttack = new LinkedHashMap<>();
      e.attacks().forEach(a -> byAttack.put(a.name(), a.robustAccuracy()));
      summary = new Summary(e.standardAccuracy(), e.robustAccuracy(), byAttack, e.samples(), e.tradeoff());
    }
  }

  /**
   * The numbers a user compares runs by.
   *
   * @param standardAccuracy clean test accuracy in [0, 1]
   * @param robustAccuracy worst case over the evaluation attacks, in [0, 1]
   * @param robustAccuracyByAttack per attack, by display name
   * @param tradeoffScore the score against the spec's reference tradeoff curve; null when none is configured
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(
      double standardAccuracy,
      double robustAccuracy,
      Map<String, Double> robustAccuracyByAttack,
      Integer samples,
      TradeoffScore tradeoffScore) {}
}
