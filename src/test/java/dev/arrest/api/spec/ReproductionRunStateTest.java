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

  /**
   * The timing run's three repeats count only as one sitting: an interrupted one (no timing.txt) is
   * discarded and run again whole, a finished one is kept, and no timing model or plot is
   * committed.
   */
  @Test
  void theTimingRunIsRunAgainWholeUnlessAllThreeRepeatsFinishedInOneSitting() throws Exception {
    Path runs = work.resolve("runs");
    Path results = work.resolve("results");
    write(runs.resolve("timing-1/points/05-old/finetune/epochs.csv"), "from another machine");
    write(results.resolve("timing-2/points/05-old/finetune/epochs.csv"), "interrupted sitting");
    Path fake = work.resolve("fake-arrest.sh");
    write(
        fake,
        """
        # arrest run SPEC -o OUT --progress lines: a timed stage with a model and a plot
        [ "$1 $2 $3" = "run examples/reproduction-v2/timing.yaml -o" ] || exit 3
        mkdir -p "$4/points/00-at/finetune"
        echo "epoch,seconds" > "$4/points/00-at/finetune/epochs.csv"
        echo "1,21.5" >> "$4/points/00-at/finetune/epochs.csv"
        echo model > "$4/points/00-at/finetune/model.params"
        mkdir -p "$4/plots" && echo svg > "$4/plots/tradeoff-plane.svg"
        echo '{"points": [{"directory": "points/00-at", "label": "at"}]}' > "$4/results.json"
        echo "$4" >> "$(dirname "$0")/calls"
        """);
    String command = "bash " + fake;

    assertEquals(0, script("timing", runs, results, command));

    assertEquals(
        List.of("1", "2", "3"),
        read(work.resolve("calls")).lines().map(l -> l.substring(l.length() - 1)).toList(),
        "all three repeats ran again");
    assertFalse(Files.exists(runs.resolve("timing-1/points/05-old")), "the earlier sitting's runs");
    for (String repeat : List.of("timing-1", "timing-2", "timing-3")) {
      assertEquals(
          List.of("points/00-at/finetune/epochs.csv", "results.json"),
          files(results.resolve(repeat)),
          repeat + ": its results, without the model and plots");
    }
    assertTrue(read(results.resolve("timing.txt")).contains("cores "), "the machine is recorded");

    Files.delete(work.resolve("calls"));
    assertEquals(0, script("timing", runs, results, command));
    assertFalse(Files.exists(work.resolve("calls")), "a finished timing run is not run again");

    assertEquals(0, script("save", runs, results));
    assertEquals(
        List.of("points/00-at/finetune/epochs.csv", "results.json"),
        files(results.resolve("timing-1")),
        "save copies no timing model or plot");
  }

  @Test
  void anUnknownArgumentIsRefusedWithTheUsage() throws Exception {
    assertEquals(2, script("resume", work.resolve("runs"), work.resolve("results")));
  }

  private int script(String argument, Path runs, Path results)
      throws IOException, InterruptedException {
    return script(argument, runs, results, null);
  }

  /** Runs run.sh ARGUMENT, with ARREST_COMMAND (the CLI it calls) unless {@code arrest} is null. */
  private int script(String argument, Path runs, Path results, String arrest)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", ReproductionScript.PATH.toString(), argument)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("script.log").toFile());
    builder.environment().put("RUNS", runs.toString());
    builder.environment().put("RESULTS", results.toString());
    if (arrest != null) {
      builder.environment().put("ARREST_COMMAND", arrest);
    }
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
