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
import java.io.UncheckedIOException;
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

  public CheckpointStore(Path directory) {
    this.directory = directory;
  }

  /** What a checkpoint says besides its tensors. */
  public record State(int epoch, String fingerprint, List<EpochMetrics> history) {}

  public void save(
      int epoch,
      String fingerprint,
      List<EpochMetrics> history,
      TrainableClassifier network,
      SgdOptimizer optimizer) {
    try {
      Files.createDirectories(directory);
      Path staging = Files.createTempDirectory(directory, ".incomplete-");
      network.save(staging.resolve(network.modelFileName()));
      try (DataOutputStream out = open(staging.resolve("optimizer.bin"))) {
        optimizer.save(out);
      }
      ResultsJson.write(
          staging.resolve("state.json"), new State(epoch, fingerprint, List.copyOf(history)));
      Path target = directory.resolve(String.format("%s%04d", PREFIX, epoch));
      if (Files.exists(target)) {
        deleteRecursively(target);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint of epoch " + epoch + " under " + directory, e);
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

  private static DataOutputStream open(Path file) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
  }

  private static DataInputStream openRead(Path file) throws IOException {
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
  }
}
