package dev.arrest.operator.jobs;

import dev.arrest.results.Stage;

/** Job names are a function of the training's name and the stage, which is what makes Job creation idempotent. */
public final class StageJobNames {
  private StageJobNames() {}

  /** {@code <training>-<stage>}, or {@code <prefix>-<hash>-<stage>} when that exceeds 52 characters. */
  public static String of(String trainingName, Stage stage) {
    String suffix = "-" + stage;
    String full = trainingName + suffix;
    if (full.length() <= KubernetesNames.MAX_JOB_NAME) {
      return full;
    }
    return KubernetesNames.fit(trainingName, KubernetesNames.MAX_JOB_NAME - suffix.length()) + suffix;
  }
}
