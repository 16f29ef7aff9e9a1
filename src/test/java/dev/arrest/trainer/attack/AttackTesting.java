package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Classifier;

/** Batches and predictions for attack tests. */
final class AttackTesting {
  private AttackTesting() {}

  static AttackBatch batch(NDManager manager, ImageDataset data, int[] ids) {
    int pixels = data.shape().size();
    float[] images = new float[ids.length * pixels];
    long[] labels = new long[ids.length];
    for (int e = 0; e < ids.length; e++) {
      data.copyImage(ids[e], images, e * pixels);
      labels[e] = data.label(ids[e]);
    }
    Shape shape =
        new Shape(ids.length, data.shape().channels(), data.shape().height(), data.shape().width());
    return new AttackBatch(
        manager.create(images, shape), manager.create(labels), ids, new AttackDiagnostics());
  }

  static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }

  static long[] predictions(Classifier model, NDArray images) {
    return model.forward(images, false).logits().argMax(1).toLongArray();
  }

  static float[] row(float[] flat, int e, int width) {
    return java.util.Arrays.copyOfRange(flat, e * width, (e + 1) * width);
  }
}
