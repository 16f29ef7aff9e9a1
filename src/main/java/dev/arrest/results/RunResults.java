package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arrest.tradeoff.CurveSummary;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code results.json} of a whole ArrestTraining: every stage's result and a summary, or for a
 * sweep the shared pretraining, every point and the sweep's score. Written by the local run after
 * each stage and readable by any tool; the operator builds the same summary in the resource's
 * status.
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

  /**
   * A single run's stages; of a sweep, only the shared pretrain stage (the others are per point).
   */
  public Map<Stage, StageResult> stages = new LinkedHashMap<>();

  /** A single run's evaluation; absent for a sweep, whose points each have one. */
  public Summary summary;

  /** Sweeps: every point, in id order. */
  public List<PointResults> points;

  /**
   * Sweeps: the sweep's score against the reference curve; absent when it cannot be computed (see
   * warnings).
   */
  public SweepScore sweep;

  /**
   * Sweeps scored against their own points ({@code fromSweepMethods}): the curve fitted to those
   * points.
   */
  public CurveSummary referenceCurve;

  /**
   * Comparisons of runs ({@code arrest compare --pair}): pairs of points compared example by
   * example.
   */
  public List<PairedComparison> pairs;

  /** What a reader should know about these results, e.g. why the sweep has no score. */
  public List<String> warnings;

  /** Records a stage's result and refreshes the summary from the evaluation, when there is one. */
  public void put(StageResult result) {
    stages.put(result.stage, result);
    StageResult evaluation = stages.get(Stage.EVALUATE);
    if (evaluation != null && evaluation.evaluation != null) {
      summary = Summary.of(evaluation.evaluation);
    }
  }

  /**
   * The numbers a user compares runs by.
   *
   * @param standardAccuracy clean test accuracy in [0, 1]
   * @param robustAccuracy worst case over the evaluation attacks, in [0, 1]
   * @param robustAccuracyByAttack per attack, by display name
   * @param tradeoffScore the score against the spec's reference tradeoff curve; null when none is
   *     configured
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(
      double standardAccuracy,
      double robustAccuracy,
      Map<String, Double> robustAccuracyByAttack,
      Integer samples,
      TradeoffScore tradeoffScore) {

    public static Summary of(EvaluationResult evaluation) {
      Map<String, Double> byAttack = new LinkedHashMap<>();
      evaluation.attacks().forEach(a -> byAttack.put(a.name(), a.robustAccuracy()));
      return new Summary(
          evaluation.standardAccuracy(),
          evaluation.robustAccuracy(),
          byAttack,
          evaluation.samples(),
          evaluation.tradeoff());
    }

    public Summary withTradeoffScore(TradeoffScore score) {
      return new Summary(standardAccuracy, robustAccuracy, robustAccuracyByAttack, samples, score);
    }
  }
}
