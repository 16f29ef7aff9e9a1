package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * In-place changes of parameter arrays across devices. In place, because DJL's blocks and the
 * optimizer hold the arrays themselves: replacing one would detach it from the model.
 */
public final class InPlace {
  private InPlace() {}

  /** target += source, moving source to target's device first. */
  public static void addOnto(NDArray target, NDArray source) {
    NDArray moved = source.toDevice(target.getDevice(), false);
    target.addi(moved);
    if (moved != source) {
      moved.close();
    }
  }

  /**
   * Overwrites target's values with source's (any device), bit for bit, keeping target's identity.
   */
  public static void copyInto(NDArray target, NDArray source) {
    NDArray moved = source.toDevice(target.getDevice(), false);
    if (target.getShape().dimension() == 0) {
      target.set(moved.toByteBuffer());
    } else {
      target.set(new NDIndex(":"), moved);
    }
    if (moved != source) {
      moved.close();
    }
  }
}
