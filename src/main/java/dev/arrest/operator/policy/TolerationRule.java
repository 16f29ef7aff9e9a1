package dev.arrest.operator.policy;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Which taints trainer pods may tolerate. An entry is a taint key ({@code nvidia.com/gpu}: any
 * effect) or {@code KEY:EFFECT} ({@code nvidia.com/gpu:NoSchedule}), or {@value AllowList#ANY}. A
 * toleration without a key tolerates every taint, so only {@value AllowList#ANY} allows it; one
 * without an effect tolerates every effect of its key, so only an entry without an effect allows
 * it. Values are not restricted: the key names the nodes a platform reserves.
 */
final class TolerationRule {
  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  // A qualified name as Kubernetes label and taint keys use it: [prefix/]name.
  private static final Pattern KEY =
      Pattern.compile(
          "(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  private TolerationRule() {}

  static Optional<String> entryProblem(String entry) {
    if (entry.equals(AllowList.ANY)) {
      return Optional.empty();
    }
    int colon = entry.indexOf(':');
    String key = colon < 0 ? entry : entry.substring(0, colon);
    String effect = colon < 0 ? null : entry.substring(colon + 1);
    if (!KEY.matcher(key).matches()) {
      return Optional.of("'" + entry + "': '" + key + "' is not a taint key (e.g. nvidia.com/gpu)");
    }
    if (effect != null && !EFFECTS.contains(effect)) {
      return Optional.of(
          "'" + entry + "': the effect must be NoSchedule, PreferNoSchedule or NoExecute");
    }
    return Optional.empty();
  }

  /** The refusals of the spec's tolerations, each naming its index. */
  static List<String> check(List<Toleration> tolerations, AllowList allowed) {
    if (tolerations == null || allowed.allowsAny()) {
      return List.of();
    }
    return IntStream.range(0, tolerations.size())
        .filter(i -> tolerations.get(i) != null && !allows(allowed, tolerations.get(i)))
        .mapToObj(i -> refusal(i, tolerations.get(i), allowed))
        .toList();
  }

  private static boolean allows(AllowList allowed, Toleration toleration) {
    String key = blankToNull(toleration.getKey());
    String effect = blankToNull(toleration.getEffect());
    if (key == null) {
      return false;
    }
    for (String entry : allowed.entries()) {
      int colon = entry.indexOf(':');
      String entryKey = colon < 0 ? entry : entry.substring(0, colon);
      String entryEffect = colon < 0 ? null : entry.substring(colon + 1);
      if (entryKey.equals(key) && (entryEffect == null || entryEffect.equals(effect))) {
        return true;
      }
    }
    return false;
  }

  private static String refusal(int index, Toleration toleration, AllowList allowed) {
    String key = blankToNull(toleration.getKey());
    String what =
        key == null
            ? "a toleration without a key (it tolerates every taint)"
            : "key '"
                + key
                + "'"
                + (blankToNull(toleration.getEffect()) == null
                    ? " with every effect"
                    : " with effect " + toleration.getEffect());
    return "spec.scheduling.tolerations["
        + index
        + "]: "
        + what
        + " is refused by "
        + allowed.source()
        + ", which allows: "
        + allowed.describe()
        + "; remove the toleration or ask your platform team to allow it";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static List<String> problems(AllowList allowed) {
    return allowed.entries().stream()
        .map(TolerationRule::entryProblem)
        .flatMap(Optional::stream)
        .map(p -> allowed.flag() + ": " + p)
        .toList();
  }
}
