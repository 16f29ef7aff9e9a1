package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/** Mini-batches of a training set, in a deterministic order for each epoch so a resumed stage sees the same data. */
public interface BatchSource {

  int batchesPerEpoch();

  /** The epoch's batches; each batch's arrays are created on the manager passed to {@link Iterator#next} callers. */
  Iterator<Batch> epoch(int epoch);

  /** Creates a batch's arrays on the given manager; called once per batch. */
  interface Batch {
    LabeledImages materialize(NDManager manager);
  }

  /** Images float32 [B, C, H, W] in [0, 1] and labels int64 [B]. */
  record LabeledImages(NDArray images, NDArray labels) {}
}
