package dev.arrest.operator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.TrainerDocument;
import dev.arrest.results.TerminationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in of the fault campaign does what the campaign relies on: an undisturbed run gives
 * {@link CheckpointingStandInTrainer#expected}, a killed run resumes from its last checkpoint to
 * the same result, and a second trainer refuses a stage another live one writes.
 */
class CheckpointingStandInTrainerTest {
  private static final String YAML = Trainings.standInYaml("checkpointing", "ml", 7, 3, 5, "");

  @TempDir Path output;

  private Process start(String stage, long epochMillis) throws Exception {
    ArrestTraining training = Trainings.parse(YAML);
    ProcessBuilder builder =
        new ProcessBuilder(
                CheckpointingStandInTrainer.command(
                    List.of(
                        StageJobFactory.TRAINER_LAUNCHER,
                        "stage",
                        stage,
                        "--output",
                        output.toString(),
                        "--termination-message-path",
                        output
                            .resolve("termination-" + stage + "-" + System.nanoTime())
                            .toString()),
                    epochMillis))
            .redirectErrorStream(true)
            .redirectOutput(output.resolve("log-" + stage + "-" + System.nanoTime()).toFile());
    builder
        .environment()
        .put(TrainerDocument.ENV_VAR, TrainerDocument.json(training, training.getSpec()));
    builder.environment().put("HOSTNAME", stage + "-" + System.nanoTime());
    return builder.start();
  }

  private int run(String stage, long epochMillis) throws Exception {
    Process process = start(stage, epochMillis);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the stand-in did not end");
    return process.exitValue();
  }

  private static void await(String what, java.util.function.BooleanSupplier test) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (!test.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  @Test
  void aKilledRunResumesFromItsLastCheckpointToTheResultOfAnUndisturbedRun() throws Exception {
    CheckpointingStandInTrainer.Expected expected =
        CheckpointingStandInTrainer.expected(Trainings.parse(YAML));
    assertEquals(0, run("pretrain", 50));
    assertEquals(
        expected.pretrainModel(), Files.readString(output.resolve("pretrain/model.params")));

    Process first = start("finetune", 400);
    Path checkpoints = output.resolve("finetune/checkpoints");
    await("two finetune checkpoints", () -> lastCheckpoint(checkpoints) >= 2);
    first.destroyForcibly().waitFor();
    int killedAt = lastCheckpoint(checkpoints);
    assertEquals(0, run("finetune", 50));
    assertEquals(
        expected.finetuneModel(), Files.readString(output.resolve("finetune/model.params")));
    List<CheckpointingStandInTrainer.Run> runs =
        CheckpointingStandInTrainer.runs(output.resolve("finetune"));
    assertEquals(2, runs.size(), runs.toString());
    assertEquals(CheckpointingStandInTrainer.Run.RUNNING, runs.get(0).outcome(), "killed");
    assertEquals(killedAt, runs.get(1).resumedFromEpoch());
    assertEquals(
        IntStream.rangeClosed(killedAt + 1, 5).boxed().toList(),
        runs.get(1).epochsRun(),
        "the resumed run computes exactly the epochs after the last checkpoint");
    // A run's record is written just after each checkpoint, so a kill between the two leaves the
    // record one epoch behind (what FaultCampaignTest allows for too).
    List<Integer> killed = runs.get(0).epochsRun();
    assertEquals(IntStream.rangeClosed(1, killed.size()).boxed().toList(), killed);
    assertTrue(
        killed.size() == killedAt || killed.size() == killedAt - 1,
        "recorded " + killed + ", last checkpoint " + killedAt);

    assertEquals(0, run("evaluate", 50));
    String termination =
        Files.list(output)
            .filter(f -> f.getFileName().toString().startsWith("termination-evaluate"))
            .findFirst()
            .map(f -> uncheckedRead(f))
            .orElseThrow();
    TerminationMessage result = TerminationMessage.parse(termination);
    assertEquals(expected.standardAccuracy(), result.evaluation().standardAccuracy());
    assertEquals(expected.robustAccuracy(), result.evaluation().robustAccuracy());
  }

  @Test
  void aSecondTrainerRefusesAStageAnotherLiveOneWrites() throws Exception {
    Process writer = start("pretrain", 2000);
    try {
      await(
          "the first trainer's run record",
          () -> !uncheckedRuns(output.resolve("pretrain")).isEmpty());
      assertEquals(1, run("pretrain", 50));
      List<CheckpointingStandInTrainer.Run> runs =
          CheckpointingStandInTrainer.runs(output.resolve("pretrain"));
      assertEquals(2, runs.size(), runs.toString());
      CheckpointingStandInTrainer.Run refused = runs.get(1);
      assertEquals(CheckpointingStandInTrainer.Run.OVERLAP, refused.outcome());
      assertEquals(writer.pid(), refused.lockHolder());
    } finally {
      writer.destroyForcibly().waitFor();
    }
    // The lock dies with its holder: the next trainer runs.
    assertEquals(0, run("pretrain", 50));
  }

  private static int lastCheckpoint(Path checkpoints) {
    try {
      return CheckpointingStandInTrainer.lastCheckpoint(checkpoints);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<CheckpointingStandInTrainer.Run> uncheckedRuns(Path stage) {
    try {
      return CheckpointingStandInTrainer.runs(stage);
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static String uncheckedRead(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
