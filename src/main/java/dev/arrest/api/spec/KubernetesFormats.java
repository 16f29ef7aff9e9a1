package dev.arrest.api.spec;

import java.util.regex.Pattern;

/**
 * The formats the API server checks for names and resource quantities, so that a local {@code
 * arrest validate} refuses what the cluster would refuse (the Job create, or the apply itself).
 */
public final class KubernetesFormats {
  /** Object names (metadata.name, PersistentVolumeClaims, PriorityClasses): RFC 1123 subdomain. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  public static final int DNS_SUBDOMAIN_MAX_LENGTH = 253;

  /**
   * Label values (e.g. the Kueue queue name): empty, or alphanumerics with '-', '_', '.' inside.
   */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  public static final int LABEL_VALUE_MAX_LENGTH = 63;

  /**
   * The longest ArrestTraining name the stage Jobs carry whole: Job names are at most 52 characters
   * (dev.arrest.operator.jobs.KubernetesNames) and the longest suffix is {@code -pNN-finetune}
   * (13); longer names are cut and given a hash there.
   */
  public static final int LONGEST_NAME_IN_JOB_NAMES = 39;

  /**
   * Kubernetes' quantity grammar, the pattern of resource.Quantity in the API server's OpenAPI: a
   * signed decimal number with a binary-SI (Ki..Ei), decimal-SI (n, u, m, k, M..E) or exponent (e3,
   * E-2) suffix.
   */
  public static final String QUANTITY =
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  private static final Pattern QUANTITY_PATTERN = Pattern.compile(QUANTITY);

  private static final Pattern DNS_SUBDOMAIN_PATTERN = Pattern.compile(DNS_SUBDOMAIN);

  private KubernetesFormats() {}

  public static boolean isDnsSubdomain(String name) {
    return name.length() <= DNS_SUBDOMAIN_MAX_LENGTH
        && DNS_SUBDOMAIN_PATTERN.matcher(name).matches();
  }

  public static boolean isQuantity(String text) {
    return QUANTITY_PATTERN.matcher(text).matches();
  }
}
