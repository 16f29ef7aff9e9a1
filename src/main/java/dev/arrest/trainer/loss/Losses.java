package dev.arrest.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Per-example losses on logits [B, classes] and int64 labels [B]; callers reduce them as they need.
 *
 * <p>Across the trainer, scalars passed to NDArray ops are floats: a double scalar times a 0-d
 * float32 tensor yields float64 in PyTorch.
 */
public final class Losses {
  private Losses() {}

  /** Cross-entropy of softmax(logits) against the labels, per example [B]. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray oneHot = labels.oneHot((int) logits.getShape().get(1), DataType.FLOAT32);
    return logProbabilities.mul(oneHot).sum(new int[] {1}).neg();
  }

  /** KL(softmax(reference) || softmax(logits)) per example [B], as in TRADES' robustness term. */
  public static NDArray klDivergence(NDArray referenceLogits, NDArray logits) {
    NDArray referenceLog = referenceLogits.logSoftmax(1);
    return referenceLog.exp().mul(referenceLog.sub(logits.logSoftmax(1))).sum(new int[] {1});
  }

  /** 1 where the prediction equals the label, else 0, per example [B] (float32). */
  public static NDArray correct(NDArray logits, NDArray labels) {
    return logits.argMax(1).eq(labels).toType(DataType.FLOAT32, false);
  }
}
