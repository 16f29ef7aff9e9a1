package dev.arrest.operator.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fits names derived from an ArrestTraining's name into Kubernetes' length limits. A name that is
 * too long is cut and given a hash suffix of the full name, so two long names that share a prefix
 * still get different results.
 */
public final class KubernetesNames {
  /** Label values and DNS labels. */
  public static final int MAX_LABEL_VALUE = 63;

  /**
   * Job names: the Job controller adds a 5-character suffix to pod names and the job-name label
   * must stay within 63 characters, hence the 52 that CronJob and kubectl also use.
   */
  public static final int MAX_JOB_NAME = 52;

  private static final int HASH_LENGTH = 8;

  private KubernetesNames() {}

  /**
   * {@code value} itself if it has at most {@code max} characters, else a prefix, '-' and a hash of
   * the value.
   */
  public static String fit(String value, int max) {
    if (value.length() <= max) {
      return value;
    }
    String prefix = value.substring(0, max - HASH_LENGTH - 1).replaceAll("[-._]+$", "");
    return prefix + "-" + hash(value);
  }

  /**
   * A label value for {@code value} (names of ArrestTrainings may be longer than a label value may
   * be).
   */
  public static String labelValue(String value) {
    return fit(value, MAX_LABEL_VALUE);
  }

  /** Eight hex digits of the SHA-256 of the value. */
  public static String hash(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
