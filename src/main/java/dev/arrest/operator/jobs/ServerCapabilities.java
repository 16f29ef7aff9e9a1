package dev.arrest.operator.jobs;

import io.fabric8.kubernetes.client.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Job features of the API server the operator talks to, from its version. A field an older
 * server does not know is dropped silently on create, so the operator sets only what the server
 * honours and does the rest itself (see docs/install.md, "Kubernetes versions").
 *
 * @param version the server's major.minor, e.g. {@code 1.20}
 * @param podFailurePolicy Job podFailurePolicy (beta and on by default from 1.26): the Job fails at
 *     once on the trainer's invalid-spec exit code or a pod's DisruptionTarget condition, instead
 *     of spending its backoffLimit on them
 * @param podReplacementPolicy Job podReplacementPolicy (beta from 1.29): a replacement pod starts
 *     only once the old one has terminated
 */
public record ServerCapabilities(
    String version, boolean podFailurePolicy, boolean podReplacementPolicy) {
  /** What the oldest supported server (1.20) has: none of the optional Job features. */
  public static final ServerCapabilities OLDEST = of(1, 20);

  /** A server whose /version says nothing usable: treated as the oldest supported. */
  static final ServerCapabilities UNKNOWN =
      new ServerCapabilities("(version unknown, treated as 1.20)", false, false);

  private static final Pattern DIGITS = Pattern.compile("(\\d+)");

  public static ServerCapabilities of(int major, int minor) {
    boolean modern = major > 1;
    return new ServerCapabilities(
        major + "." + minor, modern || minor >= 26, modern || minor >= 29);
  }

  /** From the server's /version; an unreadable version counts as the oldest supported. */
  public static ServerCapabilities of(VersionInfo version) {
    if (version == null) {
      return OLDEST;
    }
    Integer major = leadingNumber(version.getMajor());
    Integer minor = leadingNumber(version.getMinor());
    return major == null || minor == null || major < 1 ? UNKNOWN : of(major, minor);
  }

  /** The {@link #fallbacks} as one message, empty on a server that has every feature. */
  public java.util.Optional<String> fallbackSummary() {
    List<String> lines = fallbacks();
    return lines.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(String.join("; ", lines));
  }

  /**
   * One line per missing feature, naming what the operator does instead; empty on a server that has
   * them all.
   */
  public List<String> fallbacks() {
    List<String> lines = new ArrayList<>();
    if (!podFailurePolicy) {
      lines.add(
          "Kubernetes "
              + version
              + " has no Job podFailurePolicy (1.26+): the operator tells disruptions from trainer"
              + " failures itself, from the pods' status, and fails a stage whose trainer exits"
              + " with the invalid-spec code without waiting for the Job's retries");
    }
    if (!podReplacementPolicy) {
      lines.add(
          "Kubernetes "
              + version
              + " has no Job podReplacementPolicy (1.29+): the operator starts a restarted stage's"
              + " Job only once every pod of the previous one has terminated; a pod deleted by"
              + " hand is still replaced by the Job controller at once, and its successor waits"
              + " for the old trainer's lock on the stage directory");
    }
    return lines;
  }

  private static Integer leadingNumber(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = DIGITS.matcher(text);
    return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
  }
}
