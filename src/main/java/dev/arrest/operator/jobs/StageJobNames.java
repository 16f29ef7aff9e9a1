package dev.arrest.operator.jobs;

import dev.arrest.results.Stage;
import java.util.Locale;

/**
 * Job names are a function of the training's name, the stage and the sweep point, which is what
 * makes Job creation idempotent.
 */
public final class StageJobNames {
  private StageJobNames() {}

  /**
   * {@code <training>-<stage>}, or {@code <prefix>-<hash>-<stage>} when that exceeds 52 characters.
   */
  public static String of(String trainingName, Stage stage) {
    return of(trainingName, stage, null);
  }

  /**
   * A sweep point's stage: {@code <training>-p<NN>-<stage>} (NN the point id, two digits), cut like
   * {@link #of(String, Stage)}; {@code point} null gives the training's own stage.
   */
  public static String of(String trainingName, Stage stage, Integer point) {
    return of(trainingName, stage, point, 0);
  }

  /**
   * Attempt {@code attempt} of the stage: attempt 0 is named as above, a later one (a restart after
   * a disruption, or a resume after a suspension) ends in {@code -r<attempt>}.
   */
  public static String of(String trainingName, Stage stage, Integer point, int attempt) {
    String suffix =
        (point == null ? "" : String.format(Locale.ROOT, "-p%02d", point))
            + "-"
            + stage
            + (attempt > 0 ? "-r" + attempt : "");
    String full = trainingName + suffix;
    if (full.length() <= KubernetesNames.MAX_JOB_NAME) {
      return full;
    }
    return KubernetesNames.fit(trainingName, KubernetesNames.MAX_JOB_NAME - suffix.length())
        + suffix;
  }
}
