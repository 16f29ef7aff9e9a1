package dev.arrest.operator.jobs;

import dev.arrest.results.Stage;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels of the stage Jobs and their pods. */
public final class TrainerLabels {
  public static final String TRAINING = "arrest.dev/training";
  public static final String STAGE = "arrest.dev/stage";

  /** A sweep point's id, on its finetune and evaluate Jobs and their pods. */
  public static final String POINT = "arrest.dev/point";

  /** Which run of the stage a Job is: 0 the first, one more for each restart or resume. */
  public static final String ATTEMPT = "arrest.dev/attempt";

  /**
   * Annotation with the point's readable label (e.g. {@code arrest phi=30}), which is no valid
   * label value.
   */
  public static final String POINT_LABEL = "arrest.dev/point-label";

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";

  /**
   * Set by the Job controller on its pods (also as batch.kubernetes.io/job-name since Kubernetes
   * 1.27).
   */
  public static final String JOB_NAME = "job-name";

  public static final String MANAGER = "arrest-operator";

  /** Selects every Job this operator manages; the Job informer is restricted to it. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  private TrainerLabels() {}

  public static Map<String, String> of(String trainingName, Stage stage) {
    return of(trainingName, stage, null);
  }

  /** The labels of a stage's Job and pods; {@code point} adds the sweep point's id. */
  public static Map<String, String> of(String trainingName, Stage stage, Integer point) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, "arrest-trainer");
    labels.put(INSTANCE, KubernetesNames.labelValue(trainingName));
    labels.put(COMPONENT, stage.toString());
    labels.put(PART_OF, "arrest");
    labels.put(MANAGED_BY, MANAGER);
    labels.put(TRAINING, KubernetesNames.labelValue(trainingName));
    labels.put(STAGE, stage.toString());
    if (point != null) {
      labels.put(POINT, point.toString());
    }
    return labels;
  }
}
