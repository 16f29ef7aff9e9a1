package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.ResultsJson;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.SgdOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints of a training stage: {@code checkpoints/epoch-NNNN/} with the model's
 * parameters, the optimizer's momentum buffers and {@code state.json} (the epoch, the metrics so
 * far and a fingerprint of the stage's configuration). A checkpoint directory is written under a
 * temporary name and renamed into place, so a directory with the final name is always complete. The
 * randomness of epoch e is derived from (seed, e), so restoring the epoch number restores the
 * random state.
 */
public final class CheckpointStore {
  private static final String PREFIX = "epoch-";
  private static final int KEEP = 2;

  private final Path directory;
  private final CheckpointFileSink files;

  public CheckpointStore(Path directory) {
    this(directory, CheckpointFileSink.SYNCED);
  }

  CheckpointStore(Path directory, CheckpointFileSink files) {
    this.directory = directory;
    this.files = files;
  }

  /** What a checkpoint says besides its tensors. */
  public record State(int epoch, String fingerprint, List<EpochMetrics> history) {}

  public void save(
      int epoch,
      String fingerprint,
      List<EpochMetrics> history,
      TrainableClassifier network,
      SgdOptimizer optimizer) {
    Path target = directory.resolve(String.format("%s%04d", PREFIX, epoch));
    Path staging = null;
    Path file = directory;
    try {
      Files.createDirectories(directory);
      staging = Files.createTempDirectory(directory, ".incomplete-");
      file = staging.resolve(network.modelFileName());
      network.save(file);
      file = staging.resolve("optimizer.bin");
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(files.create(file)))) {
        optimizer.save(out);
      }
      file = staging.resolve("state.json");
      try (OutputStream out = files.create(file)) {
        State state = new State(epoch, fingerprint, List.copyOf(history));
        out.write((ResultsJson.toJson(state) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      file = target;
      if (Files.exists(target)) {
        deleteRecursively(target);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      staging = null;
      prune();
    } catch (IOException e) {
      throw new UncheckedIOException(writeFailure(epoch, file, e), e);
    } finally {
      discard(staging);
    }
  }

  /** Names the file, what is still there to resume from, and what the user can do. */
  private String writeFailure(int epoch, Path file, IOException e) {
    String previous =
        latest()
            .map(p -> "The previous checkpoint " + p + " is intact and a rerun resumes from it.")
            .orElse("No earlier checkpoint exists.");
    return "cannot write checkpoint of epoch "
        + epoch
        + ": "
        + file
        + ": "
        + e.getMessage()
        + ". "
        + previous
        + " Free space on the volume holding "
        + directory
        + " or choose another output directory.";
  }

  /** Removes a staging directory left by a failed write, keeping the original error. */
  private static void discard(Path staging) {
    if (staging == null) {
      return;
    }
    try {
      deleteRecursively(staging);
    } catch (IOException | UncheckedIOException ignored) {
      // prune() removes leftover staging directories after the next successful save
    }
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    return complete().max(Comparator.naturalOrder());
  }

  public State readState(Path checkpoint) {
    return ResultsJson.read(checkpoint.resolve("state.json"), State.class);
  }

  /**
   * Loads the model and optimizer of a checkpoint; fails with the path when they do not match this
   * stage.
   */
  public void restore(Path checkpoint, TrainableClassifier network, SgdOptimizer optimizer) {
    try {
      network.load(checkpoint.resolve(network.modelFileName()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot restore model from "
              + checkpoint.resolve(network.modelFileName())
              + ": "
              + e.getMessage()
              + ". Delete "
              + directory
              + " to start the stage over.",
          e);
    }
    try (DataInputStream in = openRead(checkpoint.resolve("optimizer.bin"))) {
      optimizer.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot restore optimizer state from "
              + checkpoint.resolve("optimizer.bin")
              + ": "
              + e.getMessage()
              + ". Delete "
              + directory
              + " to start the stage over.",
          e);
    }
  }

  private Stream<Path> complete() {
    if (!Files.isDirectory(directory)) {
      return Stream.empty();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .filter(p -> Files.isRegularFile(p.resolve("state.json")))
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + directory, e);
    }
  }

  private void prune() throws IOException {
    List<Path> all = complete().toList();
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteRecursively(all.get(i));
    }
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path stale :
          entries.filter(p -> p.getFileName().toString().startsWith(".incomplete-")).toList()) {
        deleteRecursively(stale);
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static DataInputStream openRead(Path file) throws IOException {
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
  }
}
