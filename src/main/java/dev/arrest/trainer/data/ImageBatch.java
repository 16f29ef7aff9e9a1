package dev.arrest.trainer.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One batch: {@code images} float32 [B, C, H, W] in [0, 1] and {@code labels} int64 [B], both owned
 * by {@code manager}, a sub-manager created for this batch alone.
 *
 * <p>Closing the batch closes that manager, which frees the two arrays and everything else attached
 * to it, including results of operations on them. Copy out (e.g. {@code getFloat()}) or {@code
 * attach} elsewhere anything that must outlive the batch.
 */
public record ImageBatch(NDManager manager, NDArray images, NDArray labels)
    implements AutoCloseable {

  /** Number of examples, B. */
  public int size() {
    return Math.toIntExact(labels.getShape().get(0));
  }

  @Override
  public void close() {
    manager.close();
  }
}
