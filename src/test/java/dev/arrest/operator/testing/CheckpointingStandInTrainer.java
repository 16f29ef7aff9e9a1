package dev.arrest.operator.testing;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A fast stand-in for the trainer's {@code stage} command that behaves like the real one where
 * disruptions matter: it checkpoints after every epoch to the stage's directory on the volume and,
 * run again, resumes from the last complete checkpoint; its result is a deterministic function of
 * the spec ({@link #expected}), so that a run that was killed, deleted, evicted and resumed can be
 * compared with an undisturbed one. Same arguments, {@code ARREST_TRAINING} document, files and
 * termination message as the trainer (single runs only, no sweeps).
 *
 * <p>What it leaves for a test to check, in the stage directory:
 *
 * <ul>
 *   <li>{@code writer.lock}: held (an OS file lock, released when the process dies, however it
 *       dies) while the trainer writes. A trainer that finds it held by another live process
 *       refuses to run (exit 1) and records the overlap: two trainers of one stage at once are what
 *       the operator must never allow.
 *   <li>{@code runs/<millis>-<pid>.json}: one record per run ({@link Run}), written at the start
 *       and rewritten after each epoch: the epoch it resumed from, the epochs it ran, how it ended.
 *   <li>{@code checkpoints/epoch-NNNN.json}: the training state after each epoch, written under a
 *       temporary name and renamed into place, so that a checkpoint with its final name is
 *       complete.
 * </ul>
 *
 * <p>Timing: each epoch (and the evaluation) takes {@code -Dstandin.epochMillis} (default 1000) ms.
 * A file {@code FAIL} in the stage directory makes a run fail (exit 1, like a trainer whose stage
 * failed) after its first epoch, for tests of re-running a failed training.
 */
public final class CheckpointingStandInTrainer {
  public static final String LOCK_FILE = "writer.lock";
  public static final String RUNS = "runs";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String FAIL_FILE = "FAIL";
  public static final int EVALUATION_SAMPLES = 1000;

  /** One run of one stage, as recorded in {@code runs/}. */
  public record Run(
      long pid,
      String pod,
      String startedAt,
      int resumedFromEpoch,
      List<Integer> epochsRun,
      String outcome,
      Long lockHolder) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** Refused to run: another live process held the stage's writer lock. */
    public static final String OVERLAP = "overlap";
  }

  /** What an undisturbed run of a training ends with. */
  public record Expected(
      String pretrainModel, String finetuneModel, double standardAccuracy, double robustAccuracy) {}

  private CheckpointingStandInTrainer() {}

  /** The models and accuracies an undisturbed run of {@code training} ends with. */
  public static Expected expected(ArrestTraining training) {
    ArrestTrainingSpec spec = training.getSpec();
    String pretrain = model(Stage.PRETRAIN, spec, "");
    String finetune = model(Stage.FINETUNE, spec, pretrain);
    double[] accuracies = accuracies(finetune);
    return new Expected(pretrain, finetune, accuracies[0], accuracies[1]);
  }

  private static String model(Stage stage, ArrestTrainingSpec spec, String input) {
    String state = initialState(stage, spec, input);
    for (int epoch = 1; epoch <= epochs(stage, spec); epoch++) {
      state = step(state, epoch);
    }
    return modelText(stage, state);
  }

  /** The state a stage starts from: the spec's training-relevant fields and its input model. */
  static String initialState(Stage stage, ArrestTrainingSpec spec, String input) {
    String fingerprint =
        String.join(
            "|",
            stage.toString(),
            String.valueOf(spec.seed),
            String.valueOf(spec.dataset == null ? null : spec.dataset.name),
            String.valueOf(spec.pretraining == null ? null : spec.pretraining.epochs),
            String.valueOf(spec.finetuning == null ? null : spec.finetuning.epochs),
            String.valueOf(spec.finetuning == null ? null : spec.finetuning.method),
            String.valueOf(
                spec.finetuning == null || spec.finetuning.attack == null
                    ? null
                    : spec.finetuning.attack.epsilon),
            input);
    return sha256(fingerprint);
  }

  /** One epoch: the next state depends on the previous one and the epoch number. */
  static String step(String state, int epoch) {
    return sha256(state + ":" + epoch);
  }

  static String modelText(Stage stage, String state) {
    return "checkpointing stand-in " + stage + " model " + state + "\n";
  }

  /** Clean and robust accuracy, from the finetuned model: in [0.5, 0.9) and [0.2, 0.45). */
  static double[] accuracies(String finetuneModel) {
    byte[] hash = digest(finetuneModel);
    int a = ((hash[0] & 0xff) << 8) | (hash[1] & 0xff);
    int b = ((hash[2] & 0xff) << 8) | (hash[3] & 0xff);
    return new double[] {(5000 + a % 4000) / 10000.0, (2000 + b % 2500) / 10000.0};
  }

  static int epochs(Stage stage, ArrestTrainingSpec spec) {
    return switch (stage) {
      case PRETRAIN -> spec.pretraining.epochs;
      case FINETUNE -> spec.finetuning.epochs;
      case EVALUATE -> 0;
    };
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !"stage".equals(args[0])) {
      throw new IllegalArgumentException(
          "usage: stage <pretrain|finetune|evaluate> --output <dir>"
              + " --termination-message-path <file>");
    }
    Stage stage = Stage.parse(args[1]);
    Path output = Path.of(option(args, "--output"));
    Path terminationPath = Path.of(option(args, "--termination-message-path"));
    long epochMillis = Long.getLong("standin.epochMillis", 1000);
    Path stageDir = output.resolve(stage.toString());
    Files.createDirectories(stageDir.resolve(RUNS));
    StageResult result = new StageResult();
    result.stage = stage;
    result.startedAt = Instant.now().toString();
    long pid = ProcessHandle.current().pid();
    Path runFile =
        stageDir
            .resolve(RUNS)
            .resolve(String.format("%d-%d.json", System.currentTimeMillis(), pid));
    String pod = System.getenv().getOrDefault("HOSTNAME", "");
    try (FileChannel lockChannel =
        FileChannel.open(
            stageDir.resolve(LOCK_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        Long holder = readPid(lockChannel);
        writeRun(runFile, new Run(pid, pod, result.startedAt, 0, List.of(), Run.OVERLAP, holder));
        String message =
            stage
                + " refused to start: another live trainer (pid "
                + holder
                + ") holds "
                + stageDir.resolve(LOCK_FILE)
                + "; two trainers must never write one stage's directory";
        System.out.println(message);
        result.status = StageStatus.FAILED;
        result.message = message;
        finish(result, stageDir, terminationPath);
        System.exit(1);
      }
      lockChannel.truncate(0);
      lockChannel.write(ByteBuffer.wrap(Long.toString(pid).getBytes(StandardCharsets.UTF_8)), 0);
      lockChannel.force(true);
      int exitCode = run(stage, output, stageDir, runFile, pid, pod, epochMillis, result);
      finish(result, stageDir, terminationPath);
      System.exit(exitCode);
    }
  }

  private static int run(
      Stage stage,
      Path output,
      Path stageDir,
      Path runFile,
      long pid,
      String pod,
      long epochMillis,
      StageResult result)
      throws Exception {
    List<Integer> epochsRun = new ArrayList<>();
    int resumedFrom = 0;
    try {
      ArrestTraining training =
          ArrestTrainingDocuments.parse(System.getenv("ARREST_TRAINING"), "ARREST_TRAINING");
      result.name = training.getMetadata().getName();
      ArrestTrainingSpec spec = training.getSpec();
      if (spec.sweep != null) {
        throw new IllegalArgumentException("the checkpointing stand-in runs no sweeps");
      }
      if (stage == Stage.EVALUATE) {
        writeRun(runFile, new Run(pid, pod, result.startedAt, 0, epochsRun, Run.RUNNING, null));
        String model = read(output.resolve("finetune/model.params"));
        Thread.sleep(epochMillis);
        double[] accuracies = accuracies(model);
        List<AttackResult> attacks = new ArrayList<>();
        for (EvaluationAttackSpec attack : spec.evaluation.attacks) {
          attacks.add(
              new AttackResult(
                  attack.displayName(),
                  attack.type.toString(),
                  "linf",
                  spec.finetuning.attack.epsilon,
                  attack.steps,
                  null,
                  attack.restarts,
                  accuracies[1],
                  0.1));
        }
        result.evaluation =
            new EvaluationResult(
                EVALUATION_SAMPLES, accuracies[0], accuracies[1], attacks, null, null);
        System.out.println(
            new ProgressEvent(
                    result.name, stage, 0, 0, 1, 1, 1.0, null, null, null, accuracies[0], null, 0.0)
                .toLine());
      } else {
        String input = stage == Stage.FINETUNE ? read(output.resolve("pretrain/model.params")) : "";
        int epochs = epochs(stage, spec);
        Path checkpoints = stageDir.resolve(CHECKPOINTS);
        Files.createDirectories(checkpoints);
        String state = initialState(stage, spec, input);
        int last = lastCheckpoint(checkpoints);
        if (last > 0) {
          state = read(checkpoint(checkpoints, last)).strip();
          resumedFrom = last;
          System.out.println(stage + ": resumed from the checkpoint of epoch " + last);
        }
        writeRun(
            runFile,
            new Run(pid, pod, result.startedAt, resumedFrom, epochsRun, Run.RUNNING, null));
        for (int epoch = 1; epoch <= epochs; epoch++) {
          double loss = 2.0 / epoch;
          result.epochs.add(
              new EpochMetrics(epoch, 0.1, loss, loss, null, null, null, 0.5, null, 100, 1, 100));
          if (epoch <= resumedFrom) {
            continue;
          }
          Thread.sleep(epochMillis);
          state = step(state, epoch);
          writeAtomically(checkpoint(checkpoints, epoch), state + "\n");
          epochsRun.add(epoch);
          writeRun(
              runFile,
              new Run(pid, pod, result.startedAt, resumedFrom, epochsRun, Run.RUNNING, null));
          System.out.println(
              new ProgressEvent(
                      result.name,
                      stage,
                      epoch,
                      epochs,
                      10,
                      10,
                      (double) epoch / epochs,
                      loss,
                      null,
                      null,
                      0.5,
                      100.0,
                      (double) (epochs - epoch) * epochMillis / 1000)
                  .toLine());
          if (Files.exists(stageDir.resolve(FAIL_FILE))) {
            throw new IllegalStateException(
                "failing as " + stageDir.resolve(FAIL_FILE) + " asks, after epoch " + epoch);
          }
        }
        writeAtomically(stageDir.resolve("model.params"), modelText(stage, state));
        result.artifacts.put(
            "model", output.relativize(stageDir.resolve("model.params")).toString());
      }
      result.status = StageStatus.SUCCEEDED;
      writeRun(
          runFile,
          new Run(pid, pod, result.startedAt, resumedFrom, epochsRun, Run.SUCCEEDED, null));
      return 0;
    } catch (Exception e) {
      result.status = StageStatus.FAILED;
      result.message = e.getMessage();
      System.out.println(stage + " failed: " + e.getMessage());
      writeRun(
          runFile, new Run(pid, pod, result.startedAt, resumedFrom, epochsRun, Run.FAILED, null));
      return 1;
    }
  }

  private static void finish(StageResult result, Path stageDir, Path terminationPath)
      throws IOException {
    Instant finished = Instant.now();
    result.finishedAt = finished.toString();
    result.seconds =
        java.time.Duration.between(Instant.parse(result.startedAt), finished).toMillis() / 1000.0;
    ResultsJson.write(stageDir.resolve("stage-result.json"), result);
    Files.writeString(terminationPath, TerminationMessage.of(result).toJson());
  }

  /** The runs recorded in a stage directory, oldest first. */
  public static List<Run> runs(Path stageDir) throws IOException {
    Path runs = stageDir.resolve(RUNS);
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(runs)) {
      List<Run> all = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        all.add(ResultsJson.mapper().readValue(Files.readString(file), Run.class));
      }
      return all;
    }
  }

  /** The last epoch with a complete checkpoint in the stage directory; 0 when there is none. */
  public static int lastCheckpoint(Path checkpoints) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("epoch-\\d{4}\\.json"))
          .mapToInt(name -> Integer.parseInt(name.substring(6, 10)))
          .max()
          .orElse(0);
    }
  }

  private static Path checkpoint(Path checkpoints, int epoch) {
    return checkpoints.resolve(String.format(Locale.ROOT, "epoch-%04d.json", epoch));
  }

  private static void writeRun(Path file, Run run) throws IOException {
    writeAtomically(file, ResultsJson.toJson(run));
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".incomplete");
    Files.writeString(temporary, text);
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Long readPid(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      int read = channel.read(buffer, 0);
      String text = read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.UTF_8);
      return text.isBlank() ? null : Long.valueOf(text.strip());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("previous stage's model not found: " + file);
    }
    return Files.readString(file);
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(digest(text));
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String option(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("missing " + name);
  }

  /**
   * The local command that runs this stand-in in place of the trainer launcher: this JVM, the test
   * classpath, small heap and quick start-up, each epoch {@code epochMillis} long.
   */
  public static List<String> command(List<String> commandLine, long epochMillis) {
    if (commandLine.isEmpty()
        || !commandLine.get(0).equals(dev.arrest.operator.jobs.StageJobFactory.TRAINER_LAUNCHER)) {
      throw new IllegalArgumentException("not the trainer launcher: " + commandLine);
    }
    List<String> mapped = new ArrayList<>();
    mapped.add(TrainerCommand.java());
    mapped.add("-Xmx96m");
    mapped.add("-XX:+UseSerialGC");
    mapped.add("-XX:TieredStopAtLevel=1");
    mapped.add("-Xshare:auto");
    mapped.add("-Dstandin.epochMillis=" + epochMillis);
    mapped.add("-cp");
    mapped.add(System.getProperty("java.class.path"));
    mapped.add(CheckpointingStandInTrainer.class.getName());
    mapped.addAll(commandLine.subList(1, commandLine.size()));
    return mapped;
  }
}
