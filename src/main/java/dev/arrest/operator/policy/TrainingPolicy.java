package dev.arrest.operator.policy;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a resource author may ask for in the platform fields of a spec, as the platform team
 * configured it (flags of the operator, Helm values policy.*; see docs/install.md). Checked before
 * a training starts, so a refused training never creates a Job; it ends in phase Failed with the
 * reason {@code PolicyViolation} and a message naming the field and the allow-list.
 *
 * @param images trainer images besides the operator's own (see {@link ImageRule})
 * @param claimNames PersistentVolumeClaims spec.storage.claimName may name (the operator's default
 *     claim is always allowed)
 * @param priorityClasses PriorityClasses spec.scheduling.priorityClassName may name
 * @param tolerations taints spec.scheduling.tolerations may tolerate (see {@link TolerationRule})
 */
public record TrainingPolicy(
    AllowList images, AllowList claimNames, AllowList priorityClasses, AllowList tolerations) {

  public static final String IMAGES_FLAG = "--allowed-images";
  public static final String CLAIM_NAMES_FLAG = "--allowed-claim-names";
  public static final String PRIORITY_CLASSES_FLAG = "--allowed-priority-classes";
  public static final String TOLERATIONS_FLAG = "--allowed-tolerations";

  /**
   * The operator's defaults: only its own trainer image; any claim, PriorityClass and toleration.
   */
  public static final TrainingPolicy DEFAULT = parse("", "*", "*", "*");

  public TrainingPolicy {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(claimNames, "claimNames");
    Objects.requireNonNull(priorityClasses, "priorityClasses");
    Objects.requireNonNull(tolerations, "tolerations");
  }

  /**
   * The policy from the flags' comma-separated values.
   *
   * @throws IllegalArgumentException naming the flag and the entry, if an entry is malformed
   */
  public static TrainingPolicy parse(
      String images, String claimNames, String priorityClasses, String tolerations) {
    TrainingPolicy policy =
        new TrainingPolicy(
            AllowList.parse(IMAGES_FLAG, "policy.allowedImages", images),
            AllowList.parse(CLAIM_NAMES_FLAG, "policy.allowedClaimNames", claimNames),
            AllowList.parse(
                PRIORITY_CLASSES_FLAG, "policy.allowedPriorityClasses", priorityClasses),
            AllowList.parse(TOLERATIONS_FLAG, "policy.allowedTolerations", tolerations));
    List<String> problems = new ArrayList<>(ImageRule.problems(policy.images));
    problems.addAll(TolerationRule.problems(policy.tolerations));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return policy;
  }

  /**
   * The refusals of a spec, each naming the field, the value and the allow-list; empty when the
   * spec is within the policy.
   *
   * @param operatorImage the trainer image of trainings without spec.image (always allowed)
   * @param claimName the claim the stages will mount (spec.storage.claimName or the default)
   * @param defaultClaimName the operator's default claim, always allowed; may be null
   */
  public List<String> violations(
      ArrestTrainingSpec spec, String operatorImage, String claimName, String defaultClaimName) {
    List<String> violations = new ArrayList<>();
    String image = ImageRule.check(spec.image, operatorImage, images);
    if (image != null) {
      violations.add(image);
    }
    if (claimName != null
        && !claimName.equals(defaultClaimName)
        && !allows(claimNames, claimName)) {
      violations.add(
          "spec.storage.claimName: '"
              + claimName
              + "' is refused by "
              + claimNames.source()
              + ", which allows"
              + (defaultClaimName == null
                  ? ""
                  : " the default claim '" + defaultClaimName + "' and")
              + ": "
              + claimNames.describe()
              + "; use an allowed claim or ask your platform team to add it");
    }
    if (spec.scheduling != null) {
      String priorityClass = spec.scheduling.priorityClassName;
      if (priorityClass != null && !allows(priorityClasses, priorityClass)) {
        violations.add(
            "spec.scheduling.priorityClassName: '"
                + priorityClass
                + "' is refused by "
                + priorityClasses.source()
                + ", which allows: "
                + priorityClasses.describe()
                + "; leave it out, use an allowed class or ask your platform team to add it");
      }
      violations.addAll(TolerationRule.check(spec.scheduling.tolerations, tolerations));
    }
    return violations;
  }

  private static boolean allows(AllowList list, String value) {
    return list.allowsAny() || list.entries().contains(value);
  }
}
