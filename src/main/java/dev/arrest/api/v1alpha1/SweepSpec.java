package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Values to sweep over: each point of the sweep is the spec with one combination of them applied to
 * {@code spec.finetuning}. All points share one pretraining. Expansion rules: docs/sweeps.md and
 * {@code dev.arrest.api.spec.SweepPoints}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SweepSpec {

  /**
   * More points than this is almost certainly a mistake (each is a full finetuning and evaluation).
   */
  public static final int MAX_POINTS = 64;

  @Size(min = 1)
  @JsonPropertyDescription(
      "Finetuning methods to compare (at, trades, aft, arrest), replacing spec.finetuning.method."
          + " Each other list applies only to the methods it affects: tradesBetas to trades,"
          + " noisyReplayThresholdDegrees and rgkdWeights to arrest, epsilons and awpGammas to"
          + " all.")
  public List<FinetuningMethod> methods;

  @Size(min = 1)
  @JsonPropertyDescription(
      "Noisy-replay angle thresholds phi in degrees, 0 < phi <= 180, replacing"
          + " spec.finetuning.noisyReplay.thresholdDegrees (arrest points only).")
  public List<@Min(value = 0, inclusive = false) @Max(180) Double> noisyReplayThresholdDegrees;

  @Size(min = 1)
  @JsonPropertyDescription(
      "RGKD weights lambda >= 0, replacing spec.finetuning.rgkd.weight (arrest points only).")
  public List<@Min(0) Double> rgkdWeights;

  @Size(min = 1)
  @JsonPropertyDescription(
      "Training L-inf perturbation budgets in pixel units, 0 < epsilon <= 1, replacing"
          + " spec.finetuning.attack.epsilon (all points). An explicit attack.stepSize is scaled"
          + " with epsilon. Evaluation uses the same budget unless spec.evaluation.epsilon is set"
          + " (set it to compare the points under one threat model).")
  public List<@Min(value = 0, inclusive = false) @Max(1) Double> epsilons;

  @Size(min = 1)
  @JsonPropertyDescription(
      "TRADES weights beta >= 0, replacing spec.finetuning.tradesBeta (trades points only).")
  public List<@Min(0) Double> tradesBetas;

  @Size(min = 1)
  @JsonPropertyDescription(
      "ARREST ablations for the arrest points: aft+rgkd (RGKD only), aft+nr (noisy replay only),"
          + " arrest (both), replacing spec.finetuning.rgkd.enabled and"
          + " spec.finetuning.noisyReplay.enabled. noisyReplayThresholdDegrees applies to the"
          + " variants with noisy replay, rgkdWeights to those with RGKD.")
  public List<ArrestVariant> arrestVariants;

  @Size(min = 1)
  @JsonPropertyDescription(
      "Adversarial weight perturbation sizes gamma, 0 <= gamma <= 1, replacing"
          + " spec.finetuning.awp.gamma (all points; 0 trains without AWP, so [0, 0.005] gives"
          + " every point with and without AWP). The other AWP settings come from"
          + " spec.finetuning.awp, else their defaults.")
  public List<@Min(0) @Max(1) Double> awpGammas;

  @JsonPropertyDescription(
      "Epochs and optimizer of the points that train from scratch (at and trades unless"
          + " spec.finetuning.initialization says otherwise), replacing those of spec.finetuning."
          + " Use it to give every method the same budget.")
  public ScratchTrainingSpec fromScratch;
}
