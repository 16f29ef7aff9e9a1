package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Adversarial finetuning: ARREST (AFT + RGKD + noisy replay) or one of the baselines it is compared
 * with.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FinetuningSpec {

  @Required
  @JsonPropertyDescription(
      "at: Madry adversarial training (from scratch by default); trades: TRADES (from scratch by"
          + " default); aft: adversarial finetuning of the pretrained model; arrest: AFT with"
          + " representation-guided knowledge distillation (rgkd) and noisy replay (noisyReplay).")
  public FinetuningMethod method;

  @JsonPropertyDescription(
      "pretrained or scratch. Default: scratch for at and trades, pretrained for aft and arrest.")
  public Initialization initialization;

  @Min(1)
  @Default("10")
  @JsonPropertyDescription("Number of finetuning epochs.")
  public int epochs = 10;

  @Min(1)
  @Default("128")
  @JsonPropertyDescription("Mini-batch size.")
  public int batchSize = 128;

  @JsonPropertyDescription("Optimizer and learning-rate schedule.")
  public OptimizerSpec optimizer = new OptimizerSpec();

  @JsonPropertyDescription(
      "The PGD attack that generates the training adversarial examples; its epsilon is also the"
          + " noise amplitude of noisy replay and the default evaluation budget.")
  public AttackSpec attack = new AttackSpec();

  @Min(0)
  @Default("6.0")
  @JsonPropertyDescription("trades only: weight beta of the KL robustness term.")
  public double tradesBeta = 6.0;

  @JsonPropertyDescription("arrest only: representation-guided knowledge distillation.")
  public RgkdSpec rgkd = new RgkdSpec();

  @JsonPropertyDescription("arrest only: noisy replay.")
  public NoisyReplaySpec noisyReplay = new NoisyReplaySpec();

  @JsonPropertyDescription(
      "Adversarial weight perturbation (AWP) for any method: each step's gradients are taken at"
          + " weights perturbed to increase the step's own loss. Omit to train without it.")
  public AwpSpec awp;

  /** The initialization the method implies when none is given. */
  public Initialization effectiveInitialization() {
    if (initialization != null) {
      return initialization;
    }
    return method == FinetuningMethod.AT || method == FinetuningMethod.TRADES
        ? Initialization.SCRATCH
        : Initialization.PRETRAINED;
  }
}
