package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.ContainerResourcesSpec;
import dev.arrest.operator.OperatorSettings;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks the platform fields of a spec that only matter in a cluster (the trainer ignores them, so
 * the shared SpecValidator does not check them). Each problem names the field and how to fix it.
 */
public final class PlatformValidator {
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private PlatformValidator() {}

  public static List<String> validate(ArrestTrainingSpec spec, OperatorSettings settings) {
    List<String> problems = new ArrayList<>();
    if (claimName(spec, settings) == null) {
      problems.add(
          "spec.storage.claimName: required: the stages hand the model over through a"
              + " PersistentVolumeClaim; name one here, or start the operator with"
              + " --default-claim-name");
    }
    if (spec.storage != null
        && spec.storage.subPath != null
        && (spec.storage.subPath.startsWith("/")
            || List.of(spec.storage.subPath.split("/")).contains(".."))) {
      problems.add(
          "spec.storage.subPath: must be a relative path without '..', found '"
              + spec.storage.subPath
              + "'");
    }
    if (spec.resources != null) {
      checkResources(spec.resources.pretrain, "spec.resources.pretrain", problems);
      checkResources(spec.resources.finetune, "spec.resources.finetune", problems);
      checkResources(spec.resources.evaluate, "spec.resources.evaluate", problems);
    }
    if (spec.runPolicy != null
        && spec.runPolicy.maxParallelPoints != null
        && spec.runPolicy.maxParallelPoints < 1) {
      problems.add(
          "spec.runPolicy.maxParallelPoints: must be >= 1 (leave it out to run every point at"
              + " once), found "
              + spec.runPolicy.maxParallelPoints);
    }
    if (spec.scheduling != null
        && spec.scheduling.queueName != null
        && !LABEL_VALUE.matcher(spec.scheduling.queueName).matches()) {
      problems.add(
          "spec.scheduling.queueName: must be a valid label value (at most 63 letters, digits, '-',"
              + " '_' or '.'), found '"
              + spec.scheduling.queueName
              + "'");
    }
    return problems;
  }

  /**
   * The claim the stages mount: the spec's, else the operator's default; null when neither is set.
   */
  public static String claimName(ArrestTrainingSpec spec, OperatorSettings settings) {
    if (spec.storage != null
        && spec.storage.claimName != null
        && !spec.storage.claimName.isBlank()) {
      return spec.storage.claimName;
    }
    return settings.defaultClaimName();
  }

  private static void checkResources(
      ContainerResourcesSpec resources, String path, List<String> problems) {
    if (resources == null) {
      return;
    }
    checkQuantity(resources.cpu, path + ".cpu", "2 or 500m", problems);
    checkQuantity(resources.memory, path + ".memory", "8Gi", problems);
  }

  private static void checkQuantity(
      Quantity quantity, String path, String example, List<String> problems) {
    if (quantity == null) {
      return;
    }
    try {
      if (Quantity.getAmountInBytes(quantity).compareTo(BigDecimal.ZERO) <= 0) {
        problems.add(path + ": must be positive, found " + quantity);
      }
    } catch (RuntimeException e) {
      problems.add(
          path + ": not a Kubernetes quantity (e.g. " + example + "), found '" + quantity + "'");
    }
  }
}
