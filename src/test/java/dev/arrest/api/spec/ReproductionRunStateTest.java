package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.sh's {@code save} and {@code restore}: what a session commits is enough for the next one, on
 * a new machine, to go on where it stopped, with nothing a finished stage no longer needs.
 */
class ReproductionRunStateTest {
  private static final String SUCCEEDED = "{\"status\" : \"Succeeded\"}\n";

  @TempDir Path work;

  @Test
  void saveKeepsTheNewestCheckpointOfATrainingStageAndTheModelsOfFinishedOnes() throws Exception {
    Path runs = work.resolve("runs");
    Path results = work.resolve("results");
    Path done = runs.resolve("scratch-30/points/00-at/finetune");
    write(done.resolve("stage-result.json"), SUCCEEDED);
    write(done.resolve("epochs.csv"), "epoch\n1\n");
    write(done.resolve("model.params"), "at model");
    write(done.resolve("checkpoints/epoch-0030/model.params"), "at epoch 30");
    Path training = runs.resolve("scratch-30/points/01-trades-beta-6/finetune");
    write(training.resolve("checkpoints/epoch-0008/state.json"), "{\"epoch\":8}");
    write(training.resolve("checkpoints/epoch-0009/state.json"), "{\"epoch\":9}");
    write(training.resolve("checkpoints/epoch-0009/model.params"), "trades epoch 9");
    write(training.resolve("checkpoints/.incomplete-123/model.params"), "partial");
    write(results.resolve("checkpoints/scratch-30/stale/epoch-0001/state.json"), "{}");

    assertEquals(0, script("save", runs, results));

    Path saved = results.resolve("scratch-30");
    assertEquals("at model", read(saved.resolve("points/00-at/finetune/model.params")));
    assertTrue(Files.isRegularFile(saved.resolve("points/00-at/finetune/epochs.csv")));
    assertFalse(
        Files.exists(saved.resolve("points/00-at/finetune/checkpoints")),
        "no checkpoint of a finished stage is committed");
    assertEquals(
        List.of(
            "scratch-30/points/01-trades-beta-6/finetune/checkpoints/epoch-0009/model.params",
            "scratch-30/points/01-trades-beta-6/finetune/checkpoints/epoch-0009/state.json"),
        files(results.resolve("checkpoints")),
        "only the newest complete checkpoint of the stage still training, and no stale one");
  }

  @Test
  void anAutoAttackTwinsModelIsSavedOnlyWhenItIsNotACopyOfItsRuns() throws Exception {
    Path runs = work.resolve("runs");
    Path results = work.resolve("results");
    String stage = "points/00-aft/finetune/";
    write(runs.resolve("finetune-10/" + stage + "model.params"), "aft");
    write(runs.resolve("finetune-10-autoattack/" + stage + "model.params"), "aft");
    write(runs.resolve("finetune-10-autoattack/" + stage + "stage-result.json"), SUCCEEDED);
    write(runs.resolve("finetune-5/" + stage + "stage-result.json"), SUCCEEDED);
    write(runs.resolve("finetune-5-autoattack/" + stage + "model.params"), "aft, trained again");

    assertEquals(0, script("save", runs, results));

    assertEquals("aft", read(results.resolve("finetune-10/" + stage + "model.params")));
    assertFalse(Files.exists(results.resolve("finetune-10-autoattack/" + stage + "model.params")));
    assertTrue(
        Files.isRegularFile(
            results.resolve("finetune-10-autoattack/" + stage + "stage-result.json")));
    assertEquals(
        "aft, trained again",
        read(results.resolve("finetune-5-autoattack/" + stage + "model.params")),
        "a twin whose run lost its model trained its own");
  }

  @Test
  void saveWithoutARunDirectoryLeavesTheResultsAlone() throws Exception {
    Path results = work.resolve("results");
    write(results.resolve("at/finetune/stage-result.json"), SUCCEEDED);

    assertEquals(0, script("save", work.resolve("no-runs"), results));

    assertEquals(List.of("at/finetune/stage-result.json"), files(results));
  }

  @Test
  void restoreBringsTheCommittedStateBackWithoutOverwritingTheRunDirectory() throws Exception {
    Path runs = work.resolve("runs");
    Path results = work.resolve("results");
    write(results.resolve("finetune-5/points/01-arrest/finetune/stage-result.json"), SUCCEEDED);
    write(results.resolve("finetune-5/points/01-arrest/finetune/model.params"), "committed");
    write(results.resolve("pretrain/model.params"), "pretrained");
    write(results.resolve("compare/converged/results.json"), "{}");
    write(
        results.resolve(
            "checkpoints/scratch-30/points/01-trades-beta-6/finetune/checkpoints/"
                + "epoch-0009/state.json"),
        "{\"epoch\":9}");
    write(runs.resolve("finetune-5/points/01-arrest/finetune/model.params"), "newer, local");

    assertEquals(0, script("restore", runs, results));

    assertEquals(
        "newer, local", read(runs.resolve("finetune-5/points/01-arrest/finetune/model.params")));
    assertTrue(
        Files.isRegularFile(
            runs.resolve("finetune-5/points/01-arrest/finetune/stage-result.json")));
    assertTrue(
        Files.isRegularFile(
            runs.resolve(
                "scratch-30/points/01-trades-beta-6/finetune/checkpoints/epoch-0009/state.json")),
        "the checkpoint is where the stage resumes from");
    assertFalse(Files.exists(runs.resolve("compare")), "comparisons are outputs, not run state");
    assertFalse(Files.exists(runs.resolve("pretrain")), "steps start from the committed model");
  }

  @Test
  void anUnknownArgumentIsRefusedWithTheUsage() throws Exception {
    assertEquals(2, script("resume", work.resolve("runs"), work.resolve("results")));
  }

  private int script(String argument, Path runs, Path results)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", ReproductionScript.PATH.toString(), argument)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("script.log").toFile());
    builder.environment().put("RUNS", runs.toString());
    builder.environment().put("RESULTS", results.toString());
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run.sh " + argument + " finished");
    return process.exitValue();
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
