package dev.arrest.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.testing.ForwardingTrainableClassifier;
import dev.arrest.trainer.testing.TinyData;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A disk that fills up while a checkpoint is written must not cost the previous checkpoint. */
class CheckpointStoreFullDiskTest {
  private NDManager manager;
  private Network network;
  private SgdOptimizer optimizer;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    network = TinyData.smallCnn(manager);
    optimizer = new SgdOptimizer(network.parameters(), 0.9, 0, false, network.manager());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** Writes the real file until {@code bytesBeforeFull} bytes of {@code fileName} are written. */
  private static CheckpointFileSink fullAfter(String fileName, long bytesBeforeFull) {
    return file -> {
      OutputStream real = CheckpointFileSink.SYNCED.create(file);
      if (!file.getFileName().toString().equals(fileName)) {
        return real;
      }
      return new FilterOutputStream(real) {
        private long written;

        @Override
        public void write(int b) throws IOException {
          if (written >= bytesBeforeFull) {
            throw new IOException("No space left on device");
          }
          written++;
          out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          for (int i = 0; i < length; i++) {
            write(bytes[offset + i]);
          }
        }
      };
    };
  }

  private List<float[]> weights() {
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      values.add(p.getValue().getArray().toFloatArray());
    }
    return values;
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> list = Files.list(directory)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @CsvSource({"optimizer.bin, 0", "optimizer.bin, 2", "state.json, 0", "state.json, 20"})
  void theFailedWriteNamesTheFileAndThePreviousCheckpointStaysResumable(
      String fullWhileWriting, long bytesBeforeFull, @TempDir Path dir) throws IOException {
    Path checkpoints = dir.resolve("checkpoints");
    new CheckpointStore(checkpoints).save(1, "f", List.of(), network, optimizer);
    List<float[]> saved = weights();
    Path previous = checkpoints.resolve("epoch-0001");
    List<String> previousFiles = entries(previous);
    for (Pair<String, Parameter> p : network.parameters()) {
      p.getValue().getArray().muli(3);
    }

    CheckpointStore full =
        new CheckpointStore(checkpoints, fullAfter(fullWhileWriting, bytesBeforeFull));
    UncheckedIOException error =
        assertThrows(
            UncheckedIOException.class, () -> full.save(2, "f", List.of(), network, optimizer));

    String message = error.getMessage();
    assertTrue(message.contains(fullWhileWriting), message);
    assertTrue(message.contains("No space left on device"), message);
    assertTrue(message.contains("previous checkpoint " + previous + " is intact"), message);
    assertTrue(message.contains("Free space on the volume holding " + checkpoints), message);
    assertTrue(message.contains("choose another output directory"), message);
    assertEquals(List.of("epoch-0001"), entries(checkpoints), "no partial or staging directory");
    assertEquals(previousFiles, entries(previous), "previous checkpoint untouched");

    CheckpointStore next = new CheckpointStore(checkpoints);
    assertEquals(previous, next.latest().orElseThrow());
    assertEquals(1, next.readState(previous).epoch());
    next.restore(previous, network, optimizer);
    List<float[]> restored = weights();
    for (int i = 0; i < saved.size(); i++) {
      assertArrayEquals(saved.get(i), restored.get(i), "parameter " + i);
    }
  }

  @ParameterizedTest
  @CsvSource({"optimizer.bin", "state.json"})
  void aFullDiskOnTheFirstCheckpointLeavesNothingBehind(
      String fullWhileWriting, @TempDir Path dir) {
    Path checkpoints = dir.resolve("checkpoints");
    CheckpointStore full = new CheckpointStore(checkpoints, fullAfter(fullWhileWriting, 0));
    UncheckedIOException error =
        assertThrows(
            UncheckedIOException.class, () -> full.save(1, "f", List.of(), network, optimizer));
    assertTrue(error.getMessage().contains("No earlier checkpoint exists."), error.getMessage());
    assertTrue(full.latest().isEmpty());
    assertEquals(0, checkpoints.toFile().list().length, "staging directory removed");
  }

  /** The network's own model writer hitting a full disk after part of the file. */
  private static TrainableClassifier modelWriterOnAFullDisk(Network network) {
    return new ForwardingTrainableClassifier(network) {
      @Override
      public void save(Path file) throws IOException {
        Files.write(file, new byte[100]);
        throw new IOException("No space left on device");
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void aFullDiskWhileWritingTheModelFileKeepsThePreviousCheckpoint(@TempDir Path dir)
      throws IOException {
    Path checkpoints = dir.resolve("checkpoints");
    CheckpointStore store = new CheckpointStore(checkpoints);
    store.save(1, "f", List.of(), network, optimizer);
    Path previous = checkpoints.resolve("epoch-0001");
    byte[] previousModel = Files.readAllBytes(previous.resolve(network.modelFileName()));

    UncheckedIOException error =
        assertThrows(
            UncheckedIOException.class,
            () -> store.save(2, "f", List.of(), modelWriterOnAFullDisk(network), optimizer));

    String message = error.getMessage();
    assertTrue(message.contains(network.modelFileName() + ": No space left on device"), message);
    assertTrue(message.contains("previous checkpoint " + previous + " is intact"), message);
    assertEquals(List.of("epoch-0001"), entries(checkpoints), "no partial or staging directory");
    assertArrayEquals(previousModel, Files.readAllBytes(previous.resolve(network.modelFileName())));
    store.restore(store.latest().orElseThrow(), network, optimizer);
  }
}
