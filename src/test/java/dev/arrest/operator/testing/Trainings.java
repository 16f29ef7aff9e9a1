package dev.arrest.operator.testing;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;

/** ArrestTraining fixtures. */
public final class Trainings {
  private Trainings() {}

  /**
   * A tiny Fashion-MNIST-shaped ARREST training (2 + 2 epochs, 200 evaluation samples) on claim
   * "arrest-data".
   */
  public static String fashionMnistYaml(String name) {
    return """
    apiVersion: arrest.dev/v1alpha1
    kind: ArrestTraining
    metadata:
      name: %s
      namespace: ml
    spec:
      seed: 0
      dataset:
        name: fashion-mnist
        trainSubset: 512
      model:
        architecture: small-cnn
      pretraining:
        epochs: 2
        batchSize: 64
      finetuning:
        method: arrest
        epochs: 2
        batchSize: 64
        attack:
          epsilon: 0.1
          steps: 2
      evaluation:
        samples: 200
        attacks:
          - type: pgd
            steps: 5
      storage:
        claimName: arrest-data
    """
        .formatted(name);
  }

  /**
   * The same training as a sweep: {@code sweepYaml} is the body of {@code spec.sweep}, not indented
   * (e.g. {@code "noisyReplayThresholdDegrees: [20, 30, 45]\n"}).
   */
  public static String sweepYaml(String name, String sweepYaml) {
    return fashionMnistYaml(name) + "  sweep:\n" + sweepYaml.indent(4);
  }

  /** A sweep of arrest over three noisy-replay thresholds: points 0, 1, 2 are phi = 20, 30, 45. */
  public static ArrestTraining phiSweep(String name) {
    return parse(sweepYaml(name, "noisyReplayThresholdDegrees: [20, 30, 45]\n"));
  }

  /**
   * A training for {@link CheckpointingStandInTrainer}: {@code pretrainEpochs} + {@code
   * finetuneEpochs} epochs on claim "arrest-data" in {@code namespace}, its result a function of
   * {@code seed}; {@code extraSpecYaml} is added to the spec as written (not indented, e.g. {@code
   * "runPolicy:\n backoffLimit: 0\n"}).
   */
  public static String standInYaml(
      String name,
      String namespace,
      long seed,
      int pretrainEpochs,
      int finetuneEpochs,
      String extraSpecYaml) {
    return """
    apiVersion: arrest.dev/v1alpha1
    kind: ArrestTraining
    metadata:
      name: %s
      namespace: %s
    spec:
      seed: %d
      dataset:
        name: fashion-mnist
        trainSubset: 512
      model:
        architecture: small-cnn
      pretraining:
        epochs: %d
        batchSize: 64
      finetuning:
        method: arrest
        epochs: %d
        batchSize: 64
        attack:
          epsilon: 0.1
          steps: 2
      evaluation:
        samples: 200
        attacks:
          - type: pgd
            steps: 5
      storage:
        claimName: arrest-data
    """
            .formatted(name, namespace, seed, pretrainEpochs, finetuneEpochs)
        + extraSpecYaml.indent(2);
  }

  public static ArrestTraining fashionMnist(String name) {
    return parse(fashionMnistYaml(name));
  }

  public static ArrestTraining parse(String yaml) {
    return ArrestTrainingDocuments.parse(yaml, "test fixture");
  }
}
