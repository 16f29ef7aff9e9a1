package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.sh's {@code save} and {@code restore}: what a session commits is enough for the next one, on
 * a new machine, to go on where it stopped, with nothing a finished stage no longer needs; and its
 * {@code timing} and {@code autoattack} steps, which run on their own.
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
    Path diverged = runs.resolve("scratch-awp-30/points/01-trades-awp/finetune");
    write(
        diverged.resolve("stage-result.json"),
        "{\n"
            + "  \"status\" : \"Failed\",\n"
            + "  \"message\" : \"finetune loss became NaN at epoch 8\"\n"
            + "}\n");
    write(diverged.resolve("checkpoints/epoch-0007/state.json"), "{\"epoch\":7}");

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
        "only the newest complete checkpoint of the stage still training: no stale one, and none"
            + " of a stage that diverged");
    assertTrue(
        Files.isRegularFile(
            results.resolve("scratch-awp-30/points/01-trades-awp/finetune/stage-result.json")),
        "a diverged stage's result is committed");
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
    String command =
        fakeArrest(
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

  /**
   * {@code run.sh autoattack RUN...} runs step 10 for the runs named, as the plan does: their
   * trained stages are copied into the twin, which only evaluates; a run still training is refused
   * rather than trained again in its twin, so the command can run beside the plan; a point whose
   * training diverged does not hold its run back.
   */
  @Test
  void autoAttackEvaluatesTheTwinsOfFinishedRunsAndRefusesARunStillTraining() throws Exception {
    Path runs = work.resolve("runs");
    Path results = work.resolve("results");
    write(results.resolve("pretrain/model.params"), "pretrained");
    writeSweep(runs.resolve("scratch-30"), "points/00-at", "points/01-trades-beta-6");
    for (String point : List.of("00-at", "01-trades-beta-6")) {
      Path stage = runs.resolve("scratch-30/points/" + point + "/finetune");
      write(stage.resolve("stage-result.json"), SUCCEEDED);
      write(stage.resolve("model.params"), point);
    }
    writeSweep(runs.resolve("scratch-awp-30"), "points/00-at-awp", "points/01-trades-awp");
    Path awp = runs.resolve("scratch-awp-30/points");
    write(awp.resolve("00-at-awp/finetune/stage-result.json"), SUCCEEDED);
    write(awp.resolve("00-at-awp/finetune/model.params"), "at+awp");
    write(awp.resolve("01-trades-awp/finetune/checkpoints/epoch-0003/state.json"), "{}");
    String command =
        fakeArrest(
            """
            # arrest run SPEC -o OUT --progress lines: records the spec and the models found in OUT
            calls="$(dirname "$0")/calls"
            [ "$1" = compare ] && { echo compare >> "$calls"; exit 0; }
            [ "$1 $3" = "run -o" ] || exit 3
            echo "run $2" >> "$calls"
            (cd "$4" && find . -name model.params | sort) >> "$calls"
            echo '{}' > "$4/results.json"
            """);

    assertEquals(1, script("autoattack scratch-awp-30", runs, results, command));
    assertFalse(Files.exists(work.resolve("calls")), "nothing ran");
    assertFalse(Files.exists(runs.resolve("scratch-awp-30-autoattack")), "nor was set up");
    assertEquals(2, script("autoattack scratch-31", runs, results, command));

    assertEquals(0, script("autoattack scratch-30", runs, results, command));

    assertEquals(
        List.of(
            "run examples/reproduction-v2/scratch-30-autoattack.yaml",
            "./points/00-at/finetune/model.params",
            "./points/01-trades-beta-6/finetune/model.params",
            "compare"),
        read(work.resolve("calls")).lines().distinct().toList(),
        "the twin found both trained models, then the comparisons were redrawn");
    assertEquals(
        "01-trades-beta-6",
        read(runs.resolve("scratch-30-autoattack/points/01-trades-beta-6/finetune/model.params")));
    assertEquals(
        List.of(
            "points/00-at/finetune/stage-result.json",
            "points/01-trades-beta-6/finetune/stage-result.json",
            "results.json"),
        files(results.resolve("scratch-30-autoattack")),
        "its results are committed, not the copies of its run's models");

    // A point whose loss diverged is a result, not a point still training: the twin evaluates the
    // others (its spec leaves that point out).
    write(
        awp.resolve("01-trades-awp/finetune/stage-result.json"),
        "{\n  \"status\" : \"Failed\",\n  \"message\" : \"finetune loss became NaN at epoch 8,"
            + " batch 12; lower the learning rate\"\n}\n");
    Files.delete(work.resolve("calls"));

    assertEquals(0, script("autoattack scratch-awp-30", runs, results, command));

    assertEquals(
        List.of(
            "run examples/reproduction-v2/scratch-awp-30-autoattack.yaml",
            "./points/00-at-awp/finetune/model.params",
            "compare"),
        read(work.resolve("calls")).lines().distinct().toList());
  }

  @Test
  void anUnknownArgumentIsRefusedWithTheUsage() throws Exception {
    assertEquals(2, script("resume", work.resolve("runs"), work.resolve("results")));
  }

  private int script(String argument, Path runs, Path results)
      throws IOException, InterruptedException {
    return script(argument, runs, results, null);
  }

  /**
   * Runs run.sh with the space-separated ARGUMENTS, with ARREST_COMMAND (the CLI it calls) unless
   * {@code arrest} is null.
   */
  private int script(String argument, Path runs, Path results, String arrest)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command(argument))
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

  /** Writes {@code script} as the CLI run.sh calls; returns the ARREST_COMMAND that runs it. */
  private String fakeArrest(String script) throws IOException {
    Path fake = work.resolve("fake-arrest.sh");
    write(fake, script);
    return "bash " + fake;
  }

  private static List<String> command(String arguments) {
    List<String> command = new ArrayList<>(List.of("bash", ReproductionScript.PATH.toString()));
    command.addAll(List.of(arguments.split(" ")));
    return command;
  }

  /** A sweep run's results.json as the CLI writes it while its points train. */
  private static void writeSweep(Path run, String... pointDirectories) throws IOException {
    String points =
        Stream.of(pointDirectories)
            .map(directory -> "{\n    \"directory\" : \"" + directory + "\"\n  }")
            .collect(Collectors.joining(", "));
    write(run.resolve("results.json"), "{\n  \"points\" : [ " + points + " ]\n}\n");
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
