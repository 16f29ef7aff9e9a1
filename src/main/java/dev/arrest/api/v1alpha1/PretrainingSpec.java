package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Standard training on clean examples, or the location of an existing standard model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PretrainingSpec {

  @JsonPropertyDescription(
      "Path to an existing pretrained checkpoint (a parameters file written by this trainer)."
          + " When set, pretraining is skipped and finetuning starts from it.")
  public String checkpoint;

  @JsonPropertyDescription(
      "Path to a pretrained standard model saved as TorchScript (docs/torchscript.md): forward(x)"
          + " takes pixels in [0, 1] and returns the logits, or (logits, features) to expose the"
          + " representation that RGKD and noisy replay need. When set, pretraining is skipped,"
          + " the methods that start from the pretrained model finetune this module and write it"
          + " back as TorchScript (finetune/model.pt); spec.model is then used only by methods"
          + " trained from scratch.")
  public String torchScriptModel;

  /** The imported pretrained model (checkpoint or TorchScript module), or null. */
  @JsonIgnore
  public String importedModel() {
    return checkpoint != null ? checkpoint : torchScriptModel;
  }

  /** The spec field that names the imported model, for messages. */
  @JsonIgnore
  public String importedModelField() {
    return checkpoint != null ? "spec.pretraining.checkpoint" : "spec.pretraining.torchScriptModel";
  }

  @Min(1)
  @Default("10")
  @JsonPropertyDescription("Number of pretraining epochs.")
  public int epochs = 10;

  @Min(1)
  @Default("128")
  @JsonPropertyDescription("Mini-batch size.")
  public int batchSize = 128;

  @JsonPropertyDescription("Optimizer and learning-rate schedule.")
  public OptimizerSpec optimizer = new OptimizerSpec();
}
