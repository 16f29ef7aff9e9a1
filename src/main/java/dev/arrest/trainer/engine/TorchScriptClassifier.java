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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A user's TorchScript image classifier, so that its robustness can be measured with the same
 * attacks as this trainer's models (and compared with other tools on the same file). Convention
 * (docs/torchscript.md): {@code forward} takes float32 [B, C, H, W] pixels in [0, 1] with any
 * normalization inside the module, and returns the logits [B, classes] or a tuple (logits, features
 * [B, D]).
 *
 * <p>Why not {@code PtSymbolBlock.forward}: with training=false DJL runs the module under inference
 * mode, where no gradient reaches the input, and with training=true it switches the module to train
 * mode (batch statistics in batch-norm, dropout on). Attacks need eval mode with autograd. So this
 * class sets the module's mode itself ({@code JniUtils.enableInferenceMode} is {@code
 * module.eval()}) and always runs the module through {@code IValueUtils.forward(..., true)}, which
 * only means "do not disable autograd"; outside a gradient collector DJL keeps autograd off, so
 * plain evaluation builds no graph. The module is loaded with trainable parameters because
 * inference-mode tensors cannot take part in a backward pass at all; their gradients are then
 * switched off for good.
 */
public final class TorchScriptClassifier implements Classifier {
  private final NDManager manager;
  private final PtSymbolBlock module;
  private final int numClasses;
  private final boolean returnsFeatures;
  private Boolean trainMode;

  private TorchScriptClassifier(NDManager manager, PtSymbolBlock module, Shape imageShape) {
    this.manager = manager;
    this.module = module;
    setTrainMode(false);
    for (Pair<String, Parameter> parameter : module.getParameters()) {
      parameter.getValue().getArray().setRequiresGradient(false);
    }
    try (NDManager probe = manager.newSubManager()) {
      NDList out = run(probe.zeros(new Shape(2).addAll(imageShape)));
      NDArray logits = out.get(0);
      if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != 2) {
        throw new IllegalArgumentException(
            "a TorchScript classifier must return logits [B, classes] (or a tuple"
                + " (logits, features)); for input [2, "
                + imageShape
                + "] it returned "
                + out.getShapes()[0]);
      }
      this.numClasses = (int) logits.getShape().get(1);
      this.returnsFeatures =
          out.size() > 1
              && out.get(1).getShape().dimension() == 2
              && out.get(1).getShape().get(0) == 2;
    }
  }

  /**
   * @param file a module saved with {@code torch.jit.save}
   * @param imageShape [C, H, W] of the data it will see, to check the module's outputs once
   */
  public static TorchScriptClassifier load(Path file, NDManager parent, Shape imageShape) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "TorchScript model " + file.toAbsolutePath() + " does not exist");
    }
    NDManager manager = parent.newSubManager();
    try {
      PtSymbolBlock module =
          JniUtils.loadModule(
              (PtNDManager) manager, file, false, new String[0], new String[0], true);
      return new TorchScriptClassifier(manager, module, imageShape);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    setTrainMode(training);
    NDList out = run(images);
    return new Outputs(out.get(0), returnsFeatures ? out.get(1) : null);
  }

  /**
   * A module loaded for evaluation stays frozen: attacks that unfreeze the model after them leave
   * it so.
   */
  @Override
  public void setFrozen(boolean frozen) {}

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

  public List<Pair<String, Parameter>> parameters() {
    return module.getParameters().stream().toList();
  }

  @Override
  public void close() {
    module.close();
    manager.close();
  }

  private NDList run(NDArray images) {
    return IValueUtils.forward(module, new NDList(images), true);
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
