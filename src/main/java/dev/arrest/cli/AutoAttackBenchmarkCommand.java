package dev.arrest.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.AutoAttackVersion;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.trainer.attack.AutoAttack;
import dev.arrest.trainer.attack.EvaluationAttack;
import dev.arrest.trainer.attack.ExampleRandom;
import dev.arrest.trainer.attack.ThreatModel;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.data.ImageShape;
import dev.arrest.trainer.engine.NativeAllocator;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.eval.PlannedAttack;
import dev.arrest.trainer.eval.RobustnessEvaluator;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Wall time and throughput of AutoAttack's attacks on a fixed model and sample set: SmallCNN
 * (seeded initialization) on seeded random Fashion-MNIST-shaped images labelled with its own
 * predictions. Each attack first runs alone on every sample (as the reference's
 * run_standard_evaluation_individual), then the ensemble runs as the evaluation does. Attacks skip
 * examples once broken, so the figures depend on how many survive; the default budget is small
 * enough that most do, i.e. close to the cost of evaluating a robust model.
 */
@Command(
    name = "benchmark-autoattack",
    description = "Wall time and images/s per AutoAttack attack (SmallCNN).")
final class AutoAttackBenchmarkCommand implements Callable<Integer> {

  @Option(
      names = "--samples",
      defaultValue = "100",
      description = "Images attacked (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--batch-size", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--epsilon",
      defaultValue = "0.002",
      description = "Budget in pixel units (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(
      names = "--norm",
      defaultValue = "linf",
      description = "linf or l2 (default: ${DEFAULT-VALUE}).")
  String norm;

  @Option(
      names = "--version",
      defaultValue = "standard",
      description = "standard, plus or rand (default: ${DEFAULT-VALUE}).")
  String version;

  @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads (0: all cores).")
  int threads;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(
      names = "--no-individual",
      description = "Skip running each attack alone; time the ensemble only.")
  boolean ensembleOnly;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description =
          "Python with PyTorch for the APGD-CE peer measurement (Debian: apt-get install"
              + " python3-torch).")
  String python;

  @Option(names = "--no-pytorch", description = "Skip the PyTorch APGD-CE peer.")
  boolean skipPytorch;

  @Option(
      names = "--model",
      description =
          "A SmallCNN model file a run wrote for Fashion-MNIST (e.g."
              + " runs/fashion-mnist-quick/finetune/model.params) to attack instead of a seeded"
              + " random initialization.")
  Path modelFile;

  @Option(
      names = "--test-images",
      description =
          "Attack the first --samples Fashion-MNIST test images with their labels instead of"
              + " seeded random images labelled by the model.")
  boolean testImages;

  @Override
  public Integer call() throws Exception {
    int effectiveThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(effectiveThreads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Norm threatNorm = Norm.valueOf(norm.toUpperCase(Locale.ROOT));
    AutoAttackVersion autoAttackVersion =
        AutoAttackVersion.valueOf(version.toUpperCase(Locale.ROOT));
    ThreatModel threat = new ThreatModel(threatNorm, epsilon);
    DatasetKind kind = DatasetKind.FASHION_MNIST;
    Engine.getInstance().setRandomSeed((int) seed);
    try (NDManager manager = NDManager.newBaseManager();
        Network model =
            new Network(
                Models.builder().setArchitecture(Models.SMALL_CNN).fitDataset(kind).build(),
                manager,
                new Shape(kind.channels(), kind.height(), kind.width()))) {
      if (modelFile != null) {
        model.load(modelFile);
      }
      ImageDataset data =
          testImages
              ? kind.load(null, false).firstN(samples)
              : labelledByModel(model, manager, kind);
      System.out.printf(
          Locale.ROOT,
          "DJL %s (PyTorch %s), %d threads; SmallCNN (%s) on %s, %d samples, batch %d, %s,"
              + " seed %d%n",
          Engine.getDjlVersion(),
          Engine.getInstance().getVersion(),
          effectiveThreads,
          modelFile != null ? modelFile : "seeded random initialization",
          data.name(),
          samples,
          batchSize,
          threat,
          seed);
      System.out.printf(Locale.ROOT, "allocator: %s%n", NativeAllocator.current().describe());
      List<EvaluationAttack> attacks =
          AutoAttack.attacks(autoAttackVersion, threat, kind.numClasses(), new ExampleRandom(seed));
      RobustnessEvaluator evaluator =
          new RobustnessEvaluator(model, data, batchSize, seed, ProgressListener.NONE);
      AttackResult apgdCe = null;
      if (!ensembleOnly) {
        System.out.println("each attack alone on all samples:");
        for (EvaluationAttack attack : attacks) {
          EvaluationResult alone = evaluator.run(List.of(PlannedAttack.of(attack)), false).result();
          print(alone.attacks().get(0));
          apgdCe = attack.name().equals(APGD_CE) ? alone.attacks().get(0) : apgdCe;
        }
      }
      List<PlannedAttack> plans = new ArrayList<>();
      attacks.forEach(a -> plans.add(PlannedAttack.of(a)));
      long start = System.nanoTime();
      EvaluationResult ensemble = evaluator.run(plans, false).result();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println("autoattack " + autoAttackVersion + " ensemble:");
      ensemble.attacks().forEach(AutoAttackBenchmarkCommand::print);
      System.out.printf(
          Locale.ROOT,
          "  total %.1f s (%.2f images/s), clean %.1f %%, robust %.1f %%%n",
          seconds,
          samples / seconds,
          100 * ensemble.standardAccuracy(),
          100 * ensemble.robustAccuracy());
      ensemble.warnings().forEach(w -> System.out.println("  warning: " + w));
      if (apgdCe == null) {
        apgdCe =
            ensemble.attacks().stream()
                .filter(a -> a.name().equals(APGD_CE))
                .findFirst()
                .orElse(null);
      }
      if (!skipPytorch && apgdCe != null) {
        comparePeer(apgdCe, threat, effectiveThreads);
      }
    }
    return 0;
  }

  private static final String APGD_CE = "apgd-ce";

  /** This trainer's APGD-CE next to the PyTorch eager peer's, on as many images. */
  private void comparePeer(AttackResult ours, ThreatModel threat, int threadCount)
      throws java.io.IOException, InterruptedException {
    PytorchApgdPeer.Result peer =
        PytorchApgdPeer.run(python, samples, batchSize, threat, ours.steps(), threadCount, seed);
    double oursPerSecond = ours.attacked() / Math.max(ours.seconds(), 1e-9);
    System.out.println("apgd-ce, this trainer vs PyTorch eager (" + peer.line().trim() + "):");
    System.out.printf(
        Locale.ROOT,
        "  %-14s %8.2f images/s (%d attacked)%n  %-14s %8.2f images/s (%d samples)%n"
            + "  ratio this trainer / PyTorch eager: %.2fx%n",
        "this trainer",
        oursPerSecond,
        ours.attacked(),
        "PyTorch eager",
        peer.imagesPerSecond(),
        samples,
        oursPerSecond / Math.max(peer.imagesPerSecond(), 1e-9));
  }

  private static void print(AttackResult attack) {
    System.out.printf(
        Locale.ROOT,
        "  %-8s %7.1f s  %8.2f images/s  attacked %4d  broken %4d  robust %5.1f %%%n",
        attack.name(),
        attack.seconds(),
        attack.attacked() / Math.max(attack.seconds(), 1e-9),
        attack.attacked(),
        attack.broken(),
        100 * attack.robustAccuracy());
  }

  /**
   * Seeded random images, labelled with the model's own predictions so that every sample is
   * attacked.
   */
  private ImageDataset labelledByModel(Network model, NDManager manager, DatasetKind kind) {
    ImageShape shape = new ImageShape(kind.channels(), kind.height(), kind.width());
    byte[] pixels = new byte[samples * shape.size()];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) random.nextInt(256);
    }
    ImageDataset unlabelled =
        new ImageDataset("random", shape, kind.numClasses(), pixels, new int[samples]);
    float[] images = new float[samples * shape.size()];
    for (int e = 0; e < samples; e++) {
      unlabelled.copyImage(e, images, e * shape.size());
    }
    int[] labels = new int[samples];
    try (NDManager scope = manager.newSubManager()) {
      long[] predicted =
          model
              .forward(
                  scope.create(
                      images, new Shape(samples, kind.channels(), kind.height(), kind.width())),
                  false)
              .logits()
              .argMax(1)
              .toLongArray();
      for (int e = 0; e < samples; e++) {
        labels[e] = (int) predicted[e];
      }
    }
    return new ImageDataset(
        "random, labelled by the model", shape, kind.numClasses(), pixels, labels);
  }
}
