package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TestSubset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep of AT and ARREST with and without adversarial weight perturbation through the command
 * line, on a slice of the real Fashion-MNIST, evaluated on a class-stratified sample of the test
 * set.
 */
class AwpEndToEndTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/tiny-arrest.yaml");

  @BeforeAll
  static void needsFashionMnist() {
    CliFixture.assumeFashionMnist();
  }

  @Test
  void sweepsWithAndWithoutAwpAfterItsWarmUp(@TempDir Path out) throws IOException {
    Path spec = out.resolve("awp.yaml");
    Files.writeString(
        spec,
        Files.readString(SPEC)
                .replace("trainSubset: 256", "trainSubset: 128")
                .replace("samples: 100", "samples: 50\n    subset: stratified")
                .replace("epochs: 1", "epochs: 2\n    awp: {gamma: 0.01, warmupEpochs: 1}")
            + "  sweep:\n    methods: [at, arrest]\n    awpGammas: [0, 0.01]\n");

    // One thread, so that the warm-up epoch of a point with AWP repeats its twin's bit for bit.
    assertEquals(
        0,
        CliFixture.cli(
            "run",
            spec.toString(),
            "--output",
            out.resolve("o").toString(),
            "--threads",
            "1",
            "--progress",
            "lines"));

    RunResults results = ResultsJson.read(out.resolve("o/results.json"), RunResults.class);
    assertEquals(
        List.of("at", "at+awp", "arrest", "arrest+awp"),
        results.points.stream().map(p -> p.label).toList());
    for (int pair = 0; pair < 4; pair += 2) {
      PointResults without = results.points.get(pair);
      PointResults with = results.points.get(pair + 1);
      for (PointResults point : List.of(without, with)) {
        for (Stage stage : List.of(Stage.FINETUNE, Stage.EVALUATE)) {
          assertEquals(
              StageStatus.SUCCEEDED,
              point.stages.get(stage).status,
              point.label + " " + stage + ": " + point.stages.get(stage).message);
        }
      }
      assertEquals(0.01, with.overrides.get("finetuning.awp.gamma"));
      assertEquals(
          new TestSubset(TestSubset.STRATIFIED, 10000, 0L),
          with.stages.get(Stage.EVALUATE).evaluation.subset(),
          "results.json records the stratified test images");
      List<EpochMetrics> plain = without.stages.get(Stage.FINETUNE).epochs;
      List<EpochMetrics> perturbed = with.stages.get(Stage.FINETUNE).epochs;
      assertNull(plain.get(1).awpGamma(), without.label + " has no AWP");
      assertNull(perturbed.get(0).awpGamma(), with.label + ": epoch 1 is the warm-up");
      assertEquals(0.01, perturbed.get(1).awpGamma(), with.label + ": epoch 2 has AWP");
      assertEquals(
          plain.get(0).loss(), perturbed.get(0).loss(), with.label + ": the warm-up is plain");
      assertTrue(
          plain.get(1).loss() != perturbed.get(1).loss(),
          with.label + ": AWP changes the loss after the warm-up");
    }
    String log =
        Files.readString(
            out.resolve("o/" + results.points.get(3).directory + "/finetune/epochs.csv"));
    List<String> header = List.of(log.lines().findFirst().orElseThrow().split(",", -1));
    int awpColumn = header.indexOf("awp_gamma");
    assertTrue(awpColumn > 0, log);
    assertEquals("", log.lines().skip(1).findFirst().orElseThrow().split(",", -1)[awpColumn], log);
    assertEquals(
        "0.0100000", log.lines().skip(2).findFirst().orElseThrow().split(",", -1)[awpColumn], log);
  }
}
