package dev.arrest.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An image classifier that also returns its latent representation, the contract the ARREST trainer
 * relies on.
 *
 * <p>{@code forward(store, NDList(x), training)} takes float32 pixels {@code x} in [0, 1], shaped
 * [B, C, H, W], and returns {@code NDList(logits [B, classes], features [B, D])}. The features are
 * exactly the input of the final linear layer. Input normalization is the first operation inside
 * the model. {@code training=true} uses batch statistics and updates the BatchNorm running
 * statistics (and enables dropout); {@code training=false} is eval mode.
 */
public abstract class RepresentationClassifier extends AbstractBlock {

  private static final byte VERSION = 1;

  private final InputNormalization normalization;
  private final Block backbone;
  private final Linear head;
  private final Shape imageShape;
  private final int featureDimension;
  private final int numClasses;

  /**
   * @param normalization the input normalization, applied first
   * @param backbone maps normalized [B, C, H, W] images to [B, featureDimension] features
   * @param imageShape the [C, H, W] shape the model is built for
   * @param featureDimension the width of the backbone output
   * @param numClasses the number of logits
   */
  protected RepresentationClassifier(
      InputNormalization normalization,
      Block backbone,
      Shape imageShape,
      int featureDimension,
      int numClasses) {
    super(VERSION);
    if (imageShape.dimension() != 3 || imageShape.get(0) != normalization.channels()) {
      throw new IllegalArgumentException(
          "image shape must be [C, H, W] with C = "
              + normalization.channels()
              + ", got "
              + imageShape);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
    }
    this.normalization = addChildBlock("normalization", normalization);
    this.backbone = addChildBlock("backbone", backbone);
    this.head = addChildBlock("head", Layers.linear(numClasses));
    this.imageShape = imageShape;
    this.featureDimension = featureDimension;
    this.numClasses = numClasses;
  }

  /** The architecture, e.g. {@code wide-resnet-34-10}; checkpoints are tied to it. */
  public abstract String architecture();

  /**
   * A new, uninitialized model with the same architecture, sizes and normalization, e.g. to hold a
   * frozen teacher copy or to stage a checkpoint.
   */
  public abstract RepresentationClassifier freshCopy();

  public final int featureDimension() {
    return featureDimension;
  }

  public final int numClasses() {
    return numClasses;
  }

  /** The [C, H, W] image shape the model is built for. */
  public final Shape imageShape() {
    return imageShape;
  }

  final int channels() {
    return (int) imageShape.get(0);
  }

  final int height() {
    return (int) imageShape.get(1);
  }

  final int width() {
    return (int) imageShape.get(2);
  }

  /** The input shape [batchSize, C, H, W], e.g. to {@link #initialize} the model. */
  public final Shape inputShape(long batchSize) {
    return new Shape(batchSize).addAll(imageShape);
  }

  /** Architecture plus input and output sizes: two models with equal descriptions are swappable. */
  public final String description() {
    return architecture()
        + " "
        + imageShape.get(0)
        + "x"
        + imageShape.get(1)
        + "x"
        + imageShape.get(2)
        + " -> "
        + numClasses
        + " classes";
  }

  public final InputNormalization normalization() {
    return normalization;
  }

  /** The final linear layer: logits = features @ weight^T + bias. */
  public final Linear head() {
    return head;
  }

  /** Number of scalars trained by gradient descent (BatchNorm running statistics excluded). */
  public final long trainableParameterCount() {
    long count = 0;
    for (Parameter parameter : getParameters().values()) {
      if (parameter.requiresGradient()) {
        count += parameter.getShape().size();
      }
    }
    return count;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList normalized = normalization.forward(parameterStore, inputs, training, params);
    NDArray features = backbone.forward(parameterStore, normalized, training, params).head();
    NDArray logits = head.forward(parameterStore, new NDList(features), training, params).head();
    return new NDList(logits, features);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {new Shape(batch, numClasses), new Shape(batch, featureDimension)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape input = inputShapes[0];
    if (input.dimension() != 4 || !input.slice(1).equals(imageShape)) {
      throw new IllegalArgumentException(
          description()
              + " expects input [B, "
              + imageShape.get(0)
              + ", "
              + imageShape.get(1)
              + ", "
              + imageShape.get(2)
              + "], got "
              + input);
    }
    normalization.initialize(manager, dataType, inputShapes);
    backbone.initialize(manager, dataType, inputShapes);
    Shape[] featureShapes = backbone.getOutputShapes(inputShapes);
    if (!featureShapes[0].equals(new Shape(input.get(0), featureDimension))) {
      throw new IllegalStateException(
          architecture()
              + " backbone produces "
              + featureShapes[0]
              + ", expected [B, "
              + featureDimension
              + "]");
    }
    head.initialize(manager, dataType, featureShapes);
  }
}
