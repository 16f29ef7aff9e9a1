package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EpochTest;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.evaluation.everyEpoch through the command line: every pretraining and finetuning epoch
 * carries its test accuracy (results.json, epochs.csv, the epoch line), and measuring it leaves the
 * training exactly as it was.
 */
class EpochCurvesEndToEndTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/tiny-arrest.yaml");

  @BeforeAll
  static void needsFashionMnist() {
    CliFixture.assumeFashionMnist();
  }

  private static RunResults run(Path out, String name, String everyEpoch) throws IOException {
    Path spec = out.resolve(name + ".yaml");
    Files.writeString(
        spec,
        Files.readString(SPEC)
            .replace("trainSubset: 256", "trainSubset: 128")
            .replace("samples: 100", "samples: 50" + everyEpoch));
    // One thread: the reproducible setting, so that both runs can be compared bit for bit.
    assertEquals(
        0,
        CliFixture.cli(
            "run",
            spec.toString(),
            "--output",
            out.resolve(name).toString(),
            "--threads",
            "1",
            "--progress",
            "lines"));
    return ResultsJson.read(out.resolve(name + "/results.json"), RunResults.class);
  }

  @Test
  void everyTrainingEpochCarriesItsTestAccuracyAndTheTrainingIsUnchanged(@TempDir Path out)
      throws IOException {
    RunResults plain = run(out, "plain", "");
    RunResults curves =
        run(out, "curves", "\n    everyEpoch:\n      samples: 60\n      pgdSteps: 3");

    for (Stage stage : List.of(Stage.PRETRAIN, Stage.FINETUNE)) {
      List<EpochMetrics> without = plain.stages.get(stage).epochs;
      List<EpochMetrics> with = curves.stages.get(stage).epochs;
      assertEquals(without.size(), with.size());
      for (int e = 0; e < with.size(); e++) {
        EpochMetrics a = without.get(e);
        EpochMetrics b = with.get(e);
        assertNull(a.test(), "no measurement unless asked for");
        EpochTest test = b.test();
        assertEquals(60, test.samples(), stage + " epoch " + b.epoch());
        assertEquals("pgd-3", test.attack());
        assertTrue(test.standardAccuracy() > 0.1 && test.standardAccuracy() <= 1, test.toString());
        assertTrue(
            test.robustAccuracy() >= 0 && test.robustAccuracy() <= test.standardAccuracy(),
            test.toString());
        assertTrue(test.seconds() > 0);
        // The training itself is the same bit for bit.
        assertEquals(a.loss(), b.loss(), stage + " epoch " + b.epoch() + " loss");
        assertEquals(a.crossEntropyLoss(), b.crossEntropyLoss());
        assertEquals(a.rgkdLoss(), b.rgkdLoss());
        assertEquals(a.noisyReplayRate(), b.noisyReplayRate());
        assertEquals(a.trainCleanAccuracy(), b.trainCleanAccuracy());
        assertEquals(a.trainAdversarialAccuracy(), b.trainAdversarialAccuracy());
      }
    }
    assertEquals(
        plain.stages.get(Stage.EVALUATE).evaluation.standardAccuracy(),
        curves.stages.get(Stage.EVALUATE).evaluation.standardAccuracy());
    assertEquals(
        plain.stages.get(Stage.EVALUATE).evaluation.robustAccuracy(),
        curves.stages.get(Stage.EVALUATE).evaluation.robustAccuracy());
    assertArrayEquals(
        Files.readAllBytes(out.resolve("plain/finetune/model.params")),
        Files.readAllBytes(out.resolve("curves/finetune/model.params")),
        "the finetuned weights are the same bit for bit");

    List<String> csv = Files.readAllLines(out.resolve("curves/pretrain/epochs.csv"));
    assertTrue(
        csv.get(0)
            .endsWith(",test_samples,test_standard_accuracy,test_robust_accuracy,test_attack"),
        csv.get(0));
    EpochTest first = curves.stages.get(Stage.PRETRAIN).epochs.get(0).test();
    assertTrue(
        csv.get(1)
            .endsWith(
                String.format(
                    java.util.Locale.ROOT,
                    ",60,%.6g,%.6g,pgd-3",
                    first.standardAccuracy(),
                    first.robustAccuracy())),
        csv.get(1));
    for (String plot : List.of("pretrain-curves", "finetune-curves")) {
      String svg = Files.readString(out.resolve("curves/plots/" + plot + ".svg"));
      assertTrue(
          svg.contains("Test accuracy (%), 60 images, pgd-3"), plot + " draws the test curve");
      assertTrue(svg.contains("test robust"), plot);
      assertFalse(
          Files.readString(out.resolve("plain/plots/" + plot + ".svg")).contains("Test accuracy"),
          "no test panel without a test curve");
    }
  }
}
