package dev.arrest.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.api.v1alpha1.RepresentationDistance;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.engine.NativeAllocator;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.engine.OneDnnConvolutions;
import dev.arrest.trainer.engine.ProcessUsage;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.train.AdversarialObjective;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.CleanObjective;
import dev.arrest.trainer.train.TrainingObjective;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures ARREST finetuning throughput (images/s) of this trainer and of the same step in PyTorch
 * eager on this machine, with the CPU time (user and kernel) and minor page faults per step of each
 * and the malloc each runs with. The step: student clean forward, teacher forward, PGD-k,
 * train-mode forward with CE + cosine RGKD, backward, SGD update — on SmallCNN with a fixed random
 * Fashion-MNIST-shaped batch. With {@code --step pretrain}, the clean pretraining step instead:
 * train-mode forward, CE, backward, SGD update.
 */
@Command(
    name = "benchmark",
    description =
        "Finetuning throughput (SmallCNN, PGD-k + RGKD) of DJL vs PyTorch eager (--step"
            + " pretrain: clean pretraining); with --architecture and --dataset, of this trainer on"
            + " any model and input shape.")
final class BenchmarkCommand implements Callable<Integer> {
  static final String FINETUNE = "finetune";
  static final String PRETRAIN = "pretrain";

  @Option(
      names = "--step",
      defaultValue = FINETUNE,
      description =
          "finetune (PGD-k + RGKD, the ARREST step) or pretrain (clean: forward, CE, backward,"
              + " SGD) (default: ${DEFAULT-VALUE}).")
  String step;

  @Option(
      names = "--architecture",
      defaultValue = Models.SMALL_CNN,
      description =
          "small-cnn, preact-resnet18 or wide-resnet (default: ${DEFAULT-VALUE}); the PyTorch"
              + " peer is small-cnn only.")
  String architecture;

  @Option(
      names = "--depth",
      defaultValue = "34",
      description = "wide-resnet depth (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--widen-factor",
      defaultValue = "10",
      description = "wide-resnet widen factor (default: ${DEFAULT-VALUE}).")
  int widenFactor;

  @Option(
      names = "--dataset",
      defaultValue = "fashion-mnist",
      description =
          "Input shape and classes of this dataset, e.g. cifar10 for 3x32x32 (default:"
              + " ${DEFAULT-VALUE}); the PyTorch peer is fashion-mnist only.")
  String dataset;

  @Option(names = "--batch-size", defaultValue = "128")
  int batchSize;

  @Option(names = "--pgd-steps", defaultValue = "10")
  int pgdSteps;

  @Option(names = "--epsilon", defaultValue = "0.1")
  double epsilon;

  @Option(
      names = "--iterations",
      defaultValue = "20",
      description = "Timed steps (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description =
          "Python with PyTorch for the peer measurement (Debian: apt-get install python3-torch).")
  String python;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads for both engines (0: all cores).")
  int threads;

  @Option(
      names = "--convolutions",
      defaultValue = "onednn",
      description =
          "CPU convolution kernels: onednn (what the trainer's own models use) or libtorch"
              + " (libtorch's own, what TorchScript modules run with; docs/torchscript.md).")
  String convolutions;

  @Option(names = "--no-pytorch", description = "Measure this trainer only.")
  boolean skipPytorch;

  @Option(
      names = "--pytorch-inherits-preload",
      description =
          "Run the PyTorch peer with this process's LD_PRELOAD, MALLOC_CONF and GLIBC_TUNABLES"
              + " (default: as python3 runs it, without them).")
  boolean peerInheritsPreload;

  @Override
  public Integer call() throws Exception {
    DatasetKind kind = DatasetKind.fromId(dataset);
    if (!step.equals(FINETUNE) && !step.equals(PRETRAIN)) {
      System.err.println("--step " + step + ": expected finetune or pretrain");
      return 2;
    }
    if (!Models.ARCHITECTURES.contains(architecture)) {
      System.err.println(
          "--architecture " + architecture + ": expected one of " + Models.ARCHITECTURES);
      return 2;
    }
    if (!skipPytorch
        && (!architecture.equals(Models.SMALL_CNN) || kind != DatasetKind.FASHION_MNIST)) {
      System.err.println("the PyTorch peer is small-cnn on fashion-mnist only: pass --no-pytorch");
      return 2;
    }
    if (!convolutions.equals("onednn") && !convolutions.equals("libtorch")) {
      System.err.println("--convolutions " + convolutions + ": expected onednn or libtorch");
      return 2;
    }
    int effectiveThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    // Read by DJL's PyTorch engine when it starts, which is below.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(effectiveThreads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    NativeAllocator allocator = NativeAllocator.current();
    System.out.printf(Locale.ROOT, "allocator: %s%n", allocator.describe());
    if (convolutions.equals("libtorch")) {
      OneDnnConvolutions.turnOff();
    }
    System.out.printf(
        Locale.ROOT,
        "CPU convolutions: %s%n",
        OneDnnConvolutions.enabled() ? "oneDNN" : "libtorch's own");
    StepFigures djl = measureDjl(kind, allocator);
    System.out.printf(
        Locale.ROOT,
        "DJL %s (PyTorch %s), %s, input %dx%dx%d, batch %d, %s, %d threads, %d timed steps:%n",
        Engine.getDjlVersion(),
        Engine.getInstance().getVersion(),
        modelName(),
        kind.channels(),
        kind.height(),
        kind.width(),
        batchSize,
        step.equals(PRETRAIN) ? "clean pretraining step" : "PGD-" + pgdSteps + " + RGKD",
        effectiveThreads,
        iterations);
    if (skipPytorch) {
      System.out.print(StepFigures.table(List.of(djl)));
      return 0;
    }
    String peer = measurePytorch(effectiveThreads);
    StepFigures eager = StepFigures.fromPeerLine("PyTorch eager (python3)", peer);
    System.out.print(StepFigures.table(List.of(djl, eager)));
    System.out.printf(Locale.ROOT, "PyTorch eager: %s%n", peer.trim());
    System.out.printf(
        Locale.ROOT,
        "ratio DJL / PyTorch eager: %.2fx images/s, %s minor page faults per step%n",
        djl.imagesPerSecond() / eager.imagesPerSecond(),
        eager.minorFaultsPerStep() > 0
            ? String.format(
                Locale.ROOT, "%.2fx", djl.minorFaultsPerStep() / eager.minorFaultsPerStep())
            : String.format(Locale.ROOT, "%.0f against none", djl.minorFaultsPerStep()));
    return 0;
  }

  private StepFigures measureDjl(DatasetKind kind, NativeAllocator allocator) {
    Shape imageShape = new Shape(kind.channels(), kind.height(), kind.width());
    Engine.getInstance().setRandomSeed(0);
    try (NDManager manager = NDManager.newBaseManager();
        Network student = new Network(model(kind), manager, imageShape);
        Network teacher = new Network(model(kind), manager, imageShape)) {
      teacher.setFrozen(true);
      OptimizerSpec optimizer = new OptimizerSpec();
      SgdOptimizer sgd =
          new SgdOptimizer(
              student.parameters(), optimizer.momentum, optimizer.weightDecay, false, manager);
      TrainingObjective objective =
          step.equals(PRETRAIN)
              ? new CleanObjective()
              : new AdversarialObjective(
                  new PgdAttack(
                      epsilon, 2.5 * epsilon / pgdSteps, pgdSteps, PgdAttack.Start.UNIFORM),
                  teacher,
                  new AdversarialObjective.Rgkd(1.0, RepresentationDistance.COSINE),
                  null);
      NDArray images = manager.randomUniform(0, 1, new Shape(batchSize).addAll(imageShape));
      NDArray labels =
          manager.randomInteger(0, kind.numClasses(), new Shape(batchSize), DataType.INT64);
      long start = 0;
      ProcessUsage before = null;
      for (int i = 0; i < warmup + iterations; i++) {
        if (i == warmup) {
          before = ProcessUsage.now();
          start = System.nanoTime();
        }
        try (NDManager step = manager.newSubManager()) {
          NDArray x = images.duplicate();
          NDArray y = labels.duplicate();
          x.attach(step);
          y.attach(step);
          objective.computeGradients(student, x, y, Backpropagation::run);
          sgd.step(0.01);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      ProcessUsage after = ProcessUsage.now();
      ProcessUsage usage =
          before == null || after == null ? new ProcessUsage(0, 0, 0) : after.since(before);
      return StepFigures.of(
          "DJL (this trainer)",
          iterations * batchSize / seconds,
          usage,
          iterations,
          allocator.displayName());
    }
  }

  private dev.arrest.trainer.model.RepresentationClassifier model(DatasetKind kind) {
    return Models.builder()
        .setArchitecture(architecture)
        .fitDataset(kind)
        .optDepth(depth)
        .optWidenFactor(widenFactor)
        .build();
  }

  private String modelName() {
    return switch (architecture) {
      case Models.SMALL_CNN -> "SmallCNN";
      case Models.WIDE_RESNET -> "WRN-" + depth + "-" + widenFactor;
      default -> architecture;
    };
  }

  private String measurePytorch(int threadCount) throws IOException, InterruptedException {
    Path script = Files.createTempFile("pytorch_arrest_step", ".py");
    try (InputStream in =
        BenchmarkCommand.class.getResourceAsStream("/benchmarks/pytorch_arrest_step.py")) {
      Files.write(script, in.readAllBytes());
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                python,
                script.toString(),
                "--batch-size",
                Integer.toString(batchSize),
                "--step",
                step,
                "--steps",
                Integer.toString(pgdSteps),
                "--epsilon",
                Double.toString(epsilon),
                "--iterations",
                Integer.toString(iterations),
                "--warmup",
                Integer.toString(warmup),
                "--threads",
                Integer.toString(threadCount)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (!peerInheritsPreload) {
      // PyTorch eager as python3 runs it: bin/arrest's allocator settings are for this JVM.
      builder.environment().remove("LD_PRELOAD");
      builder.environment().remove("MALLOC_CONF");
      builder.environment().remove("GLIBC_TUNABLES");
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    Files.deleteIfExists(script);
    if (exit != 0 || !output.contains("images_per_second=")) {
      throw new IllegalStateException(
          "PyTorch peer failed ("
              + String.join(" ", command)
              + "), exit "
              + exit
              + ":\n"
              + output
              + "\nInstall it with: apt-get install python3-torch, or pass --no-pytorch");
    }
    return output.lines().filter(l -> l.contains("images_per_second=")).findFirst().orElseThrow();
  }
}
