package dev.arrest.operator.policy;

import java.util.Arrays;
import java.util.List;

/**
 * One allow-list of the operator's policy, as given to a flag (comma-separated) and by the Helm
 * value of the same name. {@value #ANY} as an entry allows every value; an empty list allows
 * nothing beyond what the operator itself configures (its trainer image, its default claim).
 *
 * @param flag the operator flag, for messages
 * @param helmValue the chart value, for messages
 * @param entries the entries, trimmed, without empty ones
 */
public record AllowList(String flag, String helmValue, List<String> entries) {
  public static final String ANY = "*";

  public AllowList {
    entries = List.copyOf(entries);
  }

  /** Splits a comma-separated flag value; blanks are dropped, so "" is the empty list. */
  public static AllowList parse(String flag, String helmValue, String commaSeparated) {
    List<String> entries =
        commaSeparated == null
            ? List.of()
            : Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    return new AllowList(flag, helmValue, entries);
  }

  public boolean allowsAny() {
    return entries.contains(ANY);
  }

  /** Where a platform team changes this list, for the end of a refusal message. */
  String source() {
    return "the operator's allow-list " + helmValue + " (flag " + flag + ")";
  }

  /** The entries as a message shows them; "none" for the empty list. */
  String describe() {
    return entries.isEmpty() ? "none" : String.join(", ", entries);
  }
}
