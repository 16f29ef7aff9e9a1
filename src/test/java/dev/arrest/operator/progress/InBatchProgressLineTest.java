package dev.arrest.operator.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.operator.status.StatusMapping;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.Stage;
import dev.arrest.trainer.progress.LogLineProgress;
import dev.arrest.trainer.progress.WithinStep;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * An attack's progress within a batch goes from the trainer's progress lines through the operator's
 * log parser into the status it shows, and lines written before those fields still parse.
 */
class InBatchProgressLineTest {

  @Test
  void inBatchProgressReachesTheStatusThroughTheLogLine() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    LogLineProgress lines =
        new LogLineProgress(new PrintStream(log, true, StandardCharsets.UTF_8), "quick", 0);
    lines.phaseStarted(Stage.EVALUATE, "autoattack-standard/square", 0, 0, 2);
    lines.stepDone(1, 125, null, 0.7, null, null);
    lines.withinStep(new WithinStep("queries", 1200, 5000, 87, 125));

    ProgressEvent event =
        PodLogProgressReader.latestIn(log.toString(StandardCharsets.UTF_8)).orElseThrow();
    TrainingProgress status = StatusMapping.progress(event, "2026-11-29T17:00:00Z");

    assertEquals("autoattack-standard/square", status.phase);
    assertEquals("queries", status.inBatchUnit);
    assertEquals(1200L, status.inBatchDone);
    assertEquals(5000L, status.inBatchTotal);
    assertEquals(87, status.inBatchRobust);
    assertEquals(125, status.inBatchSize);
    assertEquals(1, status.batch);
    assertEquals(2, status.batches);
    // One batch done and 24 % of the second: (1 + 0.24) / 2 of the attack.
    assertEquals(0.62, status.fraction, 1e-12);
    assertEquals(0.7, status.accuracy, 1e-12);
    assertEquals("evaluate (62%), square 1200/5000 queries, 87/125 robust", status.summary);
  }

  @Test
  void linesWithoutTheInBatchFieldsStillParseAndKeepTheirSummary() {
    String old =
        "ARREST_PROGRESS {\"name\":\"quick\",\"stage\":\"finetune\",\"epoch\":3,\"epochs\":10,"
            + "\"batch\":50,\"batches\":100,\"fraction\":0.25,\"loss\":1.5,\"accuracy\":0.5,"
            + "\"imagesPerSecond\":300.0,\"etaSeconds\":60.0}";
    ProgressEvent event = PodLogProgressReader.latestIn("other output\n" + old).orElseThrow();
    TrainingProgress status = StatusMapping.progress(event, "2026-11-29T17:00:00Z");
    assertEquals("finetune 3/10 (25%)", status.summary);
    assertNull(status.phase);
    assertNull(status.inBatchDone);
  }

  @Test
  void inBatchLinesAreThrottledLikeStepLines() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    LogLineProgress lines =
        new LogLineProgress(new PrintStream(log, true, StandardCharsets.UTF_8), "quick", 2);
    lines.phaseStarted(Stage.EVALUATE, "fab-t-100", 0, 0, 1);
    for (int done = 1; done <= 900; done++) {
      lines.withinStep(new WithinStep("iterations", done, 900, 125, 125));
    }
    lines.phaseFinished();
    long events =
        log.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith(ProgressEvent.LINE_PREFIX))
            .count();
    // The first at once, none more within 2 s (900 calls take milliseconds), the last at the end.
    assertEquals(2, events);
    ProgressEvent last =
        PodLogProgressReader.latestIn(log.toString(StandardCharsets.UTF_8)).orElseThrow();
    assertEquals(900L, last.inBatchDone());
  }
}
