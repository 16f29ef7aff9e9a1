package dev.arrest.operator.policy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which trainer images a training may name in spec.image. An entry is an exact image reference
 * ({@code registry.example.com/ml/arrest-trainer:0.1.0}), a prefix ending in {@code /*}, {@code :*}
 * or {@code @*} (every image under that path, every tag, every digest of that repository), a bare
 * digest {@code sha256:<64 hex>} (that content under any name; the registry verifies it), or
 * {@value AllowList#ANY}. Matching is on the reference as written: {@code debian} and {@code
 * docker.io/library/debian} are different entries. The operator's own trainer image is always
 * allowed.
 */
final class ImageRule {
  // The reference grammar of github.com/distribution/reference (without IPv6 hosts).
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN = DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*(?::[0-9]+)?";
  private static final String NAME = "(?:" + DOMAIN + "/)?" + COMPONENT + "(?:/" + COMPONENT + ")*";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  static final Pattern REFERENCE =
      Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private ImageRule() {}

  /** The problem with one entry of the list, if any (checked when the operator starts). */
  static Optional<String> entryProblem(String entry) {
    if (entry.equals(AllowList.ANY) || SHA256.matcher(entry).matches()) {
      return Optional.empty();
    }
    if (entry.endsWith("*")) {
      String prefix = entry.substring(0, entry.length() - 1);
      char boundary = prefix.isEmpty() ? ' ' : prefix.charAt(prefix.length() - 1);
      if ("/:@".indexOf(boundary) < 0 || prefix.indexOf('*') >= 0) {
        return Optional.of(
            "'"
                + entry
                + "': a prefix must end in '/*', ':*' or '@*' so that it stops at a path, tag or"
                + " digest boundary (e.g. registry.example.com/ml/*)");
      }
      return Optional.empty();
    }
    if (entry.startsWith("sha256:")) {
      return Optional.of(
          "'" + entry + "': a digest is sha256: followed by 64 lower-case hex digits");
    }
    return REFERENCE.matcher(entry).matches()
        ? Optional.empty()
        : Optional.of(
            "'"
                + entry
                + "': not an image reference, a prefix ending in '/*', ':*' or '@*', a digest"
                + " sha256:<64 hex digits> or '*'");
  }

  /** Null when {@code image} may run, else the refusal naming spec.image and the rule. */
  static String check(String image, String operatorImage, AllowList allowed) {
    if (image == null || image.equals(operatorImage) || allowed.allowsAny()) {
      return null;
    }
    var reference = REFERENCE.matcher(image);
    if (!reference.matches()) {
      return "spec.image: '"
          + image
          + "' is not a valid image reference ([registry/]path[:tag][@sha256:digest], lower-case"
          + " path)";
    }
    String digest = reference.group(3);
    for (String entry : allowed.entries()) {
      if (matches(entry, image, digest)) {
        return null;
      }
    }
    return "spec.image: '"
        + image
        + "' is refused by "
        + allowed.source()
        + ", which allows the operator's trainer image '"
        + operatorImage
        + "' and: "
        + allowed.describe()
        + "; leave spec.image out, use an allowed image, or ask your platform team to add it";
  }

  private static boolean matches(String entry, String image, String digest) {
    if (entry.endsWith("*")) {
      return image.startsWith(entry.substring(0, entry.length() - 1));
    }
    if (SHA256.matcher(entry).matches()) {
      return entry.equals(digest);
    }
    return entry.equals(image);
  }

  static List<String> problems(AllowList allowed) {
    return allowed.entries().stream()
        .map(ImageRule::entryProblem)
        .flatMap(Optional::stream)
        .map(p -> allowed.flag() + ": " + p)
        .toList();
  }
}
