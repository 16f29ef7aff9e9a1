package dev.arrest.trainer.eval;

import ai.djl.ndarray.NDManager;
import dev.arrest.trainer.train.BatchSource.LabeledImages;

/** A fixed, ordered set of test examples that can be read in slices. */
public interface EvaluationData {

  int size();

  /** Examples {@code [from, to)} as arrays on the given manager. */
  LabeledImages slice(int from, int to, NDManager manager);
}
