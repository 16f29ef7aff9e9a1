package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.List;

/**
 * What the evaluation stage measured.
 *
 * @param samples number of test examples evaluated
 * @param standardAccuracy clean accuracy in [0, 1]
 * @param robustAccuracy per-example worst case over all attacks, in [0, 1]
 * @param attacks per-attack results, in the order run
 * @param warnings what a careful reader should know about these numbers (e.g. signs of gradient
 *     masking)
 * @param tradeoff the score against the spec's tradeoff curve (percent units), or null when none is
 *     configured
 * @param subset which test images were evaluated; null in results written before it was recorded
 * @param examples which examples were right, clean and robust, for paired comparisons; null in
 *     results written before it was recorded and in a trainer pod's termination message
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationResult(
    int samples,
    double standardAccuracy,
    double robustAccuracy,
    List<AttackResult> attacks,
    List<String> warnings,
    TradeoffScore tradeoff,
    TestSubset subset,
    ExampleOutcomes examples) {

  public EvaluationResult(
      int samples,
      double standardAccuracy,
      double robustAccuracy,
      List<AttackResult> attacks,
      List<String> warnings) {
    this(samples, standardAccuracy, robustAccuracy, attacks, warnings, null, null, null);
  }

  public EvaluationResult(
      int samples,
      double standardAccuracy,
      double robustAccuracy,
      List<AttackResult> attacks,
      List<String> warnings,
      TradeoffScore tradeoff) {
    this(samples, standardAccuracy, robustAccuracy, attacks, warnings, tradeoff, null, null);
  }

  public EvaluationResult withTradeoff(TradeoffScore score) {
    return new EvaluationResult(
        samples, standardAccuracy, robustAccuracy, attacks, warnings, score, subset, examples);
  }

  public EvaluationResult withSubset(TestSubset testSubset) {
    return new EvaluationResult(
        samples,
        standardAccuracy,
        robustAccuracy,
        attacks,
        warnings,
        tradeoff,
        testSubset,
        examples);
  }

  public EvaluationResult withExamples(ExampleOutcomes outcomes) {
    return new EvaluationResult(
        samples, standardAccuracy, robustAccuracy, attacks, warnings, tradeoff, subset, outcomes);
  }
}
