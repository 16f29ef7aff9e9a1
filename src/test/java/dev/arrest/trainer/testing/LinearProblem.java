package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.data.ImageShape;
import java.util.Random;

/**
 * A random linear 10-class classifier on 1x28x28 images with pixels in [0.3, 0.7] and every label
 * equal to the prediction. Budgets below 0.3 (L-inf) never meet the [0, 1] box, so each example's
 * exact robustness radius is {@link LinearClassifier#boundaryDistance}.
 */
public final class LinearProblem {
  public static final int CLASSES = 10;
  public static final int PIXELS = 28 * 28;

  private final LinearClassifier model;
  private final ImageDataset data;

  private LinearProblem(LinearClassifier model, ImageDataset data) {
    this.model = model;
    this.data = data;
  }

  /**
   * @param quantizationLevels 0 for a plain linear model, else its inputs are quantized (zero
   *     gradients)
   */
  public static LinearProblem create(
      NDManager manager, int examples, long seed, int quantizationLevels) {
    Random random = new Random(seed);
    double[][] weights = new double[CLASSES][PIXELS];
    double[] biases = new double[CLASSES];
    for (int k = 0; k < CLASSES; k++) {
      for (int i = 0; i < PIXELS; i++) {
        weights[k][i] = random.nextGaussian() / Math.sqrt(PIXELS);
      }
    }
    return forModel(
        new LinearClassifier(manager, weights, biases, quantizationLevels), examples, random);
  }

  /** Random images for a given linear model, labelled with its predictions. */
  public static LinearProblem forModel(LinearClassifier model, int examples, long seed) {
    return forModel(model, examples, new Random(seed));
  }

  private static LinearProblem forModel(LinearClassifier model, int examples, Random random) {
    byte[] pixels = new byte[examples * PIXELS];
    int[] labels = new int[examples];
    float[] image = new float[PIXELS];
    for (int e = 0; e < examples; e++) {
      for (int i = 0; i < PIXELS; i++) {
        int value = 77 + random.nextInt(102); // 0.302 .. 0.698
        pixels[e * PIXELS + i] = (byte) value;
        image[i] = value / 255f;
      }
      double[] z = model.logits(image);
      int best = 0;
      for (int k = 1; k < CLASSES; k++) {
        best = z[k] > z[best] ? k : best;
      }
      labels[e] = best;
    }
    return new LinearProblem(
        model, new ImageDataset("linear", new ImageShape(1, 28, 28), CLASSES, pixels, labels));
  }

  public LinearClassifier model() {
    return model;
  }

  public ImageDataset data() {
    return data;
  }

  /** Each example's exact distance to the decision boundary. */
  public double[] radii(Norm norm) {
    double[] radii = new double[data.size()];
    for (int e = 0; e < data.size(); e++) {
      radii[e] = model.boundaryDistance(data.image(e), data.label(e), norm);
    }
    return radii;
  }
}
