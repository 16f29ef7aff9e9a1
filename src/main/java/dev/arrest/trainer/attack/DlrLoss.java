package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * The difference-of-logits-ratio losses of Croce and Hein (2020), per example, to be maximized.
 * Both are invariant to shifting and rescaling the logits, which is what makes them robust to the
 * logit scaling that defeats cross-entropy.
 */
public final class DlrLoss {
  private DlrLoss() {}

  /**
   * -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12), with z_pi the logits sorted decreasingly;
   * needs >= 3 classes.
   */
  public static NDArray untargeted(NDArray logits, NDArray labels) {
    int classes = classes(logits, 3, "DLR");
    NDArray sorted = logits.sort(1);
    NDArray first = column(sorted, classes - 1);
    NDArray second = column(sorted, classes - 2);
    NDArray third = column(sorted, classes - 3);
    NDArray trueLogit = pick(logits, labels, classes);
    NDArray bestOther = NDArrays.where(logits.argMax(1).eq(labels), second, first);
    return trueLogit.sub(bestOther).div(first.sub(third).add(1e-12)).neg();
  }

  /** -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12); needs >= 4 classes. */
  public static NDArray targeted(NDArray logits, NDArray labels, NDArray targets) {
    int classes = classes(logits, 4, "targeted DLR");
    NDArray sorted = logits.sort(1);
    NDArray first = column(sorted, classes - 1);
    NDArray third = column(sorted, classes - 3);
    NDArray fourth = column(sorted, classes - 4);
    NDArray difference = pick(logits, labels, classes).sub(pick(logits, targets, classes));
    return difference.div(first.sub(third.add(fourth).mul(0.5)).add(1e-12)).neg();
  }

  private static int classes(NDArray logits, int minimum, String loss) {
    int classes = (int) logits.getShape().get(1);
    if (classes < minimum) {
      throw new IllegalArgumentException(
          "the " + loss + " loss needs at least " + minimum + " classes, the model has " + classes);
    }
    return classes;
  }

  private static NDArray column(NDArray matrix, int index) {
    return matrix.get(":, " + index);
  }

  private static NDArray pick(NDArray logits, NDArray classes, int count) {
    return logits.mul(classes.oneHot(count, DataType.FLOAT32)).sum(new int[] {1});
  }
}
