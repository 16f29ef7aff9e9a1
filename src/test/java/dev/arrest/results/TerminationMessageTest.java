package dev.arrest.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationMessageTest {

  private static StageResult evaluated(String message, int epochs) {
    StageResult result = new StageResult();
    result.name = "t";
    result.stage = Stage.EVALUATE;
    result.status = StageStatus.FAILED;
    result.message = message;
    for (int e = 1; e <= epochs; e++) {
      result.epochs.add(new EpochMetrics(e, 0.1, 1, 1, 0.2, null, 0.05, 0.8, 0.5, 100, 1, 100));
    }
    result.evaluation =
        new EvaluationResult(
                1000,
                0.8,
                0.5,
                List.of(new AttackResult("pgd-20", "pgd", "linf", 0.1, 20, 0.0125, 1, 0.5, 12.5)),
                List.of("w"))
            .withExamples(ExampleOutcomes.of(new boolean[10000], new boolean[10000]));
    result.artifacts.put("model", "finetune/model.params");
    return result;
  }

  @Test
  void keepsEverythingButTheEpochHistoryWhenItFits() {
    TerminationMessage parsed =
        TerminationMessage.parse(TerminationMessage.of(evaluated("boom", 300)).toJson());
    assertEquals(300, parsed.epochs());
    assertEquals(300, parsed.lastEpoch().epoch());
    assertEquals("boom", parsed.message());
    assertEquals(0.5, parsed.evaluation().attacks().get(0).robustAccuracy());
    assertEquals("finetune/model.params", parsed.artifacts().get("model"));
    assertNull(parsed.evaluation().examples(), "per-example outcomes stay in stage-result.json");
  }

  @Test
  void shortensAHugeMessageToFitKubernetesLimitButKeepsTheResults() {
    String json = TerminationMessage.of(evaluated("x".repeat(10_000), 3)).toJson();
    assertTrue(
        json.getBytes(StandardCharsets.UTF_8).length <= TerminationMessage.MAX_BYTES,
        json.length() + "");
    TerminationMessage parsed = TerminationMessage.parse(json);
    assertTrue(parsed.message().endsWith("[truncated]"));
    assertEquals(0.8, parsed.evaluation().standardAccuracy());
    assertEquals(StageStatus.FAILED, parsed.status());
    assertNull(parsed.artifacts());
  }

  @Test
  void progressLinesRoundTripAndOtherLinesAreIgnored() {
    ProgressEvent event =
        new ProgressEvent(
            "t", Stage.FINETUNE, 2, 5, 10, 100, 0.32, 1.5, 0.2, 0.04, 0.6, 350.0, 120.0);
    assertEquals(event, ProgressEvent.parseLine("2026-11-25T04:00:00Z " + event.toLine()));
    assertNull(ProgressEvent.parseLine("finetune epoch 1/2: loss 1.2"));
    assertNull(ProgressEvent.parseLine(ProgressEvent.LINE_PREFIX + "{not json"));
  }
}
