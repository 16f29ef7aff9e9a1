package dev.arrest.api.spec;

import java.util.List;

/**
 * An ArrestTraining document that cannot be run; each problem names the field and how to fix it.
 */
public class SpecException extends RuntimeException {
  private final List<String> problems;

  public SpecException(String source, List<String> problems) {
    super(
        "Invalid ArrestTraining"
            + (source == null ? "" : " " + source)
            + ":\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * One line per problem, each starting with the field path (e.g. {@code spec.finetuning.epochs:
   * ...}).
   */
  public List<String> problems() {
    return problems;
  }
}
