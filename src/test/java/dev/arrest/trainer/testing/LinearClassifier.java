package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;

/**
 * logits = W x + b on flattened images: a model whose robustness is known in closed form. Away from
 * the [0, 1] box, the smallest perturbation that makes class k beat the label y has norm (z_y -
 * z_k) / ||w_y - w_k||_q, with q the dual norm (L1 for L-inf budgets, L2 for L2 budgets).
 * Optionally quantizes its input to {@code levels} steps first, which zeroes every input gradient
 * while leaving the decision unchanged: gradient masking by construction.
 */
public final class LinearClassifier implements Classifier {
  private final NDManager manager;
  private final double[][] weights;
  private final double[] biases;
  private final NDArray weightArray;
  private final NDArray biasArray;
  private final int quantizationLevels;

  /**
   * @param quantizationLevels 0 for none, else inputs are rounded to multiples of 1 / levels
   */
  public LinearClassifier(
      NDManager parent, double[][] weights, double[] biases, int quantizationLevels) {
    this.manager = parent.newSubManager();
    this.weights = weights;
    this.biases = biases;
    int classes = weights.length;
    int pixels = weights[0].length;
    float[] flat = new float[classes * pixels];
    float[] bias = new float[classes];
    for (int k = 0; k < classes; k++) {
      for (int i = 0; i < pixels; i++) {
        flat[k * pixels + i] = (float) weights[k][i];
      }
      bias[k] = (float) biases[k];
    }
    this.weightArray = manager.create(flat, new Shape(classes, pixels));
    this.biasArray = manager.create(bias);
    this.quantizationLevels = quantizationLevels;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    NDArray flat = images.reshape(images.getShape().get(0), -1);
    if (quantizationLevels > 0) {
      flat = flat.mul(quantizationLevels).round().div(quantizationLevels);
    }
    return new Outputs(flat.matMul(weightArray.transpose()).add(biasArray), null);
  }

  /** Logits of one flattened image, in double precision. */
  public double[] logits(float[] image) {
    double[] z = biases.clone();
    for (int k = 0; k < weights.length; k++) {
      for (int i = 0; i < image.length; i++) {
        double x =
            quantizationLevels > 0
                ? Math.rint(image[i] * quantizationLevels) / quantizationLevels
                : image[i];
        z[k] += weights[k][i] * x;
      }
    }
    return z;
  }

  /**
   * The exact distance from an image to the nearest decision boundary of the classifier when the
   * box does not bind (no quantization): min over k != y of (z_y - z_k) / ||w_y - w_k||_dual.
   */
  public double boundaryDistance(float[] image, int label, Norm norm) {
    double[] z = logits(image);
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      if (k == label) {
        continue;
      }
      double dual = 0;
      for (int i = 0; i < image.length; i++) {
        double d = Math.abs(weights[label][i] - weights[k][i]);
        dual += norm == Norm.LINF ? d : d * d;
      }
      dual = norm == Norm.LINF ? dual : Math.sqrt(dual);
      best = Math.min(best, (z[label] - z[k]) / dual);
    }
    return best;
  }

  @Override
  public void setFrozen(boolean frozen) {
    // No parameters: weights are constants that never require gradients.
  }

  @Override
  public int numClasses() {
    return weights.length;
  }

  @Override
  public void close() {
    manager.close();
  }
}
