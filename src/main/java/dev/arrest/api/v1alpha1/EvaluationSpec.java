package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

/**
 * Clean accuracy and robust accuracy of the finetuned model on the first {@code samples} test
 * images.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {

  @Min(1)
  @JsonPropertyDescription(
      "Evaluate on the first this many test images (default: the whole test set).")
  public Integer samples;

  @Min(1)
  @Default("256")
  @JsonPropertyDescription("Evaluation batch size.")
  public int batchSize = 256;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription(
      "Default perturbation budget of the attacks. Default: spec.finetuning.attack.epsilon.")
  public Double epsilon;

  @Default("linf")
  @JsonPropertyDescription("Default threat model of the attacks: linf or l2.")
  public Norm norm = Norm.LINF;

  @JsonPropertyDescription("Seed of the attacks' random starts and searches. Default: spec.seed.")
  public Long seed;

  @JsonPropertyDescription(
      "Attacks to evaluate against, in order; each runs only on the examples still robust after the"
          + " previous ones, so robust accuracy is the per-example worst case over them. Default:"
          + " one PGD-20 attack.")
  public List<EvaluationAttackSpec> attacks = new ArrayList<>(List.of(new EvaluationAttackSpec()));

  @JsonPropertyDescription(
      "Path to a TorchScript classifier to evaluate instead of the finetuned model (inputs [B, C,"
          + " H, W] in [0, 1], normalization inside; returns logits or (logits, features)). See"
          + " docs/torchscript.md.")
  public String torchScriptModel;

  @JsonPropertyDescription(
      "Score the run against an accuracy-robustness tradeoff curve (standard accuracy vs the"
          + " worst-case robust accuracy of the attacks above). Omit for no score.")
  public TradeoffSpec tradeoff;
}
