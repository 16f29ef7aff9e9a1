package dev.arrest.operator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.TerminationMessage;

/**
 * What a finished trainer container left behind: its exit code and termination message. The message
 * is the trainer's {@link TerminationMessage} JSON, or, when the trainer died before writing it,
 * the tail of its log (the container's terminationMessagePolicy is FallbackToLogsOnError).
 *
 * @param podName the pod the container ran in
 * @param exitCode the container's exit code
 * @param text the raw termination message; may be null or empty
 * @param result the parsed stage result; null when the text is not a TerminationMessage
 */
public record PodTermination(String podName, int exitCode, String text, TerminationMessage result) {

  public static PodTermination of(String podName, int exitCode, String text) {
    TerminationMessage result = null;
    if (text != null && text.trim().startsWith("{")) {
      try {
        JsonNode tree = ResultsJson.mapper().readTree(text);
        if (TerminationMessage.KIND.equals(tree.path("kind").asText())) {
          result = ResultsJson.mapper().treeToValue(tree, TerminationMessage.class);
        }
      } catch (Exception e) {
        result = null;
      }
    }
    return new PodTermination(podName, exitCode, text, result);
  }

  /**
   * The trainer's own explanation of a failure, else the raw termination text, shortened for a
   * status message.
   */
  public String failureMessage() {
    if (result != null && result.message() != null && !result.message().isBlank()) {
      return result.message();
    }
    if (text != null && !text.isBlank()) {
      String trimmed = text.strip();
      return trimmed.length() > 1024 ? "..." + trimmed.substring(trimmed.length() - 1024) : trimmed;
    }
    return null;
  }
}
