package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real pipeline through the command line, on a slice of the real Fashion-MNIST (installed by
 * .ci/setup.sh).
 */
class ArrestCliEndToEndTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/tiny-arrest.yaml");

  @BeforeAll
  static void needsFashionMnist() {
    CliFixture.assumeFashionMnist();
  }

  private static int cli(String... args) {
    return CliFixture.cli(args);
  }

  @Test
  void runsAllStagesAndKeepsFinishedOnesOnASecondRun(@TempDir Path out) throws IOException {
    assertEquals(0, cli("run", SPEC.toString(), "--output", out.toString(), "--progress", "lines"));

    RunResults results = ResultsJson.read(out.resolve("results.json"), RunResults.class);
    assertEquals("tiny-arrest", results.name);
    assertEquals("arrest", results.method);
    for (Stage stage : Stage.values()) {
      assertEquals(
          StageStatus.SUCCEEDED,
          results.stages.get(stage).status,
          stage + ": " + results.stages.get(stage).message);
    }
    StageResult finetune = results.stages.get(Stage.FINETUNE);
    assertEquals(1, finetune.epochs.size());
    assertNotNull(finetune.lastEpoch().rgkdLoss(), "arrest logs its RGKD loss");
    assertNotNull(finetune.lastEpoch().noisyReplayRate(), "arrest logs its NR switch rate");
    assertNotNull(finetune.lastEpoch().trainAdversarialAccuracy());
    assertNull(finetune.lastEpoch().tradesKlLoss());
    assertEquals(
        2, Files.readAllLines(out.resolve("finetune/epochs.csv")).size(), "header + one epoch");
    assertTrue(Files.size(out.resolve("finetune/model.params")) > 1_000_000);

    RunResults.Summary summary = results.summary;
    assertEquals(100, summary.samples());
    assertTrue(summary.standardAccuracy() > 0.3, "learns something: " + summary.standardAccuracy());
    assertTrue(summary.robustAccuracy() <= summary.standardAccuracy());
    double worstAttack =
        summary.robustAccuracyByAttack().values().stream().mapToDouble(d -> d).min().orElseThrow();
    assertTrue(summary.robustAccuracy() <= worstAttack, "worst case over attacks");
    assertEquals(2, summary.robustAccuracyByAttack().size());
    assertTrue(summary.robustAccuracyByAttack().containsKey("pgd-2x2"));
    assertNotNull(summary.tradeoffScore(), "scored against the inline reference points");
    assertEquals(
        100 * summary.robustAccuracy() - (10 + (90 - 100 * summary.standardAccuracy()) * 2),
        summary.tradeoffScore().robustGainAtEqualStandard(),
        1e-6,
        "r - curve(s) on the line through a, b and c");

    for (String plot : new String[] {"pretrain-curves", "finetune-curves", "tradeoff-plane"}) {
      assertTrue(Files.size(out.resolve("plots/" + plot + ".png")) > 1000, plot + ".png");
      assertTrue(
          Files.readString(out.resolve("plots/" + plot + ".svg")).contains("<svg"), plot + ".svg");
    }

    long trained = Files.getLastModifiedTime(out.resolve("finetune/model.params")).toMillis();
    assertEquals(0, cli("run", SPEC.toString(), "--output", out.toString(), "--progress", "lines"));
    assertEquals(
        trained,
        Files.getLastModifiedTime(out.resolve("finetune/model.params")).toMillis(),
        "finished stages are not rerun");
  }

  @ParameterizedTest
  @ValueSource(strings = {"at", "trades", "aft"})
  void baselinesRunAndLogTheirOwnTerms(String method, @TempDir Path out) throws IOException {
    Path spec = out.resolve(method + ".yaml");
    Files.writeString(
        spec,
        Files.readString(SPEC)
            .replace("method: arrest", "method: " + method)
            .replace("trainSubset: 256", "trainSubset: 128")
            .replace("samples: 100", "samples: 50"));
    assertEquals(
        0,
        cli(
            "run",
            spec.toString(),
            "--output",
            out.resolve("o").toString(),
            "--progress",
            "lines"));
    RunResults results = ResultsJson.read(out.resolve("o/results.json"), RunResults.class);
    boolean fromScratch = !method.equals("aft");
    assertEquals(
        fromScratch ? StageStatus.SKIPPED : StageStatus.SUCCEEDED,
        results.stages.get(Stage.PRETRAIN).status,
        "at and trades train from scratch");
    EpochMetrics last = results.stages.get(Stage.FINETUNE).lastEpoch();
    assertEquals(method.equals("trades"), last.tradesKlLoss() != null, "only trades has a KL term");
    assertNull(last.rgkdLoss());
    assertNull(last.noisyReplayRate());
    assertEquals(
        fromScratch, !results.stages.get(Stage.FINETUNE).artifacts.containsKey("pretrainedModel"));
    assertEquals(50, results.summary.samples());
  }

  @Test
  void anImportedPretrainedModelReplacesThePretrainStage(@TempDir Path out) throws IOException {
    assertEquals(
        0,
        cli(
            "stage",
            "pretrain",
            "--spec",
            SPEC.toString(),
            "--output",
            out.resolve("first").toString(),
            "--progress",
            "lines"));
    Path imported = out.resolve("first/pretrain/model.params");
    Path spec = out.resolve("imported.yaml");
    Files.writeString(
        spec,
        Files.readString(SPEC)
            .replace("  pretraining:\n", "  pretraining:\n    checkpoint: " + imported + "\n"));
    assertEquals(
        0,
        cli(
            "run",
            spec.toString(),
            "--output",
            out.resolve("second").toString(),
            "--progress",
            "lines"));
    RunResults results = ResultsJson.read(out.resolve("second/results.json"), RunResults.class);
    assertEquals(StageStatus.SKIPPED, results.stages.get(Stage.PRETRAIN).status);
    assertTrue(results.stages.get(Stage.PRETRAIN).message.contains("spec.pretraining.checkpoint"));
    assertEquals(
        imported.toString(), results.stages.get(Stage.FINETUNE).artifacts.get("pretrainedModel"));
    assertTrue(
        Files.notExists(out.resolve("second/pretrain/model.params")), "nothing was pretrained");
  }

  @Test
  void stageCommandWritesAParseableTerminationMessage(@TempDir Path out) throws IOException {
    Path message = out.resolve("termination-log");
    for (String stage : new String[] {"pretrain", "finetune", "evaluate"}) {
      assertEquals(
          0,
          cli(
              "stage",
              stage,
              "--spec",
              SPEC.toString(),
              "--output",
              out.toString(),
              "--termination-message-path",
              message.toString(),
              "--progress",
              "lines"),
          stage);
    }
    String json = Files.readString(message);
    assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= TerminationMessage.MAX_BYTES);
    TerminationMessage parsed = TerminationMessage.parse(json);
    assertEquals(Stage.EVALUATE, parsed.stage());
    assertEquals(StageStatus.SUCCEEDED, parsed.status());
    assertEquals(100, parsed.evaluation().samples());
  }

  @Test
  void aStageWithoutItsInputFailsWithAnActionableMessage(@TempDir Path out) throws IOException {
    Path message = out.resolve("termination-log");
    assertEquals(
        1,
        cli(
            "stage",
            "evaluate",
            "--spec",
            SPEC.toString(),
            "--output",
            out.toString(),
            "--termination-message-path",
            message.toString(),
            "--progress",
            "lines"));
    TerminationMessage parsed = TerminationMessage.parse(Files.readString(message));
    assertEquals(StageStatus.FAILED, parsed.status());
    assertTrue(parsed.message().contains("run the finetune stage first"), parsed.message());
  }

  @Test
  void aCorruptDatasetFailsNamingTheFile(@TempDir Path out) throws IOException {
    Path data = out.resolve("data");
    Files.createDirectories(data);
    Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
    String spec =
        Files.readString(SPEC)
            .replace("name: fashion-mnist", "name: fashion-mnist\n    path: " + data);
    Path specFile = out.resolve("corrupt.yaml");
    Files.writeString(specFile, spec);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertEquals(
          1,
          cli(
              "stage",
              "pretrain",
              "--spec",
              specFile.toString(),
              "--output",
              out.resolve("o").toString(),
              "--progress",
              "lines"));
    } finally {
      System.setErr(original);
    }
    StageResult result =
        ResultsJson.read(out.resolve("o/pretrain/stage-result.json"), StageResult.class);
    assertEquals(StageStatus.FAILED, result.status);
    assertTrue(result.message.contains("train-images-idx3-ubyte"), result.message);
  }

  @Test
  void invalidSpecExitsWithUsageErrorAndNamesTheField(@TempDir Path out) throws IOException {
    Path bad = out.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(SPEC).replace("epsilon: 0.1", "epsilon: -1"));
    assertEquals(2, cli("validate", bad.toString()));
    assertEquals(2, cli("run", bad.toString(), "--output", out.resolve("o").toString()));
    assertTrue(Files.notExists(out.resolve("o/results.json")));
  }
}
