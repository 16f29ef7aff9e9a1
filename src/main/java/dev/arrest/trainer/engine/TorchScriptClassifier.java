package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A user's TorchScript image classifier, so that its robustness can be measured with the same
 * attacks as this trainer's models (and compared with other tools on the same file), and so that
 * ARREST can finetune it. Convention (docs/torchscript.md): {@code forward} takes float32 [B, C, H,
 * W] pixels in [0, 1] with any normalization inside the module, and returns the logits [B, classes]
 * or a tuple (logits, features [B, D]).
 *
 * <p>Why not {@code PtSymbolBlock.forward}: with training=false DJL runs the module under inference
 * mode, where no gradient reaches the input, and with training=true it switches the module to train
 * mode (batch statistics in batch-norm, dropout on). Attacks need eval mode with autograd. So this
 * class sets the module's mode itself ({@code JniUtils.enableInferenceMode} is {@code
 * module.eval()}) and always runs the module through {@code IValueUtils.forward(..., true)}, which
 * only means "do not disable autograd"; outside a gradient collector DJL keeps autograd off, so
 * plain evaluation builds no graph. The module is loaded with trainable parameters because
 * inference-mode tensors cannot take part in a backward pass at all; for evaluation ({@link #load})
 * their gradients are then switched off for good, for finetuning ({@link #loadTrainable}) they are
 * switched by {@link #setFrozen} like those of this trainer's own models.
 *
 * <p>Loading a module turns libtorch's oneDNN convolutions off for the process: on AVX2 and AVX-512
 * CPUs they return wrong input gradients for some channel counts ({@link OneDnnConvolutions}).
 */
public final class TorchScriptClassifier implements TrainableClassifier {
  private final NDManager manager;
  private final Shape imageShape;
  private final boolean trainable;
  private NDManager moduleManager;
  private PtSymbolBlock module;
  private List<Pair<String, Parameter>> parameters;
  private int numClasses;
  private boolean returnsFeatures;
  private Boolean trainMode;
  private boolean frozen;

  private TorchScriptClassifier(NDManager manager, Shape imageShape, boolean trainable) {
    this.manager = manager;
    this.imageShape = imageShape;
    this.trainable = trainable;
  }

  /**
   * Loads a module for evaluation: eval mode, parameters never take gradients.
   *
   * @param file a module saved with {@code torch.jit.save}
   * @param imageShape [C, H, W] of the data it will see, to check the module's outputs once
   */
  public static TorchScriptClassifier load(Path file, NDManager parent, Shape imageShape) {
    return open(file, parent, imageShape, false);
  }

  /**
   * Loads a module to finetune: its parameters take gradients until {@link #setFrozen}, {@code
   * forward(x, true)} runs it in train mode, and {@link #save} writes it back as TorchScript.
   */
  public static TorchScriptClassifier loadTrainable(Path file, NDManager parent, Shape imageShape) {
    return open(file, parent, imageShape, true);
  }

  private static TorchScriptClassifier open(
      Path file, NDManager parent, Shape imageShape, boolean trainable) {
    // Any channel count can be in a user's module; oneDNN's are not all right (see the class).
    OneDnnConvolutions.turnOff();
    NDManager manager = parent.newSubManager();
    try {
      TorchScriptClassifier classifier = new TorchScriptClassifier(manager, imageShape, trainable);
      classifier.replaceModule(file);
      return classifier;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Loads the module in the file in place of the current one, and checks its outputs. */
  private void replaceModule(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "TorchScript model " + file.toAbsolutePath() + " does not exist");
    }
    NDManager newManager = manager.newSubManager();
    PtSymbolBlock newModule;
    try {
      newModule =
          JniUtils.loadModule(
              (PtNDManager) newManager, file, false, new String[0], new String[0], true);
    } catch (RuntimeException e) {
      newManager.close();
      throw new IllegalArgumentException(
          "TorchScript model "
              + file.toAbsolutePath()
              + " is not a TorchScript module libtorch can load ("
              + firstLine(e.getMessage())
              + "). Save the model from PyTorch with torch.jit.save(torch.jit.script(model), path)"
              + " (docs/torchscript.md).",
          e);
    }
    install(newModule, newManager);
    checkOutputs(file);
  }

  /**
   * The whole module (parameters and buffers) in torch.jit.save's format, for {@link #replaceWith}.
   */
  byte[] moduleBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JniUtils.writeModule(module, bytes, false);
    return bytes.toByteArray();
  }

  /**
   * Replaces the module with {@link #moduleBytes} of a copy of the same module (possibly on another
   * device), mapped onto this classifier's device; mode and frozen state stay as they were. This is
   * the only way to copy a TorchScript module's buffers (batch-norm running statistics), which DJL
   * does not expose. Parameter arrays are replaced: ask {@link #parameters} again afterwards.
   */
  void replaceWith(byte[] moduleBytes) {
    NDManager newManager = manager.newSubManager();
    PtSymbolBlock newModule;
    try {
      newModule =
          JniUtils.loadModule(
              (PtNDManager) newManager, new ByteArrayInputStream(moduleBytes), true, false);
    } catch (IOException | RuntimeException e) {
      newManager.close();
      throw new IllegalStateException(
          "cannot copy the TorchScript module onto " + newManager.getDevice(), e);
    }
    Boolean mode = trainMode;
    install(newModule, newManager);
    setTrainMode(mode != null && mode);
    applyRequiresGradient(trainable && !frozen);
  }

  /**
   * Whether a training-mode pass changes what the module computes in eval mode, i.e. it keeps
   * running state such as batch-norm statistics. Found on a throwaway copy with a fixed input, so
   * this module is left as it was.
   */
  boolean trainingChangesEvalOutputs() {
    TorchScriptClassifier copy =
        new TorchScriptClassifier(manager.newSubManager(), imageShape, false);
    try {
      copy.replaceWith(moduleBytes());
      copy.returnsFeatures = returnsFeatures;
      NDArray probe =
          copy.manager
              .linspace(0f, 1f, (int) (2 * imageShape.size()))
              .reshape(new Shape(2).addAll(imageShape));
      float[] before = copy.forward(probe, false).logits().toFloatArray();
      copy.forward(probe, true);
      float[] after = copy.forward(probe, false).logits().toFloatArray();
      return !Arrays.equals(before, after);
    } finally {
      copy.close();
    }
  }

  private void install(PtSymbolBlock newModule, NDManager newManager) {
    if (module != null) {
      module.close();
      moduleManager.close();
    }
    module = newModule;
    moduleManager = newManager;
    parameters = module.getParameters().stream().toList();
    trainMode = null;
    setTrainMode(false);
    applyRequiresGradient(false);
  }

  /** Runs two blank images through the module to learn its classes and whether it has features. */
  private void checkOutputs(Path file) {
    Shape probeShape = new Shape(2).addAll(imageShape);
    try (NDManager probe = manager.newSubManager()) {
      NDList out;
      try {
        out = run(probe.zeros(probeShape));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "TorchScript model "
                + file.toAbsolutePath()
                + " fails on float32 images "
                + probeShape
                + " ("
                + firstLine(e.getMessage())
                + "). Its forward must take [B, C, H, W] pixels in [0, 1] of this dataset"
                + " (docs/torchscript.md).",
            e);
      }
      NDArray logits = out.get(0);
      if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != 2) {
        throw new IllegalArgumentException(
            "TorchScript model "
                + file.toAbsolutePath()
                + " must return logits [B, classes] (or a tuple (logits, features)); for input "
                + probeShape
                + " it returned "
                + out.getShapes()[0]
                + ". Change its forward to return the logits (docs/torchscript.md).");
      }
      numClasses = (int) logits.getShape().get(1);
      returnsFeatures =
          out.size() > 1
              && out.get(1).getShape().dimension() == 2
              && out.get(1).getShape().get(0) == 2;
    }
    applyRequiresGradient(trainable && !frozen);
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    setTrainMode(training);
    NDList out = run(images);
    return new Outputs(out.get(0), returnsFeatures ? out.get(1) : null);
  }

  /**
   * Frozen parameters take no gradient. A module loaded for evaluation stays frozen whatever is
   * asked: attacks that unfreeze the model after them leave it so.
   */
  @Override
  public void setFrozen(boolean frozen) {
    this.frozen = frozen;
    applyRequiresGradient(trainable && !frozen);
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  /**
   * Whether the module returns (logits, features), the convention for exposing its representation.
   */
  public boolean returnsFeatures() {
    return returnsFeatures;
  }

  @Override
  public List<Pair<String, Parameter>> parameters() {
    return parameters;
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public String description() {
    return String.format(
        "TorchScript module %s -> %d classes%s",
        imageShape.toString().replace("(", "").replace(")", "").replace(", ", "x"),
        numClasses,
        returnsFeatures ? " (with features)" : "");
  }

  @Override
  public String modelFileName() {
    return "model.pt";
  }

  /**
   * Writes the module with torch.jit.save's format (parameters and buffers such as batch-norm
   * running statistics), so PyTorch can load the result; atomically, via a temporary file.
   */
  @Override
  public void save(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path staging = Files.createTempFile(directory, ".model-", ".pt.tmp");
    try {
      try (FileChannel channel = FileChannel.open(staging, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
        JniUtils.writeModule(module, out, false);
        out.flush();
        // On disk before the rename, like the other checkpoint files.
        channel.force(true);
      }
      Files.move(
          staging, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staging);
    }
  }

  /**
   * Reloads the whole module from a file written by {@link #save} (DJL exposes a module's
   * parameters but not its buffers, so they cannot be restored in place). Parameter arrays are
   * replaced: ask {@link #parameters} again afterwards.
   */
  @Override
  public void load(Path file) throws IOException {
    int classes = numClasses;
    try {
      replaceModule(file);
    } catch (RuntimeException e) {
      throw new IOException("cannot load TorchScript module " + file + ": " + e.getMessage(), e);
    }
    if (numClasses != classes) {
      throw new IOException(
          file + " has " + numClasses + " classes, the module it replaces had " + classes);
    }
  }

  /** libtorch's messages continue with a C++ backtrace, which does not help the user. */
  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no reason given";
    }
    return message.strip().lines().findFirst().orElse(message);
  }

  @Override
  public void close() {
    if (module != null) {
      module.close();
      moduleManager.close();
    }
    manager.close();
  }

  private NDList run(NDArray images) {
    return IValueUtils.forward(module, new NDList(images), true);
  }

  private void applyRequiresGradient(boolean requiresGradient) {
    for (Pair<String, Parameter> parameter : parameters) {
      parameter.getValue().getArray().setRequiresGradient(requiresGradient);
    }
  }

  private void setTrainMode(boolean train) {
    if (trainMode == null || trainMode != train) {
      if (train) {
        JniUtils.enableTrainingMode(module);
      } else {
        JniUtils.enableInferenceMode(module);
      }
      trainMode = train;
    }
  }
}
