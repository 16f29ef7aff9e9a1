package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.SweepScoring;
import dev.arrest.results.TerminationMessage;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-point sweep through the command line on a slice of the real Fashion-MNIST: run, resume, one
 * point's stage.
 */
class ArrestCliSweepEndToEndTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/tiny-sweep.yaml");
  private static final String POINT_0 = "points/00-aft-eps-0p02";
  private static final String POINT_1 = "points/01-aft-eps-0p3";

  @BeforeAll
  static void needsFashionMnist() {
    CliFixture.assumeFashionMnist();
  }

  private static int cli(String... args) {
    return CliFixture.cli(args);
  }

  @Test
  void runsTheSweepScoresItAndResumesOnlyWhatIsMissing(@TempDir Path out) throws IOException {
    assertEquals(0, cli("run", SPEC.toString(), "--output", out.toString(), "--progress", "lines"));

    RunResults results = ResultsJson.read(out.resolve("results.json"), RunResults.class);
    assertEquals("aft", results.method);
    assertEquals(
        List.of(Stage.PRETRAIN),
        List.copyOf(results.stages.keySet()),
        "only pretraining is shared");
    assertEquals(StageStatus.SUCCEEDED, results.stages.get(Stage.PRETRAIN).status);
    assertEquals(2, results.points.size());
    PointResults low = results.points.get(0);
    PointResults high = results.points.get(1);
    assertEquals("aft eps=0.02", low.label);
    assertEquals(POINT_1, high.directory);
    assertEquals(Map.of("finetuning.attack.epsilon", 0.3), high.overrides);
    for (PointResults point : results.points) {
      for (Stage stage : List.of(Stage.FINETUNE, Stage.EVALUATE)) {
        StageResult result = point.stages.get(stage);
        assertEquals(
            StageStatus.SUCCEEDED,
            result.status,
            point.label + " " + stage + ": " + result.message);
      }
      assertEquals(
          "pretrain/model.params",
          point.stages.get(Stage.FINETUNE).artifacts.get("pretrainedModel"),
          "every point finetunes the one shared pretrained model");
      assertEquals(
          0.1,
          point.stages.get(Stage.EVALUATE).evaluation.attacks().get(0).epsilon(),
          "evaluated at spec.evaluation.epsilon, not at the point's training budget");
      assertTrue(Files.size(out.resolve(point.directory + "/finetune/model.params")) > 1_000_000);
    }
    assertFalse(Files.exists(out.resolve("finetune")), "a sweep has no unswept finetune stage");

    TradeoffSpec tradeoff = ArrestTrainingDocuments.read(SPEC).getSpec().evaluation.tradeoff;
    TradeoffCurve curve = TradeoffReferences.curve(tradeoff);
    for (PointResults point : results.points) {
      assertEquals(
          curve.score(100 * point.summary.standardAccuracy(), 100 * point.summary.robustAccuracy()),
          point.summary.tradeoffScore(),
          point.label);
    }
    assertNotNull(results.sweep, "the two points trace a tradeoff: " + results.warnings);
    assertEquals(SweepScore.compute(curve, SweepScoring.runPoints(results.points)), results.sweep);

    for (String plot :
        List.of(
            "pretrain-curves",
            "00-aft-eps-0p02-finetune-curves",
            "01-aft-eps-0p3-finetune-curves",
            "points-finetune-curves",
            "tradeoff-plane")) {
      assertTrue(Files.size(out.resolve("plots/" + plot + ".png")) > 1000, plot + ".png");
      assertTrue(
          Files.readString(out.resolve("plots/" + plot + ".svg")).contains("<svg"), plot + ".svg");
    }
    String plane = Files.readString(out.resolve("plots/tradeoff-plane.svg"));
    assertTrue(
        plane.contains("aft eps=0.02") && plane.contains("aft eps=0.3"),
        "points are labelled in the plane");

    // Resume: only the missing evaluation runs again.
    List<Path> kept =
        List.of(
            out.resolve("pretrain/model.params"),
            out.resolve(POINT_0 + "/finetune/model.params"),
            out.resolve(POINT_0 + "/evaluate/stage-result.json"),
            out.resolve(POINT_1 + "/finetune/model.params"));
    List<Long> before = modificationTimes(kept);
    Files.delete(out.resolve(POINT_1 + "/evaluate/stage-result.json"));
    assertEquals(0, cli("run", SPEC.toString(), "--output", out.toString(), "--progress", "lines"));
    assertEquals(before, modificationTimes(kept), "finished stages are kept");
    RunResults resumed = ResultsJson.read(out.resolve("results.json"), RunResults.class);
    assertEquals(StageStatus.SUCCEEDED, resumed.points.get(1).stages.get(Stage.EVALUATE).status);
    assertEquals(
        results.points.get(1).summary,
        resumed.points.get(1).summary,
        "the same model evaluates the same");
    assertEquals(results.sweep, resumed.sweep);

    // One point's stage, as the operator's per-point Jobs run it.
    Path message = out.resolve("termination-log");
    assertEquals(
        0,
        cli(
            "stage",
            "evaluate",
            "--point",
            "0",
            "--spec",
            SPEC.toString(),
            "--output",
            out.toString(),
            "--termination-message-path",
            message.toString(),
            "--progress",
            "lines"));
    TerminationMessage parsed = TerminationMessage.parse(Files.readString(message));
    assertEquals(StageStatus.SUCCEEDED, parsed.status());
    assertEquals(
        results.points.get(0).summary.standardAccuracy(), parsed.evaluation().standardAccuracy());
    assertEquals(POINT_0 + "/finetune/model.params", parsed.artifacts().get("model"));
  }

  @Test
  void pointSelectionMistakesAreUsageErrors(@TempDir Path out) throws IOException {
    assertEquals(
        2,
        cli("stage", "finetune", "--spec", SPEC.toString(), "--output", out.toString()),
        "a sweep's finetune needs --point");
    assertEquals(
        2,
        cli(
            "stage",
            "finetune",
            "--point",
            "2",
            "--spec",
            SPEC.toString(),
            "--output",
            out.toString()),
        "the tiny sweep has points 0 and 1");
    assertEquals(
        2,
        cli(
            "stage",
            "pretrain",
            "--point",
            "0",
            "--spec",
            SPEC.toString(),
            "--output",
            out.toString()),
        "pretraining is shared");
    assertEquals(
        2,
        cli(
            "stage",
            "evaluate",
            "--point",
            "0",
            "--spec",
            "src/test/resources/specs/tiny-arrest.yaml",
            "--output",
            out.toString()),
        "not a sweep");
    assertFalse(Files.exists(out.resolve("points")));
  }

  @Test
  void pretrainingIsSkippedWhenEveryPointTrainsFromScratch(@TempDir Path out) throws IOException {
    Path spec = out.resolve("scratch.yaml");
    Files.writeString(
        spec, Files.readString(SPEC).replace("epsilons: [0.02, 0.3]", "methods: [at, trades]"));
    assertEquals(
        0,
        cli(
            "stage",
            "pretrain",
            "--spec",
            spec.toString(),
            "--output",
            out.toString(),
            "--progress",
            "lines"));
    StageResult result =
        ResultsJson.read(out.resolve("pretrain/stage-result.json"), StageResult.class);
    assertEquals(StageStatus.SKIPPED, result.status);
    assertTrue(
        result.message.startsWith("every point of the sweep trains from scratch"), result.message);
  }

  @Test
  void aFailedPointDoesNotStopTheOthers(@TempDir Path out) throws IOException {
    Path spec = out.resolve("missing-checkpoint.yaml");
    Files.writeString(
        spec,
        Files.readString(SPEC)
            .replace(
                "  pretraining:\n",
                "  pretraining:\n    checkpoint: " + out.resolve("missing.params") + "\n")
            .replace("epsilons: [0.02, 0.3]", "methods: [aft, at]"));
    assertEquals(
        1,
        cli(
            "run",
            spec.toString(),
            "--output",
            out.resolve("o").toString(),
            "--progress",
            "lines"));

    RunResults results = ResultsJson.read(out.resolve("o/results.json"), RunResults.class);
    StageResult failed = results.points.get(0).stages.get(Stage.FINETUNE);
    assertEquals(StageStatus.FAILED, failed.status);
    assertTrue(failed.message.contains("missing.params"), failed.message);
    assertFalse(results.points.get(0).stages.containsKey(Stage.EVALUATE));
    assertEquals(
        StageStatus.SUCCEEDED,
        results.points.get(1).stages.get(Stage.EVALUATE).status,
        "at trains from scratch and needs no checkpoint");
    assertEquals(
        List.of("the sweep is not scored: no evaluation of point 0 (aft)"), results.warnings);
  }

  private static List<Long> modificationTimes(List<Path> files) throws IOException {
    List<Long> times = new java.util.ArrayList<>();
    for (Path file : files) {
      times.add(Files.getLastModifiedTime(file).toMillis());
    }
    return times;
  }
}
