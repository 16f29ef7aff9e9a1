package dev.arrest.trainer.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads a model's parameters, BatchNorm running statistics included.
 *
 * <p>File layout: a magic string, a format version, the model's {@link
 * RepresentationClassifier#description()}, a manifest of every parameter's path and shape, DJL's
 * {@code Block.saveParameters} stream, and a CRC-32 of everything before it (DJL's stream has no
 * checksum, so a flipped bit in a weight would otherwise load silently). The header is checked
 * against the target model first, because DJL's own loader matches parameters by their short names
 * only ("weight", "gamma", ...) and accepts any shape. The stream is then loaded into a staging
 * copy, not into the model itself, because DJL's loader replaces parameter arrays that a {@code
 * ParameterStore} may have cached.
 */
public final class ModelCheckpointIO {

  private static final String MAGIC = "ARREST-MODEL-CHECKPOINT";
  private static final int FORMAT_VERSION = 1;
  private static final int BUFFER_BYTES = 1 << 16;

  private ModelCheckpointIO() {}

  /**
   * Writes the parameters of an initialized model to {@code file} atomically: readers see either
   * the previous file or the complete new one, never a partial write.
   */
  public static void save(RepresentationClassifier model, Path file) throws IOException {
    if (!model.isInitialized()) {
      throw new IllegalStateException(
          "cannot save " + model.description() + " to " + file + ": model is not initialized");
    }
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        CheckedOutputStream checked =
            new CheckedOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES),
                new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        writeHeader(model, out);
        model.saveParameters(out);
        out.writeLong(checked.getChecksum().getValue());
        out.flush();
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Loads parameters saved by {@link #save} into {@code model}, initializing it on {@code manager}
   * first if needed.
   *
   * <p>The file is read in full into a staging copy of the model and checked before any value is
   * copied, so on failure the model is untouched. Values are copied into the existing parameter
   * arrays rather than replacing them, so a {@code ParameterStore}, trainer or optimizer that
   * already holds those arrays sees the loaded values, and gradient flags are kept.
   *
   * @throws IncompatibleCheckpointException naming the file, if it is not a checkpoint, is
   *     truncated or corrupt, or was saved from a different architecture or shape
   */
  public static void load(RepresentationClassifier model, NDManager manager, Path file)
      throws IOException {
    if (!model.isInitialized()) {
      model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
    }
    PairList<String, Parameter> target = model.getParameters();
    try (InputStream raw = Files.newInputStream(file);
        NDManager staging = manager.newSubManager()) {
      CheckedInputStream checked =
          new CheckedInputStream(new BufferedInputStream(raw, BUFFER_BYTES), new CRC32());
      DataInputStream in = new DataInputStream(checked);
      checkHeader(model, target, in, file);
      RepresentationClassifier staged = model.freshCopy();
      try {
        staged.loadParameters(staging, in);
      } catch (MalformedModelException | EOFException | RuntimeException e) {
        // Past a valid header, any decoding failure (DJL reports some as runtime exceptions)
        // means the parameter stream is damaged.
        throw new IncompatibleCheckpointException("checkpoint " + file + " is corrupt: " + e, e);
      }
      long computed = checked.getChecksum().getValue();
      try {
        if (in.readLong() != computed) {
          throw new IncompatibleCheckpointException(
              "checkpoint " + file + " is corrupt: checksum mismatch");
        }
      } catch (EOFException e) {
        throw new IncompatibleCheckpointException("checkpoint " + file + " is truncated", e);
      }
      if (in.read() != -1) {
        throw new IncompatibleCheckpointException(
            "checkpoint "
                + file
                + " has trailing data after the parameters of "
                + model.description());
      }
      PairList<String, Parameter> loaded = staged.getParameters();
      checkSameLayout(target, loaded, file, model);
      for (int i = 0; i < target.size(); i++) {
        loaded.valueAt(i).getArray().copyTo(target.valueAt(i).getArray());
      }
    }
  }

  private static void writeHeader(RepresentationClassifier model, DataOutputStream out)
      throws IOException {
    out.writeUTF(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeUTF(model.description());
    PairList<String, Parameter> parameters = model.getParameters();
    out.writeInt(parameters.size());
    for (Pair<String, Parameter> entry : parameters) {
      out.writeUTF(entry.getKey());
      out.write(entry.getValue().getArray().getShape().getEncoded());
    }
  }

  private static void checkHeader(
      RepresentationClassifier model,
      PairList<String, Parameter> parameters,
      DataInputStream in,
      Path file)
      throws IOException {
    try {
      String magic = readMagic(in);
      if (!MAGIC.equals(magic)) {
        throw new IncompatibleCheckpointException(file + " is not an ARREST model checkpoint");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IncompatibleCheckpointException(
            "checkpoint "
                + file
                + " has format version "
                + version
                + ", this build reads "
                + FORMAT_VERSION);
      }
      String saved = in.readUTF();
      if (!saved.equals(model.description())) {
        throw new IncompatibleCheckpointException(
            "checkpoint "
                + file
                + " holds "
                + saved
                + ", cannot load it into "
                + model.description());
      }
      int count = in.readInt();
      List<String> problems = new ArrayList<>();
      if (count != parameters.size()) {
        problems.add(count + " parameters saved, model has " + parameters.size());
      }
      for (int i = 0; i < count && problems.isEmpty(); i++) {
        String name = in.readUTF();
        Shape shape = Shape.decode(in);
        String expectedName = parameters.keyAt(i);
        Shape expectedShape = parameters.valueAt(i).getArray().getShape();
        if (!name.equals(expectedName) || !shape.equals(expectedShape)) {
          problems.add(
              "parameter "
                  + i
                  + " is "
                  + name
                  + " "
                  + shape
                  + ", model expects "
                  + expectedName
                  + " "
                  + expectedShape);
        }
      }
      if (!problems.isEmpty()) {
        throw new IncompatibleCheckpointException(
            "checkpoint "
                + file
                + " does not match "
                + model.description()
                + ": "
                + problems.get(0));
      }
    } catch (EOFException e) {
      throw new IncompatibleCheckpointException("checkpoint " + file + " is truncated", e);
    }
  }

  /** Guards against a stream that matched the header but decoded to other shapes. */
  private static void checkSameLayout(
      PairList<String, Parameter> target,
      PairList<String, Parameter> loaded,
      Path file,
      RepresentationClassifier model)
      throws IncompatibleCheckpointException {
    for (int i = 0; i < target.size(); i++) {
      Shape expected = target.valueAt(i).getArray().getShape();
      Parameter parameter = i < loaded.size() ? loaded.valueAt(i) : null;
      Shape actual =
          parameter != null && parameter.isInitialized() ? parameter.getArray().getShape() : null;
      if (!expected.equals(actual)) {
        throw new IncompatibleCheckpointException(
            "checkpoint "
                + file
                + " decoded "
                + target.keyAt(i)
                + " as "
                + actual
                + ", but "
                + model.description()
                + " has "
                + expected);
      }
    }
  }

  /** Reads the magic string, treating bytes that are not modified UTF-8 as a mismatch. */
  private static String readMagic(DataInputStream in) throws IOException {
    try {
      return in.readUTF();
    } catch (UTFDataFormatException e) {
      return "";
    }
  }
}
