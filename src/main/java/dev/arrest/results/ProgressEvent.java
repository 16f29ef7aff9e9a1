package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Live progress of a running stage. Trainer pods print it to standard output as one line, {@link
 * #LINE_PREFIX} followed by compact JSON, at the end of every epoch and periodically within one;
 * the operator reads the latest such line from the pod's log (so trainer pods need no API
 * permission).
 *
 * <p>Fields after {@code etaSeconds} were added later and are absent from older lines; all are null
 * outside an evaluation attack's batch.
 *
 * @param fraction progress of the whole stage in [0, 1] (of the current attack when evaluating)
 * @param etaSeconds estimated time to the end of the stage (of the current attack when evaluating)
 * @param phase the running phase: {@code epoch} in training, the attack (or {@code clean}) when
 *     evaluating
 * @param inBatchUnit what the in-batch counts count: {@code iterations}, or {@code queries} for
 *     Square
 * @param inBatchDone iterations or queries done on the current batch, over all target classes and
 *     restarts
 * @param inBatchTotal iterations or queries the current batch takes at most
 * @param inBatchRobust examples of the current batch not yet broken
 * @param inBatchSize examples in the current batch
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
    Double etaSeconds,
    String phase,
    String inBatchUnit,
    Long inBatchDone,
    Long inBatchTotal,
    Integer inBatchRobust,
    Integer inBatchSize) {

  /** An event without phase and in-batch progress, as lines were before those fields. */
  public ProgressEvent(
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
    this(
        name,
        stage,
        epoch,
        epochs,
        batch,
        batches,
        fraction,
        loss,
        rgkdLoss,
        noisyReplayRate,
        accuracy,
        imagesPerSecond,
        etaSeconds,
        null,
        null,
        null,
        null,
        null,
        null);
  }

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
