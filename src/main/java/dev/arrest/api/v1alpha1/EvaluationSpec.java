package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import java.util.ArrayList;
import java.util.List;

/**
 * Clean accuracy and robust accuracy of the finetuned model on the test set, or on {@code samples}
 * of its images chosen as {@code subset} says.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {

  @Min(1)
  @JsonPropertyDescription(
      "Evaluate on this many test images, chosen as subset says (default: the whole test set).")
  public Integer samples;

  @Default("first")
  @JsonPropertyDescription(
      "Which test images samples takes when it is fewer than the test set: first (the first ones"
          + " in test-set order) or stratified (a seeded random sample with every class in its"
          + " test-set proportion, within one image; the first images of a test set need not be"
          + " typical of it).")
  public EvaluationSubset subset = EvaluationSubset.FIRST;

  @JsonPropertyDescription(
      "stratified only: seed of the sample. Default 0, so runs with different spec.seed values"
          + " are evaluated on the same images.")
  public Long subsetSeed;

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

  /** The seed of a stratified subset. */
  @JsonIgnore
  public long effectiveSubsetSeed() {
    return subsetSeed != null ? subsetSeed : 0;
  }
}
