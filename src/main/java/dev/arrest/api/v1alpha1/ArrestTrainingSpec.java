package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/**
 * What to train and how to evaluate it. Field defaults here equal the CRD's schema defaults (a test
 * checks it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArrestTrainingSpec {

  @JsonPropertyDescription(
      "Seed for weight initialization, data order, subsets, augmentation, attacks and noise."
          + " The same seed on the same hardware reproduces a run.")
  public long seed = 0;

  @Required
  @JsonPropertyDescription("The image classification dataset to train and evaluate on.")
  public DatasetSpec dataset;

  @Required
  @JsonPropertyDescription("The network architecture.")
  public ModelSpec model;

  @JsonPropertyDescription(
      "Standard (clean) pretraining, or an existing pretrained checkpoint to start from. Methods at"
          + " and trades train from scratch and ignore it unless finetuning.initialization says"
          + " otherwise.")
  public PretrainingSpec pretraining = new PretrainingSpec();

  @Required
  @JsonPropertyDescription(
      "Adversarial finetuning: the method (ARREST or a baseline) and its parameters.")
  public FinetuningSpec finetuning;

  @JsonPropertyDescription("Robustness evaluation of the finetuned model.")
  public EvaluationSpec evaluation = new EvaluationSpec();

  @JsonPropertyDescription(
      "Turns the training into a sweep: values listed here (methods, phi, lambda, epsilon, TRADES"
          + " beta) are combined into points, each finetuned and evaluated after one shared"
          + " pretraining, and the sweep is scored as a whole against spec.evaluation.tradeoff. At"
          + " most 64 points. Omit for a single run.")
  public SweepSpec sweep;

  // Platform fields: how the operator runs the stages in a cluster. Local runs ignore them.

  @JsonPropertyDescription(
      "Run controls, not part of the training: true stops the running stage Job (its pods are"
          + " deleted) and starts none; false again resumes the stage from its last epoch"
          + " checkpoint. Kueue suspends and resumes workloads through this field. Default: false.")
  public Boolean suspend;

  @JsonPropertyDescription(
      "Run controls: change this number on a Failed training to run its failed stages (or"
          + " points) again from their last checkpoints, with the spec it started with, without"
          + " deleting it (as the Flink Kubernetes operator's restartNonce).")
  public Long restartNonce;

  @JsonPropertyDescription(
      "Trainer container image; it must hold the trainer at /app/arrest.jar. Default: the"
          + " operator's --trainer-image.")
  public String image;

  @Default("IfNotPresent")
  @JsonPropertyDescription("Pull policy of the trainer image: Always, IfNotPresent or Never.")
  public ImagePullPolicy imagePullPolicy = ImagePullPolicy.IF_NOT_PRESENT;

  @JsonPropertyDescription("CPU, memory and GPUs of each stage's trainer container.")
  public StageResourcesSpec resources = new StageResourcesSpec();

  @JsonPropertyDescription(
      "Node selection, tolerations, affinity, priority and Kueue queue of the trainer pods.")
  public SchedulingSpec scheduling = new SchedulingSpec();

  @JsonPropertyDescription(
      "The PersistentVolumeClaim holding artifacts (and, if spec.dataset.path points into it,"
          + " the dataset).")
  public StorageSpec storage = new StorageSpec();

  @JsonPropertyDescription("Retries, deadline and clean-up of the stage Jobs.")
  public RunPolicySpec runPolicy = new RunPolicySpec();
}
