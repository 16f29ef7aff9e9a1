package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The accuracy-robustness tradeoff curve a run is scored against (docs/tradeoff-score.md): a
 * shipped reference set, points given inline, or a sweep's own baseline points (docs/sweeps.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TradeoffSpec {

  @JsonPropertyDescription(
      "Name of a shipped reference set, e.g. cifar10-linf-8255-wrn34 (published standard and"
          + " AutoAttack accuracies, each with its source). Exclusive with points and"
          + " fromSweepMethods.")
  public String reference;

  @JsonPropertyDescription(
      "Reference points given inline (e.g. your own baselines' results), instead of a shipped"
          + " set.")
  public List<TradeoffPointSpec> points;

  @Size(min = 1)
  @JsonPropertyDescription(
      "Sweeps only: fit the reference curve to this sweep's own points of these methods (e.g. [at,"
          + " trades] with several tradesBetas) once they are evaluated, and score the sweep's"
          + " other points against it. Needs at least degree + 1 such points and one other point.")
  public List<FinetuningMethod> fromSweepMethods;

  @Min(1)
  @Max(5)
  @Default("2")
  @JsonPropertyDescription(
      "Degree of the least-squares polynomial fitted to the reference points; lowered"
          + " automatically (and reported) when the fit is not monotone over the reference range.")
  public int degree = 2;

  @Default("all")
  @JsonPropertyDescription(
      "Which reference points the curve is fitted to: all (every point with a robust accuracy"
          + " above 0 %) or frontier (only those no other point equals or beats on both axes; the"
          + " dominated ones are listed in the results, not fitted). frontier suits a few own"
          + " baselines where one beats another on both axes, which no decreasing curve can"
          + " follow.")
  public ReferenceFit fit = ReferenceFit.ALL;
}
