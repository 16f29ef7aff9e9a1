package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.engine.Devices;
import dev.arrest.trainer.engine.IntraOpThreads;
import dev.arrest.trainer.engine.TorchScriptClassifier;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARREST finetuning of a user's TorchScript model as the pretrained model (docs/torchscript.md),
 * through the stages as the CLI and the trainer pods run them, on a few Fashion-MNIST images.
 */
class TorchScriptFinetuningStageTest {
  private static final Shape IMAGE = new Shape(1, 28, 28);

  /**
   * Seen on a CI-type VM: final logits of repeated 2-thread runs spread over 1.0e-4 (-0.15383199 to
   * -0.1539325); ten times that.
   */
  private static final float RESUME_TOLERANCE_SEVERAL_THREADS = 1e-3f;

  @TempDir Path output;

  private static Path model(String name) throws Exception {
    return Path.of(
        TorchScriptFinetuningStageTest.class.getResource("/torchscript/" + name).toURI());
  }

  private static ArrestTraining spec(Path torchScript, String method) {
    return ArrestTrainingDocuments.parse(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata:
          name: scripted
        spec:
          seed: 3
          dataset: {name: fashion-mnist, trainSubset: 128}
          model: {architecture: small-cnn}
          pretraining:
            torchScriptModel: %s
          finetuning:
            method: %s
            epochs: 2
            batchSize: 64
            optimizer: {learningRate: 0.01}
            attack: {epsilon: 0.1, steps: 2}
            rgkd: {weight: 2.0}
            noisyReplay: {thresholdDegrees: 5}
          evaluation:
            samples: 32
            attacks: [{type: pgd, steps: 5}]
        """
            .formatted(torchScript, method),
        "test");
  }

  private static StageResult run(Stage stage, ArrestTraining training, Path root, NDManager m) {
    return StageExecutor.run(
        stage, new StageContext(training, new RunLayout(root), m, ProgressListener.NONE));
  }

  private static float[] logits(Path file, NDManager manager) {
    try (TorchScriptClassifier model = TorchScriptClassifier.load(file, manager, IMAGE)) {
      return model
          .forward(manager.linspace(0f, 1f, 4 * 784).reshape(4, 1, 28, 28), false)
          .logits()
          .toFloatArray();
    }
  }

  @Test
  void arrestFinetunesTheModuleWithItsOwnRepresentationAndWritesTorchScript() throws Exception {
    Path pretrained = model("bn_cnn.pt");
    byte[] pretrainedBytes = Files.readAllBytes(pretrained);
    ArrestTraining training = spec(pretrained, "arrest");
    try (NDManager manager = NDManager.newBaseManager()) {
      StageResult pretrain = run(Stage.PRETRAIN, training, output, manager);
      assertEquals(StageStatus.SKIPPED, pretrain.status);
      assertTrue(
          pretrain.message.startsWith("spec.pretraining.torchScriptModel is set"),
          pretrain.message);

      StageResult finetune = run(Stage.FINETUNE, training, output, manager);
      assertEquals(StageStatus.SUCCEEDED, finetune.status, finetune.message);
      assertEquals("finetune/model.pt", finetune.artifacts.get("model"));
      assertEquals(pretrained.toString(), finetune.artifacts.get("pretrainedModel"));
      assertEquals(2, finetune.epochs.size());
      for (EpochMetrics epoch : finetune.epochs) {
        assertNotNull(epoch.rgkdLoss(), "RGKD against the module's own features");
        assertTrue(epoch.rgkdLoss() > 0);
        assertNotNull(epoch.noisyReplayRate(), "noisy replay measured the angle");
      }
      Path finetuned = output.resolve("finetune/model.pt");
      float[] before = logits(pretrained, manager);
      float[] after = logits(finetuned, manager);
      assertTrue(!java.util.Arrays.equals(before, after), "the module was trained");
      assertArrayEquals(
          pretrainedBytes, Files.readAllBytes(pretrained), "the user's file is left alone");

      StageResult evaluate = run(Stage.EVALUATE, training, output, manager);
      assertEquals(StageStatus.SUCCEEDED, evaluate.status, evaluate.message);
      assertEquals("finetune/model.pt", evaluate.artifacts.get("model"));
      assertEquals(32, evaluate.evaluation.samples());
    }
  }

  /**
   * On a device list of two CPU replicas ({@code -Darrest.devices=cpu,cpu}), as on a pod with two
   * GPUs: the student and the teacher are loaded once per device and trained data parallel.
   */
  @Test
  void onTwoDevicesTheModuleIsFinetunedDataParallel() throws Exception {
    Path pretrained = model("bn_cnn.pt");
    ArrestTraining training = spec(pretrained, "arrest");
    List<String> printed = new ArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void info(String message) {
            printed.add(message);
          }
        };
    System.setProperty(Devices.PROPERTY, "cpu,cpu");
    try (NDManager manager = NDManager.newBaseManager()) {
      StageResult finetune =
          StageExecutor.run(
              Stage.FINETUNE, new StageContext(training, new RunLayout(output), manager, listener));
      assertEquals(StageStatus.SUCCEEDED, finetune.status, finetune.message);
      assertTrue(
          printed.stream().anyMatch(line -> line.endsWith("data parallel on cpu(), cpu()")),
          printed.toString());
      for (EpochMetrics epoch : finetune.epochs) {
        assertTrue(epoch.rgkdLoss() > 0, "RGKD against the replicated teacher");
      }
      assertTrue(
          !java.util.Arrays.equals(
              logits(pretrained, manager), logits(output.resolve("finetune/model.pt"), manager)),
          "the module was trained");

      StageResult evaluate = run(Stage.EVALUATE, training, output, manager);
      assertEquals(StageStatus.SUCCEEDED, evaluate.status, evaluate.message);
    } finally {
      System.clearProperty(Devices.PROPERTY);
    }
  }

  /**
   * With one intra-op thread no kernel splits a reduction, so a resumed run is bit-exact on every
   * CPU (docs/trainer.md, Reproducibility).
   */
  @Test
  void withOneThreadAnInterruptedFinetuningResumesBitExactly() throws Exception {
    float[][] runs = uninterruptedAndResumed(1, output);
    assertArrayEquals(runs[0], runs[1]);
  }

  /**
   * With several threads, oneDNN's and oneMKL's kernels may sum in another order on another CPU,
   * and on some CPUs from run to run: the guarantee is agreement within float tolerance.
   */
  @Test
  void withSeveralThreadsAResumedFinetuningAgreesWithinFloatTolerance() throws Exception {
    float[][] runs = uninterruptedAndResumed(2, output);
    assertArrayEquals(runs[0], runs[1], RESUME_TOLERANCE_SEVERAL_THREADS);
  }

  /**
   * Final logits of an uninterrupted finetuning and of one that died during epoch 2 and resumed
   * from the epoch-1 checkpoint, with the given intra-op threads.
   */
  private static float[][] uninterruptedAndResumed(int threads, Path output) throws Exception {
    ArrestTraining training = spec(model("bn_cnn.pt"), "arrest");
    int previous = IntraOpThreads.current();
    IntraOpThreads.configure(threads);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertEquals(StageStatus.SUCCEEDED, run(Stage.FINETUNE, training, output, manager).status);
      Path finetuned = output.resolve("finetune/model.pt");
      float[] uninterrupted = logits(finetuned, manager);
      Path checkpoints = output.resolve("finetune/checkpoints");
      assertTrue(Files.isRegularFile(checkpoints.resolve("epoch-0001/model.pt")));
      // As if the process died during epoch 2: its checkpoint and the final model never written.
      try (var files = Files.walk(checkpoints.resolve("epoch-0002"))) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
      Files.delete(finetuned);

      StageResult resumed = run(Stage.FINETUNE, training, output, manager);
      assertEquals(StageStatus.SUCCEEDED, resumed.status, resumed.message);
      assertEquals(2, resumed.epochs.size(), "epoch 1 restored, epoch 2 trained");
      return new float[][] {uninterrupted, logits(finetuned, manager)};
    } finally {
      IntraOpThreads.configure(previous);
    }
  }

  @Test
  void aModuleWithoutFeaturesIsRefusedForArrestAndFinetunedByAft() throws Exception {
    Path logitsOnly = model("linear.pt");
    try (NDManager manager = NDManager.newBaseManager()) {
      StageResult arrest = run(Stage.FINETUNE, spec(logitsOnly, "arrest"), output, manager);
      assertEquals(StageStatus.FAILED, arrest.status);
      assertTrue(
          arrest.message.contains("spec.pretraining.torchScriptModel")
              && arrest.message.contains("returns logits only")
              && arrest.message.contains("(logits, features)"),
          arrest.message);

      StageResult aft =
          run(Stage.FINETUNE, spec(logitsOnly, "aft"), output.resolve("aft"), manager);
      assertEquals(StageStatus.SUCCEEDED, aft.status, aft.message);
      assertTrue(Files.isRegularFile(output.resolve("aft/finetune/model.pt")));
    }
  }

  @Test
  void aCheckpointAndATorchScriptModelExcludeEachOther() {
    SpecException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SpecException.class,
            () ->
                ArrestTrainingDocuments.parse(
                    """
                    apiVersion: arrest.dev/v1alpha1
                    kind: ArrestTraining
                    metadata: {name: t}
                    spec:
                      dataset: {name: fashion-mnist}
                      model: {architecture: small-cnn}
                      pretraining: {checkpoint: a.params, torchScriptModel: b.pt}
                      finetuning: {method: arrest}
                    """,
                    "test"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith("spec.pretraining: give checkpoint")),
        e.problems().toString());
  }
}
