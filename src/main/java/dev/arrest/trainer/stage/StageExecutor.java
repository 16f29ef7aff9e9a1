package dev.arrest.trainer.stage;

import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs one stage and always leaves a {@code stage-result.json} behind: Succeeded or Skipped with
 * its results, or Failed with a message that says what went wrong and how to fix it.
 */
public final class StageExecutor {
  private StageExecutor() {}

  public static StageResult run(Stage stage, StageContext context) {
    StageResult result = new StageResult();
    result.name = context.name();
    result.stage = stage;
    Instant started = Instant.now();
    result.startedAt = started.toString();
    try {
      if (stage != Stage.PRETRAIN && context.spec().sweep != null) {
        throw new IllegalArgumentException(
            "spec.sweep: a sweep's "
                + stage
                + " stage runs once per point; run the"
                + " point's document (SweepPoints.point), e.g. arrest stage "
                + stage
                + " --point ID");
      }
      try (StageWriterLock ignored =
          StageWriterLock.acquire(
              context.layout().stageDirectory(stage),
              StageWriterLock.DEFAULT_WAIT,
              System.err::println)) {
        switch (stage) {
          case PRETRAIN -> Pretraining.run(context, result);
          case FINETUNE -> Finetuning.run(context, result);
          case EVALUATE -> Evaluation.run(context, result);
        }
      }
    } catch (RuntimeException e) {
      result.status = StageStatus.FAILED;
      result.message = describe(e);
      if (!userFacing(e)) {
        // A bug or an unexpected failure of the engine: the trace is for whoever debugs it.
        e.printStackTrace();
      }
    }
    Instant finished = Instant.now();
    result.finishedAt = finished.toString();
    result.seconds = Duration.between(started, finished).toMillis() / 1000.0;
    ResultsJson.write(context.layout().stageResult(stage), result);
    return result;
  }

  /** Our own exceptions carry user-facing messages; anything else also names its type. */
  private static String describe(RuntimeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return userFacing(e) ? message : e.getClass().getSimpleName() + ": " + message;
  }

  /**
   * Exceptions whose message says what went wrong and how to fix it: ours, and I/O errors, which
   * name the file (e.g. a checkpoint write on a full disk).
   */
  private static boolean userFacing(RuntimeException e) {
    return e instanceof IllegalStateException
        || e instanceof IllegalArgumentException
        || e instanceof java.io.UncheckedIOException
        || e.getClass().getPackageName().startsWith("dev.arrest");
  }
}
