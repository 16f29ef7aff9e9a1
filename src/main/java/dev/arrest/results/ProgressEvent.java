package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Live progress of a running stage. Trainer pods print it to standard output as one line, {@link
 * #LINE_PREFIX} followed by compact JSON, at the end of every epoch and periodically within one;
 * the operator reads the latest such line from the pod's log (so trainer pods need no API
 * permission).
 *
 * @param fraction progress of the whole stage in [0, 1]
 * @param etaSeconds estimated time to the end of the stage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressEvent(
    String name,
    Stage stage,
    int epoch,
    int epochs,
    int batch,
    int batches,
    double fraction,
    Double loss,
    Double rgkdLoss,
    Double noisyReplayRate,
    Double accuracy,
    Double imagesPerSecond,
    Double etaSeconds) {

  public static final String LINE_PREFIX = "ARREST_PROGRESS ";

  public String toLine() {
    return LINE_PREFIX + ResultsJson.toCompactJson(this);
  }

  /** Parses a log line written by {@link #toLine()}; null when the line is something else. */
  public static ProgressEvent parseLine(String line) {
    int at = line.indexOf(LINE_PREFIX);
    if (at < 0) {
      return null;
    }
    try {
      return ResultsJson.parse(
          line.substring(at + LINE_PREFIX.length()).trim(), ProgressEvent.class);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
