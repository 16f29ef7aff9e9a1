package dev.arrest.cli;

import static dev.arrest.cli.CliFixture.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EpochTest;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arrest report}, and the per-epoch tables of {@code --epochs} and of a stage. */
class ReportCommandTest {

  @TempDir Path dir;

  private static EpochMetrics atEpoch(int epoch, EpochTest test) {
    return new EpochMetrics(
            epoch, 0.0496935, 1.12441, 1.12441, null, null, null, 0.69018, 0.568, 60000, 961.2,
            62.42)
        .withTest(test);
  }

  private static StageResult stage(Stage name, List<EpochMetrics> epochs) {
    StageResult stage = new StageResult();
    stage.name = "demo";
    stage.stage = name;
    stage.epochs.addAll(epochs);
    return stage;
  }

  @Test
  void anAtStageHasOnlyTheColumnsItsEpochsFill() {
    String table =
        EpochTable.render(
            List.of(
                atEpoch(1, new EpochTest(1000, 0.752, 0.65, "pgd-10", 8.1)),
                atEpoch(2, new EpochTest(1000, 0.791, 0.68, "pgd-10", 8.3))));
    List<String> lines = table.lines().toList();
    assertEquals(
        "| epoch | learning rate | loss | train clean | train adversarial | test clean (1000) |"
            + " test pgd-10 (1000) | seconds | images/s |",
        lines.get(0));
    assertEquals("| --- | --- | --- | --- | --- | --- | --- | --- | --- |", lines.get(1));
    assertEquals(
        "| 1 | 0.04969 | 1.1244 | 69.02 % | 56.80 % | 75.2 % | 65.0 % | 961 | 62 |", lines.get(2));
    assertEquals(4, lines.size());
  }

  @Test
  void arrestColumnsAppearAndEpochsWithoutAMeasurementShowADash() {
    EpochMetrics measured =
        new EpochMetrics(1, 0.01, 0.9, 0.7, 0.05, null, 0.123, 0.9, 0.7, 60000, 500, 120, 0.005)
            .withTest(new EpochTest(1000, 0.85, 0.7, "pgd-10", 8));
    EpochMetrics unmeasured =
        new EpochMetrics(2, 0.005, 0.8, 0.6, 0.04, null, 0.2, 0.91, 0.72, 60000, 510, 118, null);
    List<String> lines = EpochTable.render(List.of(measured, unmeasured)).lines().toList();
    assertEquals(
        "| epoch | learning rate | loss | RGKD distance | NR rate | AWP γ | train clean |"
            + " train adversarial | test clean (1000) | test pgd-10 (1000) | seconds | images/s |",
        lines.get(0));
    assertEquals(
        "| 1 | 0.01000 | 0.9000 | 0.0500 | 12.30 % | 0.005000 | 90.00 % | 70.00 % | 85.0 % |"
            + " 70.0 % | 500 | 120 |",
        lines.get(2));
    assertEquals(
        "| 2 | 0.005000 | 0.8000 | 0.0400 | 20.00 % | - | 91.00 % | 72.00 % | - | - | 510 | 118 |",
        lines.get(3));
  }

  @Test
  void differingSampleSizesAndAttacksAreNamedInEachCell() {
    List<String> lines =
        EpochTable.render(
                List.of(
                    atEpoch(1, new EpochTest(500, 0.75, 0.6, "pgd-10", 4)),
                    atEpoch(2, new EpochTest(1000, 0.8, 0.7, "pgd-20", 9))))
            .lines()
            .toList();
    assertTrue(lines.get(0).contains("| test clean | test robust |"), lines.get(0));
    assertTrue(lines.get(2).contains("| 75.0 % of 500 | 60.0 % (pgd-10) of 500 |"), lines.get(2));
    assertTrue(lines.get(3).contains("| 80.0 % of 1000 | 70.0 % (pgd-20) of 1000 |"), lines.get(3));
  }

  @Test
  void aStageDirectoryPrintsItsEpochs() throws IOException {
    Path stageDir = dir.resolve("at/finetune");
    ResultsJson.write(
        stageDir.resolve("stage-result.json"),
        stage(Stage.FINETUNE, List.of(atEpoch(1, new EpochTest(1000, 0.752, 0.65, "pgd-10", 8)))));
    Path out = dir.resolve("epochs.md");
    assertEquals(0, cli("report", stageDir.toString(), "-o", out.toString()));
    assertEquals(
        EpochTable.render(List.of(atEpoch(1, new EpochTest(1000, 0.752, 0.65, "pgd-10", 8)))),
        Files.readString(out));
  }

  @Test
  void runResultsWithEpochsHaveASectionPerTrainingStage() throws IOException {
    RunResults run = new RunResults();
    run.name = "sweep";
    run.method = "at";
    run.put(stage(Stage.PRETRAIN, List.of(atEpoch(1, null))));
    PointResults point = new PointResults();
    point.id = 1;
    point.label = "trades beta=6";
    point.stages.put(Stage.FINETUNE, stage(Stage.FINETUNE, List.of(atEpoch(1, null))));
    point.stages.put(Stage.EVALUATE, stage(Stage.EVALUATE, List.of()));
    run.points = List.of(point);
    ResultsJson.write(dir.resolve("results.json"), run);

    Path plain = dir.resolve("plain.md");
    Path withEpochs = dir.resolve("epochs.md");
    assertEquals(0, cli("report", dir.toString(), "-o", plain.toString()));
    assertEquals(0, cli("report", dir.toString(), "--epochs", "-o", withEpochs.toString()));
    String report = Files.readString(withEpochs);
    assertFalse(Files.readString(plain).contains("###"));
    assertTrue(report.startsWith(Files.readString(plain)));
    String epochs = report.substring(Files.readString(plain).length());
    assertEquals(
        List.of("### sweep: pretrain", "### 1 trades beta=6: finetune"),
        epochs.lines().filter(line -> line.startsWith("###")).toList());
  }

  @Test
  void inputsWithoutEpochsOrOfAnotherKindAreRefused() throws IOException {
    Path out = dir.resolve("out.md");
    ResultsJson.write(dir.resolve("evaluate/stage-result.json"), stage(Stage.EVALUATE, List.of()));
    assertEquals(2, cli("report", dir.resolve("evaluate").toString(), "-o", out.toString()));
    Files.writeString(dir.resolve("other.json"), "{\"kind\": \"ArrestTraining\"}");
    assertEquals(2, cli("report", dir.resolve("other.json").toString(), "-o", out.toString()));
    assertEquals(2, cli("report", dir.resolve("missing").toString(), "-o", out.toString()));
    assertFalse(Files.exists(out));
  }
}
